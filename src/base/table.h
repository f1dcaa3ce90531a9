/* table.h: reads an uploaded spreadsheet (CSV in UTF-8, UTF-8 with a BOM or
 * GBK; or the first sheet of an XLSX workbook) into rows of UTF-8 text, for
 * imports. Pure: no database, no HTTP. */
#ifndef TERSA_TABLE_H
#define TERSA_TABLE_H

#include <stddef.h>

/* One non-empty row: its line in the file (CSV: the physical line where
 * the record starts, 1-based; XLSX: the sheet's row number) and its cells,
 * trimmed of surrounding spaces ("" for an empty cell). */
struct table_row {
	int line;
	int ncells;
	char **cells;
};

/* rows[0] is the header row. Owned by the table. */
struct table {
	struct table_row *rows;
	int nrows, cap;
	const char *format;   /* "csv" or "xlsx" */
	const char *encoding; /* "utf-8", "utf-8-bom", "gbk" (CSV) or "xlsx" */
};

/* Reads the len bytes at data: an XLSX workbook when they start as a zip
 * does, else CSV. CSV encoding is detected: a UTF-8 BOM, valid UTF-8, or
 * else GBK (GB18030) converted with iconv. Returns 0, or -1 with a reason in
 * msg (msgn bytes) when the file is not readable (bad zip, no sheet, bytes
 * that are neither UTF-8 nor GBK, an unterminated quote). */
int table_read(const char *data, size_t len, struct table *t, char *msg, size_t msgn);
void table_free(struct table *t);

/* The cell c of row r, or "" when the row is shorter. */
const char *table_cell(const struct table_row *r, int c);

/* Converts the len bytes at s to UTF-8: *out (malloc'd, NUL-terminated,
 * caller frees) and *outlen. Returns 0 for UTF-8 (a leading BOM dropped, *bom
 * set), 1 for GBK, -1 when the bytes are neither. */
int table_to_utf8(const char *s, size_t len, char **out, size_t *outlen, int *bom);

/* An XLSX date serial ("45292", "45292.5") as 'YYYY-MM-DD' in out (11
 * bytes): 0, or -1 when s is not a serial of a day from 1900-03-01 on. */
int table_serial_day(const char *s, char *out, size_t n);

#endif
