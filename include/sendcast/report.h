/*
 * report.h — one self-contained HTML page for the steering group.
 *
 * The page carries everything inline (styles, charts as SVG drawn by
 * charts.c), loads nothing from the network and runs no script, so it can be
 * mailed, archived and opened offline. Sections: headline probabilities, the
 * Safety Valve table, fan charts, clusters and areas, the comparison with
 * another run (when given), the inputs with their status, and provenance.
 */
#ifndef SENDCAST_REPORT_H
#define SENDCAST_REPORT_H

#include "sendcast/compare.h"
#include "sendcast/error.h"
#include "sendcast/result.h"

/* Write the report on r (and on the paired comparison c of r with another
 * run, when c is not NULL) to path, whole or nothing (replacing an older
 * report). SC_EFAIL for I/O or drawing failures; SC_ENOMEM. */
int sc_report_html(const sc_result *r, const sc_compare *c, const char *path, int replace,
                   sc_error *e);

#endif
