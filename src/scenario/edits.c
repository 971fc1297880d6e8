/*
 * edits.c — changes made to a scenario's YAML while it is read, before any
 * section is: values given on the command line (`--set PATH=VALUE`) and
 * values taken from another scenario file (grafts: an attribution's steps).
 *
 * An edit works on the document, not on the scenario it becomes: the value
 * goes where the path says, and the sections then read it as though the
 * file had said it, with every check they make. So an override can be any
 * value of the scenario (a number in any of its forms, a year table, a
 * lever's effect), a wrong one is refused as a wrong value in the file is,
 * and the scenario is still read-only once read. What an edit put in place
 * is remembered (scn_applied), so that a message about it names the option
 * instead of a line of the file, the numbers it gave are registered as
 * `override`s, and paths inside a grafted value resolve against its own
 * file's folder.
 */
#include "scn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

#define MAX_SEGS 16

/* One step of a path: a mapping key, or a list index. */
typedef struct seg {
    char key[SC_ID_MAX];
    int index;              /* >= 0: a list item; -1: a key */
} seg;

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-';
}

/* "a.b[2].c" into its steps; -1 when it is not such a path. */
static int split_path(const char *path, seg *segs, int *n)
{
    const char *p = path;
    *n = 0;
    while (*p) {
        if (*n == MAX_SEGS)
            return -1;
        seg *s = &segs[(*n)++];
        if (*p == '[') {
            char *end;
            errno = 0;
            long i = strtol(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || errno || i < 0 || i > 1000000 || *n == 1)
                return -1;
            s->key[0] = '\0';
            s->index = (int)i;
            p = end + 1;
        } else {
            size_t k = 0;
            while (key_char(p[k]))
                k++;
            if (k == 0 || k >= sizeof s->key)
                return -1;
            memcpy(s->key, p, k);
            s->key[k] = '\0';
            s->index = -1;
            p += k;
        }
        if (*p == '.') {
            if (!key_char(p[1]))
                return -1;
            p++;
        } else if (*p && *p != '[') {
            return -1;
        }
    }
    return *n > 0 ? 0 : -1;
}

int sc_scenario_edit_parse(const char *arg, sc_scenario_edit *out, sc_error *e)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (!eq)
        return SC_ERROR(e, SC_EINPUT, "--set %s: expected PATH=VALUE (finance.grant.growth=0.03)",
                        arg);
    size_t np = (size_t)(eq - arg), nv = strlen(eq + 1);
    if (np == 0 || np >= sizeof out->path)
        return SC_ERROR(e, SC_EINPUT, "--set %s: expected a key path before '=' (at most %zu "
                        "characters)", arg, sizeof out->path - 1);
    if (nv == 0 || nv >= sizeof out->value)
        return SC_ERROR(e, SC_EINPUT, "--set %s: expected a value after '=' (at most %zu "
                        "characters)", arg, sizeof out->value - 1);
    memcpy(out->path, arg, np);
    memcpy(out->value, eq + 1, nv + 1);
    seg segs[MAX_SEGS];
    int n;
    if (split_path(out->path, segs, &n))
        return SC_ERROR(e, SC_EINPUT, "--set %s: '%s' is not a key path: expected keys of "
                        "letters, digits, '_' and '-' joined by '.', list items as [N] "
                        "(bands.topup[2], levers.NAME.effect.mean)", arg, out->path);
    return SC_OK;
}

/* ---- the document ---- */

/* The pair of mapping m whose key reads `key`, or NULL. */
static struct fy_node_pair *pair_of(struct fy_node *m, const char *key)
{
    void *it = NULL;
    struct fy_node_pair *p;
    size_t kl = strlen(key);
    while ((p = fy_node_mapping_iterate(m, &it))) {
        size_t len = 0;
        const char *s = fy_node_get_scalar(fy_node_pair_key(p), &len);
        if (s && len == kl && memcmp(s, key, kl) == 0)
            return p;
    }
    return NULL;
}

/* The node at segs[0..n) below root, or NULL (*why says which step failed). */
static struct fy_node *walk(struct fy_node *root, const seg *segs, int n, int *failed_at)
{
    struct fy_node *cur = scn_resolve(root);
    for (int i = 0; i < n; i++) {
        *failed_at = i;
        if (!cur)
            return NULL;
        if (segs[i].index >= 0) {
            if (fy_node_get_type(cur) != FYNT_SEQUENCE)
                return NULL;
            cur = scn_resolve(fy_node_sequence_get_by_index(cur, segs[i].index));
        } else {
            if (fy_node_get_type(cur) != FYNT_MAPPING)
                return NULL;
            struct fy_node_pair *p = pair_of(cur, segs[i].key);
            cur = p ? scn_resolve(fy_node_pair_value(p)) : NULL;
        }
        if (!cur)
            return NULL;    /* step i is missing: a message names it, not the next */
    }
    return cur;
}

/* "name, base_year, ..." : the keys of a mapping, for a message. */
static void keys_of(struct fy_node *m, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!m || fy_node_get_type(m) != FYNT_MAPPING) {
        snprintf(buf, cap, "%s", m && fy_node_get_type(m) == FYNT_SEQUENCE
                 ? "it is a list: name an item as [N]" : "it holds a single value");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(m, &it))) {
        size_t len = 0;
        const char *s = fy_node_get_scalar(fy_node_pair_key(p), &len);
        char k[SC_ID_MAX];
        snprintf(k, sizeof k, "%.*s", (int)(len < sizeof k ? len : sizeof k - 1), s ? s : "?");
        if (sc_text_append(buf, cap, &used, ", ", k))
            return;
    }
}

/* The path of segs[0..n) as messages write it. */
static void path_text(const seg *segs, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used + 1 < cap; i++) {
        int w = segs[i].index >= 0 ? snprintf(buf + used, cap - used, "[%d]", segs[i].index)
                                   : snprintf(buf + used, cap - used, "%s%s", i ? "." : "",
                                              segs[i].key);
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
}

static int no_such(scn_ctx *r, const char *origin, struct fy_node *root, const seg *segs,
                   int at)
{
    char have[SCN_PATH_MAX], parent[SCN_PATH_MAX], keys[512];
    path_text(segs, at + 1, have, sizeof have);
    path_text(segs, at, parent, sizeof parent);
    int dummy;
    keys_of(at ? walk(root, segs, at, &dummy) : scn_resolve(root), keys, sizeof keys);
    return SC_ERROR(r->e, SC_EINPUT, "%s: the scenario %s has no %s (%s: %s)", origin, r->file,
                    have, at ? parent : "its top level", keys);
}

/* Put value at the last step of segs below parent; *key_out is the key node
 * made when the mapping lacked the key. */
static int put(scn_ctx *r, const char *origin, struct fy_node *parent, const seg *last,
               struct fy_node *value, struct fy_node **key_out)
{
    *key_out = NULL;
    if (last->index >= 0) {
        struct fy_node *old = fy_node_get_type(parent) == FYNT_SEQUENCE
                                  ? fy_node_sequence_get_by_index(parent, last->index) : NULL;
        if (!old)
            return SC_ERROR(r->e, SC_EINPUT, "%s: the list has no item [%d] (it has %d)", origin,
                            last->index, fy_node_get_type(parent) == FYNT_SEQUENCE
                            ? fy_node_sequence_item_count(parent) : 0);
        if (fy_node_sequence_insert_before(parent, old, value) != 0)
            return SCN_NOMEM(r);
        fy_node_free(fy_node_sequence_remove(parent, old));
        return SC_OK;
    }
    struct fy_node_pair *p = pair_of(parent, last->key);
    if (p)
        return fy_node_pair_set_value(p, value) == 0 ? SC_OK : SCN_NOMEM(r);
    struct fy_node *k = fy_node_create_scalar_copy(r->doc, last->key, strlen(last->key));
    if (!k || fy_node_mapping_append(parent, k, value) != 0)
        return SCN_NOMEM(r);
    *key_out = k;
    return SC_OK;
}

static int remember(scn_ctx *r, const seg *segs, int n, const char *origin, const char *dir,
                    struct fy_node *key, struct fy_node *node)
{
    scn_applied *a = sc_realloc(r->applied, (size_t)(r->napplied + 1) * sizeof *a);
    if (!a)
        return SCN_NOMEM(r);
    r->applied = a;
    a = &r->applied[r->napplied++];
    memset(a, 0, sizeof *a);
    path_text(segs, n, a->path, sizeof a->path);
    snprintf(a->origin, sizeof a->origin, "%s", origin);
    size_t used = 0;
    sc_text_append(a->source, sizeof a->source, &used, "", origin);
    a->graft = dir != NULL;
    a->key = key;
    a->node = node;
    if (dir && !(a->dir = sc_strdup(dir)))
        return SCN_NOMEM(r);
    return SC_OK;
}

/* The scenario's record of what was changed ("PATH=VALUE", "PATH from FILE"). */
static int note(scn_ctx *r, const char *text)
{
    sc_scenario *s = r->s;
    char(*x)[SC_EDIT_TEXT_MAX] = sc_realloc(s->edits, (size_t)(s->nedits + 1) * sizeof *x);
    if (!x)
        return SCN_NOMEM(r);
    s->edits = x;
    snprintf(s->edits[s->nedits++], sizeof *x, "%s", text);
    return SC_OK;
}

static int set_value(scn_ctx *r, const sc_scenario_edit *ed)
{
    seg segs[MAX_SEGS];
    int n, at = 0;
    char origin[SC_EDIT_TEXT_MAX];
    snprintf(origin, sizeof origin, "--set %s=%s", ed->path, ed->value);
    if (split_path(ed->path, segs, &n))
        return SC_ERROR(r->e, SC_EINPUT, "%s: '%s' is not a key path", origin, ed->path);
    struct fy_node *parent = n > 1 ? walk(r->root.n, segs, n - 1, &at) : scn_resolve(r->root.n);
    if (!parent || (segs[n - 1].index < 0 && fy_node_get_type(parent) != FYNT_MAPPING))
        return no_such(r, origin, r->root.n, segs, parent ? n - 1 : at);
    struct fy_node *value = fy_node_build_from_string(r->doc, ed->value, FY_NT);
    if (!value)
        return SC_ERROR(r->e, SC_EINPUT, "%s: the value is not YAML (a number, a word, or a "
                        "flow value such as {2024: 0.5} or [1, 2])", origin);
    struct fy_node *key;
    int rc = put(r, origin, parent, &segs[n - 1], value, &key);
    if (rc) {
        fy_node_free(value);
        return rc;
    }
    char text[SC_EDIT_TEXT_MAX];
    snprintf(text, sizeof text, "%s=%s", ed->path, ed->value);
    return remember(r, segs, n, origin, NULL, key, value) || note(r, text) ? scn_fail(r) : SC_OK;
}

/* The document of a graft's file (read once, kept verbatim in the scenario). */
static int graft_doc(scn_ctx *r, const char *from, struct fy_document **out)
{
    sc_scenario *s = r->s;
    for (int i = 0; i < r->ngrafted; i++)
        if (!strcmp(r->grafted[i].from, from)) {
            *out = r->grafted[i].doc;
            return SC_OK;
        }
    char *text;
    size_t len;
    int err = sc_file_read(from, (size_t)SCN_MAX_FILE_BYTES, &text, &len);
    if (err == ENOMEM)
        return SCN_NOMEM(r);
    if (err)
        return SC_ERROR_AT(r->e, from, 0, 0, "cannot read the scenario: %s", strerror(err));
    char *path = sc_strdup(from);
    sc_file *f = path ? sc_realloc(s->files, (size_t)(s->nfiles + 1) * sizeof *f) : NULL;
    scn_graft_doc *g = sc_realloc(r->grafted, (size_t)(r->ngrafted + 1) * sizeof *g);
    if (g)
        r->grafted = g;
    if (!f || !g) {
        sc_free(path);
        sc_free(text);
        return SCN_NOMEM(r);
    }
    s->files = f;
    s->files[s->nfiles++] = (sc_file){ .path = path, .text = text, .len = len };
    struct fy_document *d = fy_document_build_from_string(NULL, text, len);
    if (!d)
        return SC_ERROR_AT(r->e, from, 0, 0, "not a YAML scenario (it could not be parsed)");
    r->grafted[r->ngrafted++] = (scn_graft_doc){ .from = path, .doc = d };
    *out = d;
    return SC_OK;
}

static int graft(scn_ctx *r, const sc_scenario_edit *ed)
{
    seg segs[MAX_SEGS];
    int n, at;
    if (split_path(ed->path, segs, &n) || segs[n - 1].index >= 0)
        return SC_ERROR(r->e, SC_EFAIL, "graft of %s: not a key path", ed->path);
    struct fy_document *d = NULL;
    if (graft_doc(r, ed->from, &d))
        return scn_fail(r);
    struct fy_node *parent = n > 1 ? walk(r->root.n, segs, n - 1, &at) : scn_resolve(r->root.n);
    if (!parent || fy_node_get_type(parent) != FYNT_MAPPING)
        return SC_OK;       /* we lack the section: nothing to take it into */
    struct fy_node *from = walk(fy_document_root(d), segs, n, &at);
    char text[SC_EDIT_TEXT_MAX];
    snprintf(text, sizeof text, "%s from %s", ed->path, ed->from);
    struct fy_node_pair *p = pair_of(parent, segs[n - 1].key);
    if (!from) {
        if (!p)
            return SC_OK;
        struct fy_node *gone = fy_node_mapping_remove_by_key(parent, fy_node_pair_key(p));
        if (!gone)
            return SCN_NOMEM(r);
        fy_node_free(gone);
        return remember(r, segs, n, ed->from, "", NULL, NULL) || note(r, text) ? scn_fail(r)
                                                                              : SC_OK;
    }
    struct fy_node *copy = fy_node_copy(r->doc, from);
    if (!copy)
        return SCN_NOMEM(r);
    struct fy_node *key;
    if (put(r, ed->from, parent, &segs[n - 1], copy, &key)) {
        fy_node_free(copy);
        return scn_fail(r);
    }
    const char *slash = strrchr(ed->from, '/');
    char dir[1024];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - ed->from) + 1 : 0, ed->from);
    return remember(r, segs, n, ed->from, dir, key, copy) || note(r, text) ? scn_fail(r) : SC_OK;
}

int scn_edits_apply(scn_ctx *r, const sc_scenario_edit *edits, int nedits)
{
    for (int i = 0; i < nedits; i++) {
        int rc = edits[i].from ? graft(r, &edits[i]) : set_value(r, &edits[i]);
        if (rc)
            return rc;
    }
    return SC_OK;
}

void scn_edits_clear(scn_ctx *r)
{
    for (int i = 0; i < r->napplied; i++)
        sc_free(r->applied[i].dir);
    sc_free(r->applied);
    for (int i = 0; i < r->ngrafted; i++)
        fy_document_destroy(r->grafted[i].doc);
    sc_free(r->grafted);
    r->applied = NULL;
    r->grafted = NULL;
    r->napplied = r->ngrafted = 0;
}
