/* h_loyalty.c: the points program (GET/PUT /loyalty/program), tiers
 * (GET/POST /tiers, PATCH /tiers/{id}) and stored-value bonus rules
 * (GET/POST /stored-value/rules, DELETE /stored-value/rules/{id}). */
#include "base/jx.h"
#include "domain/loyalty/program.h"
#include "domain/loyalty/stored_value.h"
#include "domain/loyalty/tier.h"
#include "http/handlers.h"
#include "http/req.h"

int h_loyalty_program_get(struct req *r)
{
	struct loyalty_program p;
	int rc = program_get(r->db, &p, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, program_to_json(&p));
}

int h_loyalty_program_put(struct req *r)
{
	static const char *const allowed[] = {
		"points_per_yuan", "point_value", "expiry_days", "max_redeem_bp", "min_redeem",
		"max_redeem_points", "rounding", "sv_bonus_spent", NULL};
	json_t *in;
	if (req_json(r, &in) < 0)
		return r->err.code;
	/* PUT replaces: the four of API.md are required, the rest default. */
	struct loyalty_program p = {.rounding = "floor", .sv_bonus_spent = "last"};
	jx_no_unknown(in, allowed, &r->err);
	jx_int(in, "points_per_yuan", JX_REQUIRED, INT64_MIN, INT64_MAX, &p.points_per_yuan, &r->err);
	jx_int(in, "point_value", JX_REQUIRED, INT64_MIN, INT64_MAX, &p.point_value, &r->err);
	jx_int(in, "expiry_days", JX_REQUIRED, INT64_MIN, INT64_MAX, &p.expiry_days, &r->err);
	jx_int(in, "max_redeem_bp", JX_REQUIRED, INT64_MIN, INT64_MAX, &p.max_redeem_bp, &r->err);
	jx_int(in, "min_redeem", 0, INT64_MIN, INT64_MAX, &p.min_redeem, &r->err);
	jx_int(in, "max_redeem_points", 0, INT64_MIN, INT64_MAX, &p.max_redeem_points, &r->err);
	jx_enum(in, "rounding", 0, program_roundings, &p.rounding, &r->err);
	jx_enum(in, "sv_bonus_spent", 0, program_bonus_orders, &p.sv_bonus_spent, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	struct loyalty_program out;
	int rc = program_put(r->db, &r->actor, &p, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, program_to_json(&out));
}

int h_tiers_list(struct req *r)
{
	json_t *items;
	int rc = tier_list(r->db, &items, &r->err);
	if (rc < 0)
		return rc;
	return reply_list(r, items, 0, 0);
}

/* Reads a tier body; required fields only for a create. */
static void read_tier(struct req *r, json_t *in, struct tier_input *t, int create)
{
	static const char *const allowed[] = {"code", "name", "min_spend", "discount_bp",
					      "points_multiplier_bp", "active", NULL};
	int req = 0; /* the domain names a missing field of a create */
	jx_no_unknown(in, allowed, &r->err);
	t->has_code = jx_str(in, "code", req | JX_NONEMPTY, 32, &t->code, &r->err) ||
		      jx_present(in, "code");
	t->has_name = jx_str(in, "name", req | JX_NONEMPTY, 100, &t->name, &r->err) ||
		      jx_present(in, "name");
	t->has_min_spend = jx_int(in, "min_spend", req, 0, INT64_MAX, &t->min_spend, &r->err);
	t->has_discount_bp = jx_int(in, "discount_bp", 0, 0, 10000, &t->discount_bp, &r->err);
	t->has_multiplier = jx_int(in, "points_multiplier_bp", 0, 0, 100000,
				   &t->points_multiplier_bp, &r->err);
	t->has_active = jx_bool(in, "active", 0, &t->active, &r->err);
	if (!create && jx_null(in, "min_spend"))
		err_field(&r->err, "min_spend", "must not be null");
}

int h_tiers_create(struct req *r)
{
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct tier_input t = {0};
	read_tier(r, in, &t, 1);
	if (req_bad_types(r))
		return r->err.code;
	int rc = tier_create(r->db, &r->actor, &t, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, out, json_integer_value(json_object_get(out, "id")));
}

int h_tiers_patch(struct req *r)
{
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	struct tier_input t = {0};
	read_tier(r, in, &t, 0);
	if (req_bad_types(r))
		return r->err.code;
	int rc = tier_update(r->db, &r->actor, r->ids[0], &t, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, out);
}

int h_sv_rules_list(struct req *r)
{
	json_t *items;
	int rc = sv_rules_list(r->db, &items, &r->err);
	if (rc < 0)
		return rc;
	return reply_list(r, items, 0, 0);
}

int h_sv_rules_create(struct req *r)
{
	static const char *const allowed[] = {"min_amount", "bonus", NULL};
	json_t *in, *out;
	if (req_json(r, &in) < 0)
		return r->err.code;
	int64_t min_amount = 0, bonus = 0;
	jx_no_unknown(in, allowed, &r->err);
	jx_money(in, "min_amount", JX_REQUIRED, 1, &min_amount, &r->err);
	jx_money(in, "bonus", JX_REQUIRED, 0, &bonus, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	int rc = sv_rule_create(r->db, &r->actor, min_amount, bonus, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, out, json_integer_value(json_object_get(out, "id")));
}

int h_sv_rules_delete(struct req *r)
{
	int rc = sv_rule_delete(r->db, &r->actor, r->ids[0], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}
