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
