/* h_transfers.c: transfers between stores (create, ship, receive, close,
 * cancel), their lists and the discrepancy report. */
#include <stdio.h>

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

static void read_line(json_t *l, void *elem, void *ctx, struct err *le)
{
	struct transfer_line_input *line = elem;
	jx_no_unknown(l, line_fields, le);
	jx_int(l, "product_id", JX_REQUIRED, 1, INT64_MAX, &line->product_id, le);
	jx_qty(l, "quantity", JX_REQUIRED, &line->quantity, le);
}

static void read_receipt_line(json_t *l, void *elem, void *ctx, struct err *le)
{
	struct transfer_receipt_line *line = elem;
	line->quantity = -1;
	jx_no_unknown(l, receipt_line_fields, le);
	jx_int(l, "line_id", JX_REQUIRED, 1, INT64_MAX, &line->line_id, le);
	jx_qty(l, "quantity", JX_REQUIRED, &line->quantity, le);
}

int h_transfers_create(struct req *r)
{
	json_t *in;
	struct transfer_input ti = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, transfer_fields, &r->err);
	jx_int(in, "from_store_id", JX_REQUIRED, 1, INT64_MAX, &ti.from_store_id, &r->err);
	jx_int(in, "to_store_id", JX_REQUIRED, 1, INT64_MAX, &ti.to_store_id, &r->err);
	jx_str(in, "note", 0, TRANSFER_NOTE_MAX, &ti.note, &r->err);
	void *lines;
	int n = jx_objects(in, "lines", JX_REQUIRED, TRANSFER_MAX_LINES, r->a, sizeof *ti.lines,
			   &lines, read_line, NULL, &r->err);
	ti.lines = lines;
	ti.nlines = n > 0 ? n : 0;
	if (req_bad_types(r))
		return r->err.code;
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

static json_t *transfer_row(const void *rows, int i)
{
	return transfer_to_json(((struct transfer *const *)rows)[i]);
}

int h_transfers_list(struct req *r)
{
	struct transfer_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	f.status = req_query_enum(r, "status", transfer_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct transfer **list;
	int n, more;
	int rc = transfer_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, transfer_row);
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
		json_t *in;
		void *got;
		if (req_json(r, &in) < 0)
			return r->err.code;
		jx_no_unknown(in, receive_fields, &r->err);
		n = jx_objects(in, "lines", 0, TRANSFER_MAX_LINES, r->a, sizeof *lines, &got,
			       read_receipt_line, NULL, &r->err);
		lines = n > 0 ? got : NULL;
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

static json_t *transfer_discrepancy_row(const void *rows, int i)
{
	return transfer_discrepancy_to_json(&((const struct transfer_discrepancy *)rows)[i]);
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
	return reply_page(r, list, n, more, n ? list[n - 1].line_id : 0, transfer_discrepancy_row);
}
