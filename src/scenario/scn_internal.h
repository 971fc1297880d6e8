/*
 * scn_internal.h — private to src/scenario (prefix scn_): the reading context, YAML values that
 * know where they were written, parsed CSV tables, number domains, and the
 * helpers the files of this module share.
 *
 * Every reader takes the context and a located value (scn_val) and either
 * fills its output or returns a status with the error already described as
 * "FILE:LINE:COL: key.path: what was expected, got what". Nothing here keeps
 * state outside the context, and everything the context owns is released by
 * scn_ctx_clear() (what belongs to the scenario is released with it).
 */
#ifndef SENDCAST_SCENARIO_INTERNAL_H
#define SENDCAST_SCENARIO_INTERNAL_H

#include <stddef.h>

#include <libfyaml.h>

#include "sendcast/error.h"
#include "sendcast/scenario.h"

#define SCN_PATH_MAX 160        /* key path shown in messages, "finance.grant.table" */
#define SCN_MAX_COUNT 1e9       /* largest count (plans, pupils) the scenario may give */
#define SCN_MAX_CLUSTERS SC_MAX_CLUSTERS
#define SCN_MAX_AREAS SC_MAX_AREAS
#define SCN_MAX_CSV_COLUMNS 1000   /* the header's repeated-name check is quadratic */
#define SCN_MAX_FILE_BYTES (256L * 1024 * 1024)

/* A value in the scenario with where it was written. n is NULL when the key
 * was not given; line/col (1-based) then point at the enclosing mapping. */
typedef struct scn_val {
    struct fy_node *n;
    int line, col;
    char path[SCN_PATH_MAX];
} scn_val;

enum scn_kind { SCN_ABSENT, SCN_NULL, SCN_SCALAR, SCN_SEQ, SCN_MAP };

/* One allowed key of a mapping. */
typedef struct scn_key {
    const char *name;
    int required;
} scn_key;

/* Where a number may lie, and how to say so in a message. */
typedef struct scn_dom {
    double lo, hi;
    unsigned char lo_open, hi_open, whole;
    const char *what;           /* "a number in [0, 1]" */
} scn_dom;

extern const scn_dom scn_real, scn_prob, scn_nonneg, scn_positive, scn_count,
    scn_growth, scn_unit_open, scn_change, scn_share;
/* Money, in pounds: at most £1e12 either way (all of England's high-needs
 * spending is about £1e10 a year). Unbounded, 1e308 passed the check and
 * sums of it overflowed to inf in the middle of the run (issue 17). */
extern const scn_dom scn_money, scn_money_signed;

/* A CSV file, parsed whole. Row r, column c is cell[r * ncols + c]; line[r]
 * is the file line the row starts on (the header is line 1 or later). */
typedef struct scn_csv {
    const char *path;           /* display path; owned by the scenario's files[] */
    int ncols, nrows;
    char **head;
    char **cell;
    int *line;
    char *buf;                  /* every field, unescaped and NUL-terminated */
} scn_csv;

/* Per-cluster flags for the optional numbers a cluster gave itself. */
enum {
    SCN_HAS_SS = 1u << 0,               /* send_support_share */
    SCN_HAS_ES = 1u << 1,               /* early_support */
    SCN_HAS_STOCK0 = 1u << 2            /* + p: own stock of placement p (p >= 1) */
};

/* An edit (sc_scenario_edit) as applied to the document: where its value is,
 * so that messages about it name the edit, and paths in it (a graft's CSVs)
 * resolve against its own file's folder. */
typedef struct scn_applied {
    char path[SCN_PATH_MAX];    /* normalised: as scn_val paths are written */
    char origin[SC_EDIT_TEXT_MAX];  /* "--set PATH=VALUE", or the graft's file */
    char source[SC_TEXT_MAX];       /* the same as a register source (cut with "..." to fit) */
    int graft;                  /* 1: taken from another file (dir below) */
    char *dir;                  /* a graft's file's folder with '/', or NULL */
    struct fy_node *key;        /* a key the edit added (NULL: it replaced a value) */
    struct fy_node *node;       /* the value it put there (NULL: it removed one) */
} scn_applied;

/* A file grafts take values from, parsed once (its text is in the scenario's files). */
typedef struct scn_graft_doc {
    const char *from;
    struct fy_document *doc;
} scn_graft_doc;

/* Everything one sc_scenario_read() call holds while it reads. */
/* The ids read so far (areas or clusters), hashed by id: each new id was
 * compared with every one before it, quadratic in their number (300,000
 * areas: `fit` 136 s). slot[] holds index + 1 into the array of records at
 * base (each stride bytes, the id first), 0 where empty. */
typedef struct scn_ids {
    int *slot;
    size_t mask;
    const char *base;
    size_t stride;
} scn_ids;

typedef struct scn_ctx {
    sc_scenario *s;
    sc_error *e;
    const char *file;           /* the scenario path as given (s->path) */
    char *dir;                  /* its folder with a trailing '/', or "" */
    struct fy_diag *diag;
    struct fy_parser *fyp;
    struct fy_document *doc;
    scn_csv **csv;              /* loaded CSVs, one per distinct path */
    int ncsv;
    int cap_inputs;
    unsigned *cgiven;           /* [nclusters] SCN_HAS_* */
    int *cline;                 /* [nclusters] line each cluster was given on */
    scn_ids area_ids, cluster_ids;
    double sshare;              /* population.send_support_share */
    double es_total;            /* cluster_working.early_support_total */
    double dstock[SC_NPLACEMENTS];      /* district stock; NaN when not given */
    const sc_sen2 *sen2_given;          /* a pre-read panel (sc_scenario_read_options) */
    sc_sen2 *sen2_own;                  /* the panel this read read itself */
    scn_val root;
    int lenient_years;                  /* sc_scenario_read_options.lenient_years */
    scn_applied *applied;               /* the edits made to the document, in order */
    int napplied;
    struct scn_graft_doc *grafted;      /* documents grafts were taken from, kept to the end */
    int ngrafted;
} scn_ctx;

void scn_ctx_clear(scn_ctx *r);

/* The status of the failure already described in r->e (never SC_OK), so a
 * caller can pass on out-of-memory and bad input alike. */
static inline int scn_fail(const scn_ctx *r)
{
    return r->e->status != SC_OK ? r->e->status : SC_EFAIL;
}

/* The files below stand in layers, each calling only those above it:
 * number.c; yaml.c (the document, and the located errors every reader
 * raises); csv_reader.c; values.c; then the sections (parameters.c,
 * clusters.c, finance.c, history.c) and scenario.c, which reads them in order. */

/* ---- number.c: numbers as written, domains, bounded copies ---- */

enum { SCN_NUM_OK, SCN_NUM_BAD, SCN_NUM_NONFINITE };
/* Parse a YAML 1.2 core-schema decimal number (also .inf/.nan, reported as
 * non-finite). s need not be NUL-terminated. */
int scn_parse_number(const char *s, size_t len, double *out);
/* Whether x is finite and inside d. */
int scn_dom_ok(const scn_dom *d, double x);
/* Whether s is a documented status (scn_status_list says which). */
int scn_status_ok(const char *s);
extern const char *const scn_status_list;
/* Copy with a length check; 0 on success, -1 if it would not fit. */
int scn_copy(char *dst, size_t cap, const char *src);
/* FNV-1a, 64 bits, of a string: a lever's streams are keyed by its name. */
uint64_t scn_hash64(const char *s);

/* ---- yaml.c: the document, located values, typed reads ---- */

/* SC_OK when text holds no NUL byte and is well-formed UTF-8; else SC_EINPUT
 * at path:line, "expected <what>" (a YAML scenario, a CSV file). */
int scn_text_check(const char *path, const char *text, size_t len, const char *what,
                   sc_error *e);
int scn_yaml_open(scn_ctx *r, const char *text, size_t len);
/* n, or the node it is an alias of. */
struct fy_node *scn_resolve(struct fy_node *n);
/* Free what scn_yaml_open made (safe when nothing was). */
void scn_yaml_close(scn_ctx *r);
enum scn_kind scn_kind(const scn_val *v);
/* The scalar text (not NUL-terminated) or NULL when v is not a scalar. */
const char *scn_text(const scn_val *v, size_t *len);
int scn_text_is(const scn_val *v, const char *s);
/* "got ..." for messages: a number as written, a quoted string, "a list", ... */
void scn_describe(const scn_val *v, char *buf, size_t cap);

/* A located problem: "FILE:LINE:COL: path: message"; returns SC_EINPUT.
 * (The macros record where in the code they were used, error.h.) */
#define SCN_ERR(r, v, ...) scn_error_val((r), SC_HERE, (v), __VA_ARGS__)
/* "path: expected WHAT, got ..."; returns SC_EINPUT. */
#define SCN_EXPECTED(r, v, what) scn_error_expected((r), SC_HERE, (v), (what))
/* Out of memory while reading; returns SC_ENOMEM. */
#define SCN_NOMEM(r) scn_error_nomem((r), SC_HERE)
int scn_error_val(scn_ctx *r, sc_where where, const scn_val *v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int scn_error_expected(scn_ctx *r, sc_where where, const scn_val *v, const char *what);
int scn_error_nomem(scn_ctx *r, sc_where where);
/* The edit (sc_scenario_edit) that put v where it is, or NULL: v is at or
 * below the edit's path, or inside the value it put there. */
const scn_applied *scn_edit_of(const scn_ctx *r, const scn_val *v);
/* The folder paths written at v are relative to: a graft's file's, else the
 * scenario's (r->dir). */
const char *scn_dir_of(const scn_ctx *r, const scn_val *v);
/* A warning "FILE:LINE:COL: path: ..." at v kept in s->warning (the read goes
 * on); SC_ENOMEM only. */
int scn_warn(scn_ctx *r, const scn_val *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Check that m is a mapping of the given keys only (no repeats) and fill
 * out[i] for keys[i]; a missing required key is an error. */
int scn_map(scn_ctx *r, const scn_val *m, const scn_key *keys, int nkeys, scn_val *out);
/* A mapping whose keys are data (years, placement names): checks the type and
 * repeats; then iterate with scn_map_next(). */
int scn_map_open(scn_ctx *r, const scn_val *m);
int scn_map_next(const scn_val *m, void **it, scn_val *key, scn_val *val);
int scn_seq_open(scn_ctx *r, const scn_val *v, int min, int max, int *count);
int scn_seq_next(const scn_val *v, void **it, int *index, scn_val *item);
/* Does mapping m have key k (whatever its value)? */
int scn_has_key(const scn_val *m, const char *k);

int scn_str(scn_ctx *r, const scn_val *v, char *buf, size_t cap);
/* A status (scn_status_ok), read into buf; SC_EINPUT naming what is allowed. */
int scn_status(scn_ctx *r, const scn_val *v, char *buf, size_t cap);
int scn_id(scn_ctx *r, const scn_val *v, char *buf, size_t cap);
int scn_plain_number(scn_ctx *r, const scn_val *v, const scn_dom *d, double *out);
int scn_int(scn_ctx *r, const scn_val *v, long long lo, long long hi, long long *out);
int scn_u64(scn_ctx *r, const scn_val *v, uint64_t *out);
int scn_bool(scn_ctx *r, const scn_val *v, int *out);
int scn_number_list(scn_ctx *r, const scn_val *v, const scn_dom *d, int n, double *out);

/* ---- values.c: the three forms of a number, the provenance register ---- */

/* A year table as read: value and whether given, by t = year - base_year. */
typedef struct scn_years {
    double v[SC_MAX_HORIZON + 1];
    unsigned char have[SC_MAX_HORIZON + 1];
    int n;                      /* years given within 0..horizon */
    int before_year;            /* read leniently: the latest year before the base year the
                                   table gave (0: none), and its value */
    double before_v;
} scn_years;

/* A number in any of the three forms (plain, {value, status, source},
 * {csv, item[, year]}); recorded in the register under name/item/year. */
int scn_number(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
               const char *item, int year, double *out);
int scn_year_table(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                   scn_years *out);
int scn_record(scn_ctx *r, const char *name, const char *item, int year, double value,
               const char *status, const char *source);
/* A table of past years, {YEAR: number, ...} or {csv: FILE, item: NAME}, into
 * out ascending with each year's status: the years up to the base year (the
 * later rows of a CSV item are forecasts and left out; a later inline year is
 * refused), each recorded in the register under name. */
int scn_past_years(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                   sc_outturn *out);
/* One register entry; -1 when a text does not fit its field. */
int scn_fill_input(sc_input *in, const char *name, const char *item, int year, double value,
                   const char *status, const char *source);

/* ---- csv_reader.c: CSV files, parsed whole, and their cells ---- */

int scn_csv_parse(scn_csv *t, const char *path, const char *text, size_t len, sc_error *e);
void scn_csv_free(scn_csv *t);
int scn_csv_col(const scn_csv *t, const char *name);
/* Open the CSV named by the scalar ref (a path relative to the scenario). */
int scn_csv_open(scn_ctx *r, const scn_val *ref, scn_csv **out);
/* Read the file `ref` names (relative to the scenario) and keep it verbatim in
 * the scenario's files; *out points at it. `what` names it in messages. */
int scn_file_open(scn_ctx *r, const scn_val *ref, const char *what, const sc_file **out);
/* ---- priors_file.c: model 2's national priors file (`priors:`) ---- */
int scn_priors_file(scn_ctx *r, const scn_val *v);
/* The column `name` of t, as named by the scenario value `at` (which the
 * message then points to); -1 with the error set when absent. */
int scn_csv_need(scn_ctx *r, const scn_val *at, const scn_csv *t, const char *name, int *col);
/* A numeric cell; on error the message is "FILE:ROW: column NAME: ..." and,
 * when at is given, a second line names the scenario key that read it. */
int scn_csv_number(scn_ctx *r, const scn_csv *t, int row, int col, const scn_dom *d,
                   const scn_val *at, double *out);
/* A text cell into buf, with a length check. */
int scn_csv_text(scn_ctx *r, const scn_csv *t, int row, int col, char *buf, size_t cap,
                 const scn_val *at);
/* Status and source of a row: its own status and source columns where it has
 * them, else "unstated" and "FILE:LINE". */
int scn_csv_provenance(scn_ctx *r, const scn_csv *t, int row, const scn_val *at, char *status,
                       char *source);
/* Append "read for FILE:LINE:COL (path)" below the message. */
int scn_ref_context(scn_ctx *r, const scn_val *at);

/* ---- the sections: parameters.c, clusters.c, finance.c, levers.c ---- */

int scn_parameters(scn_ctx *r, const scn_val *v);
/* One distribution in any form a parameter may take (plain number, {dist:
 * ...}), for a row `info` of the parameter table or a lever's effect (id -1);
 * its numbers are registered as PREFIX.<info->name>.<key>. */
int scn_dist(scn_ctx *r, const sc_param_info *info, int id, const char *prefix,
             const scn_val *v, sc_dist *d);
/* The `levers:` section (after cluster working, whose lever comes first). */
int scn_levers(scn_ctx *r, const scn_val *v);
/* Cluster working's lever (scn_cluster_working, when the section is given). */
int scn_cluster_lever(scn_ctx *r);

int scn_areas(scn_ctx *r, const scn_val *v);
int scn_clusters(scn_ctx *r, const scn_val *v);
int scn_population(scn_ctx *r, const scn_val *v);
int scn_placements(scn_ctx *r, const scn_val *v);
/* Early-support allowances from cluster_working.early_support_total (at). */
int scn_early_support(scn_ctx *r, const scn_val *at);
/* Index of the cluster with this id, or -1. */
int scn_cluster_index(const scn_ctx *r, const char *id);
int scn_cluster_working(scn_ctx *r, const scn_val *v);
int scn_finance(scn_ctx *r, const scn_val *v);

/* ---- edits.c: --set values and grafts, applied to the document ---- */

/* Apply the read's edits (sc_scenario_read_options) to r->doc, in order. */
int scn_edits_apply(scn_ctx *r, const sc_scenario_edit *edits, int nedits);
void scn_edits_clear(scn_ctx *r);
/* ---- outturn.c: the outturn drawn into the fans ---- */

/* The `outturn:` section (v may be absent), then the demand history's
 * requests, new plans and plans in place; after history is read. */
int scn_outturn(scn_ctx *r, const scn_val *v);
/* targets.c: the `targets:` section (after finance and cluster working). */
int scn_targets(scn_ctx *r, const scn_val *v);

/* ---- history.c: the history: section (MODEL.md 5) ---- */

int scn_history(scn_ctx *r, const scn_val *v);
/* history_sen2.c: the history from SEN2 releases (`sen2:` and `la:`, their
 * values at k_sen2 and k_la), before any `exclude:` entry. */
int scn_history_sen2(scn_ctx *r, const scn_val *k_sen2, const scn_val *k_la, const char *status);
/* The role of a history column name ("requests", ...), SC_NHISTORY for
 * "year", -1 for none. */
int scn_history_role(const scn_val *key);
/* Every dist: fit has a history and a window inside its years. */
int scn_history_check_fits(scn_ctx *r);
void scn_history_free(sc_history *h);

#endif
