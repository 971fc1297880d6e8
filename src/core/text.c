/*
 * text.c — joining, HTML escaping, the financial-year label, whole-file reads
 * (text.h).
 */
#include "sendcast/text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"

int sc_text_append(char *buf, size_t cap, size_t *used, const char *sep, const char *item)
{
    int n = snprintf(buf + *used, cap - *used, "%s%s", *used ? sep : "", item);
    if (n < 0 || (size_t)n >= cap - *used) {
        memcpy(buf + cap - 4, "...", 4);
        *used = cap - 1;
        return -1;
    }
    *used += (size_t)n;
    return 0;
}

void sc_text_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

sc_label sc_year_label(int year)
{
    sc_label l;
    snprintf(l.s, sizeof l.s, "%d/%02d", year, (year + 1) % 100);
    return l;
}

int sc_file_read(const char *path, size_t max, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno ? errno : EIO;
    size_t cap = 0, used = 0;
    char *buf = NULL;
    int err = 0;
    for (;;) {
        if (used + 1 >= cap) {
            size_t ncap = cap ? 2 * cap : 4096;
            if (ncap > max + 1 && cap > max) {
                err = EFBIG;
                break;
            }
            ncap = ncap > max + 1 ? max + 1 : ncap;
            char *p = sc_realloc(buf, ncap);
            if (!p) {
                err = ENOMEM;
                break;
            }
            buf = p;
            cap = ncap;
        }
        size_t n = fread(buf + used, 1, cap - used - 1, f);
        used += n;
        if (n == 0) {
            if (ferror(f))
                err = errno ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (err) {
        sc_free(buf);
        return err;
    }
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return 0;
}

void sc_text_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
