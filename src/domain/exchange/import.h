/* import.h: products, customers, opening stock and suppliers from a
 * spreadsheet (base/table.h rows): columns matched by their header in
 * Chinese or English, every row checked by the same rules as the one-by-one
 * create, a dry run that writes nothing, and an all-or-nothing apply. */
#ifndef TERSA_IMPORT_H
#define TERSA_IMPORT_H

#include "base/arena.h"
#include "base/err.h"
#include "base/table.h"
#include "db/db.h"
#include "domain/org/actor.h"

enum import_kind { IMPORT_PRODUCTS, IMPORT_CUSTOMERS, IMPORT_STOCK, IMPORT_SUPPLIERS };

/* The kind named s ("products", "customers", "stock", "suppliers"), or -1. */
int import_kind_parse(const char *s);
extern const char *const import_kind_names[]; /* by enum import_kind */

/* The fields of a kind, in a fixed order; a header cell names one of them
 * by any of its aliases (case, spaces, '_' and '-' ignored). */
#define IMPORT_MAX_FIELDS 16
struct import_field {
	const char *name;        /* the canonical (English) name */
	int required;
	const char *aliases[8];  /* NULL-terminated */
};
/* The kind's fields, *n of them. */
const struct import_field *import_fields(int kind, int *n);

/* One bad row: its line in the file, the column as its header reads (or the
 * field's name), the reason. Strings live in the result's arena. */
struct import_error {
	int line;
	const char *column;
	const char *message;
};

struct import_result {
	int rows;      /* data rows read (the header excluded) */
	int applied;   /* 1 when the rows were written */
	struct import_error *errors;
	int nerrors, caperrors;
	/* The match used: col[f] is the file column field f was read from, or
	 * -1; set (matched 1) once the header row has been read. */
	int matched;
	int col[IMPORT_MAX_FIELDS];
};

/* Matches the header row: col[f] gets the column of field f or -1. A
 * missing required column, or two columns naming one field, is an error
 * (line of the header) in res. Returns the number of errors added. */
int import_match_header(int kind, const struct table_row *hdr, int *col, struct arena *a,
			struct import_result *res);

/* Checks every data row of t and writes them in one transaction: when
 * dry_run is set or any row is bad, everything is rolled back (applied 0);
 * otherwise committed with one audit row ("import") besides the rows' own.
 * Bad rows (every one, with line, column and reason) go to res; so do
 * duplicates inside the file and against the database. Store-bound actors
 * import stock only for their own stores (other rows are refused) and
 * customers homed in their stores. Returns 0 (bad rows are not an error of
 * the call), or a negative ERR_* when the database failed. */
int import_run(struct db *db, struct arena *a, const struct actor *who, int kind,
	       const struct table *t, int dry_run, struct import_result *res, struct err *e);

/* import_run with the columns chosen by the user instead of the header
 * match: names[c] is the canonical field name source column c fills, ""
 * for a column to skip; columns after the last of the nnames are skipped.
 * names NULL: the header match. An unknown field name, a field named twice
 * or more names than the file has columns is ERR_INVALID with the field
 * error "columns"; a required field left unmatched is an error of the
 * header line in res, as with the header match. */
int import_run_mapped(struct db *db, struct arena *a, const struct actor *who, int kind,
		      const struct table *t, const char *const *names, int nnames, int dry_run,
		      struct import_result *res, struct err *e);

#endif
