/*
 * report.h — one self-contained HTML page for the steering group.
 *
 * The page carries everything inline (styles, charts as SVG drawn by
 * charts.c), loads nothing from the network and runs no script, so it can be
 * mailed, archived and opened offline. Sections: headline probabilities, the
 * Safety Valve table, fan charts, clusters and areas, what drives the risk
 * (tornado, layered fan, stress test, cluster budgets: sens_output.h), the
 * comparison with another run (when given), the inputs with their status,
 * and provenance.
 */
#ifndef SENDCAST_REPORT_H
#define SENDCAST_REPORT_H

#include "sendcast/compare.h"
#include "sendcast/error.h"
#include "sendcast/result.h"
#include "sendcast/whatif.h"
#include "sendcast/sens_output.h"

/* Write the report on r (and on the paired comparison c of r with another
 * run, when c is not NULL) to path, whole or nothing; an existing file is
 * replaced only with replace (outfile.h). SC_EFAIL for I/O or drawing
 * failures; SC_ENOMEM; SC_EEXIST. */
int sc_report_html(const sc_result *r, const sc_compare *c, const char *path, int replace,
                   sc_error *e);
/* The same, with the settings of the budgets section (sens_output.h; NULL:
 * the scenario's own total in the first year, risk 0.9). */
int sc_report_html_with(const sc_result *r, const sc_compare *c,
                        const sc_sens_report_options *so, const char *path, int replace,
                        sc_error *e);

/* The page of a sweep (or goal seek) file and of an attribution file
 * (src/report/whatif_page.c): their tables, and an attribution's waterfall.
 * Whole or nothing, replace as above; SC_EFAIL for I/O failures. */
int sc_report_sweep_html(const sc_whatif_sweep *s, const char *path, int replace, sc_error *e);
int sc_report_attribution_html(const sc_whatif_attribution *a, const char *path, int replace,
                               sc_error *e);

/* The section "What is the chance it passes £X?" (src/report/dist_page.c):
 * for each target of r (the Safety Valve's last agreement year, each other
 * target's last year with a value) and the cumulative deficit in the last
 * year, the distribution chart with the target marked (distribution.h),
 * embedded by embed, and P below and above round amounts around the median.
 * Nothing when r has neither targets nor a deficit. */
int sc_report_dist_section(FILE *f, const sc_result *r, sc_sens_embed_fn embed, sc_error *e);

#endif
