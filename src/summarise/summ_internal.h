/*
 * summ_internal.h — private to src/summarise (prefix summ_): the summary
 * itself, and what summary.c (every record kept) and twopass.c (bounded
 * memory) share. The files stand in layers: cell_stats.c (the pieces both
 * kinds use) <- twopass.c <- summary.c (the public face, sc_summary_*).
 */
#ifndef SENDCAST_SUMMARISE_SUMM_INTERNAL_H
#define SENDCAST_SUMMARISE_SUMM_INTERNAL_H

#include "sendcast/scenario.h"
#include "sendcast/summary.h"

typedef struct summ_twopass summ_twopass;

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
    int threads;          /* OpenMP threads for its own loops; 0: omp_get_max_threads() */
    double *values;       /* [n][ncells]: one row per trajectory (NULL when bounded) */
    summ_twopass *tp;     /* the bounded mode's state (NULL when records are kept) */
    size_t *keep;         /* [nkeep] cells kept trajectory by trajectory (bounded) */
    int nkeep;
    double *kept_cells;   /* [n][nkeep] their values (bounded; pass 1 fills them) */
    double *mean;         /* [ncells] */
    double *sd;           /* [ncells] */
    double *mcse;         /* [ncells] */
    double *pct;          /* [ncells][np] */
    double *p_met;        /* [years] */
    double *p_met_mcse;   /* [years] */
};

/* ---- cell_stats.c: what both kinds use ---- */

/* The threads of the summary's own parallel loops. */
int summ_threads(const sc_summary *s);
/* Every statistic of cell c NaN (a cell NaN in some trajectory). */
void summ_set_nan(sc_summary *s, size_t c);
/* P(target met) per year from the indicator cells' means. */
void summ_targets(sc_summary *s);

/* ---- twopass.c: bounded memory ---- */

int summ_twopass_alloc(sc_summary *s, sc_error *e);
void summ_twopass_free(summ_twopass *tp);
long summ_twopass_pilot(const sc_summary *s);
void summ_twopass_store(sc_summary *s, long first, long count, const double *rows);
int summ_twopass_end_pass(sc_summary *s, sc_error *e);
void summ_twopass_set_rank_error(sc_summary *s, double rank_error);
double summ_twopass_rank_error(const sc_summary *s);
int summ_twopass_compute(sc_summary *s, sc_error *e);
void summ_twopass_set_slice(sc_summary *s, long first, long count);
void summ_twopass_shared(sc_summary *s, sc_summary_shared *sh);
int summ_twopass_pack_kept(const sc_summary *s, double **fills, size_t *nfills,
                           double **values, size_t *nvalues, sc_error *e);
void summ_twopass_unpack_kept(sc_summary *s, int nprocs, const double *fills,
                              const double *values);

#endif
