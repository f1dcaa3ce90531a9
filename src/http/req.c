/* req.c: reading a request and building its reply, shared by handlers. */
#include "http/req.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "http/export.h"

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The headers handlers read as text; the others are only compared. */
static const char *const text_headers[] = {"Idempotency-Key", "X-CSRF-Token", "Authorization",
					   "X-Request-Id", NULL};

static enum MHD_Result arg_valid(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	const char **bad = cls;
	if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value)))) {
		*bad = key;
		return MHD_NO;
	}
	return MHD_YES;
}

int req_check_text(struct req *r)
{
	const char *bad = NULL;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_valid, &bad);
	if (bad)
		return err_set(&r->err, ERR_BAD_REQUEST,
			       "a query parameter is not valid UTF-8 text");
	for (int i = 0; text_headers[i]; i++) {
		const char *v = req_header(r, text_headers[i]);
		if (v && !utf8_valid(v, strlen(v)))
			return err_set(&r->err, ERR_BAD_REQUEST, "the %s header is not valid UTF-8 text",
				       text_headers[i]);
	}
	return 0;
}

const char *req_query_enum(struct req *r, const char *name, const char *const *values)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return NULL;
	for (int i = 0; values[i]; i++)
		if (strcmp(v, values[i]) == 0)
			return values[i];
	char all[128] = "";
	size_t len = 0;
	for (int i = 0; values[i] && len < sizeof all; i++)
		len += (size_t)snprintf(all + len, sizeof all - len, "%s%s", i ? ", " : "",
					values[i]);
	err_field(&r->err, name, "must be one of: %s", all);
	return NULL;
}

int req_query_bool(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return -1;
	if (strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "false") == 0)
		return 0;
	err_field(&r->err, name, "must be true or false");
	return -1;
}

/* The parsed body is kept in r->in and freed with the request. */
int req_json(struct req *r, json_t **out)
{
	*out = NULL;
	if (!r->body || r->body_len == 0)
		return err_set(&r->err, ERR_MALFORMED_JSON,
			       "a JSON object body is required");
	json_error_t je;
	json_t *v = json_loadb(r->body, r->body_len,
			       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			       &je);
	if (!v)
		return err_set(&r->err, ERR_MALFORMED_JSON,
			       "malformed JSON at line %d column %d: %s",
			       je.line, je.column, je.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return err_set(&r->err, ERR_BAD_REQUEST,
			       "the body must be a JSON object");
	}
	if (r->in)
		json_decref(r->in);
	r->in = v;
	*out = v;
	return 0;
}

/* Takes an export slot for this request unless it holds one; 0 and
 * ERR_TOO_MANY in r->err when none is free. */
static int req_export_slot(struct req *r)
{
	if (r->export_slot)
		return 1;
	if (export_slot_take()) {
		r->export_slot = 1;
		return 1;
	}
	r->retry_after = EXPORT_RETRY_AFTER;
	err_set(&r->err, ERR_TOO_MANY, "%d exports are being built: try again shortly",
		EXPORT_MAX_RUNNING);
	return 0;
}

int req_export_asked(struct req *r)
{
	const char *fmt = req_query(r, "format");
	int export = fmt && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "xlsx") == 0);
	if (fmt && !export && strcmp(fmt, "json") != 0)
		err_field(&r->err, "format", "must be one of: json, csv, xlsx");
	return export;
}

void req_page_text(struct req *r, int *limit, const char **cursor)
{
	int64_t l = 50;
	jx_qint(req_query(r, "limit"), "limit", 1, 500, &l, &r->err);
	const char *c = req_query(r, "cursor");
	const char *fmt = req_query(r, "format");
	if (fmt && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "xlsx") == 0)) {
		l = EXPORT_MAX_ROWS;
		c = NULL;
		req_export_slot(r);
	} else if (fmt && strcmp(fmt, "json") != 0) {
		err_field(&r->err, "format", "must be one of: json, csv, xlsx");
	}
	*limit = (int)l;
	*cursor = c;
}

void req_page(struct req *r, int *limit, int64_t *cursor)
{
	const char *text;
	int64_t c = 0;
	req_page_text(r, limit, &text);
	jx_qint(text, "cursor", 0, INT64_MAX, &c, &r->err);
	*cursor = c;
}

int req_store_visible(struct req *r, int64_t store_id)
{
	if (r->user && user_sees_store(r->user, store_id))
		return 1;
	err_set(&r->err, ERR_NOT_FOUND, "no such store");
	return 0;
}

int req_store_writable(struct req *r, int64_t store_id)
{
	if (r->user && user_sees_store(r->user, store_id))
		return 1;
	err_set(&r->err, ERR_FORBIDDEN, "store %lld is not one of yours",
		(long long)store_id);
	return 0;
}

void reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= REPLY_MAX_HEADERS)
		return;
	r->hname[r->nheaders] = name;
	r->hvalue[r->nheaders] = arena_strdup(r->a, value);
	r->nheaders++;
}

int reply_json(struct req *r, int status, json_t *body)
{
	if (r->out)
		json_decref(r->out);
	r->status = status;
	r->out = body;
	return 0;
}

int reply_created(struct req *r, json_t *body, int64_t id)
{
	/* The collection path is the route's path without a trailing {id}. */
	const char *p = r->route ? r->route->path : r->path;
	reply_header(r, "Location", arena_printf(r->a, "%s/%lld", p, (long long)id));
	return reply_json(r, 201, body);
}

int reply_scoped(struct req *r, json_t *body, int64_t store_id, const char *what)
{
	if (req_store_visible(r, store_id))
		return reply_json(r, 200, body);
	json_decref(body);
	return err_set(&r->err, ERR_NOT_FOUND, "no %s %lld", what, (long long)r->ids[0]);
}

int reply_no_content(struct req *r)
{
	r->status = 204;
	return 0;
}

/* The last path segment names the export file and sheet ("products"). */
static const char *export_name(struct req *r)
{
	const char *s = strrchr(r->path, '/');
	return s && s[1] ? s + 1 : "export";
}

int reply_list(struct req *r, json_t *items, int more, int64_t last_id)
{
	char c[24];
	snprintf(c, sizeof c, "%lld", (long long)last_id);
	return reply_list_cursor(r, items, more ? c : NULL);
}

/* 1 (xlsx 0 or 1) when ?format= asks for a file. */
static int export_format(struct req *r, int *xlsx)
{
	const char *fmt = req_query(r, "format");
	*xlsx = fmt && strcmp(fmt, "xlsx") == 0;
	return fmt && (*xlsx || strcmp(fmt, "csv") == 0);
}

static int reply_export_end(struct req *r, int xlsx, struct export_writer *w);

/* Answers an export of n rows, row(ctx, i) giving row i's JSON (the caller
 * of row frees it): 422 when more rows follow than an export holds, 429
 * when no export slot is free; rows are written one at a time. */
static int reply_export(struct req *r, int xlsx, int n, int more,
			json_t *(*row)(const void *ctx, int i), const void *ctx)
{
	if (more) {
		err_field(&r->err, "format", "the export would hold more than %d rows: "
			  "narrow it with filters", EXPORT_MAX_ROWS);
		return err_fields_done(&r->err);
	}
	if (!req_export_slot(r))
		return r->err.code;
	struct export_writer *w = export_begin(xlsx, export_name(r));
	for (int i = 0; i < n; i++) {
		json_t *j = row(ctx, i);
		export_row(w, j);
		json_decref(j);
	}
	return reply_export_end(r, xlsx, w);
}

int reply_tables(struct req *r, int n, const char *const *names, json_t *const *tables)
{
	int xlsx;
	size_t i;
	json_t *row;

	export_format(r, &xlsx);
	if (!req_export_slot(r))
		return r->err.code;
	struct export_writer *w = export_begin(xlsx, names[0]);
	for (int t = 0; t < n; t++) {
		if (t)
			export_table(w, names[t]);
		json_array_foreach(tables[t], i, row)
			export_row(w, row);
	}
	return reply_export_end(r, xlsx, w);
}

/* Finishes the export w as the reply (the writer is freed). */
static int reply_export_end(struct req *r, int xlsx, struct export_writer *w)
{
	r->raw = export_end(w, &r->raw_len);
	if (!r->raw)
		return err_set(&r->err, ERR_INTERNAL, "export failed");
	r->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			       : "text/csv; charset=utf-8";
	reply_header(r, "Content-Disposition",
		     arena_printf(r->a, "attachment; filename=\"%s.%s\"", export_name(r),
				  xlsx ? "xlsx" : "csv"));
	r->status = 200;
	return 0;
}

static json_t *item_row(const void *ctx, int i)
{
	return json_incref(json_array_get((json_t *)ctx, (size_t)i));
}

int reply_list_cursor(struct req *r, json_t *items, const char *next_cursor)
{
	int xlsx;
	if (export_format(r, &xlsx)) {
		int rc = reply_export(r, xlsx, (int)json_array_size(items), next_cursor != NULL,
				      item_row, items);
		json_decref(items);
		return rc;
	}
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
	return reply_json(r, 200, o);
}

/* reply_page's rows and renderer, for reply_export. */
struct page_rows {
	const void *rows;
	reply_row_fn fn;
};

static json_t *page_row(const void *ctx, int i)
{
	const struct page_rows *p = ctx;
	return p->fn(p->rows, i);
}

int reply_page_cursor(struct req *r, const void *rows, int n, const char *next_cursor,
		      reply_row_fn fn)
{
	int xlsx;
	if (export_format(r, &xlsx)) {
		struct page_rows p = {rows, fn};
		return reply_export(r, xlsx, n, next_cursor != NULL, page_row, &p);
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, fn(rows, i));
	return reply_list_cursor(r, items, next_cursor);
}

int reply_page(struct req *r, const void *rows, int n, int more, int64_t last_id,
	       reply_row_fn fn)
{
	char c[24];
	snprintf(c, sizeof c, "%lld", (long long)last_id);
	return reply_page_cursor(r, rows, n, more ? c : NULL, fn);
}

int req_bad_types(struct req *r)
{
	if (!r->err.type_error)
		return 0;
	err_fields_done(&r->err);
	return 1;
}

/* One time parameter; is_to moves a bare day to the next day's midnight. */
static void req_time(struct req *r, const char *name, int is_to, int64_t *out)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return;
	if (ts_parse(v, out) < 0) {
		err_field(&r->err, name, "must be an RFC 3339 time or a date (YYYY-MM-DD)");
		return;
	}
	if (is_to && ts_day_valid(v)) {
		/* +1 day, then back to that day's start: with daylight saving a
		 * day is 23 to 25 hours long */
		char next[16];
		ts_day(*out + 36LL * 3600 * 1000, next, sizeof next);
		if (ts_day_start(next, out) < 0)
			err_field(&r->err, name, "is out of range");
	}
}

void req_time_range(struct req *r, int64_t *from, int64_t *to)
{
	req_time(r, "from", 0, from);
	req_time(r, "to", 1, to);
}

int req_defer(struct req *r, db_batch_fn fn, void *arg, int (*then)(struct req *r, int rc))
{
	r->defer_fn = fn;
	r->defer_arg = arg;
	r->then = then;
	return 0;
}
