/* h_coupons.c: coupon templates (hq and admin write, everyone reads),
 * coupons issued to a customer or in printed batches, the till's lookup of
 * a code, cancelling, and a customer's coupons. */
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "domain/crm/customer_scope.h"
#include "domain/loyalty/coupon.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const template_fields[] = {
	"name", "kind", "value", "min_spend", "max_discount", "valid_days", "valid_from",
	"valid_to", "store_ids", "category_ids", "per_customer_limit", "stackable", "active", NULL};

/* An array of ids under key (null: empty): 1 when present and usable. */
static int read_ids(struct req *r, json_t *in, const char *key, const int64_t **out, int *n)
{
	int64_t *ids = NULL;
	*n = 0;
	int ok = jx_ids(in, key, 0, COUPON_MAX_IDS, r->a, &ids, n, &r->err);
	*out = ids;
	return ok || jx_null(in, key);
}

static void read_template(struct req *r, json_t *in, struct coupon_template_input *ti)
{
	int b;
	jx_no_unknown(in, template_fields, &r->err);
	ti->set_name = jx_str(in, "name", JX_NONEMPTY, COUPON_NAME_MAX, &ti->name, &r->err) ||
		       jx_null(in, "name");
	ti->set_kind = jx_enum(in, "kind", 0, coupon_kinds, &ti->kind, &r->err) || jx_null(in, "kind");
	ti->set_value = jx_int(in, "value", 0, INT64_MIN, INT64_MAX, &ti->value, &r->err);
	ti->set_min_spend = jx_money(in, "min_spend", 0, 0, &ti->min_spend, &r->err);
	ti->set_max_discount = jx_money(in, "max_discount", 0, 1, &ti->max_discount, &r->err) ||
			       jx_null(in, "max_discount");
	ti->set_valid_days = jx_int(in, "valid_days", 0, 1, COUPON_VALID_DAYS_MAX, &ti->valid_days,
				    &r->err) ||
			     jx_null(in, "valid_days");
	ti->set_valid_from = jx_day(in, "valid_from", 0, &ti->valid_from, &r->err) ||
			     jx_null(in, "valid_from");
	ti->set_valid_to = jx_day(in, "valid_to", 0, &ti->valid_to, &r->err) ||
			   jx_null(in, "valid_to");
	ti->set_store_ids = read_ids(r, in, "store_ids", &ti->store_ids, &ti->nstore_ids);
	ti->set_category_ids = read_ids(r, in, "category_ids", &ti->category_ids,
					&ti->ncategory_ids);
	ti->set_per_customer_limit = jx_int(in, "per_customer_limit", 0, 0, 1000000,
					    &ti->per_customer_limit, &r->err);
	ti->stackable = ti->active = -1;
	if (jx_bool(in, "stackable", 0, &b, &r->err))
		ti->stackable = b;
	if (jx_bool(in, "active", 0, &b, &r->err))
		ti->active = b;
}

int h_coupon_templates_create(struct req *r)
{
	json_t *in;
	struct coupon_template_input ti = {0};
	struct coupon_template *t;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_template(r, in, &ti);
	if (req_bad_types(r))
		return r->err.code;
	int rc = coupon_template_create(r->db, r->a, &r->actor, &ti, &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, coupon_template_to_json(t), t->id);
}

int h_coupon_templates_patch(struct req *r)
{
	json_t *in;
	struct coupon_template_input ti = {0};
	struct coupon_template *t;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_template(r, in, &ti);
	if (req_bad_types(r))
		return r->err.code;
	int rc = coupon_template_update(r->db, r->a, &r->actor, r->ids[0], &ti, &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, coupon_template_to_json(t));
}

int h_coupon_templates_get(struct req *r)
{
	struct coupon_template *t;
	int rc = coupon_template_get(r->db, r->a, r->ids[0], &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, coupon_template_to_json(t));
}

static json_t *template_row(const void *rows, int i)
{
	return coupon_template_to_json(((struct coupon_template *const *)rows)[i]);
}

int h_coupon_templates_list(struct req *r)
{
	struct coupon_template_filter f = {.active = -1};
	struct coupon_template **list;
	int n, more;
	req_page(r, &f.limit, &f.after_id);
	f.active = req_query_bool(r, "active");
	f.q = req_query(r, "q");
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = coupon_template_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, template_row);
}

int h_coupons_create(struct req *r)
{
	static const char *const fields[] = {"template_id", "customer_id", "reason", NULL};
	json_t *in;
	int64_t template_id = 0, customer_id = 0;
	const char *reason = NULL;
	struct coupon *c;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "template_id", JX_REQUIRED, 1, INT64_MAX, &template_id, &r->err);
	jx_int(in, "customer_id", JX_REQUIRED, 1, INT64_MAX, &customer_id, &r->err);
	jx_str(in, "reason", 0, 200, &reason, &r->err);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	int rc = coupon_issue(r->db, r->a, &r->actor, template_id, customer_id, reason, &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, coupon_to_json(c, ts_now_ms()), c->id);
}

int h_coupon_batches_create(struct req *r)
{
	static const char *const fields[] = {"template_id", "count", NULL};
	json_t *in, *out;
	int64_t template_id = 0, count = 0;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "template_id", JX_REQUIRED, 1, INT64_MAX, &template_id, &r->err);
	jx_int(in, "count", JX_REQUIRED, 1, COUPON_BATCH_MAX, &count, &r->err);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	int rc = coupon_batch_create(r->db, r->a, &r->actor, template_id, count, &out, &r->err);
	if (rc < 0)
		return rc;
	reply_header(r, "Location",
		     arena_printf(r->a, "/api/v1/coupons?batch_id=%lld",
				  (long long)json_integer_value(json_object_get(out, "batch_id"))));
	return reply_json(r, 201, out);
}

/* coupon_list already shows an issued coupon past its expiry as expired. */
static json_t *coupon_row(const void *rows, int i)
{
	return coupon_to_json(&((const struct coupon *)rows)[i], 0);
}

/* A page of coupons by f (the caller set customer_id and scope). */
static int list_coupons(struct req *r, struct coupon_filter *f)
{
	static const char *const statuses[] = {"issued", "redeemed", "expired", "cancelled", NULL};
	const char *code = req_query(r, "code");
	req_page(r, &f->limit, &f->after_id);
	jx_qint(req_query(r, "template_id"), "template_id", 1, INT64_MAX, &f->template_id, &r->err);
	jx_qint(req_query(r, "batch_id"), "batch_id", 1, INT64_MAX, &f->batch_id, &r->err);
	f->status = req_query_enum(r, "status", statuses);
	if (code && *code) {
		char *norm = arena_alloc(r->a, COUPON_CODE_LEN + 1);
		/* A string that cannot be a code finds nothing. */
		f->code = coupon_code_normalize(code, norm) == 0 ? norm : "-";
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		f->scope_user_id = r->user->id;
	f->now = ts_now_ms();
	struct coupon *list;
	int n, more;
	int rc = coupon_list(r->db, r->a, f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, coupon_row);
}

int h_coupons_list(struct req *r)
{
	struct coupon_filter f = {0};
	if (jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &f.customer_id,
		    &r->err) == 1) {
		int rc = customer_visible(r->db, &r->actor, f.customer_id, &r->err);
		if (rc < 0)
			return rc;
	}
	return list_coupons(r, &f);
}

int h_customer_coupons_list(struct req *r)
{
	struct coupon_filter f = {.customer_id = r->ids[0]};
	int rc = customer_visible(r->db, &r->actor, f.customer_id, &r->err);
	if (rc < 0)
		return rc;
	return list_coupons(r, &f);
}

int h_coupons_get(struct req *r)
{
	struct coupon *c;
	int rc = coupon_get(r->db, r->a, r->ids[0], &c, &r->err);
	if (rc < 0)
		return rc;
	if ((rc = coupon_visible(r->db, &r->actor, c, &r->err)) < 0)
		return rc;
	if (!rc)
		return err_set(&r->err, ERR_NOT_FOUND, "no coupon %lld", (long long)r->ids[0]);
	return reply_json(r, 200, coupon_to_json(c, ts_now_ms()));
}

int h_coupons_cancel(struct req *r)
{
	struct coupon *c;
	int rc = coupon_cancel(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, coupon_to_json(c, ts_now_ms()));
}

int h_coupons_lookup(struct req *r)
{
	const char *code = req_query(r, "code");
	int64_t store_id = 0, customer_id = 0;
	json_t *out;
	if (!code || !*code)
		err_field(&r->err, "code", "is required");
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &customer_id, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	int rc = coupon_lookup(r->db, r->a, code, store_id, customer_id, ts_now_ms(), &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, out);
}
