/* export.h: a list of JSON objects as CSV (UTF-8 with BOM) or XLSX, for
 * ?format=csv|xlsx on every list and report. */
#ifndef TERSA_EXPORT_H
#define TERSA_EXPORT_H

#include <jansson.h>
#include <stddef.h>

/* Columns are the keys of the first item, in order; an object value of the
 * first item becomes one column per key ("previous.revenue") unless its
 * class is EXPORT_JSON (audit snapshots); other nested
 * values are written as JSON text. Each cell is typed by its column's class
 * (export_class_of) and its JSON type (export_kind_of): money in minor
 * units becomes 12.99 (XLSX: a number formatted EXPORT_MONEY_FORMAT),
 * percentages, dates and RFC 3339 instants become XLSX numbers with a
 * percent/date/datetime format (instants in the company zone; CSV keeps the
 * ISO text). Text that a spreadsheet would run as a formula (= + - @ tab CR
 * at the start) is prefixed with ' in both formats; numbers never are. The
 * XLSX header row is frozen and column widths fit the content (CJK
 * characters count double). Returns a malloc'd buffer (caller frees) and
 * its length, or NULL on failure. */
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
/* Starts another table in the same file (a report with several parts):
 * XLSX a new sheet named sheet, CSV a blank line; the next row's keys are
 * its columns. */
void export_table(struct export_writer *w, const char *sheet);

/* A column's class, from its key name alone (one table in export.c). */
enum export_class {
	EXPORT_AUTO, EXPORT_ID, EXPORT_MONEY, EXPORT_QTY, EXPORT_PCT, EXPORT_RATE,
	EXPORT_BP, EXPORT_DATE, EXPORT_DATETIME,
	EXPORT_JSON /* never flattened: audit snapshots (before, after) */
};
/* A cell's kind: its column's class applied to its JSON value. */
enum export_kind {
	EXPORT_K_EMPTY, EXPORT_K_TEXT, EXPORT_K_NUMBER, EXPORT_K_BOOL, EXPORT_K_MONEY,
	EXPORT_K_QTY, EXPORT_K_PCT, EXPORT_K_RATE, EXPORT_K_BP, EXPORT_K_DATE,
	EXPORT_K_DATETIME
};
#define EXPORT_MONEY_FORMAT "\xC2\xA5#,##0.00" /* ¥#,##0.00 */
/* Column widths are fitted to the first this many rows. */
#define EXPORT_WIDTH_ROWS 1000

/* The class of a column named key ("previous.revenue" is classed by
 * "revenue"). */
enum export_class export_class_of(const char *key);
/* The kind of a cell of class cls holding v (NULL for absent): strings in a
 * date/datetime column that do not parse stay text, numbers in a money
 * column are money, an integer *_rate above 1 is basis points. */
enum export_kind export_kind_of(enum export_class cls, json_t *v);
/* 1 if a text cell starting like s would be read as a formula. */
int export_formula_like(const char *s);
/* The on-screen width of UTF-8 text, East Asian wide characters counting 2. */
size_t export_text_width(const char *s);
/* Excel serial day (1900 system) of 'YYYY-MM-DD'; of an RFC 3339 instant,
 * as the wall clock in the company zone. 0, or -1 when s does not parse. */
int export_date_serial(const char *s, double *serial);
int export_datetime_serial(const char *s, double *serial);

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
