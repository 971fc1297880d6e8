/*
 * levers.c — the `levers:` section (docs/scenario.md, "Levers") and cluster
 * working's own lever.
 *
 * A lever changes one rate, mix, cost or capacity of the model from a start
 * year, with a ramp, by an effect with its own uncertainty:
 *
 *   levers:
 *     arp-places:                       # its name (its random streams' key)
 *       changes: placement_mix          # what it changes
 *       from: special                   # (on placement_mix)
 *       to: arp
 *       start: 2026                     # first year it acts: 2026/27
 *       ramp: {2026: 0.5, 2027: 1}      # r_t (default 1 from start; or N: linear over N years)
 *       effect: {dist: beta, mean: 0.2, sd: 0.05}   # a share, or a relative change
 *
 * Everything is checked here, where it was written: an unknown `changes:` or
 * setting, a start year outside the simulated years, a share outside [0, 1]
 * (which would take a setting below zero), a change of -1 or less, a money
 * lever in a scenario without costs. The lever's numbers go to the register
 * as levers.NAME.* (the effect's as any parameter's). Cluster working is the
 * lever `cluster_working` (changes: requests), first of all, made from its section
 * and the cluster_effect parameter (the step draws E_c for it as MODEL.md
 * 3.1 says, so its results are those of the model without levers).
 */
#include "scn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

#define BIT(k) (1u << (k))

const char *const sc_lever_names[SC_NLEVER_KINDS] = {
    "requests", "assessment", "issue", "ceasing", "escalation", "post16_transfer", "step_up",
    "placement_mix", "unit_cost", "topup", "capacity",
};

/* What each kind's effect is: its parameter-table row (allowed
 * distributions, domain) and what it means, for messages and docs. */
static const sc_param_info share_info = {
    "effect", BIT(SC_DIST_FIXED) | BIT(SC_DIST_UNIFORM) | BIT(SC_DIST_BETA), SC_DOM_SHARE,
    SC_SHAPE_SCALAR, 1, 0.0, "a share moved", SC_MODEL_BOTH
};
static const sc_param_info change_info = {
    "effect", BIT(SC_DIST_FIXED) | BIT(SC_DIST_UNIFORM) | BIT(SC_DIST_NORMAL), SC_DOM_CHANGE,
    SC_SHAPE_SCALAR, 1, 0.0, "a relative change", SC_MODEL_BOTH
};

static int is_share(enum sc_lever_on on)
{
    return on == SC_LEVER_REQUESTS || on == SC_LEVER_MIX;
}

enum { L_ON, L_START, L_RAMP, L_EFFECT, L_DESCRIPTION, L_SETTING, L_FROM, L_TO, L_BANDS,
       L_PLACES, L_OVERFLOW, L_N };

static const char *const key_names[L_N] = {
    "changes", "start", "ramp", "effect", "description", "setting", "from", "to", "bands", "places",
    "overflow",
};

/* The keys each kind takes beyond changes, start, description: bit L_* set,
 * and which of them it requires. */
static unsigned keys_of_kind(enum sc_lever_on on, unsigned *required)
{
    unsigned rate = BIT(L_RAMP) | BIT(L_EFFECT);
    *required = BIT(L_EFFECT);
    switch (on) {
    case SC_LEVER_CEASING:
        return rate | BIT(L_SETTING);
    case SC_LEVER_MIX:
        *required |= BIT(L_FROM) | BIT(L_TO);
        return rate | BIT(L_FROM) | BIT(L_TO);
    case SC_LEVER_UNIT_COST:
        *required |= BIT(L_SETTING);
        return rate | BIT(L_SETTING);
    case SC_LEVER_TOPUP:
        return rate | BIT(L_BANDS);
    case SC_LEVER_CAPACITY:
        *required = BIT(L_SETTING) | BIT(L_PLACES) | BIT(L_OVERFLOW);
        return BIT(L_EFFECT) | BIT(L_SETTING) | BIT(L_PLACES) | BIT(L_OVERFLOW);
    default:
        return rate;
    }
}

static int read_on(scn_ctx *r, const scn_val *v, enum sc_lever_on *on)
{
    for (int k = 0; k < SC_NLEVER_KINDS; k++)
        if (scn_text_is(v, sc_lever_names[k])) {
            *on = (enum sc_lever_on)k;
            return SC_OK;
        }
    char what[512] = "what the lever changes: one of ";
    size_t used = strlen(what);
    for (int k = 0; k < SC_NLEVER_KINDS; k++)
        if (sc_text_append(what, sizeof what, &used, k ? ", " : "", sc_lever_names[k]))
            break;
    return SCN_EXPECTED(r, v, what);
}

/* A setting (enum sc_placement); `all` gives -1 where allow_all. */
static int read_setting(scn_ctx *r, const scn_val *v, int allow_mainstream, int allow_all,
                        int *out)
{
    if (allow_all && scn_text_is(v, "all")) {
        *out = -1;
        return SC_OK;
    }
    for (int p = allow_mainstream ? 0 : 1; p < SC_NPLACEMENTS; p++)
        if (scn_text_is(v, sc_placement_names[p])) {
            *out = p;
            return SC_OK;
        }
    char what[256];
    snprintf(what, sizeof what, "a setting: %s%s, special, independent, post16 or other%s",
             allow_mainstream ? "mainstream, " : "", "arp", allow_all ? " (or all)" : "");
    if (!allow_mainstream && scn_text_is(v, "mainstream"))
        return SCN_ERR(r, v, "expected %s; mainstream plans are paid by band (on: topup) and "
                       "have no capacity here", what);
    return SCN_EXPECTED(r, v, what);
}

/* A simulated year (base_year + 1 .. base_year + horizon) into t; read
 * leniently, earlier years act from the first, later ones never. */
static int read_start(scn_ctx *r, const scn_val *v, int *t)
{
    const sc_scenario *s = r->s;
    long long y;
    if (scn_int(r, v, 1000, 9999, &y))
        return scn_fail(r);
    int first = s->base_year + 1, last = s->base_year + s->horizon;
    if (r->lenient_years && (y < first || y > last)) {
        *t = y < first ? 1 : s->horizon + 1;
        return SC_OK;
    }
    if (y < first || y > last)
        return SCN_ERR(r, v, "expected a start year the scenario simulates, %d to %d (%s to %s; "
                       "the base year %d is observed), got %lld", first, last,
                       sc_year_label(first).s, sc_year_label(last).s, s->base_year, y);
    *t = (int)(y - s->base_year);
    return SC_OK;
}

static void register_name(const sc_lever *l, const char *what, char *buf, size_t cap)
{
    snprintf(buf, cap, "levers.%s.%s", l->name, what);
}

/* The ramp: absent, 1 from start; N, linear over N years (k/N in the k-th);
 * a year table, held from one year given to the next, 0 before start. */
static int read_ramp(scn_ctx *r, const scn_val *v, sc_lever *l)
{
    const sc_scenario *s = r->s;
    char name[SC_ID_MAX];
    register_name(l, "ramp", name, sizeof name);
    memset(l->ramp, 0, sizeof l->ramp);
    if (!v->n) {
        for (int t = l->start; t <= s->horizon; t++)
            l->ramp[t] = 1.0;
        return SC_OK;
    }
    if (scn_kind(v) == SCN_SCALAR) {
        static const scn_dom years = { 1, SC_MAX_HORIZON, 0, 0, 1,
                                       "a number of years from 1 to 50 (a linear ramp), or a "
                                       "year table {YEAR: share, ...}" };
        double n;
        if (scn_number(r, v, &years, name, "years", 0, &n))
            return scn_fail(r);
        for (int t = l->start; t <= s->horizon; t++)
            l->ramp[t] = fmin(1.0, (t - l->start + 1) / n);
        return SC_OK;
    }
    scn_years y;
    if (scn_year_table(r, v, &scn_prob, name, &y))
        return scn_fail(r);
    double last = y.before_year ? y.before_v : 0;
    for (int t = 0; t <= s->horizon; t++) {
        if (y.have[t] && t < l->start && !r->lenient_years)
            return SCN_ERR(r, v, "ramp year %d is before the lever starts (%d)", s->base_year + t,
                           s->base_year + l->start);
        if (y.have[t])
            last = y.v[t];
        l->ramp[t] = t < l->start ? 0.0 : last;
    }
    return SC_OK;
}

/* Capacity: places from start, a number or a year table that gives the
 * start year (held from one year given to the next). */
static int read_places(scn_ctx *r, const scn_val *v, sc_lever *l)
{
    const sc_scenario *s = r->s;
    char name[SC_ID_MAX];
    register_name(l, "places", name, sizeof name);
    for (int t = 0; t <= SC_MAX_HORIZON; t++)
        l->places[t] = NAN;
    /* One number (in any of its forms), else a year table. */
    if (scn_kind(v) != SCN_MAP || scn_has_key(v, "value")
        || (scn_has_key(v, "csv") && scn_has_key(v, "year"))) {
        double x;
        if (scn_number(r, v, &scn_count, name, "", 0, &x))
            return scn_fail(r);
        for (int t = l->start; t <= s->horizon; t++)
            l->places[t] = x;
        return SC_OK;
    }
    scn_years y;
    if (scn_year_table(r, v, &scn_count, name, &y))
        return scn_fail(r);
    if (l->start <= s->horizon && !y.have[l->start] && !(r->lenient_years && y.before_year))
        return SCN_ERR(r, v, "expected the places of the start year %d in the table",
                       s->base_year + l->start);
    double last = y.before_year ? y.before_v : NAN;
    for (int t = 0; t <= s->horizon; t++) {
        if (y.have[t] && t < l->start && !r->lenient_years)
            return SCN_ERR(r, v, "places given for %d, before the lever starts (%d)",
                           s->base_year + t, s->base_year + l->start);
        if (y.have[t])
            last = y.v[t];
        l->places[t] = t < l->start ? NAN : last;
    }
    return SC_OK;
}

/* topup: a list of band numbers 1..B, each once (absent: every band). */
static int read_bands(scn_ctx *r, const scn_val *v, sc_lever *l)
{
    const int B = r->s->nbands;
    if (!v->n) {
        l->bands = B >= 32 ? ~0u : (1u << B) - 1;
        return SC_OK;
    }
    int n;
    if (scn_seq_open(r, v, 1, B, &n))
        return scn_fail(r);
    char what[64];
    snprintf(what, sizeof what, "a band number from 1 to %d", B);
    void *it = NULL;
    int i;
    scn_val item;
    l->bands = 0;
    while (scn_seq_next(v, &it, &i, &item)) {
        const scn_dom band = { 1, B, 0, 0, 1, what };
        double x;
        if (scn_plain_number(r, &item, &band, &x))
            return scn_fail(r);
        int b = (int)x;
        if (l->bands & (1u << (b - 1)))
            return SCN_ERR(r, &item, "band %d is given twice", b);
        l->bands |= 1u << (b - 1);
    }
    return SC_OK;
}

static int read_name(scn_ctx *r, const scn_val *key, sc_lever *l)
{
    if (scn_str(r, key, l->name, sizeof l->name))
        return scn_fail(r);
    size_t n = strlen(l->name);
    if (n == 0 || strspn(l->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
                      != n)
        return SCN_EXPECTED(r, key, "a lever name of letters, digits, '_' and '-' (at most 32)");
    if (!strcmp(l->name, "cluster_working"))
        return SCN_ERR(r, key, "cluster_working is cluster working's own lever (the "
                       "cluster_working section and parameters.cluster_effect); give this one "
                       "another name");
    return SC_OK;
}

/* Keys the kind does not take, named with what it does take. */
static int check_keys(scn_ctx *r, const scn_val *k, sc_lever *l)
{
    unsigned required, takes = keys_of_kind(l->on, &required);
    for (int i = L_RAMP; i < L_N; i++) {
        if (i == L_DESCRIPTION)
            continue;
        if (k[i].n && !(takes & BIT(i))) {
            char allowed[256] = "changes, start, description";
            size_t used = strlen(allowed);
            for (int j = L_RAMP; j < L_N; j++)
                if (takes & BIT(j))
                    sc_text_append(allowed, sizeof allowed, &used, ", ", key_names[j]);
            return SCN_ERR(r, &k[i], "a lever on %s takes no '%s'; its keys: %s",
                           sc_lever_names[l->on], key_names[i], allowed);
        }
        if (!k[i].n && (required & BIT(i)))
            return SCN_ERR(r, &k[L_ON], "a lever on %s needs '%s'", sc_lever_names[l->on],
                           key_names[i]);
    }
    return SC_OK;
}

static int read_where(scn_ctx *r, const scn_val *k, sc_lever *l)
{
    l->setting = l->to = -1;
    switch (l->on) {
    case SC_LEVER_CEASING:
        return k[L_SETTING].n ? read_setting(r, &k[L_SETTING], 1, 1, &l->setting) : SC_OK;
    case SC_LEVER_UNIT_COST:
        return read_setting(r, &k[L_SETTING], 0, 0, &l->setting);
    case SC_LEVER_TOPUP:
        return read_bands(r, &k[L_BANDS], l);
    case SC_LEVER_MIX:
        if (read_setting(r, &k[L_FROM], 1, 0, &l->setting)
            || read_setting(r, &k[L_TO], 1, 0, &l->to))
            return scn_fail(r);
        if (l->setting == l->to)
            return SCN_ERR(r, &k[L_TO], "expected a setting other than the one plans are moved "
                           "from (%s)", sc_placement_names[l->setting]);
        return SC_OK;
    case SC_LEVER_CAPACITY:
        if (read_setting(r, &k[L_SETTING], 0, 0, &l->setting)
            || read_setting(r, &k[L_OVERFLOW], 0, 0, &l->to))
            return scn_fail(r);
        if (l->setting == l->to)
            return SCN_ERR(r, &k[L_OVERFLOW], "expected a setting other than the capped one (%s) "
                           "for the overflow", sc_placement_names[l->setting]);
        return SC_OK;
    default:
        return SC_OK;
    }
}

static int read_lever(scn_ctx *r, const scn_val *key, const scn_val *v, sc_lever *l)
{
    scn_key keys[L_N];
    scn_val k[L_N];
    for (int i = 0; i < L_N; i++)
        keys[i] = (scn_key){ key_names[i], i == L_ON || i == L_START };
    memset(l, 0, sizeof *l);
    l->line = key->line;
    if (read_name(r, key, l) || scn_map(r, v, keys, L_N, k) || read_on(r, &k[L_ON], &l->on)
        || check_keys(r, k, l))
        return scn_fail(r);
    if ((l->on == SC_LEVER_UNIT_COST || l->on == SC_LEVER_TOPUP) && !r->s->has_costs)
        return SCN_ERR(r, &k[L_ON], "a lever on %s needs the scenario's costs (bands.topup and "
                       "unit costs); this scenario is demand-only", sc_lever_names[l->on]);
    if (k[L_DESCRIPTION].n && scn_str(r, &k[L_DESCRIPTION], l->description,
                                      sizeof l->description))
        return scn_fail(r);
    char prefix[SC_ID_MAX];
    snprintf(prefix, sizeof prefix, "levers.%s", l->name);
    if (read_start(r, &k[L_START], &l->start) || read_where(r, k, l))
        return scn_fail(r);
    if (l->on == SC_LEVER_CAPACITY) {
        if (read_places(r, &k[L_PLACES], l))
            return scn_fail(r);
        for (int t = l->start; t <= r->s->horizon; t++)
            l->ramp[t] = 1.0;
    } else if (read_ramp(r, &k[L_RAMP], l)) {
        return scn_fail(r);
    }
    if (!k[L_EFFECT].n) {      /* capacity: the places as given */
        l->effect = (sc_dist){ .kind = SC_DIST_FIXED, .dim = 1, .status = "default" };
        snprintf(l->effect.source, sizeof l->effect.source, "not given: the places as given");
    } else if (scn_dist(r, is_share(l->on) ? &share_info : &change_info, -1, prefix,
                        &k[L_EFFECT], &l->effect)) {
        return scn_fail(r);
    }
    l->key = scn_hash64(l->name);
    return SC_OK;
}

static int add_lever(scn_ctx *r, const sc_lever *l, const scn_val *at)
{
    sc_scenario *s = r->s;
    if (s->nlevers >= SC_MAX_LEVERS)
        return SCN_ERR(r, at, "expected at most %d levers", SC_MAX_LEVERS);
    sc_lever *x = sc_realloc(s->levers, (size_t)(s->nlevers + 1) * sizeof *x);
    if (!x)
        return SCN_NOMEM(r);
    s->levers = x;
    s->levers[s->nlevers++] = *l;
    return SC_OK;
}

int scn_cluster_lever(scn_ctx *r)
{
    sc_scenario *s = r->s;
    sc_lever l;
    memset(&l, 0, sizeof l);
    snprintf(l.name, sizeof l.name, "cluster_working");
    snprintf(l.description, sizeof l.description, "cluster working: parameters.cluster_effect "
             "(E_c = min(E h_c, 0.95)) x cluster_working.ramp");
    l.on = SC_LEVER_REQUESTS;
    l.setting = l.to = -1;
    l.start = 1;
    memcpy(l.ramp, s->ramp, sizeof l.ramp);
    l.effect = s->param[SC_P_CLUSTER_EFFECT];
    l.key = scn_hash64(l.name);
    l.builtin = 1;
    return add_lever(r, &l, &r->root);
}

int scn_levers(scn_ctx *r, const scn_val *v)
{
    if (!v->n)
        return SC_OK;
    if (scn_map_open(r, v))
        return scn_fail(r);
    void *it = NULL;
    scn_val key, val;
    while (scn_map_next(v, &it, &key, &val)) {
        sc_lever l;
        if (read_lever(r, &key, &val, &l) || add_lever(r, &l, &key))
            return scn_fail(r);
        r->s->nuser_levers++;
    }
    return SC_OK;
}
