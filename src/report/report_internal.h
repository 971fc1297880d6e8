/*
 * report_internal.h — what the report's files share and nobody else needs.
 */
#ifndef SENDCAST_REPORT_INTERNAL_H
#define SENDCAST_REPORT_INTERNAL_H

#include "sendcast/compare.h"
#include "sendcast/error.h"
#include "sendcast/export.h"

/* The comparison's chart of district metric `metric` (compare_chart.c): the
 * two runs overlaid and the paired difference B - A as a fan, values divided
 * by scale and labelled unit, drawn as sc_chart_make draws (an SVG captioned
 * with its title and what it shows). SC_EINPUT when either run keeps no
 * per-trajectory values of the metric; SC_ENOMEM; PLplot's failures as
 * sc_chart_make. */
int sc_report_compare_chart(const sc_compare *c, const char *metric, const char *label,
                            const char *unit, double scale, const char *device,
                            sc_chart_to *to, sc_error *e);

#endif
