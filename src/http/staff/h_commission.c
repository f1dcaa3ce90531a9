/* h_commission.c: commission plans, the calculator, payout periods, their
 * lines (with CSV/XLSX export) and statements over HTTP: read the body or
 * query, call commission.c, render. */
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "domain/staff/commission.h"
#include "http/handlers.h"
#include "http/req.h"

static void read_member(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"kind", "member_id", "name", NULL};
	struct commission_member *m = elem;
	jx_no_unknown(o, fields, le);
	jx_enum(o, "kind", JX_REQUIRED, commission_member_kinds, &m->kind, le);
	jx_int(o, "member_id", JX_REQUIRED, 1, INT64_MAX, &m->member_id, le);
}

/* A plan body: every field on create, those sent on PATCH. */
static void read_plan(struct req *r, json_t *in, int creating, struct commission_plan_input *pi)
{
	static const char *const fields[] = {"name", "period_kind", "rules", "valid_from",
					     "valid_to", "members", NULL};
	jx_no_unknown(in, fields, &r->err);
	pi->set_name = jx_present(in, "name");
	jx_str(in, "name", creating ? JX_REQUIRED : 0, 0, &pi->name, &r->err);
	pi->set_period_kind = jx_present(in, "period_kind");
	jx_enum(in, "period_kind", creating ? JX_REQUIRED : 0, commission_period_kinds,
		&pi->period_kind, &r->err);
	pi->set_valid_from = jx_present(in, "valid_from");
	jx_day(in, "valid_from", creating ? JX_REQUIRED : 0, &pi->valid_from, &r->err);
	pi->set_valid_to = jx_present(in, "valid_to");
	jx_day(in, "valid_to", 0, &pi->valid_to, &r->err);
	pi->set_rules = jx_present(in, "rules");
	pi->rules = json_object_get(in, "rules");
	if (pi->rules && json_is_null(pi->rules))
		pi->rules = NULL;
	pi->set_members = jx_present(in, "members");
	void *items;
	int n = jx_objects(in, "members", 0, 1000, r->a, sizeof *pi->members, &items, read_member,
			   NULL, &r->err);
	if (n >= 0) {
		pi->members = items;
		pi->nmembers = n;
	}
}

int h_commission_plans_create(struct req *r)
{
	struct commission_plan_input pi = {0};
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_plan(r, in, 1, &pi);
	if (req_bad_types(r))
		return r->err.code;
	int rc = commission_plan_create(r->db, r->a, &r->actor, &pi, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, out, json_integer_value(json_object_get(out, "id")));
}

int h_commission_plans_patch(struct req *r)
{
	struct commission_plan_input pi = {0};
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_plan(r, in, 0, &pi);
	if (req_bad_types(r))
		return r->err.code;
	int rc = commission_plan_update(r->db, r->a, &r->actor, r->ids[0], &pi, &out, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

int h_commission_plans_get(struct req *r)
{
	json_t *out;
	int rc = commission_plan_get(r->db, r->a, r->ids[0], &out, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

int h_commission_plans_delete(struct req *r)
{
	int rc = commission_plan_delete(r->db, r->a, &r->actor, r->ids[0], &r->err);
	return rc < 0 ? rc : reply_no_content(r);
}

static int plan_transition(struct req *r, const char *action)
{
	json_t *out;
	int rc = commission_plan_transition(r->db, r->a, &r->actor, r->ids[0], action, &out,
					    &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

int h_commission_plans_approve(struct req *r)
{
	return plan_transition(r, "approve");
}

int h_commission_plans_close(struct req *r)
{
	return plan_transition(r, "close");
}

/* GET /commission/plans?status= */
int h_commission_plans_list(struct req *r)
{
	json_t *list;
	const char *status = req_query_enum(r, "status", commission_plan_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = commission_plan_list(r->db, r->a, status, &list, &r->err);
	return rc < 0 ? rc : reply_list_cursor(r, list, NULL);
}

static void read_sample_line(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"list_price", "unit_price", "quantity", "unit_cost",
					     "share_bp", "vat_rate", NULL};
	struct commission_sample_line *l = elem;
	l->share_bp = 10000;
	l->quantity = 1000;
	jx_no_unknown(o, fields, le);
	jx_money(o, "list_price", JX_REQUIRED, 0, &l->list_price, le);
	jx_money(o, "unit_price", JX_REQUIRED, 0, &l->unit_price, le);
	if (jx_qty(o, "quantity", 0, &l->quantity, le) && l->quantity <= 0)
		err_field(le, "quantity", "must be more than 0");
	jx_money(o, "unit_cost", 0, 0, &l->unit_cost, le);
	jx_int(o, "share_bp", 0, 0, 10000, &l->share_bp, le);
	jx_int(o, "vat_rate", 0, 0, 10000, &l->vat_rate, le);
}

/* POST /commission/calculate {rules|plan_id, sample:{target, lines}} */
int h_commission_calculate(struct req *r)
{
	static const char *const fields[] = {"rules", "plan_id", "sample", NULL};
	static const char *const sample_fields[] = {"target", "lines", NULL};
	json_t *in, *out, *plan = NULL;
	int64_t plan_id = 0, target = 0;
	struct commission_sample_line *lines = NULL;
	struct cc_rules rules;
	int n = 0;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "plan_id", 0, 1, INT64_MAX, &plan_id, &r->err);
	json_t *rj = json_object_get(in, "rules");
	if (rj && json_is_null(rj))
		rj = NULL;
	if (!rj == !plan_id)
		err_field(&r->err, "rules", "give rules or plan_id (one of them)");
	json_t *sample = json_object_get(in, "sample");
	if (!json_is_object(sample)) {
		err_type(&r->err, "sample", "an object {target, lines}");
	} else {
		struct err se;
		void *items;
		err_init(&se);
		jx_no_unknown(sample, sample_fields, &se);
		jx_money(sample, "target", 0, 0, &target, &se);
		n = jx_objects(sample, "lines", JX_REQUIRED, 500, r->a, sizeof *lines, &items,
			       read_sample_line, NULL, &se);
		if (n >= 0)
			lines = items;
		err_merge(&r->err, &se, "sample.");
	}
	if (rj)
		cc_rules_read(rj, "rules", &rules, &r->err);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	if (plan_id) {
		int rc = commission_plan_get(r->db, r->a, plan_id, &plan, &r->err);
		if (rc < 0)
			return rc;
		cc_rules_read(json_object_get(plan, "rules"), "rules", &rules, &r->err);
		json_decref(plan);
		if (err_fields_done(&r->err))
			return r->err.code;
	}
	int rc = commission_calculate(&rules, target, lines, n < 0 ? 0 : n, &out, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

/* POST /commission/plans/{id}/periods {period} */
int h_commission_periods_create(struct req *r)
{
	static const char *const fields[] = {"period", NULL};
	json_t *in, *out;
	const char *period = NULL;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_str(in, "period", JX_REQUIRED, 7, &period, &r->err);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	int rc = commission_period_open(r->db, r->a, &r->actor, r->ids[0], period, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, out, json_integer_value(json_object_get(out, "id")));
}

/* GET /commission/periods?plan_id=&status= */
int h_commission_periods_list(struct req *r)
{
	json_t *list;
	int64_t plan_id = 0;
	jx_qint(req_query(r, "plan_id"), "plan_id", 1, INT64_MAX, &plan_id, &r->err);
	const char *status = req_query_enum(r, "status", commission_period_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = commission_period_list(r->db, r->a, &r->actor, plan_id, status, &list, &r->err);
	return rc < 0 ? rc : reply_list_cursor(r, list, NULL);
}

int h_commission_periods_get(struct req *r)
{
	json_t *out;
	int rc = commission_period_get(r->db, r->a, &r->actor, r->ids[0], &out, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

int h_commission_periods_recompute(struct req *r)
{
	json_t *out;
	int rc = commission_period_recompute(r->db, r->a, &r->actor, r->ids[0], &out, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

static int period_transition(struct req *r, const char *action)
{
	json_t *out;
	int rc = commission_period_transition(r->db, r->a, &r->actor, r->ids[0], action, &out,
					      &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}

int h_commission_periods_approve(struct req *r)
{
	return period_transition(r, "approve");
}

int h_commission_periods_close(struct req *r)
{
	return period_transition(r, "close");
}

/* GET /commission/periods/{id}/lines?user_id=&format=csv|xlsx: a file
 * carries each line's detail as its JSON text (one column). */
int h_commission_periods_lines(struct req *r)
{
	json_t *list;
	int64_t user_id = 0;
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &user_id, &r->err);
	const char *format = req_query(r, "format");
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = commission_period_lines(r->db, r->a, &r->actor, r->ids[0], user_id, &list,
					 &r->err);
	if (rc < 0)
		return rc;
	if (format && strcmp(format, "json") != 0) {
		size_t i;
		json_t *l;
		json_array_foreach(list, i, l) {
			char *t = json_dumps(json_object_get(l, "detail"), JSON_COMPACT);
			json_object_set_new(l, "detail", json_string(t ? t : "{}"));
			free(t);
		}
	}
	return reply_list_cursor(r, list, NULL);
}

/* GET /commission/statements/{user_id}?period= */
int h_commission_statement(struct req *r)
{
	json_t *out;
	const char *period = req_query(r, "period");
	if (period && (!*period || strlen(period) > 7))
		err_field(&r->err, "period", "must be a month YYYY-MM or a quarter YYYY-Qn");
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = commission_statement(r->db, r->a, &r->actor, r->ids[0], period, &out, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, out);
}
