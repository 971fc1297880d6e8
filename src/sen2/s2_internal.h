/*
 * internal.h — private to src/sen2: the release containers, parsed CSV
 * tables, the layouts' file specifications, and the reading context.
 *
 * Reading goes release by release (read.c): open the zip or folder
 * (source.c), decide its layout from the files present (layout.c), parse each
 * CSV (csv.c, the only file that knows whose CSV parser it is), gather the
 * columns each layout needs into one record per (entity, year), derive the
 * roles from them as observations, and flag rule 1 within the release.
 * panel.c then merges the observations of every release into the public
 * series and suspect.c applies rules 2 and 3 and lists the lags.
 */
#ifndef SENDCAST_SEN2_INTERNAL_H
#define SENDCAST_SEN2_INTERNAL_H

#include <stddef.h>

#include "sendcast/error.h"
#include "sendcast/sen2.h"

#define S2_MAXRAW 24                /* columns a layout gathers per (entity, year) */
#define S2_MAXFILES 8               /* files of a layout */
#define S2_REASON_MAX 320           /* a flag's reason, before it is copied */
#define S2_YEAR_MIN 1990            /* activity years accepted */
#define S2_YEAR_MAX 2100

enum s2_level { S2_LA, S2_REGION };

/* ---- source.c: a release as a zip or a folder ---- */

typedef struct s2_source {
    const char *path;       /* as given */
    void *zip;              /* libzip's zip_t, or NULL for a folder */
} s2_source;

/* Open path: SC_EINPUT when missing, not a zip and not a folder with data/. */
int s2_source_open(s2_source *s, const char *path, sc_error *e);
void s2_source_close(s2_source *s);
/* Does the release hold data/<name>? (In a zip, also under one top
 * folder.) 1 or 0; -1 when out of memory. */
int s2_source_has(const s2_source *s, const char *name);
/* Read data/<name> whole: *text (NUL-terminated, sc_free) and *display, the
 * path shown in messages and cells ("PATH/data/<name>", sc_free). */
int s2_source_read(const s2_source *s, const char *name, char **text, size_t *len,
                   char **display, sc_error *e);

/* ---- csv.c: the adapter to the project's CSV parser ---- */

/* A CSV parsed whole: row r, column c is cell[r * ncols + c]; line[r] is
 * the line row r starts on. */
typedef struct s2_table {
    const char *path;       /* display path; owned by the panel's file list */
    int ncols, nrows;
    char *const *head;
    char *const *cell;
    const int *line;
    void *impl;             /* the parser's own table */
} s2_table;

int s2_table_parse(s2_table *t, const char *path, const char *text, size_t len, sc_error *e);
void s2_table_free(s2_table *t);

static inline const char *s2_cell(const s2_table *t, int row, int col)
{
    return t->cell[(size_t)row * (size_t)t->ncols + (size_t)col];
}

/* ---- layout.c: what each layout reads and how roles derive from it ---- */

/* One gathered column for an (entity, year): its value, and where it came
 * from. v is NaN with code set when the cell was a suppression code; file
 * is -1 when no row gave it. */
typedef struct s2_raw {
    double v;
    const char *code;       /* static: "x", "c", "z", ":", "low", "empty" */
    int file, line;
} s2_raw;

/* Everything one release says about one entity in one activity year. */
typedef struct s2_rec {
    int ent, year;
    int region;             /* an LA's region entity (-1 unknown); -1 for a region */
    s2_raw raw[S2_MAXRAW];
} s2_rec;

/* A column to gather: into raw slot `raw`; in sen2_estab_caseload.csv only
 * from rows of this establishment type and group. */
typedef struct s2_colspec {
    int raw;
    const char *column;
    const char *type, *group;
} s2_colspec;

typedef struct s2_filespec {
    const char *name;           /* under data/ */
    int census;                 /* time_period is a January census: year - 1 */
    const char *total;          /* breakdown of the total rows; NULL when no breakdown */
    int by_establishment;       /* rows picked by establishment_type/group */
    const s2_colspec *cols;
    int ncols;
} s2_filespec;

/* One role's value for one record, with its source. */
typedef struct s2_value {
    double v;
    const char *missing;    /* static; NULL when v is a number */
    int file, line;         /* file -1: no row gave anything */
} s2_value;

typedef struct s2_layout {
    const char *name;
    const s2_filespec *files;
    int nfiles;
    void (*derive)(const s2_rec *r, s2_value out[SC_SEN2_NROLES]);
} s2_layout;

extern const s2_layout s2_layouts[];
extern const int s2_nlayouts;

/* ---- read.c / panel.c: entities and observations ---- */

typedef struct s2_ent {
    int level;
    char old_code[4];
    char **new_codes;
    int nnew;
    char *name, *region_code, *region_name;     /* latest row's */
} s2_ent;

/* One role of one entity in one year, as one release gives it. */
typedef struct s2_obs {
    int ent, year, role, release;
    int region;             /* as in s2_rec */
    s2_value val;
    int rule;
    char *reason;           /* owned; NULL unless flagged */
} s2_obs;

/* A release as read: its path, its fingerprint (a zip's SHA-256; a folder's,
 * the SHA-256 of the manifest "HEX  data/NAME\n" of the files read, in the
 * layout's order) and its layout's name. */
typedef struct s2_release {
    char *path;
    char sha256[65];
    const char *layout;     /* static: "2022" or "2025" */
} s2_release;

/* The reading context: everything sc_sen2_read() builds before the panel. */
typedef struct s2_ctx {
    sc_error *e;
    s2_release *rel;        /* [nrel], one per path given */
    int nrel;
    s2_ent *ent;
    int nent, capent;
    s2_obs *obs;
    size_t nobs, capobs;
    char **files;           /* display path of every CSV read */
    int nfiles, capfiles;
} s2_ctx;

int s2_nomem(s2_ctx *c);
/* Free n entities and their array. */
void s2_ents_free(s2_ent *ent, int n);
/* The entity for a row: an LA by old code (else new code), a region by its
 * code (else name); created when new, names updated to the latest row. */
int s2_entity(s2_ctx *c, int level, const char *old_code, const char *new_code,
              const char *name, const char *region_code, const char *region_name, int *index);
int s2_add_file(s2_ctx *c, char *display);  /* takes ownership; returns index or -1 */

/* read.c: one release into observations (rule 1 applied). */
int s2_read_release(s2_ctx *c, const char *path, int release);

/* ---- panel.c: the public panel ---- */

struct sc_sen2 {
    s2_release *rel;        /* from the reading context */
    int nrel;
    s2_ent *ent;            /* from the reading context */
    int nent;
    char **files;
    int nfiles;
    sc_sen2_la *la, *region;
    int nla, nregion;
    size_t *la_off, *region_off;    /* where each record's series start in the blocks */
    double *values;                 /* [role][year] per record, one block */
    sc_sen2_cell *cells;            /* same layout; reasons owned */
    size_t ncells;
    sc_sen2_lag *lags;
    int nlags;
    int nflag[SC_SEN2_NRULES];
    int range_n[SC_SEN2_NRATIOS];
    double range_lo[SC_SEN2_NRATIOS], range_hi[SC_SEN2_NRATIOS];
};

/* Build the panel from the context's observations (taking its entities,
 * files and reasons). */
int s2_panel_build(s2_ctx *c, sc_sen2 **out);

/* ---- suspect.c: the rules ---- */

/* Rule 1 over the observations [first, last) of one release. */
int s2_rule_region(s2_ctx *c, size_t first, size_t last);
/* Rules 2 and 3 over the councils of the panel, then the flag counts and lags. */
int s2_rules_panel(sc_sen2 *p, sc_error *e);
/* "5,120" for whole numbers, else %.4g. */
void s2_format_count(char *buf, size_t cap, double v);
double s2_param(int which);
enum {
    S2P_REGION_MIN_COUNCILS,
    S2P_BREAK_MIN_NEIGHBOUR,
    S2P_BREAK_FLOW_LO, S2P_BREAK_FLOW_HI,
    S2P_BREAK_STOCK_LO, S2P_BREAK_STOCK_HI,
    S2P_RATIO_PCT_LO, S2P_RATIO_PCT_HI,
    S2P_RATIO_WIDEN,
    S2P_RATIO_MIN_DENOMINATOR,
    S2P_RATIO_MIN_YEARS,
    S2P_COUNT
};

#endif
