/*
 * result.h — a result file (CONTRACT.md layout) read back into memory.
 *
 * export, compare and report never touch HDF5 themselves: sc_result_read()
 * loads everything they show — provenance, axes, every metric's statistics,
 * the Safety Valve targets, the per-trajectory values where the file has them,
 * the inputs register and the parameters — and checks everything as it goes
 * (docs/hardening.md, "Result files"), so a file from another program, a
 * damaged or a crafted file is refused with its name and the part that is
 * wrong (SC_EINPUT, exit 2).
 *
 * Arrays are laid out as in the file: [year][unit] for statistics,
 * [year][unit][percentile] for percentiles, [trajectory][year][unit] for
 * per-trajectory values (unit axis of length 1 at district level). The whole
 * struct is owned by the sc_result and freed by sc_result_free().
 */
#ifndef SENDCAST_RESULT_H
#define SENDCAST_RESULT_H

#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/scenario.h"

#define SC_RESULT_STR 256

typedef struct sc_result_metric {
    char name[64];
    char unit[64];
    char doc[SC_RESULT_STR];
    enum sc_level level;
    int units;              /* 1, areas or clusters */
    double *mean, *sd, *mcse;   /* [Y][U] */
    double *pct;                /* [Y][U][P] */
    double *traj;               /* [N][Y][U], NULL when the file keeps none */
    /* outturn up to the base year (/outturn/<name>, district metrics only):
     * nout years ascending, each with its value and status; 0 when none */
    int nout;
    int out_year[SC_MAX_OUTTURN];
    double out_value[SC_MAX_OUTTURN];
    char out_status[SC_MAX_OUTTURN][64];
} sc_result_metric;

typedef struct sc_result_input {
    char name[64];
    char item[64];
    int year;               /* 0 when not by year */
    double value;
    char status[64];
    char source[SC_RESULT_STR];
} sc_result_input;

typedef struct sc_result_param {
    char name[64];
    char distribution[32];
    char numbers[SC_RESULT_STR];   /* "a=12.5, b=3.1", as stored */
    /* the same as values: the distribution's first and second number
     * (names as stored: "a", "b"; NULL where it has one), nvalue[j] values
     * each (a vector's components, a covariance's four) */
    const char *number[2];
    int nvalue[2];
    double value[2][SC_MAX_DIM];
    char status[64];
    char source[SC_RESULT_STR];
} sc_result_param;

/* A target on one district metric (docs/outputs.md, /targets/<name>). */
#define SC_RESULT_MAX_TARGETS 64
typedef struct sc_result_target {
    char name[64];
    char metric[64];                /* a district metric */
    char unit[16];                  /* the metric's: GBP, plans, ... */
    int at_least;                   /* 1: met when metric >= target; 0: <= */
    double *target, *p_met, *p_met_mcse;    /* [Y]; NaN: no target that year */
    double p_all_met, p_all_met_mcse;       /* over the years it has a target */
} sc_result_target;

typedef struct sc_result {
    char *path;
    /* provenance (root attributes) */
    int format_version;
    char engine_version[64], model_version[16], scenario_name[64], scenario_sha256[80];
    char created_utc[40], git_revision[64], libraries[512], command_line[1024];
    char percentile_definition[128];
    char scenario_description[512]; /* "" when the file has none (older, or none given) */
    uint64_t seed;
    long trajectories;
    int base_year, horizon;
    /* axes */
    int years;                      /* = horizon */
    int *year;                      /* [Y] labels */
    int nareas, nclusters;
    char (*area)[64], (*area_name)[SC_RESULT_STR], (*cluster)[64];
    int *cluster_area;              /* [C] index into area */
    int np;
    double *percentile;             /* [P] */
    /* metrics, in the engine's order (layout.h) */
    int nmetrics[SC_NLEVELS];
    sc_result_metric *metric[SC_NLEVELS];
    /* What the scenario gave, from the metrics the file holds (a demand-only
     * scenario's file has no money metric, docs/outputs.md): top-up spend
     * (costs), HNB spend and the Safety Valve (finance), budgets (cluster
     * working). Sections and charts of what a file lacks are left out. */
    int has_costs, has_finance, has_cluster_working;
    /* Safety Valve (/targets/safety_valve_balance; all NaN when the file has
     * no finance) */
    double *target, *p_met, *p_met_mcse, *p_first_breach;   /* [Y] */
    double p_all_met, p_all_met_mcse;
    double *met_traj;               /* [N][Y], NULL when not stored */
    /* The other targets (/targets/<name> beside safety_valve_balance: the
     * scenario's `targets:` section), in the file's (name) order. */
    int ntargets;
    sc_result_target *targets;
    /* a history read from SEN2 releases (/history): the council and each
     * release with its SHA-256; history_la "" and nreleases 0 otherwise */
    char history_la[SC_RESULT_STR];     /* "Kirklees (382, E08000034)" */
    int nreleases;
    char (*release)[SC_RESULT_STR];
    char (*release_sha256)[80];
    int nexclusions;                    /* cells the SEN2 rules left out of the fit */
    /* how money is shown: "cash terms (nominal)" as stored, or after
     * sc_result_real_terms() "real terms (2023/24 prices)" (real 1) */
    int real;
    char money_basis[64];
    /* provenance register and parameters */
    int ninputs;
    sc_result_input *inputs;
    int nparams;
    sc_result_param *params;
} sc_result;

/* The inputs' statuses, each once, in order of first appearance: the index
 * of its first input and how many inputs have it. Sorted, not compared pair
 * by pair: a result of 50,000 clusters has about 10^5 inputs, and the xlsx
 * and report tables of them took minutes (issue 17). *out is sc_free'd;
 * SC_OK or SC_ENOMEM. */
typedef struct sc_status_count {
    int first, count;
} sc_status_count;
int sc_result_status_counts(const sc_result *r, sc_status_count **out, int *n, sc_error *e);

/* Read path. SC_OK; SC_EINPUT (not a readable sendcast result: not a
 * regular file, damaged (its checksum), a missing or misshapen part, named,
 * or a file on which HDF5 itself crashed or hung: it is read first in a
 * child process); SC_ENOMEM. *out is NULL on failure. */
int sc_result_read(const char *path, sc_result **out, sc_error *e);

/* The same with the child's time limit given (timeout_s > 0): sc_result_read
 * allows 30 s and a second for every 2 MB; tests replaying inputs that hung
 * HDF5 allow less. */
int sc_result_read_within(const char *path, double timeout_s, sc_result **out, sc_error *e);

/* The same on bytes already in memory (name for messages), in this process
 * and without the checksum: for the fuzz harness, which must see every fault
 * itself. A damaged image may crash HDF5 here. */
struct sc_h5_image;
int sc_result_read_image(const char *name, const struct sc_h5_image *img, sc_result **out,
                         sc_error *e);
void sc_result_free(sc_result *r);

/* The metric of a level by name, NULL when absent. */
const sc_result_metric *sc_result_metric_find(const sc_result *r, enum sc_level level,
                                              const char *name);

/* Whether the run's clusters work in some simulated year: an input
 * cluster_working.ramp above 0. A no-change run keeps the clusters' budgets
 * (to compare with a run where they work), but no cluster holds one, so
 * their gaps are not to be shown as if clusters existed. */
int sc_result_clusters_work(const sc_result *r);

/* Percentiles q[0..nq-1] (in [0, 100]) of metric m for unit u, into out[Y][nq].
 * A percentile the file stores is copied; otherwise it is computed from the
 * per-trajectory values by the same Hyndman-Fan type 7 rule the engine uses.
 * SC_EINPUT when neither is there (the message names the metric and q). */
int sc_result_quantiles(const sc_result *r, const sc_result_metric *m, int u, int nq,
                        const double *q, double *out, sc_error *e);

/* P(value > 0) of metric m in year index t for unit u: the share of
 * trajectories when the file keeps them (*exact = 1); otherwise estimated from
 * the stored percentiles as 1 - q/100 for the highest stored percentile q at
 * or below zero (1 - 0 when none is), good to the spacing of the stored
 * percentiles (*exact = 0). */
double sc_result_p_positive(const sc_result *r, const sc_result_metric *m, int t, int u,
                            int *exact);

/* Every money metric (unit GBP) of r in base-year prices, in place: each
 * trajectory's value divided by its own price index where the file keeps
 * both (then mean, sd, MC error and percentiles recomputed from them),
 * else the statistics divided by the year's mean price index; Safety Valve
 * targets and the council's projection likewise by the mean index (P(met)
 * is unchanged: a target is met or not whatever the prices). The outturn,
 * up to the base year, stays in cash: no index before the base year.
 * SC_EINPUT when r has no price index (a demand-only result, or one
 * written before sendcast stored it); SC_ENOMEM. */
int sc_result_real_terms(sc_result *r, sc_error *e);

/* The value of input `name` in the inputs register for `year` (such as
 * "finance.council_projection.topup_spend", the council's own projection),
 * NaN when the register has none. */
double sc_result_input_value(const sc_result *r, const char *name, int year);

/* The outturn of metric m in `year`, NaN when it has none. */
double sc_result_outturn(const sc_result_metric *m, int year);

/* The years up to the base year in which any of metrics[0..n) (district
 * names; absent ones ignored) has an outturn, ascending, into
 * years[SC_MAX_OUTTURN * n]; returns how many. */
int sc_result_outturn_years(const sc_result *r, const char *const *metrics, int n, int *years);

/* Index of year label in r->year, -1 when absent. */
int sc_result_year_index(const sc_result *r, int year);

#endif
