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

#endif
