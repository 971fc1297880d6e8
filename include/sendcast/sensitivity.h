/*
 * sensitivity.h — what drives the risk (docs/sensitivity.md): every
 * trajectory's parameter draws kept with its outputs, the share of each
 * output's variance each input explains, the shift of its median with the
 * input low or high, the layered fan (parameter uncertainty against
 * year-to-year chance), stress tests, and cluster budgets and area
 * contingency sized to a chosen risk.
 *
 * Two halves. At run time (sc_sens_collect, called by `sendcast run` after
 * the engine): every trajectory's parameter draws (sim_draws.h; in a
 * bounded-memory run, those of a sample, the first M trajectories, with
 * their outputs), and a process-only run on common random numbers, every
 * parameter at its central value, for the layered fan; sc_sens_write puts
 * them in the result file (/draws, /layers). Afterwards, from the file alone
 * (sc_sens_data_read): the sensitivity table (sc_sens_analyse), stress
 * tests (sc_sens_stress_run) and budgets (sc_sens_budgets), no further
 * simulation.
 *
 * The estimators need no extra runs: given data, the trajectories as they
 * are. The first-order share of input X in output Y, Var(E[Y|X]) / Var(Y),
 * is the rank estimator of Gamboa, Klein and Lagnoux (2022): sort the
 * trajectories by X, and the covariance of Y between neighbours in that
 * order estimates Var(E[Y|X]), since neighbours share X and nothing else.
 * Its own error, and every other estimate's here, is the spread of the same
 * estimate over SC_SENS_BATCHES disjoint batches of trajectories divided by
 * the square root of their number (batch means). Everything is computed in
 * trajectory order by one thread per (input, output), so results do not
 * depend on the number of threads.
 */
#ifndef SENDCAST_SENSITIVITY_H
#define SENDCAST_SENSITIVITY_H

#include <stdint.h>
#include <stdio.h>

#include "sendcast/engine.h"
#include "sendcast/error.h"
#include "sendcast/h5.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"

/* ---- the outputs it looks at ----------------------------------------- */

/* The headline outputs (district level, by year), then demand ones. */
enum sc_sens_output {
    SC_SENS_HNB_SPEND, SC_SENS_BALANCE, SC_SENS_DEFICIT, SC_SENS_TOPUP, SC_SENS_PLANS,
    SC_SENS_TARGET_MET, SC_SENS_REQUESTS, SC_SENS_NEW_PLANS,
    SC_SENS_NOUTPUTS
};

typedef struct sc_sens_output_info {
    const char *name;       /* "hnb_spend", ..., "target_met" */
    int metric;             /* enum sc_district_metric; -1: the Safety Valve's "target met" */
    const char *label;      /* "High Needs Block spend" */
    int indicator;          /* 1: a 0/1 outcome, its mean a probability (target met) */
    double scale;           /* shown in units of scale: 1e6 for money (£m), 1 otherwise */
    const char *unit;       /* "£m", "plans", "probability" */
} sc_sens_output_info;
extern const sc_sens_output_info sc_sens_outputs[SC_SENS_NOUTPUTS];

/* The output of this name, -1 when none. */
int sc_sens_output_find(const char *name);

/* The probabilities (percent) the layered fan is kept at. */
#define SC_SENS_NQ 7
extern const double sc_sens_q[SC_SENS_NQ];   /* 5, 20, 35, 50, 65, 80, 95 */

/* Trajectories the layered fan's process-only run simulates (and, in a
 * bounded-memory run, the sample whose draws and outputs are kept):
 * sendcast run --sample M. */
#define SC_SENS_SAMPLE 20000

/* Batches of the estimators' own errors, and the fewest trajectories the
 * estimators take (each batch's tenth of them must hold a few). */
#define SC_SENS_BATCHES 20
#define SC_SENS_MIN_TRAJECTORIES 200

/* ---- at run time ------------------------------------------------------- */

typedef struct sc_sens_extras sc_sens_extras;

/* After sc_engine_run(s, p, eo) gave sum (on rank 0; NULL elsewhere): the
 * parameter draws of trajectories 0 .. M - 1 (M = every trajectory when sum
 * kept every record, else min(N, sample), simulated again on the same seed
 * with their outputs kept), and the layered fan: a run of the first
 * min(N, sample) trajectories with every parameter at its central value
 * (sc_sens_central_params), paired with the full run's. sample 0: no layered
 * fan, and a bounded run keeps no draws. Every MPI rank calls it (the
 * engine runs are shared); *out is rank 0's (NULL elsewhere), freed with
 * sc_sens_extras_free. eo's progress, threads, memory and distribution are
 * used; memory is what eo->memory_mb leaves beside sum's records. SC_OK,
 * SC_ENOMEM, or an engine failure. */
int sc_sens_collect(const sc_scenario *s, const sc_params *p, const sc_summary *sum,
                    const sc_engine_options *eo, long sample, sc_sens_extras **out, sc_error *e);
void sc_sens_extras_free(sc_sens_extras *x);

/* What sc_sens_collect kept: rows of /draws, its columns, the layered fan's
 * trajectories (0: none). */
long sc_sens_extras_draws(const sc_sens_extras *x);
int sc_sens_extras_columns(const sc_sens_extras *x);
long sc_sens_extras_layers(const sc_sens_extras *x);

/* Write x into the result file being written (an sc_h5_fill_fn for
 * sc_write_h5_with; ctx is the sc_sens_extras, NULL writes nothing):
 * /draws and /layers (docs/outputs.md). */
int sc_sens_write(sc_h5w *w, const void *ctx, sc_error *e);

/* p's distributions at their central values, as a new copy: each at its
 * mean (sc_params_fix_at_means), the national shock's variance at its mean
 * nu s^2 / (nu - 2) (s^2 when nu <= 2), and the clusters' multipliers h_c at
 * their mean 1 (heterogeneity_cv 0). SC_OK or SC_ENOMEM. */
int sc_sens_central_params(const sc_params *p, sc_params **out, sc_error *e);

/* ---- estimators ------------------------------------------------------ */

typedef struct sc_sens_estimate {
    double share, share_se;     /* first-order share of Var(Y) */
    double low, low_se;         /* shift of Y's median (an indicator: its mean) with the
                                   input at its 10th percentile (trajectories between its
                                   5th and 15th) */
    double high, high_se;       /* likewise at its 90th (85th to 95th) */
} sc_sens_estimate;

/* The trajectories 0 .. n-1 in ascending order of x, ties by index, into
 * order[n]. SC_OK or SC_ENOMEM. */
int sc_sens_order(const double *x, long n, long *order, sc_error *e);

/* What the estimators reuse about one output's values y[n]: its mean,
 * variance and median (or mean), overall and by batch. */
typedef struct sc_sens_ycontext {
    long n;
    int indicator;
    double mean, var, centre;
    double bmean[SC_SENS_BATCHES], bvar[SC_SENS_BATCHES], bcentre[SC_SENS_BATCHES];
    long bsize[SC_SENS_BATCHES];
} sc_sens_ycontext;

/* y's context; scratch holds n doubles. n >= SC_SENS_MIN_TRAJECTORIES. */
void sc_sens_ycontext_init(sc_sens_ycontext *c, const double *y, long n, int indicator,
                           double *scratch);

/* The estimates for the input whose order is order[n] (sc_sens_order) on
 * output y[n] with context c; scratch holds n doubles. A constant y gives a
 * share of NaN. */
void sc_sens_estimate_one(const sc_sens_ycontext *c, const long *order, const double *y,
                          double *scratch, sc_sens_estimate *out);

/* Paired runs on common random numbers: 1 - Var(proc) / Var(full) over the
 * same n trajectories, and its batch error (NaN when Var(full) is 0). */
void sc_sens_variance_share(const double *full, const double *proc, long n, double *share,
                            double *se);

/* Percentile p (a share) of y[n] by the type 7 rule without sorting y
 * (scratch holds n doubles; y is left as it was). */
double sc_sens_quantile(const double *y, long n, double p, double *scratch);

/* ---- reading back ------------------------------------------------------- */

typedef struct sc_sens_column {
    char name[128];         /* "inflation.2026" */
    char group[64];         /* "inflation" */
    char param[64];         /* the /parameters group */
    int year;               /* 0: not by year */
    char doc[256];
} sc_sens_column;

/* An input of the analysis: one column, or the columns of a per-year draw
 * taken together as their cumulative growth to the output's year (inflation:
 * the log price index, sum of log(1 + i_s) for s up to that year). */
typedef struct sc_sens_input {
    char name[128];         /* the column's name, or the group's ("inflation") */
    char param[64];
    char doc[400];
    int per_year;
    int first, ncols;       /* its columns: first .. first + ncols - 1 (by year) */
} sc_sens_input;

/* The layered fan as the file keeps it (/layers). */
typedef struct sc_sens_layers {
    long n;                                 /* trajectories of both fans (0: none) */
    double *inner[SC_SENS_NOUTPUTS];        /* [Y][SC_SENS_NQ] process-only run */
    double *outer[SC_SENS_NOUTPUTS];        /* [Y][SC_SENS_NQ] full run, same trajectories */
    double *share[SC_SENS_NOUTPUTS];        /* [Y] parameters' share of the variance */
    double *share_se[SC_SENS_NOUTPUTS];
    double *p_met_full, *p_met_process, *p_met_process_se;   /* [Y]; NULL without targets */
    char method[512];
} sc_sens_layers;

typedef struct sc_sens_data {
    char *path;
    char scenario_name[64];
    long trajectories;          /* N of the run */
    uint64_t seed;
    long n;                     /* trajectories with draws: 0 .. n-1 */
    int sample_all;             /* 1: every trajectory; 0: the first n of a bounded run */
    int years;
    int *year;                  /* [Y] labels */
    int ncols;
    sc_sens_column *col;
    double *draws;              /* [n][ncols] */
    int ninputs;
    sc_sens_input *input;
    double *out[SC_SENS_NOUTPUTS];  /* [n][Y]; NULL where the file has no such output */
    /* budgets: the scenario's cluster working */
    int nclusters, nareas;
    char (*cluster)[64];
    char (*area)[64];
    int *cluster_area;          /* [C] */
    double *cluster_spend;      /* [n][Y][C]; NULL without cluster working */
    double *budget;             /* [Y][C] the scenario's budgets */
    double *contingency;        /* [Y][A] the scenario's area contingency */
    char budget_status[64];     /* the status of the scenario's budgets ("illustrative"...) */
    char contingency_status[64];
    sc_sens_layers layers;
} sc_sens_data;

/* Read what sensitivity, stress tests and budgets need from a result file.
 * SC_OK; SC_EINPUT when it is not a readable result, or has no parameter
 * draws (written before them, or a bounded run with --sample 0: the message
 * says how to make one), or fewer than SC_SENS_MIN_TRAJECTORIES of them;
 * SC_ENOMEM. */
int sc_sens_data_read(const char *path, sc_sens_data **out, sc_error *e);
void sc_sens_data_free(sc_sens_data *d);

/* Input k's value in each trajectory for output year index t, into x[n]. */
void sc_sens_input_values(const sc_sens_data *d, int k, int t, double *x);

/* The input of this name (an input's name, or a column of a per-year input
 * by its group), -1 when none. */
int sc_sens_input_find(const sc_sens_data *d, const char *name);

/* ---- the sensitivity table -------------------------------------------- */

typedef struct sc_sens_table {
    int years, ninputs;
    long n;
    int has[SC_SENS_NOUTPUTS];      /* the file has this output */
    double *centre;                 /* [o][t] its median (an indicator: mean); NaN: none */
    sc_sens_estimate *est;          /* [o][t][k] */
} sc_sens_table;

/* Every input against every output the file has, every year, with
 * `threads` OpenMP threads (0: all cores). SC_OK or SC_ENOMEM. */
int sc_sens_analyse(const sc_sens_data *d, int threads, sc_sens_table **out, sc_error *e);
void sc_sens_table_free(sc_sens_table *t);

static inline const sc_sens_estimate *sc_sens_at(const sc_sens_table *t, int o, int y, int k)
{
    return &t->est[((size_t)o * (size_t)t->years + (size_t)y) * (size_t)t->ninputs + (size_t)k];
}

/* Whether output o varies over the trajectories in year index y: some
 * input has a share. A probability of 0 or 1 in every trajectory (no target
 * met) has nothing to explain, and no tornado is drawn of it. */
int sc_sens_varies(const sc_sens_table *t, int o, int y);

/* The inputs of output o in year index y, largest share first (NaN last,
 * ties by input order), into rank[ninputs]. */
void sc_sens_rank(const sc_sens_table *t, int o, int y, int *rank);

/* ---- stress tests ------------------------------------------------------ */

/* "Input k lies between its lo-th and hi-th percentiles" (0 <= lo < hi <= 100). */
typedef struct sc_sens_condition {
    int input;
    double lo, hi;
} sc_sens_condition;

/* Parse "NAME:LO-HI" (say "inflation:90-100") against d's inputs. SC_OK, or
 * SC_EINPUT saying what was expected (an input of the file, a range within
 * [0, 100] that is not empty). */
int sc_sens_condition_parse(const sc_sens_data *d, const char *arg, sc_sens_condition *out,
                            sc_error *e);

typedef struct sc_sens_stress {
    int years;
    long *count;                    /* [Y] trajectories meeting every condition that year */
    /* [o][t][3]: 5th, 50th and 95th percentiles (an indicator: its mean in [1]) over all
     * trajectories and over those meeting the conditions; NaN without the output */
    double *all, *cond;
    double *cond_se;                /* [o][t]: the conditional median's (mean's) error */
} sc_sens_stress;

/* Outputs conditional on every condition c[0..nc) holding (each input's
 * percentiles taken over every trajectory, for each year). SC_OK or
 * SC_ENOMEM. */
int sc_sens_stress_run(const sc_sens_data *d, const sc_sens_condition *c, int nc,
                       sc_sens_stress **out, sc_error *e);
void sc_sens_stress_free(sc_sens_stress *s);

/* ---- cluster budgets and area contingency ------------------------------ */

#define SC_BUDGET_CURVE 41      /* points of each trade-off curve */

typedef struct sc_sens_budgets {
    int t;                      /* year index */
    double total, risk;         /* T and P */
    int nclusters, nareas;
    long n;
    /* by cluster [C] */
    double *today;              /* the scenario's budget */
    double *p_today;            /* P(overspend) with it */
    double *scaled;             /* T shared in today's proportions */
    double *p_scaled;
    double *equal;              /* the risk-equalised budget */
    double *p_equal, *p_equal_se;
    double q;                   /* the common P(overspend) of the risk-equalised split */
    int clamped;                /* -1: T below what any split can cover in most trajectories,
                                   +1: above what any trajectory spends; 0 otherwise */
    /* by area [A], then the district's one pool at [A] */
    double *contingency_today;  /* the scenario's (NaN for the district pool) */
    double *p_cover_today;      /* P(today's contingency covers the overspend of today's
                                   budgets) */
    double *need_today;         /* the contingency that covers today's budgets' overspend
                                   with probability P */
    double *need_equal, *need_equal_se;   /* the same with the risk-equalised budgets */
    /* trade-off curves, with the risk-equalised budgets: [A+1][SC_BUDGET_CURVE] */
    double *curve_k;            /* contingency held (pounds) */
    double *curve_p;            /* P(overspend beyond it) */
    double *curve_e;            /* expected overspend beyond it (pounds) */
    char budget_status[64], contingency_status[64];
} sc_sens_budgets;

/* Budgets of year index t for a total T > 0 and a risk P in (0, 1) (the
 * chance that a contingency covers its area's overspend). SC_OK, SC_EINPUT
 * (no cluster working in the file, or arguments out of range, saying what
 * was expected), SC_ENOMEM. */
int sc_sens_budgets_run(const sc_sens_data *d, int t, double total, double risk,
                        sc_sens_budgets **out, sc_error *e);
void sc_sens_budgets_free(sc_sens_budgets *b);

/* " (illustrative)" when a status says so, else "": the label every output
 * of the scenario's budgets or contingency keeps. */
const char *sc_sens_label(const char *status);

/* The status of b's total: the budgets' own when T is the scenario's total
 * (the sum of today's budgets, as the report and workbook take by default),
 * so that the risk-equalised split of an illustrative total, its contingency
 * and its curves are labelled too; "" for a total given on its own. */
const char *sc_sens_total_status(const sc_sens_budgets *b);

/* ---- command-line arguments -------------------------------------------- */

/* A number, with an optional suffix k (thousands), m (millions) or bn
 * (billions) and an optional pound sign: "17m", "£17m", "-£2.5m",
 * "17000000", "0.9". SC_OK or SC_EINPUT naming `what` and what was expected. */
int sc_sens_parse_amount(const char *arg, const char *what, double *out, sc_error *e);

/* The index of year `arg` ("2027" or "2027/28", the financial year starting
 * then) in d's horizon. SC_OK, or SC_EINPUT giving the horizon's years. */
int sc_sens_year_index(const sc_sens_data *d, const char *arg, int *t, sc_error *e);

/* ---- text and CSV ---------------------------------------------------- */

/* The sensitivity of every output the table has in year index y: inputs by
 * share (the top `top`), share ± error per year, and the median shifts in
 * year y; then the layered fan's table. */
void sc_sens_print(FILE *f, const sc_sens_data *d, const sc_sens_table *t, int only, int y,
                   int top);
void sc_sens_print_layers(FILE *f, const sc_sens_data *d);
void sc_sens_print_stress(FILE *f, const sc_sens_data *d, const sc_sens_condition *c, int nc,
                          const sc_sens_stress *s);
void sc_sens_print_budgets(FILE *f, const sc_sens_data *d, const sc_sens_budgets *b);

/* Long-form CSVs, one number a row, written whole or not at all; an
 * existing file replaced only with replace (outfile.h). */
int sc_sens_csv(const sc_sens_data *d, const sc_sens_table *t, const char *path, int replace,
                sc_error *e);
int sc_sens_budgets_csv(const sc_sens_data *d, const sc_sens_budgets *b, const char *path,
                        int replace, sc_error *e);

/* A condition's words: "inflation between its 90th and 100th percentiles". */
void sc_sens_condition_text(const sc_sens_data *d, const sc_sens_condition *c, int nc,
                            char *buf, size_t size);

#endif
