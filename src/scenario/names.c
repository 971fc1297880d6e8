/*
 * names.c — the scenario's name tables that several of its readers (and the
 * writers) share: placements, and the roles of a history's columns.
 */
#include "sendcast/scenario.h"

const char *const sc_placement_names[SC_NPLACEMENTS] = {
    "mainstream", "arp", "special", "independent", "post16", "other",
};

const char *const sc_history_roles[SC_NHISTORY] = {
    "requests", "agreed", "refused", "assessments", "plans_issued", "plans_ceased",
    "plans_open", "send_support", "ramp",
};
