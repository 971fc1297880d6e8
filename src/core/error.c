/*
 * error.c — filling sc_error records. Messages are truncated, never overrun.
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
}

static void vformat(sc_error *e, const char *prefix, const char *fmt, va_list ap)
{
    int n = snprintf(e->msg, sizeof e->msg, "%s", prefix);
    if (n < 0 || (size_t)n >= sizeof e->msg)
        return;
    vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
}

int sc_error_set(sc_error *e, int status, const char *fmt, ...)
{
    if (!e)
        return status;
    va_list ap;
    va_start(ap, fmt);
    e->status = status;
    vformat(e, "", fmt, ap);
    va_end(ap);
    return status;
}

int sc_error_at(sc_error *e, const char *file, int line, int col, const char *fmt, ...)
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
    vformat(e, prefix, fmt, ap);
    va_end(ap);
    return SC_EINPUT;
}

int sc_error_push(sc_error *e, const char *fmt, ...)
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

int sc_error_exit_code(const sc_error *e)
{
    if (!e || e->status == SC_OK)
        return 0;
    return (e->status == SC_EINPUT || e->status == SC_EEXIST) ? 2 : 1;
}
