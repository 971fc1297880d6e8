/*
 * compare.h — paired differences between two runs (B − A), trajectory by
 * trajectory, on common random numbers.
 *
 * The engine keys every random stream by (seed, trajectory, purpose, unit)
 * (docs/model-notes.md), so two runs of different policies with the same
 * seed share every draw the policy does not touch: trajectory i of A and of
 * B see the same parameters, prices and would-be requests. The difference
 * B_i − A_i is then the policy's effect in that world, and its spread is far
 * narrower than the difference of two independent runs (docs/compare.md
 * measures by how much). That pairing is only meaningful for runs with the
 * same seed, number of trajectories, years and geography, so anything else
 * is refused (SC_EINPUT, with the reason), unless `independent` is asked
 * for, which pairs trajectories of runs with different seeds on purpose, to
 * measure what common random numbers gain.
 */
#ifndef SENDCAST_COMPARE_H
#define SENDCAST_COMPARE_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/result.h"

#define SC_COMPARE_NQ 3   /* p5, p50, p95 of the differences */
extern const double sc_compare_q[SC_COMPARE_NQ];

typedef struct sc_compare_metric {
    char name[64];
    char unit[64];
    double *q;          /* [Y][3] p5, p50, p95 of B_i - A_i */
    double *mean;       /* [Y] mean of B_i - A_i */
    double *sd;         /* [Y] sd of B_i - A_i */
    double *p_lower;    /* [Y] share of trajectories with B_i < A_i */
    double *median_a, *median_b;   /* [Y] each run's own median */
} sc_compare_metric;

/* A target of both runs' `targets:` sections (paired by name): P(met) in
 * each run, their difference and its paired standard error (NaN where the
 * files keep no per-trajectory values of the metric, or no target). */
typedef struct sc_compare_target {
    char name[64], metric[64], unit[16];
    int at_least;
    int differ;         /* 0, or 1 + the first year index where the targets differ */
    double *p_a, *p_b, *diff, *diff_mcse;   /* [Y] */
} sc_compare_target;

typedef struct sc_compare {
    const sc_result *a, *b;    /* borrowed; must outlive the comparison */
    int independent;           /* seeds differ on purpose (see above) */
    int years;
    int nmetrics;
    sc_compare_metric *metric; /* district metrics both files keep per trajectory */
    /* Safety Valve: P(met) in each run and the paired difference with its
     * standard error (sd of the paired indicator differences / sqrt(n)). */
    double *p_met_a, *p_met_b, *p_met_diff, *p_met_diff_mcse;   /* [Y] */
    /* The other targets A and B share by name, in A's order; those of one run
     * alone are named in the table (sc_compare_print) and not compared. */
    int ntargets;
    sc_compare_target *target;
} sc_compare;

/* Can a and b be paired? SC_OK, or SC_EINPUT naming what differs (seed —
 * unless independent —, trajectories, years, areas, clusters) or what is
 * missing (per-trajectory values). */
int sc_compare_check(const sc_result *a, const sc_result *b, int independent, sc_error *e);

/* Check, then compute. *out is NULL on failure. */
int sc_compare_compute(const sc_result *a, const sc_result *b, int independent,
                       sc_compare **out, sc_error *e);
void sc_compare_free(sc_compare *c);

const sc_compare_metric *sc_compare_find(const sc_compare *c, const char *name);

/* 0 when A and B have the same Safety Valve target every year (NaN where
 * neither has one); else 1 + the first year index where they differ: P(met)
 * is then each against its own target, not the policy's effect alone. */
int sc_compare_targets_differ(const sc_compare *c);

/* The table of the command line: HNB spend, balance, top-up spend and plans,
 * p5/p50/p95 of B − A per year, P(B cheaper), and the Safety Valve. */
void sc_compare_print(FILE *out, const sc_compare *c);

/* DIFF.h5 (layout at the top of src/compare/diff_h5.c), whole or nothing;
 * SC_EEXIST when path exists and !force. */
int sc_compare_write_h5(const sc_compare *c, const char *path, int force, sc_error *e);

#endif
