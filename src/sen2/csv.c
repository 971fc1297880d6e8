/*
 * csv.c — the one place src/sen2 meets the project's CSV parser.
 *
 * SEN2 files are parsed by the strict RFC 4180 reader of the scenario module
 * (src/scenario/csv.c: quotes, doubled quotes, line breaks in quotes, CRLF,
 * a UTF-8 byte-order mark, every row as long as the header, a repeated
 * header column refused, errors as FILE:LINE). Should that reader move, only
 * this file changes: the rest of src/sen2 sees an s2_table.
 */
#include "s2_internal.h"

#include <string.h>

#include "../scenario/scn_internal.h"
#include "sendcast/alloc.h"

int s2_table_parse(s2_table *t, const char *path, const char *text, size_t len, sc_error *e)
{
    memset(t, 0, sizeof *t);
    scn_csv *c = sc_calloc(1, sizeof *c);
    if (!c)
        return SC_ERROR(e, SC_ENOMEM, "%s: out of memory while reading", path);
    int rc = scn_csv_parse(c, path, text, len, e);
    if (rc) {
        sc_free(c);
        return rc;
    }
    *t = (s2_table){ .path = path, .ncols = c->ncols, .nrows = c->nrows, .head = c->head,
                     .cell = c->cell, .line = c->line, .impl = c };
    return SC_OK;
}

void s2_table_free(s2_table *t)
{
    if (!t)
        return;
    if (t->impl) {
        scn_csv_free(t->impl);
        sc_free(t->impl);
    }
    memset(t, 0, sizeof *t);
}
