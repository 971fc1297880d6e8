/*
 * text.h — the small text helpers every module shares: joining items into a
 * bounded buffer, the financial-year label, and reading a whole file.
 */
#ifndef SENDCAST_TEXT_H
#define SENDCAST_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Append sep (unless *used is 0: the first item) and item to buf, which holds
 * cap bytes of which *used are filled (NUL-terminated; start with buf[0] = 0,
 * *used = 0). Returns 0; or -1 when they did not fit, buf then ending in
 * "..." (cap must be at least 4): stop appending. */
int sc_text_append(char *buf, size_t cap, size_t *used, const char *sep, const char *item);

/* Write s to f with HTML's special characters (& < > ") escaped: text in
 * HTML and SVG. */
void sc_text_html(FILE *f, const char *s);

/* The financial year that starts in `year`, as the council writes it:
 * 2024 -> "2024/25". A value, so it can stand in an argument list:
 * printf("%s", sc_year_label(y).s). */
typedef struct sc_label {
    char s[24];
} sc_label;
sc_label sc_year_label(int year);

/* Read the whole file at path into a new NUL-terminated buffer (*text, freed
 * with sc_free; *len bytes before the NUL). Returns 0; or an errno value:
 * the one fopen/fread gave, ENOMEM, or EFBIG when the file holds max bytes
 * or more. *text is NULL on failure. */
int sc_file_read(const char *path, size_t max, char **text, size_t *len);

/* s to f as one CSV field (RFC 4180): quoted, its quotes doubled, when it
 * holds a comma, a quote or a line break. */
void sc_text_csv_field(FILE *f, const char *s);


#endif
