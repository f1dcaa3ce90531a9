/* h_imports.c: POST /api/v1/imports/{kind}: a CSV or XLSX file as the body,
 * checked row by row (dry_run=true writes nothing) or applied all at once. */
#include <string.h>

#include "base/table.h"
#include "domain/exchange/import.h"
#include "http/handlers.h"
#include "http/req.h"

/* A file has at most this many columns in a ?columns= mapping. */
#define IMPORT_MAX_COLUMNS 256

/* The reply for a finished run: {"rows","errors":[{line,column,message}],
 * "applied","columns":[{column,field}]}, 200 whether or not a row was bad
 * (applied says whether the rows were written); columns lists the header's
 * cells with the field each one was read into (null: skipped). */
static int reply_import(struct req *r, int kind, const struct table *t,
			const struct import_result *res)
{
	json_t *errs = json_array();
	for (int i = 0; i < res->nerrors; i++)
		json_array_append_new(errs, json_pack("{s:i,s:s,s:s}", "line", res->errors[i].line,
						      "column", res->errors[i].column,
						      "message", res->errors[i].message));
	json_t *cols = json_array();
	int nf;
	const struct import_field *f = import_fields(kind, &nf);
	for (int c = 0; res->matched && c < t->rows[0].ncells; c++) {
		const char *field = NULL;
		for (int i = 0; i < nf; i++)
			if (res->col[i] == c)
				field = f[i].name;
		json_array_append_new(cols, json_pack("{s:s,s:s?}", "column", t->rows[0].cells[c],
						      "field", field));
	}
	json_t *o = json_pack("{s:i,s:o,s:b,s:o}", "rows", res->rows, "errors", errs, "applied",
			      res->applied, "columns", cols);
	return reply_json(r, 200, o);
}

static int import_kind(struct req *r, int kind)
{
	const char *d = req_query(r, "dry_run");
	int dry = 0;
	if (d && strcmp(d, "true") == 0)
		dry = 1;
	else if (d && strcmp(d, "false") != 0)
		err_field(&r->err, "dry_run", "must be true or false");
	/* ?columns=name,,phone: the field of each source column, "" to skip */
	const char *cq = req_query(r, "columns");
	const char **names = NULL;
	int nnames = 0;
	if (cq) {
		names = arena_calloc(r->a, IMPORT_MAX_COLUMNS, sizeof *names);
		for (const char *p = cq;; p++) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (nnames == IMPORT_MAX_COLUMNS) {
				err_field(&r->err, "columns", "at most %d columns", IMPORT_MAX_COLUMNS);
				break;
			}
			names[nnames++] = arena_strndup(r->a, p, len);
			if (!end)
				break;
			p = end;
		}
	}
	if (!r->body || !r->body_len)
		err_field(&r->err, "body", "the file (CSV or XLSX) is the request body");
	if (err_fields_done(&r->err))
		return r->err.code;
	struct table t;
	char msg[200];
	if (table_read(r->body, r->body_len, &t, msg, sizeof msg) < 0) {
		table_free(&t);
		err_field(&r->err, "body", "%s", msg);
		return err_fields_done(&r->err);
	}
	struct import_result res;
	int rc = import_run_mapped(r->db, r->a, &r->actor, kind, &t, names, nnames, dry, &res,
				   &r->err);
	if (rc == 0)
		rc = reply_import(r, kind, &t, &res);
	table_free(&t);
	return rc;
}

int h_imports_products(struct req *r)
{
	return import_kind(r, IMPORT_PRODUCTS);
}

int h_imports_customers(struct req *r)
{
	return import_kind(r, IMPORT_CUSTOMERS);
}

int h_imports_stock(struct req *r)
{
	return import_kind(r, IMPORT_STOCK);
}

int h_imports_suppliers(struct req *r)
{
	return import_kind(r, IMPORT_SUPPLIERS);
}
