/*
 * error.c — filling sc_error records (error.h). Messages are truncated, never
 * overrun.
 */
#include "sendcast/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sc_error_clear(sc_error *e)
{
    if (!e)
        return;
    e->status = SC_OK;
    e->msg[0] = '\0';
    e->where = (sc_where){NULL, 0, NULL};
}

static void vformat(sc_error *e, const char *prefix, const char *fmt, va_list ap)
{
    int n = snprintf(e->msg, sizeof e->msg, "%s", prefix);
    if (n < 0 || (size_t)n >= sizeof e->msg)
        return;
    vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
}

int sc_error_raise(sc_error *e, int status, sc_where where, const char *fmt, ...)
{
    if (!e)
        return status;
    va_list ap;
    va_start(ap, fmt);
    e->status = status;
    e->where = where;
    vformat(e, "", fmt, ap);
    va_end(ap);
    return status;
}

int sc_error_raise_at(sc_error *e, sc_where where, const char *file, int line, int col,
                      const char *fmt, ...)
{
    if (!e)
        return SC_EINPUT;
    char prefix[512];
    if (line > 0 && col > 0)
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", file, line, col);
    else if (line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d: ", file, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    e->status = SC_EINPUT;
    e->where = where;
    vformat(e, prefix, fmt, ap);
    va_end(ap);
    return SC_EINPUT;
}

int sc_error_context(sc_error *e, const char *fmt, ...)
{
    if (!e)
        return SC_EFAIL;
    size_t used = strlen(e->msg);
    if (used + 8 < sizeof e->msg) {
        memcpy(e->msg + used, "\n  ", 4);
        used += 3;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg + used, sizeof e->msg - used, fmt, ap);
        va_end(ap);
    }
    return e->status;
}

void sc_error_where(const sc_error *e, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    if (e && e->where.file)
        snprintf(buf, size, "%s, %s:%d", e->where.func ? e->where.func : "?", e->where.file,
                 e->where.line);
}

int sc_error_exit_code(const sc_error *e)
{
    if (!e || e->status == SC_OK)
        return 0;
    return (e->status == SC_EINPUT || e->status == SC_EEXIST) ? 2 : 1;
}
