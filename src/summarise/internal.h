/*
 * internal.h — what summary.c (every record kept) and twopass.c (bounded
 * memory) share: the summary itself and the pieces of arithmetic both use.
 */
#ifndef SENDCAST_SUMMARISE_INTERNAL_H
#define SENDCAST_SUMMARISE_INTERNAL_H

#include "sendcast/scenario.h"
#include "sendcast/summary.h"

typedef struct sc_twopass sc_twopass;

struct sc_summary {
    sc_layout layout;     /* a copy, so the caller's layout may go first */
    long n;               /* trajectories */
    int np;               /* percentiles wanted */
    double *pcts;         /* [np], ascending, in [0, 100] */
    size_t *ranks;        /* [nranks]: the order statistics the percentiles read, ascending */
    int nranks;
    int passes;           /* 1: every record kept; bounded: 3 (pilot, count, collect),
                             or 2 once pass 1 finds it can answer within the rank error */
    int pass;             /* the pass being stored, 0-based; = passes once all ended */
    double *values;       /* [n][ncells]: one row per trajectory (NULL when bounded) */
    sc_twopass *tp;       /* the bounded mode's state (NULL when records are kept) */
    double *mean;         /* [ncells] */
    double *sd;           /* [ncells] */
    double *mcse;         /* [ncells] */
    double *pct;          /* [ncells][np] */
    double *p_met;        /* [years] */
    double *p_met_mcse;   /* [years] */
};

void sc_summary_set_nan(sc_summary *s, size_t c);
void sc_summary_targets(sc_summary *s);

int sc_twopass_alloc(sc_summary *s, sc_error *e);
void sc_twopass_free(sc_twopass *tp);
long sc_twopass_pilot(const sc_summary *s);
void sc_twopass_store(sc_summary *s, long first, long count, const double *rows);
int sc_twopass_end_pass(sc_summary *s, sc_error *e);
void sc_twopass_set_rank_error(sc_summary *s, double rank_error);
double sc_twopass_rank_error(const sc_summary *s);
int sc_twopass_compute(sc_summary *s, sc_error *e);
void sc_twopass_set_slice(sc_summary *s, long first, long count);
int sc_twopass_end_passes(sc_summary *s, sc_error *e);

#endif
