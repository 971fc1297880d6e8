/*
 * test_samplers.c — the prepared binomial and multinomial samplers of the
 * year step (src/simulate/binomial.c).
 *
 * They make the same draws as GSL's, only cheaper, so the first checks are
 * exact: from two identically keyed streams, sc_binomial_draw and
 * gsl_ran_binomial (sc_multinomial_draw and gsl_ran_multinomial) must return
 * the same counts, draw after draw, which also proves they consume the same
 * uniforms. The only possible difference is rounding: the table's q^n is a
 * running product, GSL's a power by squaring; they differ by a few ulps, so a
 * draw could differ only if u fell within ~1e-15 of a cumulative probability
 * (chance about 1e-10 over this whole file). The last check does not lean on
 * GSL at all: a chi-square test of the draws against the exact probabilities,
 * fixed seed, rejecting at p < 1e-6 (a correct sampler fails it for a new
 * seed once in a million).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sendcast/rng.h"
#include "../src/simulate/binomial.h"

static sc_binomial sampler;   /* 5 KB: kept off cmocka's test stack */

/* A pseudo-random order of trial counts, so the table is extended and reread
 * out of order. */
static const unsigned int counts[] = {23, 0, 1, 511, 2, 61, 5, 142, 512, 300, 3, 2000, 7, 90, 1, 40};
enum { NCOUNTS = sizeof counts / sizeof counts[0] };

static void test_binomial_same_draws_as_gsl(void **state)
{
    (void)state;
    /* Includes 1 and a hair above 1: multinomial chains ask for those. */
    const double probs[] = {1e-4, 0.001, 0.03, 0.0612, 0.2, 0.5, 0.58, 0.9, 0.97,
                            0.999, 1.0, 1.0 + 2e-16};
    const int nprobs = sizeof probs / sizeof probs[0];
    long mismatches = 0, draws = 0;
    for (int k = 0; k < nprobs; k++) {
        sc_rng a, b;
        sc_rng_init(&a);
        sc_rng_init(&b);
        sc_rng_key(&a, 7, (uint64_t)k, 1, 2);
        sc_rng_key(&b, 7, (uint64_t)k, 1, 2);
        sc_binomial_prepare(&sampler, probs[k]);
        for (int rep = 0; rep < 400; rep++)
            for (int j = 0; j < NCOUNTS; j++) {
                unsigned int n = counts[(j + rep) % NCOUNTS];
                unsigned int x = sc_binomial_draw(&sampler, &a.gsl, n);
                unsigned int y = gsl_ran_binomial(&b.gsl, probs[k], n);
                mismatches += x != y;
                draws++;
            }
        /* In step: the next uniform of each stream is the same one. */
        assert_true(gsl_rng_uniform(&a.gsl) == gsl_rng_uniform(&b.gsl));
    }
    assert_int_equal(draws, nprobs * 400 * NCOUNTS);
    assert_int_equal(mismatches, 0);
}

static void test_multinomial_same_draws_as_gsl(void **state)
{
    (void)state;
    static sc_multinomial m;
    const double probs[][6] = {
        {0.62, 0.05, 0.17, 0.08, 0.06, 0.02},
        {0.3, 0.0, 0.3, 0.0, 0.4, 0.0},      /* zero weights draw nothing */
        {0.0, 0.0, 1.0, 0.0, 0.0, 0.0},
        {1e-6, 0.25, 0.25, 0.25, 0.25 - 1e-6, 0.0},
        {2.0, 1.0, 1.0, 0.5, 0.5, 1.0},      /* unnormalised, as GSL allows */
    };
    const int nvec = sizeof probs / sizeof probs[0];
    for (int v = 0; v < nvec; v++) {
        sc_rng a, b;
        sc_rng_init(&a);
        sc_rng_init(&b);
        sc_rng_key(&a, 11, (uint64_t)v, 3, 4);
        sc_rng_key(&b, 11, (uint64_t)v, 3, 4);
        sc_multinomial_prepare(&m, 6, probs[v]);
        for (int rep = 0; rep < 300; rep++)
            for (int j = 0; j < NCOUNTS; j++) {
                unsigned int x[6], y[6], n = counts[(j + rep) % NCOUNTS];
                sc_multinomial_draw(&m, &a.gsl, n, x);
                gsl_ran_multinomial(&b.gsl, 6, n, probs[v], y);
                unsigned int total = 0;
                for (int c = 0; c < 6; c++) {
                    assert_int_equal(x[c], y[c]);
                    total += x[c];
                }
                assert_int_equal(total, n);
            }
        assert_true(gsl_rng_uniform(&a.gsl) == gsl_rng_uniform(&b.gsl));
    }
}

/* Pearson chi-square of `draws` Binomial(n, p) draws against the exact pmf,
 * outcomes of expected count < 5 pooled into their neighbours. */
static double chi_square_p_value(double p, unsigned int n, long draws, uint64_t key)
{
    long *seen = calloc(n + 1, sizeof *seen);
    assert_non_null(seen);
    sc_rng r;
    sc_rng_init(&r);
    sc_rng_key(&r, 5, key, 9, 0);
    sc_binomial_prepare(&sampler, p);
    for (long i = 0; i < draws; i++) {
        unsigned int x = sc_binomial_draw(&sampler, &r.gsl, n);
        assert_true(x <= n);
        seen[x]++;
    }
    double chi2 = 0, pooled_obs = 0, pooled_exp = 0;
    int cells = 0;
    for (unsigned int x = 0; x <= n; x++) {
        pooled_obs += (double)seen[x];
        pooled_exp += (double)draws * gsl_ran_binomial_pdf(x, p, n);
        if (pooled_exp >= 5 || x == n) {
            chi2 += (pooled_obs - pooled_exp) * (pooled_obs - pooled_exp) / pooled_exp;
            cells++;
            pooled_obs = pooled_exp = 0;
        }
    }
    free(seen);
    return gsl_cdf_chisq_Q(chi2, cells - 1);
}

static void test_binomial_distribution(void **state)
{
    (void)state;
    const struct { double p; unsigned int n; } cases[] = {
        {0.0612, 23}, {0.03, 142}, {0.2, 60}, {0.9, 40}, {0.5, 27}, {0.011, 500},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double pv = chi_square_p_value(cases[k].p, cases[k].n, 200000, k);
        if (pv < 1e-6)
            fail_msg("Binomial(%u, %g): chi-square p-value %g", cases[k].n, cases[k].p, pv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binomial_same_draws_as_gsl),
        cmocka_unit_test(test_multinomial_same_draws_as_gsl),
        cmocka_unit_test(test_binomial_distribution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
