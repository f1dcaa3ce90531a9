/* export.h: a list of JSON objects as CSV (UTF-8 with BOM) or XLSX, for
 * ?format=csv|xlsx on every list and report. */
#ifndef TERSA_EXPORT_H
#define TERSA_EXPORT_H

#include <jansson.h>
#include <stddef.h>

/* Columns are the keys of the first item, in order; nested values are
 * written as JSON text; strings that a spreadsheet would run as a formula
 * (= + - @ at the start) are prefixed with '. Returns a malloc'd buffer
 * (caller frees) and its length, or NULL on failure. */
char *export_csv(json_t *items, size_t *len);
char *export_xlsx(json_t *items, const char *sheet, size_t *len);

/* The same written one row at a time, so that an export never holds every
 * row's JSON at once: export_begin (CSV, or XLSX in libxlsxwriter's
 * constant-memory mode, each row going to a temp file as written), then
 * export_row for each row (a JSON object; the first row's keys are the
 * columns; the caller keeps the row), then export_end, which frees the
 * writer and returns the bytes as above (NULL on failure). */
struct export_writer;
struct export_writer *export_begin(int xlsx, const char *sheet);
void export_row(struct export_writer *w, json_t *row);
char *export_end(struct export_writer *w, size_t *len);

/* An export holds at most this many rows: a list with more answers 422
 * (narrow it with filters) instead of building an unbounded file. */
#define EXPORT_MAX_ROWS 100000
/* At most this many exports are built at once per server; one more answers
 * 429 with Retry-After. */
#define EXPORT_MAX_RUNNING 2
#define EXPORT_RETRY_AFTER "5"

/* Takes one of the EXPORT_MAX_RUNNING slots: 1 when taken (give it back with
 * export_slot_give once the reply is built), 0 when all are in use.
 * Thread-safe. */
int export_slot_take(void);
void export_slot_give(void);

#endif
