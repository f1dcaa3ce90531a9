/* program.c: the points program row (see program.h). */
#include "domain/loyalty/program.h"

#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"

const char *const program_roundings[] = {"floor", "half_up", NULL};
const char *const program_bonus_orders[] = {"first", "last", NULL};

/* The static copy of a known value (so that the struct owns no memory). */
static const char *known(const char *const *list, const char *v, const char *dflt)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return list[i];
	return dflt;
}

int program_get(struct db *db, struct loyalty_program *out, struct err *e)
{
	static const char sql[] =
		"SELECT points_per_yuan, point_value, expiry_days, max_redeem_bp, min_redeem, "
		"max_redeem_points, rounding, sv_bonus_spent, updated_at FROM loyalty_program "
		"WHERE id = 1";
	struct db_stmt *st = db_query(db, e, sql, "");
	int rc = db_get_row(st, "loyalty program", 1, e);
	if (rc < 0)
		return rc;
	*out = (struct loyalty_program){
		.points_per_yuan = db_col_int64(st, 0), .point_value = db_col_int64(st, 1),
		.expiry_days = db_col_int64(st, 2), .max_redeem_bp = db_col_int64(st, 3),
		.min_redeem = db_col_int64(st, 4), .max_redeem_points = db_col_int64(st, 5),
		.rounding = known(program_roundings, db_col_text(st, 6), "floor"),
		.sv_bonus_spent = known(program_bonus_orders, db_col_text(st, 7), "last"),
		.updated_at = db_col_int64(st, 8)};
	db_reset(st);
	return 0;
}

json_t *program_to_json(const struct loyalty_program *p)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:o}", "points_per_yuan",
			 (json_int_t)p->points_per_yuan, "point_value", (json_int_t)p->point_value,
			 "expiry_days", (json_int_t)p->expiry_days, "max_redeem_bp",
			 (json_int_t)p->max_redeem_bp, "min_redeem", (json_int_t)p->min_redeem,
			 "max_redeem_points", (json_int_t)p->max_redeem_points, "rounding",
			 p->rounding, "sv_bonus_spent", p->sv_bonus_spent, "updated_at",
			 jx_time(p->updated_at));
}

static void range(struct err *e, const char *f, int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo || v > hi)
		err_field(e, f, "must be between %lld and %lld", (long long)lo, (long long)hi);
}

int program_put(struct db *db, const struct actor *who, const struct loyalty_program *in,
		struct loyalty_program *out, struct err *e)
{
	static const char sql[] =
		"UPDATE loyalty_program SET points_per_yuan = ?, point_value = ?, expiry_days = ?, "
		"max_redeem_bp = ?, min_redeem = ?, max_redeem_points = ?, rounding = ?, "
		"sv_bonus_spent = ?, updated_at = ? WHERE id = 1";
	range(e, "points_per_yuan", in->points_per_yuan, 0, 1000);
	range(e, "point_value", in->point_value, 0, 10000);
	range(e, "expiry_days", in->expiry_days, 0, 36500);
	range(e, "max_redeem_bp", in->max_redeem_bp, 0, 10000);
	range(e, "min_redeem", in->min_redeem, 0, 1000000000);
	range(e, "max_redeem_points", in->max_redeem_points, 0, 1000000000);
	if (in->max_redeem_points && in->min_redeem > in->max_redeem_points)
		err_field(e, "min_redeem", "must not exceed max_redeem_points");
	if (!known(program_roundings, in->rounding, NULL))
		err_field(e, "rounding", "must be floor or half_up");
	if (!known(program_bonus_orders, in->sv_bonus_spent, NULL))
		err_field(e, "sv_bonus_spent", "must be first or last");
	int rc = err_fields_done(e);
	if (rc < 0)
		return rc;
	struct loyalty_program old;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = program_get(db, &old, e)) < 0)
		goto fail;
	int64_t now = ts_now_ms();
	struct db_stmt *st = db_query(db, e, sql, "iiiiiitti", in->points_per_yuan,
				      in->point_value, in->expiry_days, in->max_redeem_bp,
				      in->min_redeem, in->max_redeem_points, in->rounding,
				      in->sv_bonus_spent, now);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if ((rc = program_get(db, out, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "loyalty_program", 1, 0, program_to_json(&old),
			       program_to_json(out), e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int64_t program_points_for(const struct loyalty_program *p, int64_t base, int64_t multiplier_bp)
{
	if (base <= 0 || p->points_per_yuan <= 0 || multiplier_bp <= 0)
		return 0;
	__int128 num = (__int128)base * p->points_per_yuan * multiplier_bp;
	__int128 den = (__int128)100 * 10000;
	__int128 q = num / den;
	if (strcmp(p->rounding, "half_up") == 0 && 2 * (num % den) >= den)
		q++;
	return q > INT64_MAX / 4 ? INT64_MAX / 4 : (int64_t)q;
}

int64_t program_expiry(const struct loyalty_program *p, int64_t at)
{
	return p->expiry_days > 0 ? at + p->expiry_days * 86400000LL : 0;
}
