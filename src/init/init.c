/*
 * init.c — `sendcast init`'s scenario (init.h): a council's base year and
 * stock from the SEN2 panel, then the commented YAML.
 *
 * What init writes for the parameters is one table, init_params[], with a
 * row per parameter and the model it belongs to, so that model 2
 * (docs/model.md 2: national_trend, national_shock, shock_sd,
 * shock_persistence, assess_deviation, ..., net_transfer, ..., each
 * `dist: fit` from the national priors file named by a top-level `priors:`)
 * is a matter of adding its rows and its models[] entry.
 *
 * Every line of the output carries a comment that says, for a finance
 * officer, what the number is, where it came from and what changing it does.
 */
#define _XOPEN_SOURCE 700      /* realpath() */
#include "sendcast/init.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/stats.h"
#include "sendcast/text.h"
#include "sendcast/version.h"

/* ---- the parameters init writes ---- */

typedef struct init_param {
    unsigned models;        /* SC_MODEL_1 | SC_MODEL_2: the models the row belongs to */
    const char *key;        /* under parameters: */
    const char *value;      /* as written: a flow mapping or a number */
    const char *comment;
} init_param;

static const init_param init_params[] = {
    { SC_MODEL_1, "conversion", "{dist: fit}",
      "requests a year: their level in the base year and yearly trend, fitted to the "
      "council's published requests (MODEL.md 5.1)" },
    { SC_MODEL_1, "dispersion", "{dist: fit}",
      "how far requests stray from the trend from year to year, fitted with it" },
    { SC_MODEL_1, "damping", "{dist: beta, mean: 0.75, sd: 0.12, status: expert prior}",
      "share of the trend's growth kept each forecast year (1: undamped); an assumption, "
      "as in the Kirklees scenarios: lower it for slower growth" },
    { SC_MODEL_2, "conversion", "{dist: fit}",
      "requests a year: their filtered level in the base year, and how far the council's "
      "trend runs from England's, from its own requests and the national priors" },
    { SC_MODEL_2, "national_trend", "{dist: fit}",
      "England's yearly growth of requests, and how sure we are of it (national priors)" },
    { SC_MODEL_2, "national_shock", "{dist: fit}",
      "how far England's growth swings from year to year (2020 fell, 2021-23 rose ~20%)" },
    { SC_MODEL_2, "damping", "{dist: fit}",
      "how fast the council's own trend fades into England's (estimated on every council)" },
    { SC_MODEL_2, "shock_sd", "{dist: fit}",
      "how far a council's requests swing from year to year beyond England's" },
    { SC_MODEL_2, "shock_persistence", "{dist: fit}",
      "the share of that swing that lasts (the rest is one year's noise)" },
    { SC_MODEL_1, "p_assess", "{dist: fit}",
      "share of requests the council agrees to assess: agreed / requests over the years "
      "SEN2 has both (else completed assessments / requests)" },
    { SC_MODEL_2, "p_assess", "{dist: fit}",
      "share of requests assessed: the council's new plans per request (pooled) / p_issue" },
    { SC_MODEL_1 | SC_MODEL_2, "p_issue", "{dist: fit}",
      "share of completed assessments that end in a new EHC plan: new plans / assessments" },
    { SC_MODEL_1 | SC_MODEL_2, "placement_mix", "{dist: fit}",
      "settings of new plans: the base-year stock's shares (SEN2 has no new plans by "
      "setting); write {dist: dirichlet, alpha: [...]} where you know better" },
    { SC_MODEL_2, "assess_deviation", "{dist: fit}",
      "how far this year's plans per request sit from the council's usual (filtered)" },
    { SC_MODEL_2, "assess_persistence", "{dist: fit}",
      "how much of that lasts into the next year" },
    { SC_MODEL_2, "assess_sd", "{dist: fit}", "how far plans per request move in a year" },
    { SC_MODEL_2, "national_assess_sd", "{dist: fit}",
      "how far England's plans per request move in a year" },
    { SC_MODEL_2, "assess_response", "{dist: fit}",
      "how much plans per request fall in a year requests surge (assessments lag)" },
    { SC_MODEL_2, "net_transfer", "{dist: fit}",
      "plans arriving from other councils less leaving, and recording effects, a share of the "
      "stock a year: what the published stock shows beyond new plans less ceased" },
    { SC_MODEL_2, "transfer_persistence", "{dist: fit}", "how much a year's net flow lasts" },
    { SC_MODEL_2, "transfer_sd", "{dist: fit}", "how far the council's net flow moves in a year" },
    { SC_MODEL_2, "national_transfer_sd", "{dist: fit}",
      "how far England's net flow moves in a year" },
    { SC_MODEL_1 | SC_MODEL_2, "band_mix", "{dist: fixed, value: [1]}",
      "one band: this scenario has no top-up bands" },
    { SC_MODEL_1 | SC_MODEL_2, "cease_mainstream", "{dist: fit}",
      "yearly chance a plan ceases: ceased / plans at the January before, every setting "
      "together (SEN2 does not split ceasing by setting)" },
    { SC_MODEL_1 | SC_MODEL_2, "cease_arp", "{dist: fit}", "the same fit for every setting" },
    { SC_MODEL_1 | SC_MODEL_2, "cease_special", "{dist: fit}", "the same fit" },
    { SC_MODEL_1 | SC_MODEL_2, "cease_independent", "{dist: fit}", "the same fit" },
    { SC_MODEL_1 | SC_MODEL_2, "cease_post16", "{dist: fit}", "the same fit" },
    { SC_MODEL_1 | SC_MODEL_2, "cease_other", "{dist: fit}", "the same fit" },
    { SC_MODEL_1 | SC_MODEL_2, "step_up", "0",
      "moves between top-up bands: none, with one band" },
    { SC_MODEL_1 | SC_MODEL_2, "escalation", "0",
      "yearly chance a mainstream plan moves to special: 0, placement_mix carries the mix" },
    { SC_MODEL_1 | SC_MODEL_2, "post16_transfer", "0",
      "yearly chance a mainstream plan moves to post-16: 0, likewise" },
    { SC_MODEL_1 | SC_MODEL_2, "inflation", "0",
      "yearly cost inflation: nothing to inflate without money" },
    { SC_MODEL_1 | SC_MODEL_2, "send_support_drift", "0",
      "drift of SEND-support prevalence: 0, the trend carries it" },
};
#define NPARAMS_INIT ((int)(sizeof init_params / sizeof init_params[0]))

/* What differs by model beyond the table: its line and, from model 2 on, the
 * national priors file the `dist: fit` rows are fitted with. */
typedef struct init_model {
    int model;
    const char *comment;
    const char *priors;     /* `priors:` as written (scenarios/data/national/priors.yaml, made
                               relative to the scenario as the releases are), or NULL */
} init_model;

static const init_model models[] = {
    { 1, "sendcast's model 1 (MODEL.md v1): each simulated future draws its rates once, from "
         "what the history supports, and keeps them for every year", NULL },
    { 2, "sendcast's model 2 (docs/model.md): rates move from year to year, the forecast starts "
         "from the last observed level, and the council is pooled towards England's path "
         "(national priors)", "" },
};

static const init_model *model_of(int model)
{
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++)
        if (models[k].model == model)
            return &models[k];
    return &models[0];
}

/* ---- options and names ---- */

void sc_init_options_init(sc_init_options *o)
{
    memset(o, 0, sizeof *o);
    o->la = -1;
    o->horizon = SC_INIT_HORIZON;
    o->trajectories = SC_INIT_TRAJECTORIES;
    o->seed = SC_INIT_SEED;
    o->model = 2;
}

void sc_init_slug(const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    int dash = 0;
    for (const char *c = name; *c && n + 1 < cap; c++) {
        if (isalnum((unsigned char)*c)) {
            if (dash && n > 0 && n + 2 < cap)
                buf[n++] = '-';
            buf[n++] = (char)tolower((unsigned char)*c);
            dash = 0;
        } else {
            dash = 1;
        }
    }
    buf[n] = '\0';
    if (n == 0)
        snprintf(buf, cap, "council");
}

/* The components of a real path: pointers into it, '/'s made NULs. */
static int components(char *p, char **out, int max)
{
    int n = 0;
    for (char *t = strtok(p, "/"); t && n < max; t = strtok(NULL, "/"))
        out[n++] = t;
    return n;
}

int sc_init_relative_path(const char *from, const char *path, char *out, size_t cap)
{
    char rf[PATH_MAX], rp[PATH_MAX];
    if (!realpath(from && *from ? from : ".", rf) || !realpath(path, rp)) {
        int n = snprintf(out, cap, "%s", path);
        return n < 0 || (size_t)n >= cap ? -1 : 0;
    }
    char whole[PATH_MAX];
    snprintf(whole, sizeof whole, "%s", rp);
    char *a[256], *b[256];
    int na = components(rf, a, 256), nb = components(rp, b, 256), k = 0;
    while (k < na && k < nb && strcmp(a[k], b[k]) == 0)
        k++;
    if (k == 0) {           /* nothing in common but the root: the whole real path */
        int n = snprintf(out, cap, "%s", whole);
        return n < 0 || (size_t)n >= cap ? -1 : 0;
    }
    size_t used = 0;
    out[0] = '\0';
    for (int i = k; i < na; i++)
        if (sc_text_append(out, cap, &used, "/", ".."))
            return -1;
    for (int i = k; i < nb; i++)
        if (sc_text_append(out, cap, &used, "/", b[i]))
            return -1;
    if (!out[0] && sc_text_append(out, cap, &used, "", "."))
        return -1;
    return 0;
}

/* ---- the plan ---- */

static int usable(const sc_sen2_la *la, int role, int year)
{
    const sc_sen2_cell *c = sc_sen2_cell_at(la, role, year);
    return c && !isnan(sc_sen2_value(la, role, year)) && c->rule == SC_SEN2_KEPT;
}

/* "2016-2023" or "2021, 2023" (years ascending), into buf. */
static void years_text(const int *year, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && year[j + 1] == year[j] + 1)
            j++;
        char part[32];
        if (j > i)
            snprintf(part, sizeof part, "%d-%d", year[i], year[j]);
        else
            snprintf(part, sizeof part, "%d", year[i]);
        if (sc_text_append(buf, cap, &used, ", ", part))
            return;
        i = j + 1;
    }
}

static void describe(const sc_sen2_la *la, char *buf, size_t cap)
{
    const char *code = la->nnew_codes ? la->new_codes[la->nnew_codes - 1] : "";
    snprintf(buf, cap, "%s (%s%s%s)", la->name, la->old_code, la->old_code[0] && code[0] ? ", "
             : "", code);
}

static int latest_with_requests(const sc_sen2_la *la)
{
    for (int y = la->first_year + la->nyears - 1; y >= la->first_year; y--)
        if (!isnan(sc_sen2_value(la, SC_SEN2_REQUESTS, y)))
            return y;
    return 0;
}

static const int setting_roles[] = {
    SC_SEN2_PLANS_MAINSTREAM, SC_SEN2_PLANS_SPECIAL, SC_SEN2_PLANS_INDEPENDENT,
    SC_SEN2_PLANS_POST16, SC_SEN2_PLANS_AP, SC_SEN2_PLANS_OTHER,
};
#define NSETTINGS ((int)(sizeof setting_roles / sizeof setting_roles[0]))

/* Whether the census after `year` gives every setting (and, with clean,
 * none that a SEN2 rule flagged). */
static int settings_known(const sc_sen2_la *la, int year, int clean)
{
    for (int k = 0; k < NSETTINGS; k++) {
        const sc_sen2_cell *c = sc_sen2_cell_at(la, setting_roles[k], year);
        if (isnan(sc_sen2_value(la, setting_roles[k], year))
            || (clean && c && c->rule != SC_SEN2_KEPT))
            return 0;
    }
    return 1;
}

static void note_flag(sc_init_plan *plan, const sc_sen2_la *la, int role, int year)
{
    const sc_sen2_cell *c = sc_sen2_cell_at(la, role, year);
    int n = (int)(sizeof plan->stock_flag / sizeof plan->stock_flag[0]);
    if (c && c->rule != SC_SEN2_KEPT && c->reason && plan->nstock_flags < n)
        plan->stock_flag[plan->nstock_flags++] = c->reason;
}

/* The base-year stock: the census's settings; where they are suppressed,
 * the total split by the shares of the latest census before that has them
 * (whole plans, largest remainder). */
static int stock_of(const sc_sen2_la *la, int year, sc_init_plan *plan, sc_error *e)
{
    char who[256];
    describe(la, who, sizeof who);
    double total = sc_sen2_value(la, SC_SEN2_PLANS, year);
    int from = year;
    if (!settings_known(la, year, 0)) {     /* the latest census with clean settings, else any */
        for (from = year - 1; from >= la->first_year && !settings_known(la, from, 1); from--)
            ;
        if (from < la->first_year)
            for (from = year - 1; from >= la->first_year && !settings_known(la, from, 0); from--)
                ;
    }
    if (from < la->first_year || (from != year && isnan(total)))
        return SC_ERROR(e, SC_EINPUT, "%s: the SEN2 releases give no plans in place by setting "
                        "at the January %d census (after the base year %d), and none before it "
                        "to split a total by: expected a base year with a census (--base-year)",
                        who, year + 1, year);
    double part[NSETTINGS], sum = 0;
    for (int k = 0; k < NSETTINGS; k++)
        sum += part[k] = sc_sen2_value(la, setting_roles[k], from);
    if (from == year && isnan(total))
        total = sum;
    uint64_t w[NSETTINGS], share[NSETTINGS];
    for (int k = 0; k < NSETTINGS; k++)
        w[k] = (uint64_t)llround(part[k]);
    if (sum <= 0 || sc_stats_largest_remainder(w, NSETTINGS, (uint64_t)llround(total), share))
        return SC_ERROR(e, SC_EINPUT, "%s: the January %d census has no plans in place to "
                        "start from", who, from + 1);
    plan->shares_year = from;
    plan->plans_total = (int64_t)llround(total);
    memset(plan->stock, 0, sizeof plan->stock);
    plan->stock[SC_PL_MAINSTREAM] = (int64_t)share[0];
    plan->stock[SC_PL_SPECIAL] = (int64_t)share[1];
    plan->stock[SC_PL_INDEPENDENT] = (int64_t)share[2];
    plan->stock[SC_PL_POST16] = (int64_t)share[3];
    plan->plans_ap = (int64_t)share[4];
    plan->plans_other = (int64_t)share[5];
    plan->stock[SC_PL_OTHER] = plan->plans_ap + plan->plans_other;
    plan->nstock_flags = 0;
    note_flag(plan, la, SC_SEN2_PLANS, year);
    for (int k = 0; k < NSETTINGS; k++)
        note_flag(plan, la, setting_roles[k], from);
    return SC_OK;
}

int sc_init_plan_make(const sc_sen2 *p, const sc_init_options *o, sc_init_plan *plan,
                      sc_error *e)
{
    memset(plan, 0, sizeof *plan);
    const sc_sen2_la *la = sc_sen2_la_at(p, o->la);
    if (!la)
        return SC_ERROR(e, SC_EINPUT, "init: no council %d in the SEN2 panel", o->la);
    if (o->horizon < 1 || o->horizon > SC_MAX_HORIZON)
        return SC_ERROR(e, SC_EINPUT, "--horizon: expected a whole number of years from 1 to "
                        "%d, got %d", SC_MAX_HORIZON, o->horizon);
    plan->la = la;
    sc_init_slug(la->name, plan->slug, sizeof plan->slug);
    char who[256], years[512];
    describe(la, who, sizeof who);
    for (int y = la->first_year; y < la->first_year + la->nyears; y++) {
        if (usable(la, SC_SEN2_REQUESTS, y)) {
            if (plan->nrequest_years < (int)(sizeof plan->request_year / sizeof(int)))
                plan->request_year[plan->nrequest_years++] = y;
        } else if (!isnan(sc_sen2_value(la, SC_SEN2_REQUESTS, y))) {
            plan->nflagged_requests++;
        }
    }
    years_text(plan->request_year, plan->nrequest_years, years, sizeof years);
    if (plan->nrequest_years < SC_INIT_MIN_REQUEST_YEARS)
        return SC_ERROR(e, SC_EINPUT, "%s has requests for %d year%s in these SEN2 releases%s%s%s"
                        "; the model needs at least %d years of requests to fit their trend, so "
                        "no scenario can be written for it%s", who, plan->nrequest_years,
                        plan->nrequest_years == 1 ? "" : "s", plan->nrequest_years ? " (" : "",
                        years, plan->nrequest_years ? ")" : "", SC_INIT_MIN_REQUEST_YEARS,
                        plan->nflagged_requests ? " (counts the SEN2 rules flagged as suspect "
                        "are left out)" : "");
    plan->base_year = o->base_year ? o->base_year : latest_with_requests(la);
    if (o->base_year && isnan(sc_sen2_value(la, SC_SEN2_REQUESTS, o->base_year)))
        return SC_ERROR(e, SC_EINPUT, "--base-year %d: %s has no requests for %d in these SEN2 "
                        "releases; expected a year with requests (it has %s)", o->base_year, who,
                        o->base_year, years);
    return stock_of(la, plan->base_year, plan, e);
}

/* ---- writing ---- */

#define COMMENT_COL 34
#define LINE_MAX_W 110         /* a line with its comment beside it */
#define NOTE_W 96              /* comment lines of their own wrap here */

/* "text  # comment", the comment at COMMENT_COL (or after the text); when
 * that would run past LINE_MAX_W, the comment goes on lines of its own
 * above, at the text's indent. */
static void line(FILE *out, const char *text, const char *comment)
{
    size_t n = strlen(text);
    size_t at = n + 2 > COMMENT_COL ? n + 2 : COMMENT_COL;
    if (!comment || !*comment) {
        fprintf(out, "%s\n", text);
        return;
    }
    if (at + 2 + strlen(comment) <= LINE_MAX_W) {
        fprintf(out, "%s%*s# %s\n", text, (int)(at - n), "", comment);
        return;
    }
    size_t indent = strspn(text, " ");
    const char *c = comment;
    while (*c) {
        size_t room = NOTE_W - indent - 2, len = strlen(c);
        if (len > room) {
            len = room;
            while (len > 0 && c[len] != ' ')
                len--;
            if (len == 0)
                len = room;
        }
        fprintf(out, "%*s# %.*s\n", (int)indent, "", (int)len, c);
        c += len;
        while (*c == ' ')
            c++;
    }
    fprintf(out, "%s\n", text);
}

/* A comment line, or several, wrapped at LINE_MAX_W (indent spaces first). */
static void note(FILE *out, int indent, const char *text)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%*s", indent, "");
    size_t room = NOTE_W - (size_t)indent - 2;
    const char *c = text;
    while (*c) {
        size_t len = strlen(c);
        if (len > room) {
            len = room;
            while (len > 0 && c[len] != ' ')
                len--;
            if (len == 0)
                len = room;
        }
        fprintf(out, "%s# %.*s\n", buf, (int)len, c);
        c += len;
        while (*c == ' ')
            c++;
    }
}

/* A YAML double-quoted string. */
static void quoted(char *buf, size_t cap, const char *s)
{
    size_t n = 0;
    if (cap < 3)
        return;
    buf[n++] = '"';
    for (; *s && n + 3 < cap; s++) {
        if (*s == '"' || *s == '\\')
            buf[n++] = '\\';
        buf[n++] = *s;
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

static void fy(char *buf, size_t cap, int year)
{
    snprintf(buf, cap, "%s", sc_year_label(year).s);
}

static void write_head(FILE *out, const sc_sen2 *p, const sc_init_plan *plan,
                       const sc_init_options *o, const char *who, const char *model_comment)
{
    const sc_sen2_la *la = plan->la;
    char text[1024], a[24], b[24], years[512];
    fy(a, sizeof a, plan->base_year + 1);
    fy(b, sizeof b, plan->base_year + o->horizon);
    years_text(plan->request_year, plan->nrequest_years, years, sizeof years);
    fprintf(out, "# %s, %s: a demand-only SEND forecast.\n", who,
            la->region_name ? la->region_name : "");
    snprintf(text, sizeof text, "Written by `sendcast init` (sendcast %s) from DfE's SEN2 "
             "\"Education, health and care plans\" releases named under history: below "
             "(Open Government Licence v3.0). Format: docs/scenario.md.", SC_VERSION);
    note(out, 0, text);
    fputs("#\n", out);
    snprintf(text, sizeof text, "What it forecasts, for %s to %s: requests for an EHC needs "
             "assessment, assessments, new EHC plans and plans in place, as bands that carry "
             "both what we do not know about the rates and year-to-year chance. It has no "
             "money: to forecast High Needs spending add bands.topup, unit costs and a finance: "
             "section (docs/scenario.md).", a, b);
    note(out, 0, text);
    fputs("#\n", out);
    snprintf(text, sizeof text, "Where the numbers come from: the rates marked `dist: fit` are "
             "fitted to the council's own SEN2 history (requests published for %s); the plans "
             "in place are the January %d census; everything else is a stated assumption you "
             "may change. Cells DfE's files get wrong are found by rule and left out of the "
             "fit: `sendcast fit` on this file lists them with the reason, and the result keeps "
             "them.", years, plan->shares_year == plan->base_year ? plan->base_year + 1
                                                                   : plan->base_year + 1);
    note(out, 0, text);
    fputs("#\n", out);
    note(out, 0, "To use it:");
    fprintf(out, "#   sendcast fit FILE.yaml    # what the history gives every fitted rate\n");
    fprintf(out, "#   sendcast run FILE.yaml    # the forecast, into results/%s.h5\n",
            plan->slug);
    fputs("#\n", out);
    snprintf(text, sizeof text, "Model: %s.", model_comment);
    note(out, 0, text);
    (void)p;
    fputs("\n", out);
}

static void write_settings(FILE *out, const sc_init_plan *plan, const sc_init_options *o,
                           const init_model *m)
{
    char text[512], c[512], a[24], b[24], yb[24];
    fy(a, sizeof a, plan->base_year + 1);
    fy(b, sizeof b, plan->base_year + o->horizon);
    fy(yb, sizeof yb, plan->base_year);
    snprintf(text, sizeof text, "model: %d", o->model);
    line(out, text, "the model this scenario is written for (docs/model.md)");
    if (m->priors && o->priors_path) {
        char q[400];
        quoted(q, sizeof q, o->priors_path);
        snprintf(text, sizeof text, "priors: %s", q);
        line(out, text, "the national priors the `dist: fit` rates are pooled towards");
    }
    snprintf(text, sizeof text, "name: %s", plan->slug);
    snprintf(c, sizeof c, "names the result: results/%s.h5", plan->slug);
    line(out, text, c);
    char desc[400], q[420];
    snprintf(desc, sizeof desc, "%s (%s): demand from DfE SEN2, base year %s", plan->la->name,
             plan->la->old_code[0] ? plan->la->old_code : "no old code", yb);
    quoted(q, sizeof q, desc);
    snprintf(text, sizeof text, "description: %s", q);
    line(out, text, "one line for people");
    snprintf(text, sizeof text, "base_year: %d", plan->base_year);
    snprintf(c, sizeof c, "last observed year: requests in %d, plans at the January %d census",
             plan->base_year, plan->base_year + 1);
    line(out, text, c);
    snprintf(text, sizeof text, "horizon: %d", o->horizon);
    snprintf(c, sizeof c, "years forecast after the base year: %s to %s", a, b);
    line(out, text, c);
    snprintf(text, sizeof text, "trajectories: %ld", o->trajectories);
    line(out, text, "simulated futures: more = steadier bands, slower (run -n overrides)");
    snprintf(text, sizeof text, "seed: %llu", (unsigned long long)o->seed);
    line(out, text, "any whole number; the same seed gives the same results (run -s)");
    fputs("\n", out);
}

static void write_geography(FILE *out, const sc_init_plan *plan, const char *who)
{
    const sc_sen2_la *la = plan->la;
    char text[512], c[512], id[64], name[320];
    const char *code = la->old_code[0] ? la->old_code
                                       : la->nnew_codes ? la->new_codes[la->nnew_codes - 1] : "la";
    quoted(id, sizeof id, code);
    quoted(name, sizeof name, la->name);
    line(out, "areas:", "one area: the whole council (areas group clusters of schools)");
    snprintf(text, sizeof text, "  - {id: %s, name: %s}", id, name);
    line(out, text, "the council's LA code and name");
    fputs("\n", out);
    line(out, "clusters:", "one cluster: the whole council (clusters are for cluster working)");
    note(out, 2, "Model 1 forecasts requests per SEND-support pupil (pupils x "
         "send_support_share x need_index). SEN2 has no pupil counts, so all three are 1 and "
         "the request level is simply the council's requests. Model 2 (docs/model.md) also "
         "counts requests per SEND-support pupil: with the school census's pupils here, its "
         "level would be per pupil.");
    snprintf(text, sizeof text, "  - id: %s", plan->slug);
    snprintf(c, sizeof c, "%s", who);
    line(out, text, c);
}

/* The clusters' entry, after its id: area, pupils, shares, the band. */
static void write_cluster(FILE *out, const sc_init_plan *plan)
{
    const sc_sen2_la *la = plan->la;
    char text[256], c[512], id[64];
    const char *code = la->old_code[0] ? la->old_code
                                       : la->nnew_codes ? la->new_codes[la->nnew_codes - 1] : "la";
    quoted(id, sizeof id, code);
    snprintf(text, sizeof text, "    area: %s", id);
    line(out, text, "the area above");
    line(out, "    pupils: 1", "1: SEN2 has no pupil counts (see above)");
    line(out, "    send_support_share: 1", "1: every pupil counts (see above)");
    line(out, "    need_index: 1", "1: one cluster, nothing to weigh against");
    snprintf(text, sizeof text, "    bands: [%lld]", (long long)plan->stock[SC_PL_MAINSTREAM]);
    snprintf(c, sizeof c, "mainstream plans at the January %d census, in one band (no top-ups)",
             plan->base_year + 1);
    line(out, text, c);
    fputs("\n", out);
    line(out, "population:", "pupil numbers");
    line(out, "  pupil_growth: 0", "yearly change in pupils: none (pupils are 1; the trend "
         "carries growth)");
    fputs("\n", out);
}

static void write_placements(FILE *out, const sc_sen2 *p, const sc_init_plan *plan)
{
    char text[256], c[512];
    (void)p;
    if (plan->shares_year == plan->base_year)
        snprintf(c, sizeof c, "EHC plans in place at the January %d census, by setting (SEN2 "
                 "caseload; %lld in all)", plan->base_year + 1, (long long)plan->plans_total);
    else
        snprintf(c, sizeof c, "EHC plans in place at the January %d census (%lld; SEN2 gives "
                 "only the total), split by the January %d census's shares of the settings",
                 plan->base_year + 1, (long long)plan->plans_total, plan->shares_year + 1);
    line(out, "placements:", c);
    for (int k = 0; k < plan->nstock_flags; k++) {
        char flag[512];
        snprintf(flag, sizeof flag, "NOTE: SEN2's rules flag this as suspect: %s. Check the "
                 "stock against the council's own count.", plan->stock_flag[k]);
        note(out, 2, flag);
    }
    line(out, "  arp: {stock: 0}", "resourced provision and SEN units: SEN2 counts them in "
         "mainstream");
    snprintf(text, sizeof text, "  special: {stock: %lld}", (long long)plan->stock[SC_PL_SPECIAL]);
    line(out, text, "maintained, academy, free and non-maintained special schools");
    snprintf(text, sizeof text, "  independent: {stock: %lld}",
             (long long)plan->stock[SC_PL_INDEPENDENT]);
    line(out, text, "independent special and mainstream schools");
    snprintf(text, sizeof text, "  post16: {stock: %lld}", (long long)plan->stock[SC_PL_POST16]);
    line(out, text, "further education and specialist post-16 institutions");
    snprintf(text, sizeof text, "  other: {stock: %lld}", (long long)plan->stock[SC_PL_OTHER]);
    snprintf(c, sizeof c, "AP and PRUs (%lld) + elsewhere (%lld): home, NEET, early years, "
             "unknown", (long long)plan->plans_ap, (long long)plan->plans_other);
    line(out, text, c);
    fputs("\n", out);
}

static void write_parameters(FILE *out, int model)
{
    line(out, "parameters:", "how plans flow; `dist: fit` = fitted to the history below");
    for (int k = 0; k < NPARAMS_INIT; k++) {
        const init_param *r = &init_params[k];
        if (!(r->models & (model == 2 ? SC_MODEL_2 : SC_MODEL_1)))
            continue;
        char text[256];
        snprintf(text, sizeof text, "  %s: %s", r->key, r->value);
        line(out, text, r->comment);
    }
    fputs("\n", out);
}

static void write_history(FILE *out, const sc_sen2 *p, const sc_init_plan *plan,
                          const sc_init_options *o)
{
    const sc_sen2_la *la = plan->la;
    char text[4300], q[4200], c[512];
    line(out, "history:", "the council's yearly counts, read from DfE's SEN2 release files");
    line(out, "  sen2:", "the releases (later wins where they overlap), relative to this file");
    for (int k = 0; k < sc_sen2_release_count(p); k++) {
        const char *path = o->release_paths ? o->release_paths[k] : sc_sen2_release_path(p, k);
        quoted(q, sizeof q, path);
        snprintf(text, sizeof text, "    - %s", q);
        snprintf(c, sizeof c, "SHA-256 %.12s...", sc_sen2_release_sha256(p, k));
        line(out, text, c);
    }
    char code[64];
    quoted(code, sizeof code, la->old_code[0] ? la->old_code
                                              : la->nnew_codes ? la->new_codes[0] : la->name);
    snprintf(text, sizeof text, "  la: %s", code);
    snprintf(c, sizeof c, "%s: its LA code (its E-code or its name work too)", la->name);
    line(out, text, c);
}

void sc_init_write(FILE *out, const sc_sen2 *p, const sc_init_plan *plan,
                   const sc_init_options *o)
{
    char who[256];
    describe(plan->la, who, sizeof who);
    const init_model *m = model_of(o->model);
    write_head(out, p, plan, o, who, m->comment);
    write_settings(out, plan, o, m);
    write_geography(out, plan, who);
    write_cluster(out, plan);
    write_placements(out, p, plan);
    write_parameters(out, o->model);
    write_history(out, p, plan, o);
}
