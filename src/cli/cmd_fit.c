/*
 * cmd_fit.c — `sendcast fit SCENARIO.yaml`: read the scenario, fit every
 * `dist: fit` parameter to its history (MODEL.md 5) and print the table of
 * estimates, uncertainties, data used and goodness of fit. Nothing is
 * simulated and nothing is written.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/fit.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"

int sc_cli_fit(int argc, char **argv, sc_error *e)
{
    if (argc != 2 || argv[1][0] == '-')
        return SC_ERROR(e, SC_EINPUT, "fit: expected one scenario file (sendcast fit "
                        "SCENARIO.yaml)");
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    sc_fit_result res;
    const sc_cli_common none = { 0 };   /* no -n or -s: the scenario's own */
    int st = sc_cli_read_scenario(argv[1], &none, &s, e);
    if (!st && !sc_fit_needed(s))
        st = SC_ERROR(e, SC_EINPUT, "%s: no parameter is `dist: fit`; nothing to fit",
                      argv[1]);
    if (!st)
        st = sc_fit_params(s, 0, &p, &res, e);
    if (!st)
        sc_fit_print(stdout, s, p, &res);
    else
        SC_CONTEXT(e, "while fitting %s", argv[1]);
    sc_params_free(p);
    sc_scenario_free(s);
    return st;
}
