/*
 * text.c — joining, HTML escaping, CSV fields, the financial-year label,
 * UTF-8 checks, whole-file reads of regular files only (text.h).
 */
#include "sendcast/text.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        case '\'': fputs("&#39;", f); break;
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

int sc_text_year_index(const char *arg, const int *year, int n)
{
    char *end;
    errno = 0;
    long y = strtol(arg, &end, 10);
    int ok = !errno && end != arg;
    if (ok && *end == '/') {   /* "2027/28": the second year must follow the first */
        long next = strtol(end + 1, &end, 10);
        ok = next == (y + 1) % 100 || next == y + 1;
    }
    for (int k = 0; ok && !*end && k < n; k++)
        if (year[k] == y)
            return k;
    return -1;
}

sc_label sc_prob_label(double p, long n)
{
    sc_label l;
    if (isnan(p) || n < 1) {
        snprintf(l.s, sizeof l.s, "n/a");
        return l;
    }
    if (p <= 0 || p >= 1) {
        double b = 300.0 / (double)n;
        if (b >= 50) {   /* too few trajectories to bound anything */
            snprintf(l.s, sizeof l.s, "%s", p <= 0 ? "0%" : "100%");
            return l;
        }
        /* two significant digits, trailing zeros dropped: 0.03, 0.75, 0.00003 */
        char bs[16];   /* "< " bs "%" fits the label: d is at most 12 (N below 10^13) */
        int d = 1 - (int)floor(log10(b));
        d = d > 12 ? 12 : d;
        snprintf(bs, sizeof bs, "%.*f", d > 0 ? d : 0, b);
        size_t len = strlen(bs);
        while (d > 0 && bs[len - 1] == '0') {
            bs[--len] = '\0';
            d--;
        }
        if (d == 0 && bs[len - 1] == '.')
            bs[--len] = '\0';
        if (p <= 0)
            snprintf(l.s, sizeof l.s, "< %s%%", bs);
        else
            snprintf(l.s, sizeof l.s, "> %.*f%%", d, 100.0 - b);
        return l;
    }
    /* one decimal, or as many as keep the value off 0% and 100% */
    double v = 100.0 * p;
    int d = 1;
    while (d < 8 && (v < 0.95 * pow(10, -d) || 100.0 - v < 0.95 * pow(10, -d)))
        d++;
    snprintf(l.s, sizeof l.s, "%.*f%%", d, v);
    return l;
}

size_t sc_text_utf8_bad_at(const void *text, size_t len)
{
    const unsigned char *t = text;
    size_t i = 0;
    while (i < len) {
        unsigned char c = t[i];
        size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                    : c >= 0xF0 && c <= 0xF4 ? 3 : 4;
        if (need == 4 || need >= len - i)   /* a bad lead byte, or a sequence cut short */
            return i;
        /* the second byte's range rules out overlong forms, surrogates and
         * code points above U+10FFFF */
        unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (need && (t[i + 1] < lo || t[i + 1] > hi))
            return i;
        for (size_t k = 2; k <= need; k++)
            if ((t[i + k] & 0xC0) != 0x80)
                return i;
        i += need + 1;
    }
    return len;
}

const char *sc_file_strerror(int err)
{
    return err == SC_FILE_NOT_REGULAR ? "not a regular file (a FIFO, a device or a folder); "
                                        "sendcast reads only regular files"
                                      : strerror(err);
}

/* Open path for reading without ever waiting (a FIFO opens at once with
 * O_NONBLOCK) and only when it is a regular file. */
static int open_regular(const char *path, FILE **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno ? errno : EIO;
    struct stat st;
    int err = fstat(fd, &st) != 0 ? (errno ? errno : EIO) : 0;
    if (!err && !S_ISREG(st.st_mode))
        err = SC_FILE_NOT_REGULAR;
    /* a regular file never blocks: back to ordinary reads */
    if (!err && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        err = errno ? errno : EIO;
    if (!err && !(*out = fdopen(fd, "rb")))
        err = errno ? errno : EIO;
    if (err)
        close(fd);
    return err;
}

int sc_file_read(const char *path, size_t max, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f;
    int err = open_regular(path, &f);
    if (err)
        return err;
    size_t cap = 0, used = 0;
    char *buf = NULL;
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
        errno = 0;
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

/* Whether a spreadsheet would run s as a formula: it starts with = + - @,
 * a tab or a carriage return, and is not simply a number (-0.1 is a value,
 * -1+HYPERLINK(...) is not). */
static int formula_like(const char *s)
{
    if (!s[0] || !strchr("=+-@\t\r", s[0]))
        return 0;
    char *end;
    errno = 0;
    (void)strtod(s, &end);
    return end == s || *end != '\0';
}

void sc_text_csv_field(FILE *f, const char *s)
{
    int neutral = formula_like(s);
    if (!neutral && !strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (neutral)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
