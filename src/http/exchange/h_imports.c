/* h_imports.c: POST /api/v1/imports/{kind}: a CSV or XLSX file as the body,
 * checked row by row (dry_run=true writes nothing) or applied all at once. */
#include <string.h>

#include "base/table.h"
#include "domain/exchange/import.h"
#include "http/handlers.h"
#include "http/req.h"

/* The reply for a finished run: {"rows","errors":[{line,column,message}],
 * "applied"}, 200 whether or not a row was bad (applied says whether the
 * rows were written). */
static int reply_import(struct req *r, const struct import_result *res)
{
	json_t *errs = json_array();
	for (int i = 0; i < res->nerrors; i++)
		json_array_append_new(errs, json_pack("{s:i,s:s,s:s}", "line", res->errors[i].line,
						      "column", res->errors[i].column,
						      "message", res->errors[i].message));
	json_t *o = json_pack("{s:i,s:o,s:b}", "rows", res->rows, "errors", errs, "applied",
			      res->applied);
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
	int rc = import_run(r->db, r->a, &r->actor, kind, &t, dry, &res, &r->err);
	table_free(&t);
	if (rc < 0)
		return rc;
	return reply_import(r, &res);
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
