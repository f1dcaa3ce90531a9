/* h_sales.c: POST /sales (idempotent, per API.md), its preview
 * POST /sales/preview, GET /sales and GET /sales/{id}. */
#include <sodium.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "db/batch.h"
#include "domain/pos/sale.h"
#include "http/events.h"
#include "http/server.h"
#include "http/router.h"
#include "http/handlers.h"
#include "http/req.h"

static void read_line(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"product_id", "barcode", "quantity", "unit_price", NULL};
	struct sale_line_input *l = elem;
	l->unit_price = -1;
	jx_no_unknown(o, fields, le);
	jx_int(o, "product_id", 0, 1, INT64_MAX, &l->product_id, le);
	jx_str(o, "barcode", JX_NONEMPTY, 32, &l->barcode, le);
	jx_qty(o, "quantity", 0, &l->quantity, le);
	jx_money(o, "unit_price", 0, 0, &l->unit_price, le);
}

static void read_payment(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"method", "amount", "reference", NULL};
	struct sale_payment_input *p = elem;
	jx_no_unknown(o, fields, le);
	jx_enum(o, "method", JX_REQUIRED, sale_payment_methods, &p->method, le);
	jx_money(o, "amount", JX_REQUIRED, 1, &p->amount, le);
	jx_str(o, "reference", 0, 100, &p->reference, le);
}

static void read_person(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"user_id", "share_bp", NULL};
	struct sale_person_input *p = elem;
	p->share_bp = -1;
	jx_no_unknown(o, fields, le);
	jx_int(o, "user_id", JX_REQUIRED, 1, INT64_MAX, &p->user_id, le);
	jx_int(o, "share_bp", 0, 0, 10000, &p->share_bp, le);
}

static void read_coupons(struct req *r, json_t *arr, struct sale_input *in)
{
	size_t n = json_array_size(arr);
	const char **codes = arena_calloc(r->a, n ? n : 1, sizeof *codes);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		if (!json_is_string(v)) {
			err_type(&r->err, "coupon_codes", "an array of strings");
			return;
		}
		codes[i] = json_string_value(v);
	}
	in->coupon_codes = codes;
	in->ncoupons = (int)n;
}

/* A sale as one piece of a group commit (in the request's arena). */
struct batched_sale {
	struct req *r;
	const char *key;
	char hash[65];
	const struct sale_plan *plan;
	int64_t id;
	int replayed;
};

static int run_sale(struct db *db, void *arg, struct err *e)
{
	struct batched_sale *b = arg;
	return sale_write(db, b->r->a, &b->r->actor, b->key, b->hash, b->plan, &b->id,
			  &b->replayed, e);
}

/* 201 with the sale as stored (also for a replay, marked as one). */
static int answer_sale(struct req *r, int64_t id, int replayed)
{
	json_t *sale;
	int64_t store_id;
	int rc = sale_get(r->db, id, &sale, &store_id, &r->err);
	if (rc < 0)
		return rc;
	if (replayed)
		reply_header(r, "Idempotent-Replayed", "true");
	else
		events_sale(r, sale);
	return reply_created(r, sale, id);
}

/* After the writer: the sale or the write's error. */
static int sale_written(struct req *r, int rc)
{
	struct batched_sale *b = r->defer_arg;
	return rc < 0 ? rc : answer_sale(r, b->id, b->replayed);
}

/* Reads a SaleInput body (POST /sales and its preview) into *out, checks
 * the types and that the caller may sell in the store. 0 or the error. */
static int read_sale(struct req *r, struct sale_input **out)
{
	static const char *const allowed[] = {
		"store_id", "customer_id", "lines", "coupon_codes", "points_redeemed", "payments",
		"salesperson_id", "note", "offline_at", "register", "manual_discount_bp",
		"approver", "apply_promotions", "salespeople", NULL};
	json_t *in;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct sale_input *si = arena_calloc(r->a, 1, sizeof *si);
	json_t *arr;
	const char *offline = NULL;
	int promotions = 1;
	jx_no_unknown(in, allowed, &r->err);
	jx_bool(in, "apply_promotions", 0, &promotions, &r->err);
	si->skip_promotions = !promotions;
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &si->store_id, &r->err);
	jx_int(in, "customer_id", 0, 1, INT64_MAX, &si->customer_id, &r->err);
	jx_int(in, "salesperson_id", 0, 1, INT64_MAX, &si->salesperson_id, &r->err);
	jx_int(in, "points_redeemed", 0, 0, INT64_MAX, &si->points_redeemed, &r->err);
	jx_int(in, "manual_discount_bp", 0, 0, 10000, &si->manual_discount_bp, &r->err);
	jx_str(in, "note", 0, 500, &si->note, &r->err);
	jx_str(in, "register", JX_NONEMPTY, 32, &si->register_id, &r->err);
	if (jx_str(in, "offline_at", 0, 40, &offline, &r->err) &&
	    (ts_parse(offline, &si->offline_at) < 0 || si->offline_at <= 0 ||
	     si->offline_at > ts_now_ms() + 300000))
		err_field(&r->err, "offline_at", "must be an RFC 3339 time, not in the future");
	void *items;
	int n = jx_objects(in, "lines", JX_REQUIRED, SIZE_MAX, r->a, sizeof *si->lines, &items,
			   read_line, NULL, &r->err);
	if (n >= 0) {
		si->lines = items;
		si->nlines = n;
	}
	n = jx_objects(in, "payments", 0, SIZE_MAX, r->a, sizeof *si->payments, &items,
		       read_payment, NULL, &r->err);
	if (n >= 0) {
		si->payments = items;
		si->npayments = n;
	}
	n = jx_objects(in, "salespeople", 0, SIZE_MAX, r->a, sizeof *si->salespeople, &items,
		       read_person, NULL, &r->err);
	if (n >= 0 && json_is_array(json_object_get(in, "salespeople"))) {
		/* An empty list is kept (refused by the sale: 1 to 4 people). */
		si->salespeople = n ? items : arena_calloc(r->a, 1, sizeof *si->salespeople);
		si->nsalespeople = n;
	}
	if (jx_array(in, "coupon_codes", 0, &arr, &r->err))
		read_coupons(r, arr, si);
	json_t *ap = json_object_get(in, "approver");
	if (ap && !json_is_null(ap)) {
		static const char *const af[] = {"username", "password", NULL};
		struct err le;
		err_init(&le);
		if (!json_is_object(ap)) {
			err_type(&r->err, "approver", "an object {username, password}");
		} else {
			jx_no_unknown(ap, af, &le);
			jx_str(ap, "username", JX_REQUIRED, 64, &si->approver_username, &le);
			jx_str(ap, "password", JX_REQUIRED, 1024, &si->approver_password, &le);
			err_merge(&r->err, &le, "approver.");
		}
	}
	if (req_bad_types(r))
		return r->err.code;
	/* Without a store there is no scope to check: the 422 says what is missing. */
	if (!si->store_id)
		return err_fields_done(&r->err);
	if (!req_store_writable(r, si->store_id))
		return r->err.code;
	si->may_override_price = perm_allows(PERM_PRICE_OVERRIDE, r->user->role);
	*out = si;
	return 0;
}

int h_sales_create(struct req *r)
{
	const char *key = req_header(r, "Idempotency-Key");
	size_t klen = key ? strlen(key) : 0;
	if (klen < 1 || klen > 64) {
		err_field(&r->err, "Idempotency-Key", "the header is required: 1 to 64 characters");
		return err_set(&r->err, ERR_BAD_REQUEST, "send an Idempotency-Key header (a UUID per sale)");
	}
	struct sale_input *si;
	if (read_sale(r, &si) < 0)
		return r->err.code;

	/* The request hash binds a key to one body. */
	struct batched_sale *b = arena_calloc(r->a, 1, sizeof *b);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)r->body, r->body_len);
	sodium_bin2hex(b->hash, sizeof b->hash, h, sizeof h);
	b->r = r;
	b->key = key;

	int rc = sale_replay(r->db, &r->actor, key, b->hash, &b->id, &r->err);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return answer_sale(r, b->id, 1);
	struct sale_plan *plan;
	if ((rc = sale_plan(r->db, r->a, &r->actor, si, &plan, &r->err)) < 0)
		return rc;
	b->plan = plan;
	/* SQLite: the writer only writes, and this thread renders the answer
	 * after the commit. PostgreSQL takes concurrent writers: written here. */
	if (server_batch())
		return req_defer(r, run_sale, b, sale_written);
	if ((rc = sale_commit(r->db, r->a, &r->actor, key, b->hash, plan, &b->id, &b->replayed,
			      &r->err)) < 0)
		return rc;
	return answer_sale(r, b->id, b->replayed);
}

/* POST /sales/preview: the sale POST /sales would make of the body, with
 * nothing written (sale_preview); 200. No Idempotency-Key: it changes
 * nothing, so a repeat is harmless. */
int h_sales_preview(struct req *r)
{
	struct sale_input *si;
	json_t *sale;
	if (read_sale(r, &si) < 0)
		return r->err.code;
	int rc = sale_preview(r->db, r->a, &r->actor, si, &sale, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, sale);
}

int h_sales_get(struct req *r)
{
	json_t *sale;
	int64_t store_id;
	int rc = sale_get(r->db, r->ids[0], &sale, &store_id, &r->err);
	if (rc < 0)
		return rc;
	return reply_scoped(r, sale, store_id, "sale");
}

static json_t *sale_row(const void *rows, int i)
{
	return sale_head_to_json(&((const struct sale_head *)rows)[i]);
}

int h_sales_list(struct req *r)
{
	struct sale_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.before_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &f.customer_id, &r->err);
	req_time_range(r, &f.from, &f.to);
	f.status = req_query(r, "status");
	f.number = req_query(r, "number");
	if (f.number && (!*f.number || strlen(f.number) > 64))
		err_field(&r->err, "number", "must be 1 to 64 characters");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		f.scope_user_id = r->user->id;
	struct sale_head *list;
	int n, more;
	int rc = sale_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, sale_row);
}
