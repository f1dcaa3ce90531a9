/* h_shifts.c: shifts per store register: POST /shifts (open), GET /shifts,
 * GET /shifts/{id} (running totals while open, the Z-report once closed) and
 * POST /shifts/{id}/close (counted tenders in, Z-report out). */
#include <string.h>

#include "base/jx.h"
#include "domain/pos/shift.h"
#include "http/handlers.h"
#include "http/req.h"

int h_shifts_create(struct req *r)
{
	static const char *const allowed[] = {"store_id", "register", "opening_cash", NULL};
	json_t *in;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct shift_input si = {0};
	jx_no_unknown(in, allowed, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &si.store_id, &r->err);
	jx_str(in, "register", JX_NONEMPTY, 32, &si.register_id, &r->err);
	if (!jx_money(in, "opening_cash", JX_REQUIRED, 0, &si.opening_cash, &r->err))
		si.opening_cash = 0;
	if (req_bad_types(r))
		return r->err.code;
	if (si.store_id && !req_store_writable(r, si.store_id))
		return r->err.code;
	json_t *out;
	int rc = shift_open(r->db, r->a, &r->actor, &si, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, out, json_integer_value(json_object_get(out, "id")));
}

int h_shifts_get(struct req *r)
{
	json_t *out;
	int64_t store_id;
	int rc = shift_get(r->db, r->ids[0], &out, &store_id, &r->err);
	if (rc < 0)
		return rc;
	return reply_scoped(r, out, store_id, "shift");
}

static json_t *shift_row(const void *rows, int i)
{
	return shift_to_json(&((const struct shift_row *)rows)[i]);
}

int h_shifts_list(struct req *r)
{
	struct shift_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.before_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	f.status = req_query(r, "status");
	if (f.status) {
		int ok = 0;
		for (int i = 0; shift_statuses[i]; i++)
			ok |= strcmp(f.status, shift_statuses[i]) == 0;
		if (!ok)
			err_field(&r->err, "status", "must be open or closed");
	}
	f.register_id = req_query(r, "register");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		f.scope_user_id = r->user->id;
	struct shift_row *list;
	int n, more;
	int rc = shift_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, shift_row);
}

int h_shifts_close(struct req *r)
{
	static const char *const allowed[] = {"counted", NULL};
	static const char *const tenders[] = {"cash", "card", "wechat", "alipay", "voucher", NULL};
	json_t *in;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct shift_counted c = {-1, -1, -1, -1, -1};
	int64_t *slot[] = {&c.cash, &c.card, &c.wechat, &c.alipay, &c.voucher};
	jx_no_unknown(in, allowed, &r->err);
	json_t *counted = json_object_get(in, "counted");
	if (!counted || json_is_null(counted)) {
		err_field(&r->err, "counted.cash", "is required: the cash in the drawer");
	} else if (!json_is_object(counted)) {
		err_type(&r->err, "counted", "an object {cash, card, wechat, alipay, voucher}");
	} else {
		struct err le;
		err_init(&le);
		jx_no_unknown(counted, tenders, &le);
		for (int i = 0; tenders[i]; i++)
			if (!jx_money(counted, tenders[i], i == 0 ? JX_REQUIRED : 0, 0, slot[i],
			              &le))
				*slot[i] = -1;
		err_merge(&r->err, &le, "counted.");
	}
	/* The counted amounts are the whole input: refuse bad ones here. */
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	json_t *z;
	int rc = shift_close(r->db, &r->actor, r->ids[0], &c, &z, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, z);
}
