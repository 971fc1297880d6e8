/*
 * yaml.c — the scenario's YAML document and typed reads that know where each
 * value was written.
 *
 * libfyaml parses; this file turns its nodes into located values (scn_val)
 * and reads them strictly: a mapping may hold only the keys its reader names,
 * each once; a number is a plain YAML 1.2 decimal, never a quoted string; an
 * id never silently loses characters. Every failure is described at the
 * file, line and column where the user has to look. libfyaml 0.7 gives
 * positions for scalar tokens only, so a list or mapping is placed at its
 * first scalar, or at the key that introduced it.
 */
#include "scn_internal.h"
#include "sendcast/alloc.h"
#include "sendcast/text.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libfyaml must not print: every problem becomes an sc_error. */
static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

/* Position of a node, 1-based; 0 when it has none (an empty value). */
static int node_mark(struct fy_node *n, int *line, int *col)
{
    if (!n)
        return 0;
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: {
        size_t len = 0;
        const char *s = fy_node_get_scalar(n, &len);
        if (!s || (len == 0 && fy_node_get_style(n) == FYNS_PLAIN))
            return 0;
        struct fy_token *tok = fy_node_get_scalar_token(n);
        const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
        if (!m)
            return 0;
        *line = m->line + 1;
        *col = m->column + 1;
        return 1;
    }
    case FYNT_SEQUENCE: {
        void *it = NULL;
        return node_mark(fy_node_sequence_iterate(n, &it), line, col);
    }
    case FYNT_MAPPING: {
        void *it = NULL;
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_mark(fy_node_pair_key(p), line, col) : 0;
    }
    }
    return 0;
}

struct fy_node *scn_resolve(struct fy_node *n)
{
    if (n && fy_node_get_type(n) == FYNT_SCALAR && fy_node_get_style(n) == FYNS_ALIAS) {
        struct fy_node *t = fy_node_resolve_alias(n);
        if (t)
            return t;
    }
    return n;
}

/* Append ".seg" (or "[i]" when seg is NULL) to a path; an over-long path is
 * marked with "..." rather than cut without notice. */
static void path_join(char *dst, const char *parent, const char *seg, size_t seglen, int index)
{
    int n;
    if (seg)
        n = snprintf(dst, SCN_PATH_MAX, "%s%s%.*s", parent, parent[0] ? "." : "",
                     (int)seglen, seg);
    else
        n = snprintf(dst, SCN_PATH_MAX, "%s[%d]", parent, index);
    if (n < 0 || n >= SCN_PATH_MAX)
        memcpy(dst + SCN_PATH_MAX - 4, "...", 4);
}

/* A child value: placed where its value is written, else at its key, else
 * where the parent is. */
static void child(const scn_val *parent, struct fy_node *key, struct fy_node *val,
                  const char *seg, size_t seglen, int index, scn_val *out)
{
    out->n = scn_resolve(val);
    out->line = parent->line;
    out->col = parent->col;
    int kl, kc;
    if (key && node_mark(key, &kl, &kc)) {
        out->line = kl;
        out->col = kc;
    }
    int vl, vc;
    if (val && (fy_node_get_type(val) == FYNT_SCALAR || !key) && node_mark(val, &vl, &vc)) {
        out->line = vl;
        out->col = vc;
    }
    path_join(out->path, parent->path, seg, seglen, index);
}

/* The first error libfyaml collected, or NULL. */
static struct fy_diag_error *first_error(struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(diag, &it)))
        if (de->type >= FYET_ERROR)
            return de;
    return NULL;
}

static int line_of_offset(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

int scn_text_check(const char *path, const char *text, size_t len, const char *what,
                   sc_error *e)
{
    const char *nul = memchr(text, '\0', len);
    if (nul)
        return SC_ERROR_AT(e, path, line_of_offset(text, (size_t)(nul - text)), 0,
                           "not a text file (a NUL byte at offset %zu): expected %s",
                           (size_t)(nul - text), what);
    size_t bad = sc_text_utf8_bad_at(text, len);
    if (bad < len)
        return SC_ERROR_AT(e, path, line_of_offset(text, bad), 0,
                           "not valid UTF-8 (byte 0x%02X at offset %zu): expected %s in "
                           "UTF-8", (unsigned char)text[bad], bad, what);
    return SC_OK;
}

int scn_yaml_open(scn_ctx *r, const char *text, size_t len)
{
    /* YAML text has no NUL byte; the parser would stop at one and call the
     * rest empty, which would be a misleading thing to tell the user. And
     * libfyaml 0.7.12 loops forever on malformed UTF-8 in a directive line
     * (found by `make fuzz`): so the text is checked first. */
    if (scn_text_check(r->file, text, len, "a YAML scenario", r->e))
        return SC_EINPUT;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = quiet_output;
    dc.colorize = false;
    dc.level = FYET_ERROR;
    r->diag = fy_diag_create(&dc);
    if (!r->diag)
        return SCN_NOMEM(r);
    fy_diag_set_collect_errors(r->diag, true);

    /* Duplicate keys are found by scn_map(), which can say where the first was. */
    struct fy_parse_cfg cfg = {
        .flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS | FYPCF_JSON_NONE,
        .diag = r->diag,
    };
    r->fyp = fy_parser_create(&cfg);
    if (!r->fyp || fy_parser_set_string(r->fyp, text, len) != 0)
        return SCN_NOMEM(r);
    r->doc = fy_parse_load_document(r->fyp);

    struct fy_diag_error *de = first_error(r->diag);
    if (de)
        return SC_ERROR_AT(r->e, r->file, de->line, de->column, "YAML syntax error: %s",
                           de->msg ? de->msg : "unreadable");
    r->root.n = r->doc ? scn_resolve(fy_document_root(r->doc)) : NULL;
    r->root.line = r->root.col = 1;
    r->root.path[0] = '\0';
    if (scn_kind(&r->root) == SCN_ABSENT || scn_kind(&r->root) == SCN_NULL)
        return SC_ERROR_AT(r->e, r->file, 0, 0,
                           "the file is empty: expected a scenario (a mapping with name, "
                           "base_year, horizon, ...)");
    node_mark(r->root.n, &r->root.line, &r->root.col);

    struct fy_document *next = fy_parse_load_document(r->fyp);
    de = first_error(r->diag);
    if (next) {
        scn_val second = { .line = 0, .col = 0 };
        node_mark(fy_document_root(next), &second.line, &second.col);
        fy_parse_document_destroy(r->fyp, next);
        return SC_ERROR_AT(r->e, r->file, second.line, second.col,
                           "a second YAML document starts here: a scenario is one document");
    }
    if (de)
        return SC_ERROR_AT(r->e, r->file, de->line, de->column, "YAML syntax error: %s",
                           de->msg ? de->msg : "unreadable");
    if (scn_kind(&r->root) != SCN_MAP)
        return SCN_EXPECTED(r, &r->root, "a mapping of scenario keys (name, base_year, ...)");
    return SC_OK;
}

enum scn_kind scn_kind(const scn_val *v)
{
    if (!v->n)
        return SCN_ABSENT;
    switch (fy_node_get_type(v->n)) {
    case FYNT_SEQUENCE:
        return SCN_SEQ;
    case FYNT_MAPPING:
        return SCN_MAP;
    case FYNT_SCALAR:
        break;
    }
    if (fy_node_get_style(v->n) != FYNS_PLAIN)
        return SCN_SCALAR;
    size_t len = 0;
    const char *s = fy_node_get_scalar(v->n, &len);
    if (!s || len == 0)
        return SCN_NULL;
    static const char *const nulls[] = { "~", "null", "Null", "NULL" };
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strlen(nulls[i]) == len && memcmp(nulls[i], s, len) == 0)
            return SCN_NULL;
    return SCN_SCALAR;
}

static const char *kind_name(enum scn_kind k)
{
    switch (k) {
    case SCN_ABSENT:
        return "nothing";
    case SCN_NULL:
        return "an empty value";
    case SCN_SCALAR:
        return "a scalar";
    case SCN_SEQ:
        return "a list";
    case SCN_MAP:
        return "a mapping";
    }
    return "?";
}

const char *scn_text(const scn_val *v, size_t *len)
{
    *len = 0;
    if (scn_kind(v) != SCN_SCALAR)
        return NULL;
    return fy_node_get_scalar(v->n, len);
}

int scn_text_is(const scn_val *v, const char *s)
{
    size_t len;
    const char *t = scn_text(v, &len);
    return t && strlen(s) == len && memcmp(s, t, len) == 0;
}

static int is_quoted(const scn_val *v)
{
    return v->n && fy_node_get_type(v->n) == FYNT_SCALAR && fy_node_get_style(v->n) != FYNS_PLAIN;
}

void scn_describe(const scn_val *v, char *buf, size_t cap)
{
    size_t len;
    const char *t = scn_text(v, &len);
    if (!t) {
        snprintf(buf, cap, "%s", kind_name(scn_kind(v)));
        return;
    }
    const int show = len > 40 ? 37 : (int)len;
    const char *more = len > 40 ? "..." : "";
    double x;
    int num = scn_parse_number(t, len, &x) != SCN_NUM_BAD;
    if (num && !is_quoted(v))
        snprintf(buf, cap, "%.*s%s", show, t, more);
    else if (num)
        snprintf(buf, cap, "the quoted string \"%.*s%s\" (write numbers without quotes)", show,
                 t, more);
    else
        snprintf(buf, cap, "\"%.*s%s\"", show, t, more);
}

/* Whether path is `at` or lies below it ("a.b" is below "a", "a[2]" too). */
static int path_under(const char *path, const char *at)
{
    size_t n = strlen(at);
    return n > 0 && strncmp(path, at, n) == 0
           && (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

const scn_applied *scn_edit_of(const scn_ctx *r, const scn_val *v)
{
    for (int i = r->napplied - 1; i >= 0; i--) {
        const scn_applied *a = &r->applied[i];
        if (v->n && a->key == v->n)
            return a;
        for (struct fy_node *n = v->n; n && a->node; n = fy_node_get_parent(n))
            if (n == a->node)
                return a;
        if (v->path[0] && path_under(v->path, a->path))
            return a;
    }
    return NULL;
}

const char *scn_dir_of(const scn_ctx *r, const scn_val *v)
{
    const scn_applied *a = scn_edit_of(r, v);
    return a && a->graft && a->dir ? a->dir : r->dir;
}

int scn_error_val(scn_ctx *r, sc_where where, const scn_val *v, const char *fmt, ...)
{
    char msg[SC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A value an edit put there: name the edit (the option), not a line of
     * the file; a graft's value keeps its own file's line. */
    const scn_applied *a = scn_edit_of(r, v);
    if (a && !a->graft)
        return sc_error_raise_at(r->e, where, a->origin, 0, 0, "%s: %s", v->path[0] ? v->path
                                 : a->path, msg);
    if (a)
        return sc_error_raise_at(r->e, where, a->origin, v->line, v->col, "%s: %s (taken into "
                                 "%s)", v->path[0] ? v->path : a->path, msg, r->file);
    if (v->path[0])
        return sc_error_raise_at(r->e, where, r->file, v->line, v->col, "%s: %s", v->path, msg);
    return sc_error_raise_at(r->e, where, r->file, v->line, v->col, "%s", msg);
}

int scn_warn(scn_ctx *r, const scn_val *v, const char *fmt, ...)
{
    sc_scenario *s = r->s;
    char msg[SC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    void *p = sc_realloc(s->warning, (size_t)(s->nwarnings + 1) * sizeof *s->warning);
    if (!p)
        return SCN_NOMEM(r);
    s->warning = p;
    char full[sizeof msg + SCN_PATH_MAX + 64];
    snprintf(full, sizeof full, "%s:%d:%d: %s%s%s", r->file, v->line, v->col, v->path,
             v->path[0] ? ": " : "", msg);
    /* a long message is cut: a warning is read, not parsed */
    size_t n = strlen(full), cap = sizeof *s->warning - 1;
    memcpy(s->warning[s->nwarnings], full, n < cap ? n : cap);
    s->warning[s->nwarnings++][n < cap ? n : cap] = '\0';
    return SC_OK;
}

int scn_error_expected(scn_ctx *r, sc_where where, const scn_val *v, const char *what)
{
    char got[160];
    scn_describe(v, got, sizeof got);
    return scn_error_val(r, where, v, "expected %s, got %s", what, got);
}

int scn_error_nomem(scn_ctx *r, sc_where where)
{
    return sc_error_raise(r->e, SC_ENOMEM, where, "%s: out of memory while reading the scenario",
                          r->file);
}

/* A key must be a plain scalar; say so once, in one place. */
static int key_text(scn_ctx *r, const scn_val *m, struct fy_node *k, const char **s, size_t *len)
{
    scn_val kv;
    child(m, NULL, k, NULL, 0, 0, &kv);
    snprintf(kv.path, sizeof kv.path, "%s", m->path);
    *s = scn_text(&kv, len);
    if (!*s)
        return SCN_EXPECTED(r, &kv, "a key (a word)");
    return SC_OK;
}

static int key_line(struct fy_node *k)
{
    int line = 0, col = 0;
    node_mark(k, &line, &col);
    return line;
}

/* Repeated keys, compared as text; the message points at the second. */
static int check_repeats(scn_ctx *r, const scn_val *m)
{
    void *it = NULL;
    struct fy_node_pair *p;
    int i = 0;
    while ((p = fy_node_mapping_iterate(m->n, &it))) {
        const char *s;
        size_t len;
        if (key_text(r, m, fy_node_pair_key(p), &s, &len))
            return SC_EINPUT;
        void *jt = NULL;
        struct fy_node_pair *q;
        for (int j = 0; j < i && (q = fy_node_mapping_iterate(m->n, &jt)); j++) {
            size_t ql;
            const char *qs = fy_node_get_scalar(fy_node_pair_key(q), &ql);
            if (qs && ql == len && memcmp(qs, s, len) == 0) {
                scn_val at;
                child(m, fy_node_pair_key(p), NULL, s, len, 0, &at);
                snprintf(at.path, sizeof at.path, "%s", m->path);
                return SCN_ERR(r, &at, "duplicate key '%.*s' (first given on line %d)",
                               (int)len, s, key_line(fy_node_pair_key(q)));
            }
        }
        i++;
    }
    return SC_OK;
}

static void list_keys(const scn_key *keys, int nkeys, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < nkeys; i++)
        if (sc_text_append(buf, cap, &used, ", ", keys[i].name))
            break;
}

int scn_map(scn_ctx *r, const scn_val *m, const scn_key *keys, int nkeys, scn_val *out)
{
    if (scn_kind(m) != SCN_MAP)
        return SCN_EXPECTED(r, m, "a mapping");
    if (check_repeats(r, m))
        return SC_EINPUT;
    for (int i = 0; i < nkeys; i++) {
        out[i] = (scn_val){ .n = NULL, .line = m->line, .col = m->col };
        path_join(out[i].path, m->path, keys[i].name, strlen(keys[i].name), 0);
    }
    unsigned char seen[64] = { 0 };
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(m->n, &it))) {
        const char *s;
        size_t len;
        if (key_text(r, m, fy_node_pair_key(p), &s, &len))
            return SC_EINPUT;
        int k = 0;
        while (k < nkeys && !(strlen(keys[k].name) == len && memcmp(keys[k].name, s, len) == 0))
            k++;
        if (k == nkeys) {
            char allowed[512];
            list_keys(keys, nkeys, allowed, sizeof allowed);
            scn_val at;
            child(m, fy_node_pair_key(p), NULL, s, len, 0, &at);
            snprintf(at.path, sizeof at.path, "%s", m->path);
            at.n = fy_node_pair_key(p);     /* so that a key an edit added names the edit */
            return SCN_ERR(r, &at, "unknown key '%.*s'; allowed keys: %s", (int)len, s, allowed);
        }
        /* "? key" with no value leaves n NULL: given, but reads as nothing. */
        child(m, fy_node_pair_key(p), fy_node_pair_value(p), keys[k].name,
              strlen(keys[k].name), 0, &out[k]);
        if (k < (int)sizeof seen)
            seen[k] = 1;
    }
    for (int i = 0; i < nkeys && i < (int)sizeof seen; i++)
        if (keys[i].required && !seen[i])
            return SCN_ERR(r, m, "missing required key '%s'", keys[i].name);
    return SC_OK;
}

int scn_map_open(scn_ctx *r, const scn_val *m)
{
    if (scn_kind(m) != SCN_MAP)
        return SCN_EXPECTED(r, m, "a mapping");
    return check_repeats(r, m);
}

int scn_map_next(const scn_val *m, void **it, scn_val *key, scn_val *val)
{
    struct fy_node_pair *p = fy_node_mapping_iterate(m->n, it);
    if (!p)
        return 0;
    size_t len = 0;
    const char *s = fy_node_get_scalar(fy_node_pair_key(p), &len);
    child(m, fy_node_pair_key(p), fy_node_pair_key(p), s ? s : "?", s ? len : 1, 0, key);
    child(m, fy_node_pair_key(p), fy_node_pair_value(p), s ? s : "?", s ? len : 1, 0, val);
    return 1;
}

int scn_has_key(const scn_val *m, const char *k)
{
    if (scn_kind(m) != SCN_MAP)
        return 0;
    void *it = NULL;
    struct fy_node_pair *p;
    size_t kl = strlen(k);
    while ((p = fy_node_mapping_iterate(m->n, &it))) {
        size_t len = 0;
        const char *s = fy_node_get_scalar(fy_node_pair_key(p), &len);
        if (s && len == kl && memcmp(s, k, kl) == 0)
            return 1;
    }
    return 0;
}

int scn_seq_open(scn_ctx *r, const scn_val *v, int min, int max, int *count)
{
    if (scn_kind(v) != SCN_SEQ)
        return SCN_EXPECTED(r, v, "a list");
    int n = fy_node_sequence_item_count(v->n);
    if (min == max && n != min)
        return SCN_ERR(r, v, "expected a list of %d items, got %d", min, n);
    if (n < min)
        return SCN_ERR(r, v, "expected a list of at least %d item%s, got %d", min,
                       min == 1 ? "" : "s", n);
    if (n > max)
        return SCN_ERR(r, v, "expected a list of at most %d items, got %d", max, n);
    *count = n;
    return SC_OK;
}

int scn_seq_next(const scn_val *v, void **it, int *index, scn_val *item)
{
    if (!*it)
        *index = -1;
    struct fy_node *n = fy_node_sequence_iterate(v->n, it);
    if (!n)
        return 0;
    ++*index;
    child(v, NULL, n, NULL, 0, *index, item);
    return 1;
}

int scn_str(scn_ctx *r, const scn_val *v, char *buf, size_t cap)
{
    size_t len;
    const char *s = scn_text(v, &len);
    if (!s)
        return SCN_EXPECTED(r, v, "a string");
    if (memchr(s, '\0', len))
        return SCN_ERR(r, v, "expected a string without NUL characters");
    if (len >= cap)
        return SCN_ERR(r, v, "expected at most %zu characters, got %zu", cap - 1, len);
    memcpy(buf, s, len);
    buf[len] = '\0';
    return SC_OK;
}

int scn_id(scn_ctx *r, const scn_val *v, char *buf, size_t cap)
{
    if (scn_str(r, v, buf, cap))
        return SC_EINPUT;
    if (!buf[0])
        return SCN_ERR(r, v, "expected a non-empty id");
    return SC_OK;
}

int scn_plain_number(scn_ctx *r, const scn_val *v, const scn_dom *d, double *out)
{
    size_t len;
    const char *s = scn_text(v, &len);
    double x = 0;
    int rc = s ? scn_parse_number(s, len, &x) : SCN_NUM_BAD;
    if (rc == SCN_NUM_NONFINITE && !is_quoted(v))
        return SCN_EXPECTED(r, v, "a finite number");
    if (rc != SCN_NUM_OK || is_quoted(v) || !scn_dom_ok(d, x))
        return SCN_EXPECTED(r, v, d->what);
    *out = x;
    return SC_OK;
}

int scn_int(scn_ctx *r, const scn_val *v, long long lo, long long hi, long long *out)
{
    char what[96];
    snprintf(what, sizeof what, "a whole number from %lld to %lld", lo, hi);
    scn_dom d = { (double)lo, (double)hi, 0, 0, 1, what };
    double x;
    if (scn_plain_number(r, v, &d, &x))
        return SC_EINPUT;
    *out = (long long)x;
    return SC_OK;
}

int scn_u64(scn_ctx *r, const scn_val *v, uint64_t *out)
{
    static const char what[] = "a whole number from 0 to 18446744073709551615";
    size_t len;
    const char *s = scn_text(v, &len);
    char buf[32];
    if (!s || is_quoted(v) || len == 0 || len >= sizeof buf)
        return SCN_EXPECTED(r, v, what);
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return SCN_EXPECTED(r, v, what);
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    unsigned long long x = strtoull(buf, NULL, 10);
    if (errno == ERANGE)
        return SCN_EXPECTED(r, v, what);
    *out = (uint64_t)x;
    return SC_OK;
}

int scn_bool(scn_ctx *r, const scn_val *v, int *out)
{
    static const char *const yes[] = { "true", "True", "TRUE" };
    static const char *const no[] = { "false", "False", "FALSE" };
    if (!is_quoted(v))
        for (int i = 0; i < 3; i++) {
            if (scn_text_is(v, yes[i])) {
                *out = 1;
                return SC_OK;
            }
            if (scn_text_is(v, no[i])) {
                *out = 0;
                return SC_OK;
            }
        }
    return SCN_EXPECTED(r, v, "true or false");
}

int scn_number_list(scn_ctx *r, const scn_val *v, const scn_dom *d, int n, double *out)
{
    int count;
    if (scn_seq_open(r, v, n, n, &count))
        return SC_EINPUT;
    void *it = NULL;
    int i;
    scn_val item;
    while (scn_seq_next(v, &it, &i, &item))
        if (scn_plain_number(r, &item, d, &out[i]))
            return SC_EINPUT;
    return SC_OK;
}

void scn_yaml_close(scn_ctx *r)
{
    if (r->doc)
        fy_parse_document_destroy(r->fyp, r->doc);
    if (r->fyp)
        fy_parser_destroy(r->fyp);
    if (r->diag)
        fy_diag_destroy(r->diag);
    r->doc = NULL;
    r->fyp = NULL;
    r->diag = NULL;
}

int scn_status(scn_ctx *r, const scn_val *v, char *buf, size_t cap)
{
    if (scn_str(r, v, buf, cap))
        return SC_EINPUT;
    if (!scn_status_ok(buf))
        return SCN_ERR(r, v, "expected a status: %s; got \"%s\"", scn_status_list, buf);
    return SC_OK;
}
