/*
 * sim_internal.h — private to src/simulate (prefix sim_): what its files
 * share: a trajectory's drawn parameters, its state, and the per-thread
 * workspace that holds both, and the steps of a trajectory.
 */
#ifndef SENDCAST_SIMULATE_SIM_INTERNAL_H
#define SENDCAST_SIMULATE_SIM_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "sendcast/layout.h"
#include "sendcast/rng.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sim_bench.h"
#include "binomial.h"
#include "draws.h"

/* One trajectory's parameters (MODEL.md 3.1): its draw from the run's
 * resolved parameters (sc_params). */
typedef struct sim_params {
    double alpha, beta;            /* log conversion at base year, yearly trend */
    double k;                      /* NB dispersion; INFINITY = Poisson */
    double phi;                    /* damping of the trend */
    double p_assess, p_issue;
    double mix[SC_NPLACEMENTS];    /* placement mix of new plans */
    double band_mix[SC_MAX_BANDS];
    double cease[SC_NPLACEMENTS];
    double p_up, p_esc, p_post16;
    double effect;                 /* E */
    double cv;                     /* heterogeneity of E across clusters */
    double drift;                  /* d */
    double *effect_c;              /* [C] E_c = min(E h_c, 0.95) */
    double *inflation;             /* [H+1], [0] unused */
    /* Model 2 (docs/model.md 2); alpha, beta above are (level, trend deviation). */
    double national_trend;         /* beta */
    double national_var;           /* sigma_delta^2 */
    double shock_sd;               /* sigma */
    double persistence;            /* pi */
    double assess_dev0;            /* u0 */
    double assess_rho, assess_sd, national_assess_sd, kappa;
    double net_transfer;           /* tau-bar */
    double transfer_rho, transfer_sd, national_transfer_sd;
    /* The scenario's levers (docs/model.md, "Levers"): each one's effect,
     * [nlevers] (cluster working's, the built-in one, is effect_c above). */
    double *lever;
} sim_params;

/* What the levers make of the year (docs/model.md, "Levers"): multipliers of
 * the rates and costs (1 where no lever acts), for the step and the money. */
typedef struct sim_year_levers {
    double assess, issue, esc, post16, up;   /* rate multipliers */
    double cease[SC_NPLACEMENTS];
    double unit_cost[SC_NPLACEMENTS];        /* cost multipliers ([mainstream] unused) */
    double topup[SC_MAX_BANDS];
} sim_year_levers;

/* Model 2's district state, carried from year to year (docs/model.md 3). */
typedef struct sim_district {
    double level, trend_dev;       /* l_t, b_t */
    double log_g;                  /* ln G_t of the year (G_0 before year 1) */
    double u, w;                   /* the deviations of plans per request and of the net flow */
    /* The year's factors, for the clusters' step and the trace. */
    double delta, eta, omega, psi, chi;
    double p_assess;               /* p_assess,t */
    double tau;                    /* tau_t */
} sim_district;

/* Plans in place in one cluster: mainstream by band and the other placements. */
typedef struct sim_stock {
    int64_t band[SC_MAX_BANDS];
    int64_t place[SC_NPLACEMENTS];   /* [SC_PL_MAINSTREAM] unused: bands hold it */
} sim_stock;

/* One cluster's flows in one year: every draw of the year step, kept so a
 * trace (sendcast run --trajectory I --trace) can show them afterwards. */
typedef struct sim_flows {
    double send_support, q0, lambda;   /* SS, q0, and the Gamma draw L (= mean when Poisson) */
    int64_t requests0, diverted, requests, assessments, issued;
    int64_t ceased;                    /* all placements, step 8a */
    int64_t ceased_place[SC_NPLACEMENTS];  /* [SC_PL_MAINSTREAM]: over all bands */
    int64_t ceased_band[SC_MAX_BANDS];
    int64_t to_special[SC_MAX_BANDS], to_post16[SC_MAX_BANDS], step_up[SC_MAX_BANDS];
    int64_t new_place[SC_NPLACEMENTS];
    int64_t new_band[SC_MAX_BANDS];
    int64_t net_flow;                  /* model 2, step 10d: plans gained (lost < 0) */
    /* Levers: requests averted by the scenario's own (beyond cluster working's
     * `diverted`, which counts both), new plans a placement_mix lever moved, the
     * year's entrants of each setting, and what capacity caps moved (out < 0, in > 0). */
    int64_t lever_diverted, mix_moved;
    int64_t entered[SC_NPLACEMENTS];
    int64_t capacity_moved[SC_NPLACEMENTS];
} sim_flows;

struct sc_sim_workspace {
    sc_rng rng;
    sc_rng lever_rng;         /* levers' process draws, beside a stream still in use */
    sim_year_levers year;     /* this year's multipliers */
    sim_year_levers applied;  /* the multipliers the rate samplers were prepared with */
    sim_draws draws;          /* counts (and, for the floor, a log) of every draw */
    sim_params params;
    sim_district district;    /* model 2 */
    sim_stock *open;          /* [C] stock at the end of the previous year */
    sim_stock *close;         /* [C] stock at the end of this year */
    sim_flows *flows;         /* [C] */
    double *overspend;       /* [C] */
    /* Samplers for the probabilities every cluster and year reuses, prepared
     * once a trajectory (sim_prepare_samplers). */
    sim_binomial cease[SC_NPLACEMENTS], escalate, post16, step_up, assess, issue;
    sim_multinomial placement, band;
    int overflow;            /* a count left the exact range of the samplers */
};

/* The keyed stream for a process draw of cluster c in year t. */
static inline gsl_rng *sim_stream(sc_sim_workspace *w, uint64_t seed, long i,
                                  enum sc_purpose purpose, int c, int t)
{
    sc_rng_key(&w->rng, seed, (uint64_t)i, purpose, sc_rng_unit(c, t));
    return &w->rng.gsl;
}

/* The steps of one trajectory, in order (run.c): its parameters (params.c),
 * then each year's step (step.c) and money (money.c), then the whole
 * agreement's cells; a trace (trace.c) is written between them. */
void sim_params_draw(const sc_scenario *s, const sc_params *p, sc_sim_workspace *w,
                     uint64_t seed, long i);
void sim_prepare_samplers(const sc_scenario *s, sc_sim_workspace *w);

/* The year step; it applies the levers too (docs/model.md, "Levers"), and
 * leaves the year's cost multipliers in w->year for the money. */
void sim_year_step(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i, int t);
/* Model 2: the district state at the base year (G_0 drawn), from the drawn parameters. */
void sim_district_start(sc_sim_workspace *w, uint64_t seed, long i);

/* What the money of one trajectory carries from year to year. */
typedef struct sim_money_state {
    double price;        /* P_t */
    double deficit;      /* Def_t */
    int prev_met;        /* last year's target met (or none): this year's payment is due */
    int breached;        /* some target already missed */
    int targets, met;    /* years with a target, and how many were met */
} sim_money_state;

void sim_money_start(const sc_scenario *s, sim_money_state *m);
void sim_year_money(const sc_scenario *s, const sc_layout *l, sc_sim_workspace *w, int t,
                    sim_money_state *m, double *cells);
/* The trace of one trajectory (trace.c): its parameters and base-year stock,
 * then each year's draws, states and cells, as CSV rows year,unit,quantity,value. */
void sim_trace_start(const sc_scenario *s, const sc_sim_workspace *w, FILE *out);
void sim_trace_year(const sc_scenario *s, const sc_layout *l, const sc_sim_workspace *w, int t,
                   const double *cells, FILE *out);

/* The trajectory's whole-agreement cells, after its last year. */
void sim_money_finish(const sc_layout *l, const sim_money_state *m, double *cells);

#endif
