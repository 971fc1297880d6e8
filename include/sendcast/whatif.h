/*
 * whatif.h — the questions a finance team brings, each answered by running
 * the engine many times on common random numbers (docs/whatif.md):
 *
 *   sweep       a grid of --set values, every point on the same seed and
 *               trajectories: the chosen outputs of every point;
 *   goal seek   the value of one --set path at which a probability or
 *               percentile condition on an output and year just holds, by a
 *               monotone search, with its Monte Carlo uncertainty (or that the
 *               range cannot meet it, and what its best reaches);
 *   attribute   why a forecast moved from OLD to NEW: the change split into new
 *               data/history, changed assumptions, changed levers and Monte
 *               Carlo noise, each step paired trajectory by trajectory.
 *
 * Every run goes through sc_engine_run (engine.h) with all the threads (and,
 * with `distribute`, the MPI ranks) it is given: the scenario of a point is
 * read with its overrides (sc_scenario_read_with's edits), fitted, run and
 * freed; nothing is shared between points but the seed, so a point's numbers
 * are those `sendcast run --set ...` gives with that seed, and results do not
 * depend on threads or ranks. With distribute, every rank makes the same calls
 * and rank 0 holds the answers (a goal seek's next point is broadcast).
 *
 * What comes back is plain arrays for the command to print and write:
 * sc_whatif_*_write_h5 and sc_whatif_*_read give the files (kinds "sweep" and
 * "attribution", h5.h), sc_whatif_*_print the tables, sc_whatif_*_csv the CSVs
 * and sc_whatif_waterfall_svg the chart. Statistics are Monte Carlo estimates
 * with their standard errors: sd/sqrt(n) for means, sqrt(p(1-p)/n) for
 * probabilities, and batch means (20 batches of consecutive trajectories) for
 * percentiles and for paired differences.
 */
#ifndef SENDCAST_WHATIF_H
#define SENDCAST_WHATIF_H

#include <stdint.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"

#define SC_WHATIF_MAX_METRICS 8      /* chosen outputs (district metrics) */
#define SC_WHATIF_MAX_AXES 4         /* --set lists of a sweep (a grid) */
#define SC_WHATIF_MAX_POINTS 1000
#define SC_WHATIF_NQ 3               /* p5, p50, p95 */
#define SC_WHATIF_VALUE_MAX 256      /* one --set value of a sweep */
extern const double sc_whatif_q[SC_WHATIF_NQ];   /* 5, 50, 95 */

/* ---- what every run shares ---- */

typedef struct sc_whatif_settings {
    long trajectories;          /* 0: each scenario's own */
    uint64_t seed;
    int seed_given;             /* 0: each scenario's own */
    int threads;                /* 0: all cores */
    long memory_mb;             /* sc_engine_options.memory_mb (0: its default) */
    int distribute;             /* share each run among the MPI ranks */
    const sc_scenario_edit *sets;   /* --set applied to every scenario read */
    int nsets;
    /* Before each run (NULL: silent): what it is ("point 3 of 20: x=0.2"),
     * then the engine's progress. Called on every rank. */
    void (*note)(void *ctx, const char *what);
    sc_progress_fn progress;
    void *ctx;
} sc_whatif_settings;

void sc_whatif_settings_init(sc_whatif_settings *w);

/* The district metrics reported: names (layout.h's, "hnb_spend") into
 * metric[]. With n 0, the defaults: hnb_spend, hnb_balance and
 * cumulative_deficit for a scenario with finance, else requests, new_plans
 * and plans_total. SC_EINPUT naming an unknown metric or one s cannot give. */
int sc_whatif_metrics(const sc_scenario *s, const char *const *names, int n, int *metric,
                      int *nmetric, sc_error *e);

/* ---- an output condition: p_met[2027/28] >= 0.8 ---- */

enum sc_whatif_quantity { SC_WQ_P_MET, SC_WQ_P_ALL_MET, SC_WQ_MEAN, SC_WQ_PCT };
enum sc_whatif_op { SC_WOP_GE, SC_WOP_LE, SC_WOP_GT, SC_WOP_LT };

typedef struct sc_whatif_expr {
    char text[256];                 /* as given */
    enum sc_whatif_quantity quantity;
    int metric;                     /* SC_WQ_MEAN / _PCT: enum sc_district_metric */
    double q;                       /* SC_WQ_PCT: the percentile, in (0, 100) */
    int year;                       /* the calendar year (2027 for 2027/28); 0: none */
    char target[SC_TARGET_NAME_MAX];   /* P_MET / P_ALL_MET: a `targets:` name; "": Safety Valve */
    enum sc_whatif_op op;
    double value;
} sc_whatif_expr;

/* Parse `p_met[YEAR] OP X`, `p_all_met OP X` or `STAT(METRIC)[YEAR] OP X` with
 * (p_met(NAME)[YEAR] and p_all_met(NAME): the scenario's target NAME of its
 * `targets:` section, not the Safety Valve's),
 * STAT mean or pNN (p5, p50, p97.5), OP >=, <=, > or <, YEAR 2027 or 2027/28.
 * `what` names the option in messages ("--target"). SC_EINPUT saying what
 * was expected. */
int sc_whatif_expr_parse(const char *text, const char *what, sc_whatif_expr *x, sc_error *e);
/* The expression checked against a scenario: its year simulated, its metric
 * one the scenario gives, P(met) only with targets. SC_EINPUT naming what. */
int sc_whatif_expr_check(const sc_whatif_expr *x, const sc_scenario *s, const char *what,
                         sc_error *e);

/* ---- sweep ---- */

/* One --set list of a sweep: PATH and its values (as given, comma-separated). */
typedef struct sc_whatif_axis {
    char path[160];
    int nvalues;
    char (*values)[SC_WHATIF_VALUE_MAX];
} sc_whatif_axis;

/* "PATH=v1,v2,..." into an axis (values sc_free'd by sc_whatif_axis_clear);
 * commas inside {} and [] do not split. One value: nvalues 1 and no values
 * kept (the caller takes it as an override, --set as on `run`). SC_EINPUT:
 * no '=', an empty or over-long value, too many values. */
int sc_whatif_axis_parse(const char *arg, sc_whatif_axis *a, sc_error *e);
void sc_whatif_axis_clear(sc_whatif_axis *a);

/* The chosen outputs of one run, by metric and year. */
typedef struct sc_whatif_point {
    double mean[SC_WHATIF_MAX_METRICS][SC_MAX_HORIZON];
    double sd[SC_WHATIF_MAX_METRICS][SC_MAX_HORIZON];
    double mcse[SC_WHATIF_MAX_METRICS][SC_MAX_HORIZON];
    double q[SC_WHATIF_MAX_METRICS][SC_MAX_HORIZON][SC_WHATIF_NQ];
    double p_met[SC_MAX_HORIZON], p_met_mcse[SC_MAX_HORIZON];   /* NaN: no target */
    double p_all_met, p_all_met_mcse;
} sc_whatif_point;

typedef struct sc_whatif_sweep {
    char scenario[SC_ID_MAX];       /* the scenario's name */
    char path[1024];                /* its file */
    uint64_t seed;
    long trajectories;
    int base_year, years;           /* simulated years base_year + 1 .. + years */
    int has_targets;
    double target[SC_MAX_HORIZON];
    int nmetric, metric[SC_WHATIF_MAX_METRICS];
    int naxes;
    char axis[SC_WHATIF_MAX_AXES][160];
    int npoints;
    char (*value)[SC_WHATIF_MAX_AXES][SC_WHATIF_VALUE_MAX];   /* [npoints] */
    sc_whatif_point *point;         /* [npoints] */
    /* A goal seek's: what was sought and found (goal[0] '\0' for a sweep). */
    char goal[256];
    char answer[512];
    double seconds;
} sc_whatif_sweep;

/* Every point of the grid (the axes' product, the last varying fastest) of
 * the scenario at path, each read with the settings' --set and then the
 * point's values, on the same seed and trajectories. *out is rank 0's (NULL
 * elsewhere), the caller's to sc_whatif_sweep_free. The first point is read
 * and checked before any run. SC_EINPUT: a bad point (named), too many. */
int sc_whatif_sweep_run(const char *path, const sc_whatif_axis *axes, int naxes,
                        const char *const *metrics, int nmetrics, const sc_whatif_settings *w,
                        sc_whatif_sweep **out, sc_error *e);
void sc_whatif_sweep_free(sc_whatif_sweep *s);

/* The table (p5/p50/p95 of each metric and P(target met) by year, point by
 * point), the CSV (one row per point and year; outfile.h: whole or not at
 * all), and the file (kind "sweep"; with the scenario's provenance). */
void sc_whatif_sweep_print(FILE *out, const sc_whatif_sweep *s);
int sc_whatif_sweep_csv(const sc_whatif_sweep *s, const char *path, int force, sc_error *e);
int sc_whatif_sweep_write_h5(const sc_whatif_sweep *s, const sc_scenario *scenario,
                             const char *path, int force, const char *command_line,
                             int threads, sc_error *e);
int sc_whatif_sweep_read(const char *path, sc_whatif_sweep **out, sc_error *e);

/* ---- goal seek ---- */

enum sc_whatif_found { SC_WF_FOUND, SC_WF_NEVER, SC_WF_ALWAYS };

typedef struct sc_whatif_goal {
    enum sc_whatif_found found;
    double value;                   /* FOUND: where the condition just holds */
    double se, lo, hi;              /* its Monte Carlo standard error, 95% interval */
    double best_value, best;        /* NEVER: the end of the range that comes closest,
                                       and what the quantity reaches there */
    int runs;                       /* engine runs it took */
    int increasing;                 /* the quantity rises with the value */
    sc_whatif_sweep *evals;         /* every run, by value: a sweep of one axis */
} sc_whatif_goal;

/* The value of `vary` in [lo, hi] at which x holds with equality, the
 * quantity being monotone in it: both ends, then bisection on common random
 * numbers until the bracket is within tol (0: (hi - lo) / 1000) or within
 * half the answer's Monte Carlo uncertainty, whichever comes first: at most
 * 2 + ceil(log2((hi - lo) / tol)) runs. The answer interpolates the last
 * bracket; its standard error is the quantity's over the slope between the
 * runs nearest it on either side (with the same sign of error, a common-
 * random-numbers slope). SC_EINPUT: lo >= hi, a bad vary path or value. */
int sc_whatif_goalseek(const char *path, const char *vary, double lo, double hi,
                       const sc_whatif_expr *x, double tol, const sc_whatif_settings *w,
                       sc_whatif_goal *out, sc_error *e);
void sc_whatif_goal_clear(sc_whatif_goal *g);
/* "p_met[2025/26] >= 0.8 at parameters.cluster_effect.mean = 0.412 (95%: 0.39 to 0.43) ..." */
void sc_whatif_goal_describe(const sc_whatif_goal *g, const char *vary,
                             const sc_whatif_expr *x, char *buf, size_t size);

/* ---- attribution ---- */

enum sc_whatif_step_kind { SC_WS_DATA, SC_WS_ASSUMPTIONS, SC_WS_LEVERS, SC_WS_VIA,
                           SC_WS_NOISE };

#define SC_WHATIF_MAX_STEPS 12

typedef struct sc_whatif_attribution {
    char old_path[1024], new_path[1024];
    char old_name[SC_ID_MAX], new_name[SC_ID_MAX];
    int old_base, new_base;         /* base years */
    uint64_t seed;                  /* the common seed (OLD's, or -s) */
    long trajectories;              /* and trajectories */
    int first_year, years;          /* the common calendar years first_year .. + years - 1 */
    int nmetric, metric[SC_WHATIF_MAX_METRICS];
    double stat_q;                  /* the statistic: a percentile, or NaN: the mean */
    int has_targets;                /* both have Safety Valve targets in the common years */
    int nsteps;
    enum sc_whatif_step_kind step_kind[SC_WHATIF_MAX_STEPS];
    char step_label[SC_WHATIF_MAX_STEPS][256];
    /* [metric + 1][year]: the statistic of OLD and NEW and each step's change
     * and its standard error (row nmetric: P(target met)). */
    double old_value[SC_WHATIF_MAX_METRICS + 1][SC_MAX_HORIZON];
    double new_value[SC_WHATIF_MAX_METRICS + 1][SC_MAX_HORIZON];
    double change[SC_WHATIF_MAX_STEPS][SC_WHATIF_MAX_METRICS + 1][SC_MAX_HORIZON];
    double se[SC_WHATIF_MAX_STEPS][SC_WHATIF_MAX_METRICS + 1][SC_MAX_HORIZON];
    double seconds;
} sc_whatif_attribution;

/* OLD to NEW (scenario files), through the via files (nvia of them: the steps
 * are then OLD -> via[0] -> ... -> NEW) or, without, through OLD with NEW's
 * data and history, then NEW with OLD's levers (docs/whatif.md: which
 * sections are which), every step on OLD's seed and trajectories (or the
 * settings'); last, NEW on its own seed and trajectories (Monte Carlo noise:
 * 0 when they are OLD's). Compared on the calendar years both forecast.
 * *out is rank 0's, the caller's to sc_free. SC_EINPUT: no year in common, a
 * metric a scenario lacks, a step that cannot be assembled (named). */
int sc_whatif_attribute(const char *old_path, const char *new_path, const char *const *via,
                        int nvia, const char *const *metrics, int nmetrics, double stat_q,
                        const sc_whatif_settings *w, sc_whatif_attribution **out,
                        sc_error *e);
void sc_whatif_attribution_print(FILE *out, const sc_whatif_attribution *a);
int sc_whatif_attribution_csv(const sc_whatif_attribution *a, const char *path, int force,
                              sc_error *e);
/* The waterfall of metric row m (nmetric: P(met)) in common year index y, as
 * a standalone SVG document. */
void sc_whatif_waterfall_svg(FILE *out, const sc_whatif_attribution *a, int m, int y);
int sc_whatif_waterfall_write(const sc_whatif_attribution *a, int m, int y, const char *path,
                              int force, sc_error *e);
int sc_whatif_attribution_write_h5(const sc_whatif_attribution *a, const sc_scenario *old_s,
                                   const sc_scenario *new_s, const char *path, int force,
                                   const char *command_line, int threads, sc_error *e);
int sc_whatif_attribution_read(const char *path, sc_whatif_attribution **out, sc_error *e);

/* Whether a change c of a district metric (-1: P(target met)) is for the
 * worse: up for spend, deficits and demand; down for the balance, income,
 * payments and P(target met). */
int sc_whatif_worse(int metric, double c);

/* The name of a step kind ("new data/history", ...) and of an output row. */
const char *sc_whatif_step_name(enum sc_whatif_step_kind k);
const char *sc_whatif_metric_name(int metric);   /* district metric, or "P(target met)" for -1 */

#endif
