/*
 * table.h — the table a finance officer reads at the end of a run.
 */
#ifndef SENDCAST_TABLE_H
#define SENDCAST_TABLE_H

#include <stdio.h>

#include "sendcast/layout.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"

/* Per year: HNB spend p5/p50/p95, in-year balance p50, the Safety Valve target
 * and P(target met) with its standard error; top-up spend p5/p50/p95 beside
 * the council's own projection where the scenario gives one. Money in £m. */
void sc_table_print(FILE *out, const sc_scenario *s, const sc_layout *l, const sc_summary *sum);

#endif
