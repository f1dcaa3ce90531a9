/* h_loyalty_customer.c: a customer's points (ledger, adjustments), tier
 * history and stored value (ledger, top-ups, refunds): every route under
 * /customers/{id}, so each first checks the customer is visible (404). */
#include <string.h>

#include "base/jx.h"
#include "domain/crm/customer_scope.h"
#include "domain/loyalty/points.h"
#include "domain/loyalty/stored_value.h"
#include "domain/loyalty/tier.h"
#include "http/handlers.h"
#include "http/req.h"

/* A ledger object {..., items} with next_cursor; an export (?format=)
 * answers just the items. */
static int reply_ledger(struct req *r, json_t *o, int more, int64_t last_id)
{
	if (req_query(r, "format")) {
		json_t *items = json_incref(json_object_get(o, "items"));
		json_decref(o);
		return reply_list(r, items, more, last_id);
	}
	char c[24];
	snprintf(c, sizeof c, "%lld", (long long)last_id);
	json_object_set_new(o, "next_cursor", more ? json_string(c) : json_null());
	return reply_json(r, 200, o);
}

/* A page of the customer's ledger or history, once the customer is
 * visible; *o as page gives it. */
typedef int (*customer_page_fn)(struct db *db, int64_t customer_id, int64_t before_id, int limit,
				json_t **out, int *more, int64_t *last_id, struct err *e);
static int customer_page(struct req *r, customer_page_fn page, json_t **o, int *more,
			 int64_t *last)
{
	int limit;
	int64_t cursor;
	req_page(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = customer_visible(r->db, &r->actor, r->ids[0], &r->err);
	if (rc < 0)
		return rc;
	return page(r->db, r->ids[0], cursor, limit, o, more, last, &r->err);
}

int h_customer_points_get(struct req *r)
{
	int more;
	int64_t last;
	json_t *o;
	int rc = customer_page(r, points_ledger_page, &o, &more, &last);
	return rc < 0 ? rc : reply_ledger(r, o, more, last);
}

int h_customer_points_adjust(struct req *r)
{
	static const char *const allowed[] = {"points", "reason", NULL};
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	int64_t points = 0;
	const char *reason = NULL;
	jx_no_unknown(in, allowed, &r->err);
	jx_int(in, "points", JX_REQUIRED, INT64_MIN, INT64_MAX, &points, &r->err);
	jx_str(in, "reason", 0, 0, &reason, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	int rc = points_adjust(r->db, &r->actor, r->ids[0], points, reason, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 201, out);
}

int h_customer_tier_history(struct req *r)
{
	int more;
	int64_t last;
	json_t *items;
	int rc = customer_page(r, tier_history_page, &items, &more, &last);
	return rc < 0 ? rc : reply_list(r, items, more, last);
}

int h_customer_sv_get(struct req *r)
{
	int more;
	int64_t last;
	json_t *o;
	int rc = customer_page(r, sv_ledger_page, &o, &more, &last);
	return rc < 0 ? rc : reply_ledger(r, o, more, last);
}

int h_customer_sv_top_up(struct req *r)
{
	static const char *const allowed[] = {"amount", "method", "store_id", "register", NULL};
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct sv_top_up_input t = {0};
	jx_no_unknown(in, allowed, &r->err);
	jx_money(in, "amount", JX_REQUIRED, 1, &t.amount, &r->err);
	jx_enum(in, "method", JX_REQUIRED, sv_methods, &t.method, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &t.store_id, &r->err);
	jx_str(in, "register", JX_NONEMPTY, 32, &t.register_id, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (t.store_id && !req_store_writable(r, t.store_id))
		return r->err.code;
	int rc = sv_top_up(r->db, &r->actor, r->ids[0], &t, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 201, out);
}

int h_customer_sv_refund(struct req *r)
{
	static const char *const allowed[] = {"amount", "method", "store_id", "register", "reason",
					      NULL};
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct sv_refund_input f = {.amount = -1};
	jx_no_unknown(in, allowed, &r->err);
	jx_money(in, "amount", 0, 1, &f.amount, &r->err);
	jx_enum(in, "method", JX_REQUIRED, sv_methods, &f.method, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &f.store_id, &r->err);
	jx_str(in, "register", JX_NONEMPTY, 32, &f.register_id, &r->err);
	jx_str(in, "reason", 0, 0, &f.reason, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (f.store_id && !req_store_writable(r, f.store_id))
		return r->err.code;
	int rc = sv_refund(r->db, &r->actor, r->ids[0], &f, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 201, out);
}
