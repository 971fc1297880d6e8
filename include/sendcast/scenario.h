/*
 * scenario.h — a scenario, read from YAML (and the CSV files it names),
 * checked, and resolved into plain arrays the simulation reads.
 *
 * sc_scenario_read() parses and validates everything before any simulation:
 * on bad input it returns SC_EINPUT with "file:line:col: what was expected".
 * The struct is read-only afterwards and shared by all threads and runs; a
 * parameter given as `dist: fit` stays so here, and the fit stage resolves it
 * in a separate object (params.h), never in the scenario.
 *
 * The money is optional: a scenario without bands.topup, cluster_working
 * and finance is demand-only (has_costs etc. below). The history is a CSV or
 * DfE's SEN2 releases (sen2.h) for one council; sc_scenario_read_with() can
 * be handed a panel read once for many scenarios of the same releases.
 *
 * Units: money in pounds; base-year pounds unless said otherwise; rates per
 * year. Arrays "by year" are indexed t = 0..horizon, t = 0 the base year.
 */
#ifndef SENDCAST_SCENARIO_H
#define SENDCAST_SCENARIO_H

#include <stdint.h>
#include <stddef.h>

#include "sendcast/error.h"
#include "sendcast/sen2.h"

#define SC_MAX_BANDS 16
#define SC_MAX_DIM 16          /* largest vector parameter (bands) */
#define SC_MAX_PERCENTILES 32
#define SC_MAX_HORIZON 50
#define SC_ID_MAX 64
#define SC_TEXT_MAX 256
#define SC_YEAR_MIN 1000       /* every year a scenario may name */
#define SC_YEAR_MAX 9999
#define SC_MAX_AREAS 100000
#define SC_MAX_CLUSTERS 100000

/* Placements of MODEL.md section 2, in this order everywhere. */
enum sc_placement {
    SC_PL_MAINSTREAM,
    SC_PL_ARP,
    SC_PL_SPECIAL,
    SC_PL_INDEPENDENT,
    SC_PL_POST16,
    SC_PL_OTHER,
    SC_NPLACEMENTS
};
extern const char *const sc_placement_names[SC_NPLACEMENTS];

/* Parameters of MODEL.md 3.1 (model 1) and docs/model.md 2 (model 2); names
 * are CONTRACT.md's groups. The numbers key each parameter's random stream,
 * so a new parameter is added at the end, never in between. */
enum sc_param_id {
    SC_P_CONVERSION,        /* v1 (alpha, beta); v2 (level, trend deviation) */
    SC_P_DISPERSION,        /* k (model 1 only) */
    SC_P_DAMPING,           /* phi: of the trend (v1), of the trend deviation (v2) */
    SC_P_ASSESS,
    SC_P_ISSUE,
    SC_P_PLACEMENT_MIX,
    SC_P_BAND_MIX,
    SC_P_CEASE_MAINSTREAM,  /* the six cease_* follow enum sc_placement */
    SC_P_CEASE_ARP,
    SC_P_CEASE_SPECIAL,
    SC_P_CEASE_INDEPENDENT,
    SC_P_CEASE_POST16,
    SC_P_CEASE_OTHER,
    SC_P_STEP_UP,
    SC_P_ESCALATION,
    SC_P_POST16_TRANSFER,
    SC_P_CLUSTER_EFFECT,
    SC_P_HETEROGENEITY_CV,
    SC_P_INFLATION,
    SC_P_SEND_SUPPORT_DRIFT,
    /* Model 2 only (docs/model.md 2). */
    SC_P_NATIONAL_TREND,        /* beta: national yearly growth of log requests */
    SC_P_NATIONAL_SHOCK,        /* sigma_delta^2: variance of the national yearly shock */
    SC_P_SHOCK_SD,              /* sigma: sd of the council's yearly shock */
    SC_P_SHOCK_PERSISTENCE,     /* pi: persistent share of sigma^2 */
    SC_P_ASSESS_DEVIATION,      /* u0: deviation of log plans per request in the base year */
    SC_P_ASSESS_PERSISTENCE,    /* rho_u */
    SC_P_ASSESS_SD,             /* sigma_u: stationary sd of the deviation */
    SC_P_NATIONAL_ASSESS_SD,    /* sigma_psi */
    SC_P_ASSESS_RESPONSE,       /* kappa */
    SC_P_NET_TRANSFER,          /* tau-bar: net flow into the stock, share a year */
    SC_P_TRANSFER_PERSISTENCE,  /* rho_w */
    SC_P_TRANSFER_SD,           /* sigma_w */
    SC_P_NATIONAL_TRANSFER_SD,  /* sigma_chi */
    SC_NPARAMS
};

enum sc_dist_kind {
    SC_DIST_NONE,           /* not given (only allowed where the table says so) */
    SC_DIST_FIXED,          /* value[0..dim-1] */
    SC_DIST_BETA,           /* p[0] = a, p[1] = b */
    SC_DIST_NORMAL,         /* p[0] = mean, p[1] = sd */
    SC_DIST_GAMMA,          /* p[0] = shape, p[1] = scale */
    SC_DIST_DIRICHLET,      /* value[0..dim-1] = alpha */
    SC_DIST_BVNORMAL,       /* value[0..1] = mean, cov[2][2] */
    SC_DIST_POISSON,        /* dispersion only: k infinite, requests Poisson */
    SC_DIST_FIT,            /* fitted from history by the fit stage, which resolves it in
                               the run's parameters (params.h, fit.h); never drawn as such */
    SC_DIST_SCALED_INV_CHI2,/* p[0] = nu, p[1] = s^2: nu s^2 / X, X ~ chi^2(nu) */
    SC_DIST_UNIFORM         /* levers only: p[0] = min, p[1] = max */
};
extern const char *const sc_dist_names[];   /* indexed by enum sc_dist_kind */

/* Where a parameter's domain lies; checked for fixed values and means. */
enum sc_domain {
    SC_DOM_PROB,        /* [0, 1] */
    SC_DOM_UNIT_OPEN,   /* (0, 1], the damping */
    SC_DOM_POSITIVE,    /* > 0 */
    SC_DOM_NONNEG,      /* >= 0 */
    SC_DOM_REAL,
    SC_DOM_SIMPLEX,     /* vector of positive weights (Dirichlet) or shares summing to 1 */
    SC_DOM_CHANGE,      /* a relative change, > -1 (levers: -0.1 is 10% less) */
    SC_DOM_SHARE        /* levers: a share in [0, 1] of a flow moved elsewhere */
};

/* Which of the six placements / how many bands a vector parameter spans. */
enum sc_param_shape { SC_SHAPE_SCALAR, SC_SHAPE_PAIR, SC_SHAPE_PLACEMENTS, SC_SHAPE_BANDS };

/* sc_param_info.required: 1 always; 2 only in a scenario with money (has_costs). */
enum { SC_REQUIRED = 1, SC_REQUIRED_WITH_MONEY = 2 };

/* One row of the parameter table: everything the parser, the checks, the
 * docs and the HDF5 writer need to know about a parameter. */
/* Which model versions use a parameter (sc_param_info.models). */
#define SC_MODEL_1 1u
#define SC_MODEL_2 2u
#define SC_MODEL_BOTH (SC_MODEL_1 | SC_MODEL_2)

typedef struct sc_param_info {
    const char *name;       /* YAML key and HDF5 group name */
    unsigned allowed;       /* bit (1u << kind) for each allowed enum sc_dist_kind */
    enum sc_domain domain;
    enum sc_param_shape shape;
    int required;           /* SC_REQUIRED, SC_REQUIRED_WITH_MONEY, or 0: may be left out
                               (dispersion → Poisson, others → see default_value) */
    double default_value;   /* fixed value used when left out and not required */
    const char *doc;
    unsigned models;        /* SC_MODEL_1 | SC_MODEL_2: the versions that use it */
} sc_param_info;
extern const sc_param_info sc_param_table[SC_NPARAMS];

/* Whether parameter id belongs to model version `model` (1 or 2): the others
 * are neither read from, drawn for, written for nor reported on its scenarios. */
int sc_param_in_model(int id, int model);

typedef struct sc_dist {
    enum sc_dist_kind kind;
    int dim;                      /* 1 scalar, 2 conversion, 6 placements, B bands */
    double p[2];                  /* beta a,b / normal mean,sd / gamma shape,scale */
    double value[SC_MAX_DIM];     /* fixed values, Dirichlet alpha, bvn mean */
    double cov[2][2];
    char status[SC_ID_MAX];       /* published, derived, estimate, illustrative, ... */
    char source[SC_TEXT_MAX];
    int line;                     /* scenario line it was given on (0: default) */
    int is_default;               /* left out of the scenario: the table's default */
    /* dist: fit only (MODEL.md 5): the window of history years (0: from the
     * first / to the last year history has) and an optional Beta prior (a, b)
     * for rates and the cluster effect (has_prior 0: Beta(0.5, 0.5) for rates). */
    int fit_from, fit_to;
    int has_prior;
    double prior[2];
    /* Set by the fit stage (src/fit) on every parameter it replaced: the
     * history columns and years it came from ("" when not fitted). */
    char fitted_from[SC_TEXT_MAX];
} sc_dist;

/* ---- levers (docs/scenario.md, "Levers"; docs/model.md, "Levers") ----
 *
 * A lever changes one rate, mix, cost or capacity of the model from a start
 * year, with a ramp r_t in [0, 1], by an effect drawn once a trajectory
 * (its own keyed stream: every other draw is shared with the scenario
 * without it). Shares (requests, placement_mix) are in [0, 1]; every other
 * lever's effect is a relative change e > -1 of its number: x (1 + e r_t).
 * Cluster working is the lever `cluster_working` (changes: requests), built from
 * the cluster_working section and the cluster_effect parameter. */
enum sc_lever_on {
    SC_LEVER_REQUESTS,      /* share of would-be requests averted (diverted) */
    SC_LEVER_ASSESSMENT,    /* p_assess (model 2: the year's p_assess,t), capped at 1 */
    SC_LEVER_ISSUE,         /* p_issue */
    SC_LEVER_CEASING,       /* cease rate of `setting` (-1: every setting) */
    SC_LEVER_ESCALATION,    /* mainstream -> special */
    SC_LEVER_POST16,        /* mainstream -> post-16 */
    SC_LEVER_STEP_UP,       /* one band up */
    SC_LEVER_MIX,           /* share of new `setting` plans placed in `to` instead */
    SC_LEVER_UNIT_COST,     /* unit cost of `setting` */
    SC_LEVER_TOPUP,         /* top-up tariffs of the bands in `bands` */
    SC_LEVER_CAPACITY,      /* at most places_t (1 + e) plans in `setting`; the year's
                               entrants beyond go to `to` */
    SC_NLEVER_KINDS
};
extern const char *const sc_lever_names[SC_NLEVER_KINDS];   /* the `changes:` words */

#define SC_EDIT_TEXT_MAX 1200   /* "--set PATH=VALUE" at its longest, and more */
#define SC_LEVER_NAME_MAX 33     /* a lever's name: at most 32 characters */
#define SC_MAX_LEVERS 64

typedef struct sc_lever {
    char name[SC_LEVER_NAME_MAX];
    enum sc_lever_on on;
    int setting;            /* enum sc_placement: ceasing (-1: all), mix (from), unit cost,
                               capacity; -1 otherwise */
    int to;                 /* mix: the setting new plans go to instead; capacity: overflow */
    unsigned bands;         /* topup: bit b for band b + 1 */
    int start;              /* first simulated year it acts in, as t (1..horizon); a lever
                               read leniently (attribution) that starts after the horizon
                               has start horizon + 1 and never acts */
    double ramp[SC_MAX_HORIZON + 1];     /* r_t in [0, 1]; 0 before start */
    double places[SC_MAX_HORIZON + 1];   /* capacity: places from start (NaN before) */
    sc_dist effect;         /* its size, drawn once a trajectory (built-in: unused) */
    uint64_t key;           /* its random streams (a hash of the name) */
    int builtin;            /* 1: cluster working: effect E_c (cluster_effect and its
                               heterogeneity), ramp = cluster_working.ramp */
    int line;               /* where the scenario gave it (0: built in) */
    char description[SC_TEXT_MAX];
} sc_lever;

typedef struct sc_area {
    char id[SC_ID_MAX];
    char name[SC_TEXT_MAX];
} sc_area;

typedef struct sc_cluster {
    char id[SC_ID_MAX];
    int area;                              /* index into areas */
    double pupils;                         /* N_c0, base-year mainstream pupils */
    double send_support_share;             /* s_c */
    double need_index;                     /* w_c */
    int64_t band_stock[SC_MAX_BANDS];      /* base-year mainstream top-up plans by band */
    int64_t placement_stock[SC_NPLACEMENTS]; /* base-year plans; [SC_PL_MAINSTREAM] = sum of bands */
    double early_support;                  /* allowance, base-year pounds a year */
} sc_cluster;

/* One number the run used, with its status, for the provenance register. */
typedef struct sc_input {
    char name[SC_ID_MAX];
    int year;                   /* 0 when not by year */
    double value;
    char status[SC_ID_MAX];
    char source[SC_TEXT_MAX];
    char item[SC_ID_MAX];       /* cluster id, band number, placement, ... ("" for district numbers) */
} sc_input;

/* A file the scenario read (itself or a CSV), kept verbatim for the result file. */
typedef struct sc_file {
    char *path;                 /* as given in the scenario, resolved against its folder */
    char *text;
    size_t len;
} sc_file;

/* Columns of the history table (MODEL.md 5), by role. The YAML maps each role
 * to a column of the CSV (default: the role's own name where the file has it). */
enum sc_history_col {
    SC_H_REQUESTS,          /* requests for assessment in the year */
    SC_H_AGREED,            /* requests agreed for assessment */
    SC_H_REFUSED,           /* requests refused */
    SC_H_ASSESSMENTS,       /* assessments completed */
    SC_H_PLANS_ISSUED,      /* new plans issued */
    SC_H_PLANS_CEASED,      /* plans that ceased in the year */
    SC_H_PLANS_OPEN,        /* plans in place at the end of the year */
    SC_H_SEND_SUPPORT,      /* SEND-support pupils (absent: the base year's, every year) */
    SC_H_RAMP,              /* cluster working ramp r_y in [0, 1] (absent: the scenario's) */
    SC_NHISTORY
};
extern const char *const sc_history_roles[SC_NHISTORY];

/* A year (or some of its columns) left out of every fit, with the reason:
 * an `exclude:` entry of the scenario (rule 0), or a cell of a SEN2 history
 * that a suspect rule of sen2.h flagged (rule 1-3, one column, its value). */
typedef struct sc_history_exclusion {
    int year;
    unsigned columns;       /* bit (1u << enum sc_history_col); all bits: the whole year */
    int rule;               /* 0: the scenario's exclude:; 1-3: enum sc_sen2_rule */
    double value;           /* the value left out (NaN for the scenario's own entries) */
    char reason[2 * SC_TEXT_MAX];
} sc_history_exclusion;

/* Where a history read from DfE's SEN2 releases (`history: {sen2: [...], la:
 * ...}`) came from: the releases, their fingerprints and the council. */
typedef struct sc_history_sen2 {
    int nreleases;
    char **release;         /* [nreleases] paths, resolved against the scenario's folder */
    char (*sha256)[65];     /* [nreleases] hex SHA-256 (sen2.h: sc_sen2_release_sha256) */
    char la_query[SC_ID_MAX];       /* `la:` as written */
    char la_old_code[8];            /* "382"; "" when the council has none */
    char la_new_codes[SC_TEXT_MAX]; /* "E08000034" (every code it had, comma-separated) */
    char la_name[SC_TEXT_MAX];
    char region[SC_TEXT_MAX];       /* "E12000003 Yorkshire and The Humber" */
} sc_history_sen2;

/* The council's history, district level, one row per year (ascending). */
typedef struct sc_history {
    int nyears;             /* 0: the scenario has no history */
    int *year;              /* [nyears] */
    int *row_line;          /* [nyears] file line of each row, for messages */
    double *value;          /* [col * nyears + i]; NaN: missing or excluded */
    char column[SC_NHISTORY][SC_ID_MAX];   /* file column of each role; "" absent */
    char *path;             /* the CSV as displayed in messages; for SEN2, "SEN2 <council>
                             * (<code>)" */
    sc_history_exclusion *exclude;
    int nexclude;
    int from_sen2;          /* 1: read from SEN2 releases (sen2 below), 0: from a CSV */
    sc_history_sen2 sen2;
} sc_history;

/* Outturn of one district metric (docs/scenario.md, "outturn"): what the
 * council recorded in the years up to the base year, drawn leading into the
 * metric's fan. Display only: the simulation never reads it. */
#define SC_MAX_OUTTURN 64
/* A target on one district metric (the scenario's `targets:` section, beside
 * the Safety Valve's in-year balance targets of finance.safety_valve): met in
 * a year when the metric's value is at most (at_least 0) or at least
 * (at_least 1) that year's value. Display and outcome only: no draw reads it. */
#define SC_MAX_TARGETS 16
#define SC_TARGET_NAME_MAX 41                 /* 40 characters [a-z0-9_] and the NUL */
typedef struct sc_target {
    char name[SC_TARGET_NAME_MAX];            /* the /targets/<name> group of the result */
    int metric;                               /* enum sc_district_metric (layout.h) */
    int at_least;                             /* 1: met when value >= target; 0: <= */
    double value[SC_MAX_HORIZON + 1];         /* by t; NaN: no target that year (t = 0 never) */
} sc_target;

typedef struct sc_outturn {
    int metric;                         /* enum sc_district_metric (layout.h) */
    int n;
    int year[SC_MAX_OUTTURN];           /* ascending, <= base_year */
    double value[SC_MAX_OUTTURN];       /* finite, in the metric's unit and sign */
    char status[SC_MAX_OUTTURN][SC_ID_MAX];
} sc_outturn;

typedef struct sc_scenario {
    char name[SC_ID_MAX];
    char description[SC_TEXT_MAX * 2];
    char *path;                 /* the YAML file as given on the command line */
    sc_file *files;             /* files[0] is the scenario itself */
    int nfiles;

    int model;                  /* 1: MODEL.md v1 (default); 2: docs/model.md */
    struct sc_priors *priors;   /* model 2: the national priors (`priors:`); NULL: none given */
    int base_year;
    int horizon;                /* H: years simulated, t = 1..H */
    long trajectories;
    uint64_t seed;
    int npercentiles;
    double percentiles[SC_MAX_PERCENTILES];   /* ascending, in (0, 100) */

    int nareas;
    sc_area *areas;
    int nclusters;
    sc_cluster *clusters;
    int nbands;
    double topup[SC_MAX_BANDS];               /* base-year pounds per plan per year */
    double unit_cost[SC_NPLACEMENTS];         /* [SC_PL_MAINSTREAM] unused (bands) */

    double pupil_growth;                      /* g_pop per year */
    sc_dist param[SC_NPARAMS];

    /* By year, t = 0..horizon. */
    double ramp[SC_MAX_HORIZON + 1];          /* r_t in [0, 1] */
    double grant[SC_MAX_HORIZON + 1];         /* G_t, HNB grant, nominal pounds */
    double transfers[SC_MAX_HORIZON + 1];     /* added to income, nominal pounds */
    double sv_payment[SC_MAX_HORIZON + 1];    /* V_t as scheduled */
    double target[SC_MAX_HORIZON + 1];        /* in-year balance target; NaN: none */
    double projection_topup[SC_MAX_HORIZON + 1]; /* council's own top-up projection; NaN: none */
    double cluster_budget_total[SC_MAX_HORIZON + 1]; /* shared by base-year top-up */
    int sv_conditional;                       /* V_t paid only if target t-1 met */
    sc_target targets[SC_MAX_TARGETS];        /* the `targets:` section's, in file order */
    int ntargets;
    double fixed_lines;                       /* F_0, base-year pounds */
    double opening_deficit;                   /* Def_0, pounds */
    double contingency_share;                 /* K_a,t = share * sum of its clusters' budgets */

    double *cluster_budget;                   /* [t * nclusters + c], nominal pounds */

    /* Which money the scenario has (docs/scenario.md, "Demand-only
     * scenarios"): without costs it is demand-only, and every money metric,
     * target and chart is left out of its result. finance and cluster
     * working need costs. */
    int has_costs;                            /* bands.topup and unit costs given */
    int has_finance;                          /* finance: given (HNB spend, targets) */
    int has_cluster_working;                  /* cluster_working: given (budgets) */

    sc_input *inputs;                         /* provenance register */
    int ninputs;

    sc_history history;                       /* MODEL.md 5; nyears 0 when not given */

    /* Levers, in the order they act: cluster working first (when the scenario
     * has the section), then the `levers:` section's. nuser_levers: those
     * the scenario's `levers:` gave. */
    int nlevers;
    sc_lever *levers;
    int nuser_levers;

    /* What was changed while reading (sc_scenario_read_with's edits): each
     * as "PATH=VALUE" (a --set) or "PATH from FILE" (a graft), for the
     * result's provenance; nedits 0 when read as written. */
    int nedits;
    char (*edits)[SC_EDIT_TEXT_MAX];
    /* Outturn by district metric: the `outturn:` section's, then requests,
     * new plans and plans in place from history (where outturn: did not
     * name them); metrics the result leaves out have none. */
    sc_outturn *outturn;
    int noutturn;

    /* Numbers read as given but unlikely to mean what they say ("FILE:LINE:COL:
     * key: ..."): a target's sign or size implausible for its metric, a
     * yearly rate of 4 meant as 4%. The reader never prints; commands do. */
    char (*warning)[2 * SC_TEXT_MAX];
    int nwarnings;
} sc_scenario;

/* Read, check and resolve a scenario. On failure *out is NULL and e says why. */
int sc_scenario_read(const char *path, sc_scenario **out, sc_error *e);

/* What a caller may hand sc_scenario_read_with() beyond the path. */
/* One change made to a scenario's YAML while it is read, before any section
 * is: a value given on the command line (`--set PATH=VALUE`), or a value
 * taken from another scenario file (an attribution's steps). PATH is a key
 * path as messages write it: "finance.grant.growth", "bands.topup[2]",
 * "levers.arp.effect.mean". A value replaces what the file has there (a
 * number in any of its three forms, a mapping, a list) or, when the mapping
 * exists but lacks the key, adds it; the reader then checks it as though the
 * file said it, and a problem with it is reported naming the edit (the
 * option) rather than a file line. A graft whose `from` file lacks PATH
 * removes ours; one whose parent we lack is skipped. */
typedef struct sc_scenario_edit {
    char path[160];
    char value[1024];       /* YAML text of the value ("0.03", "{2024: 0.5}"); "" for a graft */
    const char *from;       /* graft: the scenario file the value at path comes from */
} sc_scenario_edit;

/* "PATH=VALUE" (a --set argument) into *out. SC_OK; SC_EINPUT naming the
 * option when there is no '=', the path is empty or malformed, or either part
 * is too long. */
int sc_scenario_edit_parse(const char *arg, sc_scenario_edit *out, sc_error *e);

typedef struct sc_scenario_read_options {
    /* A panel the caller has read already (sc_sen2_read) from the very
     * releases the scenario's `history: sen2:` names, in the same order (the
     * same files: compared by their real paths), so that a caller reading
     * many scenarios of the same releases (calibration, one scenario per
     * council) reads the zips once. Only read, never kept or freed: it need
     * outlive the call only, and being read-only it may serve reads in
     * several threads at once. A scenario naming other releases is refused
     * (SC_EINPUT) rather than read from the wrong panel; one whose history is
     * a CSV, or that has none, ignores it. NULL: the reader reads the
     * releases itself. */
    const sc_sen2 *sen2;
    /* Edits applied in order to the document before it is read (may be NULL). */
    const sc_scenario_edit *edits;
    int nedits;
    /* 1: a scenario assembled from two (an attribution's step, whose base year
     * may be later than its tables'): years before the base year are left out
     * of every year table instead of refused (the grant of the base year, if
     * missing, grows from the latest earlier year), and a lever that starts
     * before the first simulated year acts from it, one after the horizon
     * never. */
    int lenient_years;
} sc_scenario_read_options;

/* Every option at its default (no pre-read panel). */
void sc_scenario_read_options_init(sc_scenario_read_options *o);

/* sc_scenario_read() with options (o may be NULL: the defaults). */
int sc_scenario_read_with(const char *path, const sc_scenario_read_options *o,
                          sc_scenario **out, sc_error *e);
void sc_scenario_free(sc_scenario *s);

/* A deep copy of s, which the copy does not share anything with (a
 * back-test makes its own scenario from one this way). SC_OK or SC_ENOMEM. */
int sc_scenario_copy(const sc_scenario *s, sc_scenario **out, sc_error *e);

/* History value of role col in row i (NaN when missing or excluded). */
double sc_history_get(const sc_history *h, int col, int i);

/* The row of history year `year`, or -1 when history has no such year. */
int sc_history_row(const sc_history *h, int year);

/* The mean of each component of a distribution into mean[0..d->dim): Beta
 * a / (a + b), normal mean, gamma shape x scale, Dirichlet alpha_j / sum,
 * bivariate normal and fixed values as they are (Poisson dispersion: +inf). */
void sc_dist_mean(const sc_dist *d, double mean[SC_MAX_DIM]);

/* Budget of cluster c in year t (nominal pounds) and contingency of area a. */
double sc_scenario_budget(const sc_scenario *s, int t, int c);
double sc_scenario_contingency(const sc_scenario *s, int t, int a);

#endif
