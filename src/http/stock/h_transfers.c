/* h_transfers.c: transfers between stores (create, ship, receive, close,
 * cancel), their lists and the discrepancy report. */
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/stock/transfer.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const transfer_fields[] = {"from_store_id", "to_store_id", "lines",
					      "note", NULL};
static const char *const line_fields[] = {"product_id", "quantity", NULL};
static const char *const receive_fields[] = {"lines", NULL};
static const char *const receipt_line_fields[] = {"line_id", "quantity", NULL};

/* Copies the fields noted in `from` (one array element read on its own)
 * into r->err as "lines[i].<field>", keeping a wrong type a 400. */
static void merge_line_errors(struct req *r, const struct err *from, size_t i)
{
	char f[64];
	for (int k = 0; k < from->nfields; k++) {
		snprintf(f, sizeof f, "lines[%zu].%s", i, from->fields[k].field);
		err_field(&r->err, f, "%s", from->fields[k].message);
	}
	if (from->type_error)
		r->err.type_error = 1;
}

/* The array under "lines" as an element count, each element checked to be
 * an object (else a 400 naming it). -1 when absent or not an array. */
static int lines_array(struct req *r, json_t *in, int flags, int max, json_t **arr)
{
	if (!jx_array(in, "lines", flags, arr, &r->err))
		return -1;
	size_t n = json_array_size(*arr);
	if (n > (size_t)max) {
		err_field(&r->err, "lines", "must have at most %d lines", max);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!json_is_object(json_array_get(*arr, i))) {
			char f[32];
			snprintf(f, sizeof f, "lines[%zu]", i);
			err_type(&r->err, f, "an object");
		}
	return (int)n;
}

int h_transfers_create(struct req *r)
{
	json_t *in, *arr = NULL;
	struct transfer_input ti = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, transfer_fields, &r->err);
	jx_int(in, "from_store_id", JX_REQUIRED, 1, INT64_MAX, &ti.from_store_id, &r->err);
	jx_int(in, "to_store_id", JX_REQUIRED, 1, INT64_MAX, &ti.to_store_id, &r->err);
	jx_str(in, "note", 0, TRANSFER_NOTE_MAX, &ti.note, &r->err);
	int n = lines_array(r, in, JX_REQUIRED, TRANSFER_MAX_LINES, &arr);
	if (n > 0) {
		struct transfer_line_input *lines = arena_calloc(r->a, (size_t)n, sizeof *lines);
		struct err *le = arena_alloc(r->a, sizeof *le);
		for (int i = 0; i < n; i++) {
			json_t *l = json_array_get(arr, (size_t)i);
			if (!json_is_object(l))
				continue;
			err_init(le);
			jx_no_unknown(l, line_fields, le);
			jx_int(l, "product_id", JX_REQUIRED, 1, INT64_MAX, &lines[i].product_id, le);
			jx_qty(l, "quantity", JX_REQUIRED, &lines[i].quantity, le);
			merge_line_errors(r, le, (size_t)i);
		}
		ti.lines = lines;
		ti.nlines = n;
	} else if (n == 0) {
		ti.nlines = 0;
	} else {
		ti.nlines = -1; /* noted already */
	}
	if (req_bad_types(r))
		return r->err.code;
	if (ti.nlines < 0)
		ti.nlines = 0;
	struct transfer *t;
	int rc = transfer_create(r->db, r->a, &r->actor, &ti, &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, transfer_to_json(t), t->id);
}

int h_transfers_get(struct req *r)
{
	struct transfer *t;
	int rc = transfer_get(r->db, r->a, &r->actor, r->ids[0], &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, transfer_to_json(t));
}

/* ?status= one of the list, noted in r->err otherwise. */
static const char *status_param(struct req *r, const char *const *statuses)
{
	const char *v = req_query(r, "status");
	if (!v || !*v)
		return NULL;
	for (int i = 0; statuses[i]; i++)
		if (strcmp(v, statuses[i]) == 0)
			return statuses[i];
	char all[128] = "";
	size_t len = 0;
	for (int i = 0; statuses[i] && len < sizeof all; i++)
		len += (size_t)snprintf(all + len, sizeof all - len, "%s%s", i ? ", " : "",
					statuses[i]);
	err_field(&r->err, "status", "must be one of: %s", all);
	return NULL;
}

int h_transfers_list(struct req *r)
{
	struct transfer_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	f.status = status_param(r, transfer_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct transfer **list;
	int n, more;
	int rc = transfer_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, transfer_to_json(list[i]));
	return reply_list(r, items, more, n ? list[n - 1]->id : 0);
}

int h_transfers_ship(struct req *r)
{
	struct transfer *t;
	int rc = transfer_ship(r->db, r->a, &r->actor, r->ids[0], &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, transfer_to_json(t));
}

int h_transfers_receive(struct req *r)
{
	struct transfer_receipt_line *lines = NULL;
	int n = 0;
	if (r->body && r->body_len > 0) {
		json_t *in, *arr = NULL;
		if (req_json(r, &in) < 0)
			return r->err.code;
		jx_no_unknown(in, receive_fields, &r->err);
		n = lines_array(r, in, 0, TRANSFER_MAX_LINES, &arr);
		if (n > 0) {
			lines = arena_calloc(r->a, (size_t)n, sizeof *lines);
			struct err *le = arena_alloc(r->a, sizeof *le);
			for (int i = 0; i < n; i++) {
				json_t *l = json_array_get(arr, (size_t)i);
				lines[i].quantity = -1;
				if (!json_is_object(l))
					continue;
				err_init(le);
				jx_no_unknown(l, receipt_line_fields, le);
				jx_int(l, "line_id", JX_REQUIRED, 1, INT64_MAX, &lines[i].line_id, le);
				jx_qty(l, "quantity", JX_REQUIRED, &lines[i].quantity, le);
				merge_line_errors(r, le, (size_t)i);
			}
		}
		if (n < 0)
			n = 0;
		if (req_bad_types(r))
			return r->err.code;
	}
	struct transfer *t;
	int rc = transfer_receive(r->db, r->a, &r->actor, r->ids[0], lines, n, &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, transfer_to_json(t));
}

int h_transfers_close(struct req *r)
{
	struct transfer *t;
	int rc = transfer_close(r->db, r->a, &r->actor, r->ids[0], &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, transfer_to_json(t));
}

int h_transfers_cancel(struct req *r)
{
	struct transfer *t;
	int rc = transfer_cancel(r->db, r->a, &r->actor, r->ids[0], &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, transfer_to_json(t));
}

int h_transfers_discrepancies(struct req *r)
{
	struct transfer_discrepancy_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	req_time_range(r, &f.from, &f.to);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct transfer_discrepancy *list;
	int n, more;
	int rc = transfer_discrepancies(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, transfer_discrepancy_to_json(&list[i]));
	return reply_list(r, items, more, n ? list[n - 1].line_id : 0);
}
