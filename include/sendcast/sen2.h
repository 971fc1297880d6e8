/*
 * sen2.h — DfE's SEN2 release files ("Education, health and care plans")
 * read into one panel: every council's yearly series of requests, decisions,
 * assessments, new plans, ceased plans and plans in place by setting, with
 * the cells that look wrong flagged (by rule) and where every number came from.
 *
 * Releases. Each path is a release as DfE publishes it: a .zip, or the
 * folder it unpacks to, holding CSV files under data/. The files present
 * decide the layout:
 *   2022 layout: data/sen2_mi.csv and data/sen2_estab_caseload.csv
 *                (activity calendar years 2014-2021, January censuses 2010-2022);
 *   2025 layout: data/requests.csv, assessments.csv, newplans.csv,
 *                caseload.csv and ceased_plans.csv (activity 2019-, censuses
 *                January 2019-; ceased plans from 2022).
 * Later paths win where releases overlap, cell by cell: a later release's
 * number replaces an earlier one; its suppressed or missing cell does not.
 * Only rows whose geographic_level is "Local authority" or "Regional" are
 * used (National and any other level are skipped), and in the 2025 layout
 * only the rows whose breakdown is the file's "All ..." total.
 *
 * Years. Every series is indexed by calendar activity year y. Activity roles
 * count what happened in y; stock roles count plans at the January census
 * that FOLLOWS y: time_period 2024 (2022 layout) or 202324 (2025 layout),
 * i.e. January 2024, is stored at y = 2023. So plans[y-1] is the stock at the
 * start of y and plans[y] the stock at its end.
 *
 * Field mapping (docs/sen2.md has the reasons), 2022 layout | 2025 layout:
 *   requests     InreqEHC ("z" in 2014-2015) | requests_received_in_year
 *   agreed       not published: NaN | requests_decided_to_assess
 *   refused      AssRefusedEHC | requests_decided_not_to_assess
 *   assessments  NewallEHC + AssnoneEHC, else NewallEHC_AssnoneEHC_sum
 *                | assess_issued + assess_not_issued
 *   new_plans    NewallEHC | new_ehc_plans
 *   ceased       DisleaEHC + DismetEHC + DisothEHC + DisleftEHC + the
 *                statements' Dislea + Dismet + Disoth + Disleft ("z", not
 *                applicable, counts 0 in this sum) | total_ceased (2022-)
 *   plans        Total_all (statements + EHC plans) of the row of type
 *                "Total", group "Total" | ehcplans
 *   The settings are disjoint and sum to plans (2022 layout: Total_all of
 *   the group rows of type "Total", less or plus the independent types):
 *   mainstream   group "Mainstream school" - type "Mainstream - Independent"
 *                | mainstream_total - mainstream_independent (maintained,
 *                academy and free schools with their resourced provision and
 *                SEN units)
 *   special      group "Special school" - type "Special - Independent"
 *                | special_total - special_independent (maintained,
 *                academy/free and non-maintained special schools; hospital
 *                schools in the 2022 layout)
 *   independent  types "Special - Independent" + "Mainstream - Independent"
 *                | special_independent + mainstream_independent
 *   post16       group "Further education" | fe_total
 *   ap           group "Alternative provision/Pupil referral unit"
 *                | ap_pru_total
 *   other        plans less the five above (educated elsewhere, NEET, early
 *                years, not recorded, ...)
 *
 * Councils. A council is keyed on its 3-digit old_la_code, which survives
 * recoding (e.g. Gateshead, Northumberland, Buckinghamshire); a row without
 * one is keyed on its 9-character new_la_code. Councils that were merged or
 * split (Dorset/Bournemouth/Poole -> Dorset and BCP in 2019, Northamptonshire
 * -> North and West in 2021, Cumbria -> Cumberland and Westmorland and
 * Furness in 2023) have different old codes, so the predecessors and the
 * successors simply have shorter series. Regions are kept apart (their
 * totals are what suspect rule 1 compares with).
 *
 * Suspect cells. A flagged cell keeps its value, but is to be left out of
 * fitting: cell.rule says which rule flagged it and cell.reason why, e.g.
 * "2022 new_plans 6,078 equals the Yorkshire and The Humber regional total".
 * Rule 1: a council's cell equal to its region's total for the year and role
 *   (within one release), where at least two councils of the region have a
 *   positive value.
 * Rule 2: a cell that breaks the council's own series: its ratio to the
 *   geometric mean of its nearest available neighbours in the series (the
 *   previous and next years; at an end, the two nearest) outside a band
 *   ([1/3, 3] for activity and settings, [0.7, 1.5] for plans), when both
 *   neighbours are at least 20; a zero among such neighbours is flagged too.
 *   Applied repeatedly, the worst cell first, so one bad cell does not make
 *   its neighbours look bad.
 * Rule 3: a ratio far outside the national range: assessments/requests,
 *   new_plans/assessments and ceased/plans(previous January) outside the
 *   1st-99th percentiles of all council-years widened by a factor of 2 each
 *   way (p1/2, p99*2) flag the numerator's cell.
 * Every threshold is in one table (sc_sen2_params()). Assessments above
 * requests in a year are normal (a request made in December is assessed in
 * the next year) and are not flagged: sc_sen2_lag_at() lists them.
 *
 * Everything a panel holds is owned by it and freed by sc_sen2_free(); the
 * pointers it hands out stay valid until then. Nothing here prints, and a
 * panel is read-only once made, so threads may share it.
 */
#ifndef SENDCAST_SEN2_H
#define SENDCAST_SEN2_H

#include "sendcast/error.h"

/* What a series counts; the index into sc_sen2_la.value[] and .cell[]. */
enum sc_sen2_role {
    SC_SEN2_REQUESTS,           /* initial requests for an EHC needs assessment in y */
    SC_SEN2_AGREED,             /* requests the council decided to assess */
    SC_SEN2_REFUSED,            /* requests the council decided not to assess */
    SC_SEN2_ASSESSMENTS,        /* assessments completed in y: plan issued + not issued */
    SC_SEN2_NEW_PLANS,          /* new EHC plans issued in y */
    SC_SEN2_CEASED,             /* plans (to 2018, statements too) that ceased in y */
    SC_SEN2_PLANS,              /* plans in place at the January census after y */
    SC_SEN2_PLANS_MAINSTREAM,   /* ... of which in maintained, academy, free mainstream */
    SC_SEN2_PLANS_SPECIAL,      /* ... in maintained, academy, free, non-maintained special */
    SC_SEN2_PLANS_INDEPENDENT,  /* ... in independent special and independent mainstream schools */
    SC_SEN2_PLANS_POST16,       /* ... in further education and specialist post-16 institutions */
    SC_SEN2_PLANS_AP,           /* ... in alternative provision and pupil referral units */
    SC_SEN2_PLANS_OTHER,        /* ... anywhere else: elsewhere, NEET, early years, unknown */
    SC_SEN2_NROLES
};

/* Which rule left a cell out of fitting (sc_sen2_cell.rule). */
enum sc_sen2_rule {
    SC_SEN2_KEPT = 0,           /* not flagged */
    SC_SEN2_RULE_REGION = 1,    /* equals its region's total */
    SC_SEN2_RULE_BREAK = 2,     /* breaks the council's own series */
    SC_SEN2_RULE_RATIO = 3,     /* a ratio far outside the national range */
    SC_SEN2_NRULES
};

/* The ratios of rule 3. */
enum sc_sen2_ratio {
    SC_SEN2_ASSESSED_PER_REQUEST,   /* assessments / requests */
    SC_SEN2_PLANS_PER_ASSESSMENT,   /* new_plans / assessments */
    SC_SEN2_CEASED_PER_PLAN,        /* ceased / plans at the January before (plans[y-1]) */
    SC_SEN2_NRATIOS
};

/* Where one number came from and what became of it. */
typedef struct sc_sen2_cell {
    int release;            /* index into sc_sen2_read()'s paths; -1 when no release had a row */
    const char *file;       /* the CSV, "PATH/data/requests.csv" (PATH the zip or folder);
                             * NULL when no release had a row */
    int line;               /* line of the row in that file (of the first of the rows summed) */
    const char *missing;    /* why the value is NaN: the release's code ("x", "c", "z", ":",
                             * "low", "empty"), "no row", or "parts exceed the total";
                             * NULL when the value is a number */
    int rule;               /* enum sc_sen2_rule: SC_SEN2_KEPT, or the rule that flagged it */
    const char *reason;     /* why it was flagged; NULL when rule is SC_SEN2_KEPT */
} sc_sen2_cell;

/* One council's (or one region's) series, read-only. */
typedef struct sc_sen2_la {
    const char *old_code;           /* "382"; "" when its rows gave none (regions too) */
    const char *const *new_codes;   /* every 9-character code its rows gave, first seen first */
    int nnew_codes;
    const char *name;               /* as the latest release that has it spells it */
    const char *region_code;        /* "E12000003"; a region's own code for a region */
    const char *region_name;
    int first_year, nyears;         /* activity years first_year .. first_year + nyears - 1 */
    const double *value[SC_SEN2_NROLES];    /* [nyears]; NaN: not published or suppressed */
    const sc_sen2_cell *cell[SC_SEN2_NROLES];   /* [nyears] */
} sc_sen2_la;

/* A year where a council completed more assessments than it received requests. */
typedef struct sc_sen2_lag {
    int la;                 /* index for sc_sen2_la_at() */
    int year;
    double requests, assessments;
} sc_sen2_lag;

/* One threshold of the suspect rules. */
typedef struct sc_sen2_param {
    const char *name;
    double value;
    const char *doc;
} sc_sen2_param;

typedef struct sc_sen2 sc_sen2;

/* Read npaths (>= 1) releases, later ones winning where they overlap, and
 * flag suspect cells. On success *out is a new panel for sc_sen2_free().
 * Returns SC_OK; SC_EINPUT when a path is missing ("no such file or
 * folder"), is neither a zip nor a folder with data/, lacks a layout's CSVs,
 * or a CSV lacks a column, has a malformed row, a duplicate row or a cell that
 * is neither a count nor a suppression code (the message gives
 * FILE:LINE:FIELD, the column and what was expected); SC_ENOMEM; SC_EFAIL
 * when a file cannot be read. *out is NULL on failure. */
int sc_sen2_read(const char *const *paths, int npaths, sc_sen2 **out, sc_error *err);
void sc_sen2_free(sc_sen2 *p);      /* NULL is fine */

/* The releases the panel was read from, in sc_sen2_read()'s order: the path
 * as given, its fingerprint and its layout ("2022" or "2025"); NULL out of
 * range. The fingerprint is the lower-case hex SHA-256 of a zip (what
 * `sha256sum RELEASE.zip` prints), or of a folder's manifest: the lines
 * "HEX  data/NAME" of the CSV files read, in the layout's order (what
 * `cd FOLDER && sha256sum data/NAME...` prints). */
int sc_sen2_release_count(const sc_sen2 *p);
const char *sc_sen2_release_path(const sc_sen2 *p, int i);
const char *sc_sen2_release_sha256(const sc_sen2 *p, int i);
const char *sc_sen2_release_layout(const sc_sen2 *p, int i);

/* Councils, ordered by old code (those with none last, by new code). */
int sc_sen2_la_count(const sc_sen2 *p);
const sc_sen2_la *sc_sen2_la_at(const sc_sen2 *p, int index);   /* NULL out of range */

/* The council named by `la`: a 3-digit old code, a 9-character new code (any
 * it ever had) or its name, case-insensitive and exact. SC_OK with *index
 * set; SC_EINPUT when none matches (the message suggests near names) or a
 * name fits several councils (the message lists their codes). */
int sc_sen2_find(const sc_sen2 *p, const char *la, int *index, sc_error *err);

/* Regional totals, ordered by region code (same record; old_code ""). */
int sc_sen2_region_count(const sc_sen2 *p);
const sc_sen2_la *sc_sen2_region_at(const sc_sen2 *p, int index);

/* The value for role in activity year; NaN outside the series. */
double sc_sen2_value(const sc_sen2_la *la, int role, int year);
/* The cell for role in activity year; NULL outside the series. */
const sc_sen2_cell *sc_sen2_cell_at(const sc_sen2_la *la, int role, int year);
/* "requests", "agreed", ..., "plans_other"; NULL for an unknown role. */
const char *sc_sen2_role_name(int role);

/* Council cells flagged by `rule` (1..3), or by any rule for SC_SEN2_KEPT. */
int sc_sen2_flag_count(const sc_sen2 *p, int rule);
/* Rule 3's range for `ratio`: the number of council-years it was drawn from
 * (0 when too few, and rule 3 was then not applied to it), lo and hi. */
int sc_sen2_ratio_range(const sc_sen2 *p, int ratio, double *lo, double *hi);

/* Council-years with assessments > requests (neither flagged), ordered by
 * council then year: lags across the calendar year, not errors. */
int sc_sen2_lag_count(const sc_sen2 *p);
const sc_sen2_lag *sc_sen2_lag_at(const sc_sen2 *p, int index);

/* The suspect rules' thresholds, as used; *count is set to their number. */
const sc_sen2_param *sc_sen2_params(int *count);

#endif
