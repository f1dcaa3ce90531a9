/* commission.c: commission plans — create, change and delete while draft,
 * approve and close, their members — the period labels of a plan's kind,
 * and the calculator that runs the rules over a sample month. Periods and
 * statements are in commission_period.c. */
#include "domain/staff/commission.h"

#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"

const char *const commission_plan_statuses[] = {"draft", "approved", "closed", NULL};
const char *const commission_period_kinds[] = {"month", "quarter", NULL};
const char *const commission_period_statuses[] = {"open", "approved", "closed", NULL};
const char *const commission_member_kinds[] = {"user", "store", NULL};

#define PLAN_NAME_MAX 100
#define PLAN_MEMBERS_MAX 500

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* ---- period labels ---- */

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

int commission_period_days(const char *kind, const char *period, char from[11], char to[11])
{
	int y = 0, m = 0, q = 0;
	char tail;
	if (!kind || !period)
		return -1;
	if (strcmp(kind, "month") == 0) {
		if (strlen(period) != 7 || sscanf(period, "%4d-%2d%c", &y, &m, &tail) != 2 ||
		    period[4] != '-' || m < 1 || m > 12 || y < 1970 || y > 9999)
			return -1;
		snprintf(from, 11, "%04d-%02d-01", y, m);
		snprintf(to, 11, "%04d-%02d-%02d", y, m, days_in_month(y, m));
		return 0;
	}
	if (strcmp(kind, "quarter") == 0) {
		if (strlen(period) != 7 || sscanf(period, "%4d-Q%1d%c", &y, &q, &tail) != 2 ||
		    q < 1 || q > 4 || y < 1970 || y > 9999)
			return -1;
		snprintf(from, 11, "%04d-%02d-01", y, q * 3 - 2);
		snprintf(to, 11, "%04d-%02d-%02d", y, q * 3, days_in_month(y, q * 3));
		return 0;
	}
	return -1;
}

void commission_period_of(const char *kind, const char *day, char out[8])
{
	if (strcmp(kind, "quarter") == 0) {
		int m = (day[5] - '0') * 10 + (day[6] - '0');
		char q = (char)('1' + (m >= 1 && m <= 12 ? (m - 1) / 3 : 0));
		snprintf(out, 8, "%.4s-Q%c", day, q);
	} else {
		snprintf(out, 8, "%.7s", day);
	}
}

/* ---- plans ---- */

#define PLAN_COLS                                                              \
	"p.id, p.name, p.period_kind, p.status, p.rules, p.valid_from, p.valid_to, " \
	"p.created_at, p.updated_at, p.approved_at, p.closed_at"

static json_t *plan_from_row(struct db_stmt *st)
{
	json_t *rules = json_loads(db_col_text(st, 4), 0, NULL);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:o}", "id",
			      (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1),
			      "period_kind", db_col_text(st, 2), "status", db_col_text(st, 3),
			      "rules", rules ? rules : json_object(), "valid_from",
			      db_col_text(st, 5), "valid_to", jx_strn(db_col_text(st, 6)),
			      "created_at", jx_time(db_col_int64(st, 7)), "updated_at",
			      jx_time(db_col_int64(st, 8)), "approved_at",
			      jx_time(db_col_int64(st, 9)), "closed_at",
			      jx_time(db_col_int64(st, 10)));
	json_object_set_new(o, "members", json_array());
	return o;
}

/* The plan's members with their names, into o's "members". */
static int load_members(struct db *db, int64_t id, json_t *o, struct err *e)
{
	static const char sql[] =
		"SELECT m.kind, m.member_id, COALESCE(u.display_name, s.name, '') "
		"FROM commission_plan_members m "
		"LEFT JOIN users u ON m.kind = 'user' AND u.id = m.member_id "
		"LEFT JOIN stores s ON m.kind = 'store' AND s.id = m.member_id "
		"WHERE m.plan_id = ? ORDER BY m.kind DESC, m.member_id";
	json_t *list = json_object_get(o, "members");
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "kind", db_col_text(st, 0),
						      "member_id", (json_int_t)db_col_int64(st, 1),
						      "name", db_col_text(st, 2)));
	return rc < 0 ? db_fail(e) : 0;
}

int commission_plan_get(struct db *db, struct arena *a, int64_t id, json_t **out, struct err *e)
{
	static const char sql[] = "SELECT " PLAN_COLS " FROM commission_plans p WHERE p.id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "commission plan", id, e);
	if (rc < 0)
		return rc;
	json_t *o = plan_from_row(st);
	db_reset(st);
	if ((rc = load_members(db, id, o, e)) < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int commission_plan_list(struct db *db, struct arena *a, const char *status, json_t **out,
			 struct err *e)
{
	static const char sql[] =
		"SELECT " PLAN_COLS " FROM commission_plans p "
		"WHERE (CAST(? AS TEXT) IS NULL OR p.status = ?) ORDER BY p.id DESC LIMIT 500";
	json_t *list = json_array();
	struct db_stmt *st = db_query(db, e, sql, "tt", status, status);
	int rc;
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(list, plan_from_row(st));
	if (rc < 0)
		goto fail;
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
		if (load_members(db, json_integer_value(json_object_get(p, "id")), p, e) < 0)
			goto fail;
	*out = list;
	return 0;
fail:
	json_decref(list);
	return db_fail(e);
}

/* The checks that need no database; the rules normalised into *rules_text. */
static void check_plan(struct arena *a, const struct commission_plan_input *in, int creating,
		       char **rules_text, struct err *e)
{
	if (creating || in->set_name)
		text_check(e, "name", in->name, 1, PLAN_NAME_MAX);
	if ((creating || in->set_period_kind) && !in_list(commission_period_kinds, in->period_kind))
		err_field(e, "period_kind", "must be month or quarter");
	if ((creating || in->set_valid_from) && !(in->valid_from && ts_day_valid(in->valid_from)))
		err_field(e, "valid_from", "must be a day YYYY-MM-DD");
	if (in->set_valid_to && in->valid_to && !ts_day_valid(in->valid_to))
		err_field(e, "valid_to", "must be a day YYYY-MM-DD or null");
	else if (in->valid_from && in->valid_to && strcmp(in->valid_to, in->valid_from) < 0)
		err_field(e, "valid_to", "must not be before valid_from");
	*rules_text = NULL;
	if (creating || in->set_rules) {
		if (!in->rules) {
			err_field(e, "rules", "is required");
		} else {
			struct cc_rules r;
			int before = e->nfields + e->type_error;
			cc_rules_read(in->rules, "rules", &r, e);
			if (e->nfields + e->type_error == before) {
				json_t *j = cc_rules_to_json(&r);
				char *t = json_dumps(j, JSON_COMPACT);
				*rules_text = arena_strdup(a, t);
				free(t);
				json_decref(j);
			}
		}
	}
	for (int i = 0; in->set_members && i < in->nmembers; i++) {
		const struct commission_member *m = &in->members[i];
		char f[48];
		snprintf(f, sizeof f, "members[%d].kind", i);
		if (!in_list(commission_member_kinds, m->kind))
			err_field(e, f, "must be user or store");
		for (int k = 0; k < i; k++)
			if (m->kind && in->members[k].kind && strcmp(m->kind, in->members[k].kind) == 0 &&
			    m->member_id == in->members[k].member_id) {
				snprintf(f, sizeof f, "members[%d].member_id", i);
				err_field(e, f, "is named twice");
			}
	}
	if (in->nmembers > PLAN_MEMBERS_MAX)
		err_field(e, "members", "must hold at most %d members", PLAN_MEMBERS_MAX);
}

/* Each member must exist (field errors), then the members are replaced. */
static int write_members(struct db *db, int64_t id, const struct commission_plan_input *in,
			 struct err *e)
{
	static const char sql_user[] = "SELECT 1 FROM users WHERE id = ?";
	static const char sql_store[] = "SELECT 1 FROM stores WHERE id = ?";
	static const char sql_del[] = "DELETE FROM commission_plan_members WHERE plan_id = ?";
	static const char sql_ins[] =
		"INSERT INTO commission_plan_members (plan_id, kind, member_id) VALUES (?, ?, ?)";
	int rc;
	for (int i = 0; i < in->nmembers; i++) {
		const struct commission_member *m = &in->members[i];
		int user = strcmp(m->kind, "user") == 0;
		rc = db_exists(db_query(db, e, user ? sql_user : sql_store, "i", m->member_id), e);
		if (rc < 0)
			return rc;
		if (!rc) {
			char f[48];
			snprintf(f, sizeof f, "members[%d].member_id", i);
			err_field(e, f, "no %s %lld", user ? "user" : "store", (long long)m->member_id);
		}
	}
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if (db_write(db, e, sql_del, "i", id) < 0)
		return db_fail(e);
	for (int i = 0; i < in->nmembers; i++)
		if (db_write(db, e, sql_ins, "iti", id, in->members[i].kind,
			     in->members[i].member_id) < 0)
			return db_fail(e);
	return 0;
}

/* What an audit row keeps of a plan: its id, name, status and members. */
static json_t *plan_audit(json_t *plan)
{
	return json_pack("{s:O,s:O,s:O,s:O}", "id", json_object_get(plan, "id"), "name",
			 json_object_get(plan, "name"), "status", json_object_get(plan, "status"),
			 "members", json_object_get(plan, "members"));
}

/* Reads the plan and its status inside the caller's transaction. */
static int plan_status(struct db *db, int64_t id, char status[16], struct err *e)
{
	static const char sql[] = "SELECT status FROM commission_plans WHERE id = ?";
	status[0] = 0;
	int rc = db_text(db_query(db, e, sql, "i", id), status, 16, e);
	if (rc < 0)
		return rc;
	return rc ? 0 : err_set(e, ERR_NOT_FOUND, "no commission plan %lld", (long long)id);
}

int commission_plan_create(struct db *db, struct arena *a, const struct actor *who,
			   const struct commission_plan_input *in, json_t **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO commission_plans (name, period_kind, status, rules, valid_from, "
		"valid_to, created_by, created_at, updated_at) "
		"VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id";
	struct commission_plan_input c = *in;
	char *rules;
	c.set_members = 1;
	check_plan(a, &c, 1, &rules, e);
	int rc = err_fields_done(e);
	if (rc < 0)
		return rc;
	int64_t now = ts_now_ms(), id = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (db_int(db_query(db, e, sql, "tttttIii", in->name, in->period_kind, rules,
			    in->valid_from, in->valid_to, who->user ? who->user->id : 0, now, now),
		   &id, e) <= 0 ||
	    (rc = write_members(db, id, &c, e)) < 0 || (rc = commission_plan_get(db, a, id, out, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "commission_plan", id, 0, NULL, plan_audit(*out),
			       e)) < 0) {
		json_decref(*out);
		goto fail;
	}
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int commission_plan_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			   const struct commission_plan_input *in, json_t **out, struct err *e)
{
	static const char sql[] =
		"UPDATE commission_plans SET name = COALESCE(?, name), "
		"period_kind = COALESCE(?, period_kind), rules = COALESCE(?, rules), "
		"valid_from = COALESCE(?, valid_from), "
		"valid_to = CASE WHEN ? = 1 THEN ? ELSE valid_to END, updated_at = ? WHERE id = ?";
	char *rules, status[16];
	json_t *before = NULL;
	check_plan(a, in, 0, &rules, e);
	int rc = err_fields_done(e);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = plan_status(db, id, status, e)) < 0)
		goto fail;
	if (strcmp(status, "draft") != 0) {
		rc = err_set(e, ERR_STATE, "the plan is %s: only a draft plan changes", status);
		goto fail;
	}
	if ((rc = commission_plan_get(db, a, id, &before, e)) < 0)
		goto fail;
	if (db_write(db, e, sql, "ttttitii", in->set_name ? in->name : NULL,
		     in->set_period_kind ? in->period_kind : NULL, rules,
		     in->set_valid_from ? in->valid_from : NULL, (int64_t)in->set_valid_to,
		     in->valid_to, ts_now_ms(), id) < 0)
		goto fail;
	if (in->set_members && (rc = write_members(db, id, in, e)) < 0)
		goto fail;
	if ((rc = commission_plan_get(db, a, id, out, e)) < 0)
		goto fail;
	json_t *b = plan_audit(before);
	json_decref(before);
	before = NULL;
	if ((rc = audit_commit(db, who, "update", "commission_plan", id, 0, b, plan_audit(*out),
			       e)) < 0) {
		json_decref(*out);
		goto fail;
	}
	return 0;
fail:
	json_decref(before);
	db_rollback(db);
	return db_fail(e);
}

int commission_plan_delete(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			   struct err *e)
{
	static const char sql_members[] = "DELETE FROM commission_plan_members WHERE plan_id = ?";
	static const char sql[] = "DELETE FROM commission_plans WHERE id = ?";
	char status[16];
	json_t *before = NULL;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = plan_status(db, id, status, e)) < 0)
		goto fail;
	if (strcmp(status, "draft") != 0) {
		rc = err_set(e, ERR_STATE, "the plan is %s: only a draft plan is deleted", status);
		goto fail;
	}
	if ((rc = commission_plan_get(db, a, id, &before, e)) < 0 ||
	    db_write(db, e, sql_members, "i", id) < 0 || db_write(db, e, sql, "i", id) < 0)
		goto fail;
	json_t *b = plan_audit(before);
	json_decref(before);
	before = NULL;
	if ((rc = audit_commit(db, who, "delete", "commission_plan", id, 0, b, NULL, e)) < 0)
		goto fail;
	return 0;
fail:
	json_decref(before);
	db_rollback(db);
	return db_fail(e);
}

int commission_plan_transition(struct db *db, struct arena *a, const struct actor *who,
			       int64_t id, const char *action, json_t **out, struct err *e)
{
	static const char sql_approve[] =
		"UPDATE commission_plans SET status = 'approved', approved_by = ?, approved_at = ?, "
		"updated_at = ? WHERE id = ? AND status = 'draft'";
	static const char sql_close[] =
		"UPDATE commission_plans SET status = 'closed', closed_at = ?, updated_at = ? "
		"WHERE id = ? AND status = 'approved'";
	int approve = strcmp(action, "approve") == 0;
	const char *from = approve ? "draft" : "approved", *to = approve ? "approved" : "closed";
	char status[16];
	int64_t now = ts_now_ms();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = plan_status(db, id, status, e)) < 0)
		goto fail;
	if (strcmp(status, from) != 0) {
		rc = err_set(e, ERR_STATE, "the plan is %s: only a %s plan can be %s", status, from,
			     approve ? "approved" : "closed");
		goto fail;
	}
	if ((approve ? db_write(db, e, sql_approve, "Iiii", who->user ? who->user->id : 0, now, now,
				id)
		     : db_write(db, e, sql_close, "iii", now, now, id)) < 0 ||
	    (rc = commission_plan_get(db, a, id, out, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, action, "commission_plan", id, 0,
			       json_pack("{s:s}", "status", from), json_pack("{s:s}", "status", to),
			       e)) < 0) {
		json_decref(*out);
		goto fail;
	}
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- the calculator ---- */

int commission_calculate(const struct cc_rules *r, int64_t target,
			 const struct commission_sample_line *lines, int n, json_t **out,
			 struct err *e)
{
	int64_t sales = 0, commission = 0, att, bonus;
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		const struct commission_sample_line *s = &lines[i];
		struct cc_line l = {0};
		struct cc_line_result x;
		int64_t share = s->share_bp, part, total_w[2], parts[2];
		char f[48];
		snprintf(f, sizeof f, "sample.lines[%d]", i);
		if (money_mul_qty(s->list_price, s->quantity, &l.list_amount) < 0 ||
		    money_mul_qty(s->unit_price, s->quantity, &l.total) < 0 ||
		    money_mul_qty(s->unit_cost, s->quantity, &l.cost) < 0) {
			err_field(e, f, "the line's value is too large");
			continue;
		}
		/* VAT contained in the price, half-up, as the sale computes it. */
		l.vat = (int64_t)(((__int128)l.total * s->vat_rate + (10000 + s->vat_rate) / 2) /
				  (10000 + s->vat_rate));
		if (cc_line(r, &l, &x, e) < 0)
			goto fail;
		/* The person's share of the line: split against the others' part. */
		total_w[0] = share;
		total_w[1] = 10000 - share;
		if (share == 0) {
			part = 0;
		} else {
			if (cc_split(x.own, total_w, 2, parts, e) < 0)
				goto fail;
			part = parts[0];
		}
		int64_t credited = 0;
		if (share > 0) {
			if (cc_split(l.total, total_w, 2, parts, e) < 0)
				goto fail;
			credited = parts[0];
		}
		if (money_sum(&sales, credited) < 0 || money_sum(&commission, part) < 0) {
			err_field(e, f, "the sample's total is too large");
			continue;
		}
		json_array_append_new(list, json_pack(
			"{s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "list_price",
			(json_int_t)s->list_price, "unit_price", (json_int_t)s->unit_price,
			"quantity", jx_qty_value(s->quantity), "unit_cost", (json_int_t)s->unit_cost,
			"share_bp", (json_int_t)share, "vat_rate", (json_int_t)s->vat_rate, "total",
			(json_int_t)l.total, "price_bp", (json_int_t)x.price_bp, "margin_bp",
			(json_int_t)x.margin_bp, "rate_bp", (json_int_t)x.rate_bp, "line_commission",
			(json_int_t)x.amount, "pool", (json_int_t)x.pool, "amount", (json_int_t)part,
			"reason", cc_reason_names[x.reason]));
	}
	int rc = err_fields_done(e);
	if (rc < 0)
		goto fail;
	if (cc_tier(r, sales, target, &att, &bonus, e) < 0)
		goto fail;
	int64_t total = commission;
	if (money_sum(&total, bonus) < 0) {
		err_set(e, ERR_INVALID, "the commission overflows");
		goto fail;
	}
	*out = json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "lines", list, "sales", (json_int_t)sales,
			 "target", (json_int_t)target, "attainment_bp", (json_int_t)att,
			 "commission", (json_int_t)commission, "tier_bonus", (json_int_t)bonus,
			 "total", (json_int_t)total);
	return 0;
fail:
	json_decref(list);
	return e->code ? e->code : ERR_INVALID;
}
