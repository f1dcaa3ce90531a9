/* h_purchase.c: purchase orders over HTTP: create, change a draft, send,
 * receive, cancel, read and list; store-bound roles only for their stores. */
#include <stdio.h>

#include "base/jx.h"
#include "domain/purchasing/purchase.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/router.h"

static void read_order_line(json_t *it, void *elem, void *ctx, struct err *le)
{
	static const char *const allowed[] = {"product_id", "quantity", "unit_cost", NULL};
	struct purchase_line_input *l = elem;

	l->unit_cost = -1;
	jx_no_unknown(it, allowed, le);
	jx_int(it, "product_id", JX_REQUIRED, 1, INT64_MAX, &l->product_id, le);
	jx_qty(it, "quantity", JX_REQUIRED, &l->quantity, le);
	jx_money(it, "unit_cost", 0, 0, &l->unit_cost, le);
}

static void read_order_lines(struct req *r, json_t *in, int required,
			     struct purchase_input *pi)
{
	void *lines;
	int n = jx_objects(in, "lines", required ? JX_REQUIRED : 0, PURCHASE_LINES_MAX, r->a,
			   sizeof *pi->lines, &lines, read_order_line, NULL, &r->err);

	if (n < 0) {
		pi->missing_lines = 1;
		return;
	}
	pi->set_lines = 1;
	pi->nlines = n;
	pi->lines = lines;
}

static void read_order(struct req *r, json_t *in, int creating, struct purchase_input *pi)
{
	static const char *const create_fields[] = {
		"supplier_id", "store_id", "lines", "expected_at", "note", NULL};
	static const char *const patch_fields[] = {"lines", "expected_at", "note", NULL};
	int64_t v;

	jx_no_unknown(in, creating ? create_fields : patch_fields, &r->err);
	/* A line's cost becomes the product's company-wide cost when received. */
	pi->may_name_cost = perm_allows(PERM_CATALOG_WRITE, r->user->role);
	if (creating) {
		if (jx_int(in, "supplier_id", JX_REQUIRED, 1, INT64_MAX, &v, &r->err))
			pi->supplier_id = v;
		if (jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &v, &r->err))
			pi->store_id = v;
	}
	read_order_lines(r, in, creating || json_object_get(in, "lines"), pi);
	pi->set_expected = jx_day(in, "expected_at", 0, &pi->expected_at, &r->err) ||
			   json_object_get(in, "expected_at");
	pi->set_note = jx_str(in, "note", 0, PURCHASE_NOTE_MAX, &pi->note, &r->err) ||
		       json_object_get(in, "note");
}

int h_purchase_orders_create(struct req *r)
{
	struct purchase_input pi = {0};
	struct purchase_order *po;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_order(r, in, 1, &pi);
	if (req_bad_types(r))
		return r->err.code;
	rc = purchase_create(r->db, r->a, &r->actor, &pi, &po, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, purchase_to_json(po), po->id);
}

int h_purchase_orders_patch(struct req *r)
{
	struct purchase_input pi = {0};
	struct purchase_order *po;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_order(r, in, 0, &pi);
	if (req_bad_types(r))
		return r->err.code;
	rc = purchase_update(r->db, r->a, &r->actor, r->ids[0], &pi, &po, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, purchase_to_json(po));
}

int h_purchase_orders_get(struct req *r)
{
	struct purchase_order *po;
	int rc = purchase_get(r->db, r->a, &r->actor, r->ids[0], &po, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, purchase_to_json(po));
}

int h_purchase_orders_send(struct req *r)
{
	struct purchase_order *po;
	int rc = purchase_send(r->db, r->a, &r->actor, r->ids[0], &po, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, purchase_to_json(po));
}

int h_purchase_orders_cancel(struct req *r)
{
	struct purchase_order *po;
	int rc = purchase_cancel(r->db, r->a, &r->actor, r->ids[0], &po, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, purchase_to_json(po));
}

static void read_receive_line(json_t *it, void *elem, void *ctx, struct err *le)
{
	static const char *const line_fields[] = {"line_id", "quantity", NULL};
	struct purchase_receive_line *l = elem;

	jx_no_unknown(it, line_fields, le);
	jx_int(it, "line_id", JX_REQUIRED, 1, INT64_MAX, &l->line_id, le);
	jx_qty(it, "quantity", JX_REQUIRED, &l->quantity, le);
}

/* POST /purchase-orders/{id}/receive {lines:[{line_id, quantity}], allow_over} */
int h_purchase_orders_receive(struct req *r)
{
	static const char *const fields[] = {"lines", "allow_over", NULL};
	void *lines;
	struct purchase_order *po;
	json_t *in;
	int allow_over = 0, rc, n;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_bool(in, "allow_over", 0, &allow_over, &r->err);
	n = jx_objects(in, "lines", JX_REQUIRED, PURCHASE_LINES_MAX, r->a,
		       sizeof(struct purchase_receive_line), &lines, read_receive_line, NULL,
		       &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (n < 0) {
		/* Absent lines were noted; an over-long array too. */
		err_fields_done(&r->err);
		return r->err.code;
	}
	rc = purchase_receive(r->db, r->a, &r->actor, r->ids[0], lines, n,
			      allow_over, &po, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, purchase_to_json(po));
}

/* GET /purchase-orders?store_id=&supplier_id=&status=&limit=&cursor= */
static json_t *purchase_row(const void *rows, int i)
{
	return purchase_to_json(((struct purchase_order *const *)rows)[i]);
}

int h_purchase_orders_list(struct req *r)
{
	static const char *const orders[] = {"asc", "desc", NULL};
	struct purchase_filter f = {0};
	const char *order;
	struct purchase_order **list;
	int64_t cursor;
	int n, more, rc;

	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "supplier_id"), "supplier_id", 1, INT64_MAX, &f.supplier_id,
		&r->err);
	f.status = req_query_enum(r, "status", purchase_statuses);
	order = req_query_enum(r, "order", orders);
	f.newest_first = order && order[0] == 'd';
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	f.user = r->user;
	rc = purchase_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, purchase_row);
}
