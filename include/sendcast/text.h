/*
 * text.h — the small text helpers every module shares: joining items into a
 * bounded buffer, the financial-year label, checking UTF-8, and reading a
 * whole regular file.
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

/* Write s to f with the five characters that could start markup or end an
 * attribute (& < > " ') escaped: text in HTML and SVG. */
void sc_text_html(FILE *f, const char *s);

/* The financial year that starts in `year`, as the council writes it:
 * 2024 -> "2024/25". A value, so it can stand in an argument list:
 * printf("%s", sc_year_label(y).s). */
typedef struct sc_label {
    char s[24];
} sc_label;
sc_label sc_year_label(int year);

/* The index in year[0..n) of the year arg names: "2027", or "2027/28" (the
 * financial year starting then; "2027/2028" too); -1 when it names none. */
int sc_text_year_index(const char *arg, const int *year, int n);

/* A probability estimated from n trajectories as a percentage, for readers
 * of the report and the workbook: "83.4%"; never "0.0%" or "100.0%", which
 * read as certainty that n trajectories cannot give: 0 is "< b%" and 1 is
 * "> (100 - b)%", b = 300 / n the rule of three's 95% bound (the console's
 * bracket), so "< 0.03%" for n = 10^4; small nonzero values keep the digits
 * that tell them from 0 ("0.004%"). NaN (no target) is "n/a". */
sc_label sc_prob_label(double p, long n);

/* Offset of the first byte of text[0..len) that is not well-formed UTF-8
 * (a bad lead byte, a sequence cut short, an overlong form, a surrogate, a
 * code point above U+10FFFF), or len when there is none. NUL is well formed:
 * callers that refuse NUL bytes look for them themselves. */
size_t sc_text_utf8_bad_at(const void *text, size_t len);

/* What sc_file_read returns for a path that is not a regular file (a FIFO,
 * a device, a folder): never waited on, never read. */
#define SC_FILE_NOT_REGULAR (-1)

/* The words for an error sc_file_read returned: strerror's, or the above. */
const char *sc_file_strerror(int err);

/* Read the whole regular file at path into a new NUL-terminated buffer
 * (*text, freed with sc_free; *len bytes before the NUL). Returns 0; or an
 * errno value: the one open/fread gave, ENOMEM, or EFBIG when the file holds
 * max bytes or more; or SC_FILE_NOT_REGULAR. *text is NULL on failure. */
int sc_file_read(const char *path, size_t max, char **text, size_t *len);

/* s to f as one CSV field (RFC 4180): quoted, its quotes doubled, when it
 * holds a comma, a quote or a line break; one that a spreadsheet would run
 * as a formula (= + - @, a tab or a carriage return first, and not a plain
 * number) gets a leading apostrophe inside the quotes, shown as text. Text
 * from files (ids, units, labels) may have been made to carry a formula. */
void sc_text_csv_field(FILE *f, const char *s);


#endif
