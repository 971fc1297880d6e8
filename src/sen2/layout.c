/*
 * layout.c — the two release layouts: which files, which rows and columns
 * each needs, and how the roles of sen2.h derive from those columns. The
 * mapping is documented in include/sendcast/sen2.h and docs/sen2.md; this
 * table is the one place it is written as code.
 *
 * A derived role takes its source (file and line) from the first column of
 * its formula that a row gave. It is NaN when any column of the formula is
 * missing ("no row") or suppressed (the release's code), except that in the
 * ceased sum a "z" (not applicable: no EHC plans in 2014, no statements from
 * 2019) counts 0. A difference below zero ("parts exceed the total") is NaN.
 */
#include "s2_internal.h"

#include "sendcast/alloc.h"

#include <math.h>
#include <string.h>

/* ---- the 2022 layout: sen2_mi.csv and sen2_estab_caseload.csv ---- */

enum {
    M_REQ, M_REFUSED, M_NEW, M_NONE, M_ASSESSED,
    M_DLEA, M_DMET, M_DOTH, M_DLEFT,        /* EHC plans discontinued */
    M_SLEA, M_SMET, M_SOTH, M_SLEFT,        /* statements discontinued */
    E_TOTAL, E_MS, E_MS_IND, E_SP, E_SP_IND, E_FE, E_AP,
    N2022
};

static const s2_colspec mi_cols[] = {
    { M_REQ, "InreqEHC", NULL, NULL },
    { M_REFUSED, "AssRefusedEHC", NULL, NULL },
    { M_NEW, "NewallEHC", NULL, NULL },
    { M_NONE, "AssnoneEHC", NULL, NULL },
    { M_ASSESSED, "NewallEHC_AssnoneEHC_sum", NULL, NULL },
    { M_DLEA, "DisleaEHC", NULL, NULL },
    { M_DMET, "DismetEHC", NULL, NULL },
    { M_DOTH, "DisothEHC", NULL, NULL },
    { M_DLEFT, "DisleftEHC", NULL, NULL },
    { M_SLEA, "Dislea", NULL, NULL },
    { M_SMET, "Dismet", NULL, NULL },
    { M_SOTH, "Disoth", NULL, NULL },
    { M_SLEFT, "Disleft", NULL, NULL },
};

/* Total_all (statements + EHC plans) of the rows of these types and groups. */
static const s2_colspec estab_cols[] = {
    { E_TOTAL, "Total_all", "Total", "Total" },
    { E_MS, "Total_all", "Total", "Mainstream school" },
    { E_MS_IND, "Total_all", "Mainstream - Independent", "Mainstream school" },
    { E_SP, "Total_all", "Total", "Special school" },
    { E_SP_IND, "Total_all", "Special - Independent", "Special school" },
    { E_FE, "Total_all", "Total", "Further education" },
    { E_AP, "Total_all", "Total", "Alternative provision/Pupil referral unit" },
};

/* ---- the 2025 layout: requests, assessments, newplans, caseload, ceased ---- */

enum {
    R_REQ, R_AGREED, R_REFUSED, A_ISSUED, A_NOT, N_NEW, C_CEASED,
    K_PLANS, K_MS, K_MS_IND, K_SP, K_SP_IND, K_FE, K_AP,
    N2025
};

static const s2_colspec req_cols[] = {
    { R_REQ, "requests_received_in_year", NULL, NULL },
    { R_AGREED, "requests_decided_to_assess", NULL, NULL },
    { R_REFUSED, "requests_decided_not_to_assess", NULL, NULL },
};
static const s2_colspec assess_cols[] = {
    { A_ISSUED, "assess_issued", NULL, NULL },
    { A_NOT, "assess_not_issued", NULL, NULL },
};
static const s2_colspec new_cols[] = {
    { N_NEW, "new_ehc_plans", NULL, NULL },
};
static const s2_colspec ceased_cols[] = {
    { C_CEASED, "total_ceased", NULL, NULL },
};
static const s2_colspec caseload_cols[] = {
    { K_PLANS, "ehcplans", NULL, NULL },
    { K_MS, "mainstream_total", NULL, NULL },
    { K_MS_IND, "mainstream_independent", NULL, NULL },
    { K_SP, "special_total", NULL, NULL },
    { K_SP_IND, "special_independent", NULL, NULL },
    { K_FE, "fe_total", NULL, NULL },
    { K_AP, "ap_pru_total", NULL, NULL },
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const s2_filespec files2022[] = {
    { "sen2_mi.csv", 0, NULL, 0, mi_cols, NCOLS(mi_cols) },
    { "sen2_estab_caseload.csv", 1, NULL, 1, estab_cols, NCOLS(estab_cols) },
};

static const s2_filespec files2025[] = {
    { "requests.csv", 0, "All requests for EHC needs assessments", 0, req_cols, NCOLS(req_cols) },
    { "assessments.csv", 0, "All EHC needs assessments", 0, assess_cols, NCOLS(assess_cols) },
    { "newplans.csv", 0, "New EHC plans", 0, new_cols, NCOLS(new_cols) },
    { "ceased_plans.csv", 0, "All ceased EHC plans", 0, ceased_cols, NCOLS(ceased_cols) },
    { "caseload.csv", 1, "All EHC plans", 0, caseload_cols, NCOLS(caseload_cols) },
};

/* ---- formulas ---- */

static const s2_value none = { NAN, "no row", -1, 0 };

/* sign[i] * raw[k[i]] summed; see the top of the file for NaN and "z". */
static s2_value formula(const s2_rec *r, const int *k, const int *sign, int n, int z_is_zero)
{
    s2_value out = none;
    double sum = 0;
    int numbers = 0;
    const char *missing = NULL;
    for (int i = 0; i < n; i++) {
        const s2_raw *w = &r->raw[k[i]];
        if (w->file >= 0 && out.file < 0) {
            out.file = w->file;
            out.line = w->line;
        }
        if (w->file < 0) {
            if (!missing)
                missing = "no row";
        } else if (isnan(w->v)) {
            if (!(z_is_zero && strcmp(w->code, "z") == 0) && !missing)
                missing = w->code;
        } else {
            sum += sign[i] * w->v;
            numbers++;
        }
    }
    if (out.file < 0)
        return none;
    if (missing || numbers == 0) {
        out.v = NAN;
        out.missing = missing ? missing : "z";
    } else if (sum < 0) {
        out.v = NAN;
        out.missing = "parts exceed the total";
    } else {
        out.v = sum;
        out.missing = NULL;
    }
    return out;
}

static s2_value one(const s2_rec *r, int k)
{
    static const int plus[1] = { 1 };
    return formula(r, &k, plus, 1, 0);
}

static void derive2022(const s2_rec *r, s2_value out[SC_SEN2_NROLES])
{
    static const int plus[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
    static const int assessed[2] = { M_NEW, M_NONE };
    static const int ceased[8] = { M_DLEA, M_DMET, M_DOTH, M_DLEFT,
                                   M_SLEA, M_SMET, M_SOTH, M_SLEFT };
    static const int ms[2] = { E_MS, E_MS_IND }, sp[2] = { E_SP, E_SP_IND };
    static const int ind[2] = { E_SP_IND, E_MS_IND }, minus[2] = { 1, -1 };
    static const int other[5] = { E_TOTAL, E_MS, E_SP, E_FE, E_AP };
    static const int rest[5] = { 1, -1, -1, -1, -1 };

    out[SC_SEN2_REQUESTS] = one(r, M_REQ);
    out[SC_SEN2_AGREED] = none;
    out[SC_SEN2_REFUSED] = one(r, M_REFUSED);
    out[SC_SEN2_ASSESSMENTS] = formula(r, assessed, plus, 2, 0);
    if (isnan(out[SC_SEN2_ASSESSMENTS].v)) {
        s2_value sum = one(r, M_ASSESSED);
        if (!isnan(sum.v))
            out[SC_SEN2_ASSESSMENTS] = sum;
    }
    out[SC_SEN2_NEW_PLANS] = one(r, M_NEW);
    out[SC_SEN2_CEASED] = formula(r, ceased, plus, 8, 1);
    out[SC_SEN2_PLANS] = one(r, E_TOTAL);
    out[SC_SEN2_PLANS_MAINSTREAM] = formula(r, ms, minus, 2, 0);
    out[SC_SEN2_PLANS_SPECIAL] = formula(r, sp, minus, 2, 0);
    out[SC_SEN2_PLANS_INDEPENDENT] = formula(r, ind, plus, 2, 0);
    out[SC_SEN2_PLANS_POST16] = one(r, E_FE);
    out[SC_SEN2_PLANS_AP] = one(r, E_AP);
    out[SC_SEN2_PLANS_OTHER] = formula(r, other, rest, 5, 0);
}

static void derive2025(const s2_rec *r, s2_value out[SC_SEN2_NROLES])
{
    static const int plus[2] = { 1, 1 }, minus[2] = { 1, -1 };
    static const int assessed[2] = { A_ISSUED, A_NOT };
    static const int ms[2] = { K_MS, K_MS_IND }, sp[2] = { K_SP, K_SP_IND };
    static const int ind[2] = { K_SP_IND, K_MS_IND };
    static const int other[5] = { K_PLANS, K_MS, K_SP, K_FE, K_AP };
    static const int rest[5] = { 1, -1, -1, -1, -1 };

    out[SC_SEN2_REQUESTS] = one(r, R_REQ);
    out[SC_SEN2_AGREED] = one(r, R_AGREED);
    out[SC_SEN2_REFUSED] = one(r, R_REFUSED);
    out[SC_SEN2_ASSESSMENTS] = formula(r, assessed, plus, 2, 0);
    out[SC_SEN2_NEW_PLANS] = one(r, N_NEW);
    out[SC_SEN2_CEASED] = one(r, C_CEASED);
    out[SC_SEN2_PLANS] = one(r, K_PLANS);
    out[SC_SEN2_PLANS_MAINSTREAM] = formula(r, ms, minus, 2, 0);
    out[SC_SEN2_PLANS_SPECIAL] = formula(r, sp, minus, 2, 0);
    out[SC_SEN2_PLANS_INDEPENDENT] = formula(r, ind, plus, 2, 0);
    out[SC_SEN2_PLANS_POST16] = one(r, K_FE);
    out[SC_SEN2_PLANS_AP] = one(r, K_AP);
    out[SC_SEN2_PLANS_OTHER] = formula(r, other, rest, 5, 0);
}

const s2_layout s2_layouts[] = {
    { "2022", files2022, NCOLS(files2022), derive2022 },
    { "2025", files2025, NCOLS(files2025), derive2025 },
};
const int s2_nlayouts = NCOLS(s2_layouts);

_Static_assert(N2022 <= S2_MAXRAW && N2025 <= S2_MAXRAW, "raise S2_MAXRAW");
_Static_assert(NCOLS(files2022) <= S2_MAXFILES && NCOLS(files2025) <= S2_MAXFILES,
               "raise S2_MAXFILES");

/* ---- names and failures every file of the module shares ---- */

static const char *const role_names[SC_SEN2_NROLES] = {
    "requests", "agreed", "refused", "assessments", "new_plans", "ceased", "plans",
    "plans_mainstream", "plans_special", "plans_independent", "plans_post16", "plans_ap",
    "plans_other"
};

const char *sc_sen2_role_name(int role)
{
    return role >= 0 && role < SC_SEN2_NROLES ? role_names[role] : NULL;
}

int s2_nomem(s2_ctx *c)
{
    return SC_ERROR(c->e, SC_ENOMEM, "out of memory while reading the SEN2 releases");
}

void s2_ents_free(s2_ent *ent, int n)
{
    for (int i = 0; i < n; i++) {
        s2_ent *t = &ent[i];
        for (int k = 0; k < t->nnew; k++)
            sc_free(t->new_codes[k]);
        sc_free(t->new_codes);
        sc_free(t->name);
        sc_free(t->region_code);
        sc_free(t->region_name);
    }
    sc_free(ent);
}
