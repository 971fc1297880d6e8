/*
 * init.h — a runnable, commented demand-only scenario for one council,
 * written from DfE's SEN2 releases (`sendcast init`, docs/scenario.md).
 *
 * Two steps, so that a caller can check a council before writing anything:
 *
 *   sc_init_plan_make()  chooses the base year (the council's latest
 *                        activity year with requests, or the one asked for)
 *                        and the base-year stock by setting (the January
 *                        census after it), and refuses a council the model
 *                        cannot fit (fewer than three years of requests);
 *   sc_init_write()      writes the scenario: one cluster named after the
 *                        council, its stock, `history: {sen2: ..., la: ...}`
 *                        and the parameters of init_params[] (src/init/init.c:
 *                        the one table of what init writes for each model),
 *                        every line commented for a finance officer.
 *
 * Nothing here reads or writes files: the panel is read by the caller
 * (sc_sen2_read), and the text goes to a stream the caller owns.
 */
#ifndef SENDCAST_INIT_H
#define SENDCAST_INIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/scenario.h"
#include "sendcast/sen2.h"

#define SC_INIT_MIN_REQUEST_YEARS 3     /* the trend needs three years (fit.h) */
#define SC_INIT_HORIZON 4
#define SC_INIT_TRAJECTORIES 4000
#define SC_INIT_SEED 20240709u
#define SC_INIT_PRIORS "scenarios/data/national/priors.yaml"   /* the shipped priors */

typedef struct sc_init_options {
    int la;                     /* the council: an index for sc_sen2_la_at() (sc_sen2_find) */
    int horizon;                /* years after the base year, 1..SC_MAX_HORIZON */
    int base_year;              /* 0: the latest activity year with requests */
    long trajectories;
    uint64_t seed;
    int model;                  /* the model the scenario is for: 2 (docs/model.md), or 1 */
    /* Model 2: the national priors file as the scenario names it (relative to
     * its folder, or absolute); NULL: no `priors:` line (a caller that fits
     * with priors of its own, as calibrate does). */
    const char *priors_path;
    /* How the scenario names each release of the panel (relative to its own
     * folder, or absolute), [sc_sen2_release_count]; NULL: the panel's paths. */
    const char *const *release_paths;
} sc_init_options;

/* The defaults: horizon 4, the latest base year, 4000 trajectories, seed
 * SC_INIT_SEED, model 2 with no priors path; la -1 (none). */
void sc_init_options_init(sc_init_options *o);

/* What init chose for the council. */
typedef struct sc_init_plan {
    const sc_sen2_la *la;
    char slug[SC_ID_MAX];           /* "kirklees": the scenario's name and file */
    int base_year;
    int nrequest_years;             /* years with a usable (published, unflagged) count */
    int request_year[64];           /* those years, ascending */
    int nflagged_requests;          /* published counts the SEN2 rules left out */
    int64_t stock[SC_NPLACEMENTS];  /* plans by placement at the census after the base year */
    int64_t plans_ap, plans_other;  /* the two SEN2 settings that make up `other` */
    int64_t plans_total;
    int shares_year;                /* the census whose shares split the total (the base
                                       year's own unless its settings are suppressed) */
    int nstock_flags;               /* cells of the census used that SEN2 rules flagged */
    const char *stock_flag[8];      /* their reasons (the panel's), to say so */
} sc_init_plan;

/* Check the council o->la of panel p and choose its base year and stock.
 * Returns SC_OK; SC_EINPUT (exit 2) when the council has fewer than
 * SC_INIT_MIN_REQUEST_YEARS years of usable requests (the message names the
 * council, the years it has and that the model needs three), when the base
 * year asked for has no requests or no January census after it, or when the
 * horizon is out of range. */
int sc_init_plan_make(const sc_sen2 *p, const sc_init_options *o, sc_init_plan *plan,
                      sc_error *e);

/* Write the scenario of plan to out (YAML, every line commented). */
void sc_init_write(FILE *out, const sc_sen2 *p, const sc_init_plan *plan,
                   const sc_init_options *o);

/* A scenario name from a council's name: lower case, runs of other
 * characters as one '-' ("Bristol, City of" -> "bristol-city-of"). */
void sc_init_slug(const char *name, char *buf, size_t cap);

/* path relative to the folder `from` (".." where needed) when both resolve
 * to real paths with a folder in common below the root; the real path when
 * they have only the root in common; path as given when either does not
 * resolve. Into out (cap bytes); returns 0, or -1 when it does not fit. */
int sc_init_relative_path(const char *from, const char *path, char *out, size_t cap);

#endif
