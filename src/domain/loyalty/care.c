/* care.c: care rules and the daily care run (see care.h). */
#include "domain/loyalty/care.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/log.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/outbox.h"
#include "domain/org/audit.h"

const char *const care_kinds[] = {"birthday", "holiday", NULL};

#define RULE_COLS                                                                            \
	"id, kind, name, month_day, days_before, template_id, channels, message, active, " \
	"created_at, updated_at"

/* Customers per transaction of the run. */
#define CARE_SLICE 200

static const char *kind_entry(const char *k)
{
	for (int i = 0; k && care_kinds[i]; i++)
		if (strcmp(care_kinds[i], k) == 0)
			return care_kinds[i];
	return NULL;
}

static char *channels_text(struct arena *a, unsigned ch)
{
	json_t *arr = json_array();
	for (int i = 0; outbox_channels[i]; i++)
		if (ch & (1u << i))
			json_array_append_new(arr, json_string(outbox_channels[i]));
	char *s = json_dumps(arr, JSON_COMPACT);
	char *r = arena_strdup(a, s);
	free(s);
	json_decref(arr);
	return r;
}

static unsigned channels_parse(const char *text)
{
	json_t *j = json_loads(text ? text : "[]", 0, NULL);
	unsigned ch = 0;
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v)
		for (int k = 0; outbox_channels[k]; k++)
			if (json_is_string(v) && strcmp(json_string_value(v), outbox_channels[k]) == 0)
				ch |= 1u << k;
	json_decref(j);
	return ch;
}

json_t *care_rule_to_json(const struct care_rule *r)
{
	json_t *o = json_object(), *ch = json_array();
	for (int i = 0; outbox_channels[i]; i++)
		if (r->channels & (1u << i))
			json_array_append_new(ch, json_string(outbox_channels[i]));
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "kind", jx_strn(r->kind));
	json_object_set_new(o, "name", jx_strn(r->name));
	json_object_set_new(o, "month_day", jx_strn(r->month_day));
	json_object_set_new(o, "days_before", json_integer(r->days_before));
	json_object_set_new(o, "template_id",
			    r->template_id ? json_integer(r->template_id) : json_null());
	json_object_set_new(o, "channels", ch);
	json_object_set_new(o, "message", jx_strn(r->message));
	json_object_set_new(o, "active", json_boolean(r->active));
	json_object_set_new(o, "created_at", jx_time(r->created_at));
	json_object_set_new(o, "updated_at", jx_time(r->updated_at));
	return o;
}

static void rule_read(struct db_stmt *st, struct arena *a, struct care_rule *r)
{
	r->id = db_col_int64(st, 0);
	r->kind = kind_entry(db_col_text(st, 1));
	r->name = arena_strdup(a, db_col_text(st, 2));
	r->month_day = arena_strdup(a, db_col_text(st, 3));
	r->days_before = db_col_int64(st, 4);
	r->template_id = db_col_int64(st, 5);
	r->channels = channels_parse(db_col_text(st, 6));
	r->message = arena_strdup(a, db_col_text(st, 7));
	r->active = db_col_int64(st, 8) != 0;
	r->created_at = db_col_int64(st, 9);
	r->updated_at = db_col_int64(st, 10);
	if (!r->kind)
		r->kind = care_kinds[0];
}

int care_rule_get(struct db *db, struct arena *a, int64_t id, struct care_rule **out,
		  struct err *e)
{
	static const char sql[] = "SELECT " RULE_COLS " FROM care_rules WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "care rule", id, e);
	if (rc < 0)
		return rc;
	struct care_rule *r = arena_calloc(a, 1, sizeof *r);
	rule_read(st, a, r);
	db_reset(st);
	*out = r;
	return 0;
}

int care_rule_list(struct db *db, struct arena *a, struct care_rule **out, int *n, struct err *e)
{
	static const char sql[] = "SELECT " RULE_COLS " FROM care_rules ORDER BY id";
	struct db_stmt *st = db_query(db, e, sql, "");
	int rc, cap = 8;
	struct care_rule *rows = arena_calloc(a, (size_t)cap, sizeof *rows);
	*n = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			struct care_rule *bigger = arena_calloc(a, (size_t)cap * 2, sizeof *bigger);
			memcpy(bigger, rows, (size_t)cap * sizeof *rows);
			rows = bigger;
			cap *= 2;
		}
		rule_read(st, a, &rows[(*n)++]);
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*out = rows;
	return 0;
}

/* "MM-DD", a day of some year (02-29 included). */
static int month_day_valid(const char *md)
{
	char d[11];
	if (!md || strlen(md) != 5)
		return 0;
	snprintf(d, sizeof d, "2000-%s", md);
	return ts_day_valid(d);
}

static int rule_build(struct db *db, struct arena *a, const struct care_rule *old,
		      const struct care_rule_input *in, struct care_rule *r, struct err *e)
{
	static const char sql_tpl[] = "SELECT 1 FROM coupon_templates WHERE id = ?";
	int creating = old == NULL;
	if (old)
		*r = *old;
	else
		*r = (struct care_rule){.channels = CARE_SMS, .active = 1};
	if (creating || in->set_kind) {
		r->kind = kind_entry(in->kind);
		if (!r->kind)
			err_field(e, "kind", in->kind ? "must be one of: birthday, holiday"
						      : "is required");
	}
	if (creating || in->set_name) {
		if (!in->name)
			err_field(e, "name", "is required");
		else if (text_blank(in->name, strlen(in->name)))
			err_field(e, "name", "must not be empty");
		else if (utf8_chars(in->name) > CARE_NAME_MAX)
			err_field(e, "name", "must be at most %d characters", CARE_NAME_MAX);
		r->name = arena_strdup(a, in->name);
	}
	if (creating || in->set_message) {
		if (!in->message)
			err_field(e, "message", "is required");
		else if (text_blank(in->message, strlen(in->message)))
			err_field(e, "message", "must not be empty");
		else if (utf8_chars(in->message) > CARE_MESSAGE_MAX)
			err_field(e, "message", "must be at most %d characters", CARE_MESSAGE_MAX);
		r->message = arena_strdup(a, in->message);
	}
	if (creating || in->set_month_day)
		r->month_day = in->set_month_day ? arena_strdup(a, in->month_day) : NULL;
	if (creating || in->set_days_before)
		r->days_before = in->set_days_before ? in->days_before : 0;
	if (creating || in->set_template_id)
		r->template_id = in->set_template_id ? in->template_id : 0;
	if (in->set_channels)
		r->channels = in->channels;
	if (in->active >= 0)
		r->active = in->active;
	if (r->kind && strcmp(r->kind, "holiday") == 0 && !r->month_day)
		err_field(e, "month_day", "is required for a holiday (MM-DD)");
	else if (r->kind && strcmp(r->kind, "birthday") == 0 && r->month_day)
		err_field(e, "month_day", "is for holidays only (a birthday is the customer's)");
	else if (r->month_day && !month_day_valid(r->month_day))
		err_field(e, "month_day", "must be a month and day MM-DD");
	if (r->days_before < 0 || r->days_before > CARE_DAYS_BEFORE_MAX)
		err_field(e, "days_before", "must be between 0 and %d", CARE_DAYS_BEFORE_MAX);
	if ((creating || in->set_template_id) && r->template_id) {
		int rc = db_exists(db_query(db, e, sql_tpl, "i", r->template_id), e);
		if (rc < 0)
			return rc;
		if (!rc)
			err_field(e, "template_id", "coupon template %lld does not exist",
				  (long long)r->template_id);
	}
	return 0;
}

static struct db_stmt *rule_query(struct db *db, struct arena *a, const char *sql,
				  const struct care_rule *r, struct err *e)
{
	return db_query(db, e, sql, "tttiItti", r->kind, r->name, r->month_day, r->days_before,
			r->template_id, channels_text(a, r->channels), r->message, (int64_t)r->active);
}

static int rule_saved(struct db *db, struct arena *a, const struct actor *who, const char *action,
		      int64_t id, const struct care_rule *old, struct care_rule **out, struct err *e)
{
	struct care_rule *r;
	int rc = care_rule_get(db, a, id, &r, e);
	if (rc < 0)
		return rc;
	rc = audit_commit(db, who, action, "care_rule", id, 0, old ? care_rule_to_json(old) : NULL,
			  care_rule_to_json(r), e);
	if (rc < 0)
		return rc;
	*out = r;
	return 0;
}

int care_rule_create(struct db *db, struct arena *a, const struct actor *who,
		     const struct care_rule_input *in, struct care_rule **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO care_rules (kind, name, month_day, days_before, template_id, channels, "
		"message, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id";
	struct care_rule r;
	int64_t now = ts_now_ms(), id = 0;
	int rc = rule_build(db, a, NULL, in, &r, e);
	if (rc < 0 || (rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st = rule_query(db, a, sql, &r, e);
	if (st) {
		db_bind_int64(st, 9, now);
		db_bind_int64(st, 10, now);
	}
	if (db_int(st, &id, e) <= 0 || rule_saved(db, a, who, "create", id, NULL, out, e) < 0) {
		db_rollback(db);
		return db_fail(e);
	}
	return 0;
}

int care_rule_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     const struct care_rule_input *in, struct care_rule **out, struct err *e)
{
	static const char sql[] =
		"UPDATE care_rules SET kind = ?, name = ?, month_day = ?, days_before = ?, "
		"template_id = ?, channels = ?, message = ?, active = ?, updated_at = ? WHERE id = ?";
	struct care_rule *old, r;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = care_rule_get(db, a, id, &old, e)) < 0 ||
	    (rc = rule_build(db, a, old, in, &r, e)) < 0 || (rc = err_fields_done(e)) < 0)
		goto fail;
	struct db_stmt *st = rule_query(db, a, sql, &r, e);
	if (st) {
		db_bind_int64(st, 9, ts_now_ms());
		db_bind_int64(st, 10, id);
	}
	if (db_run(st, e) < 0 || rule_saved(db, a, who, "update", id, old, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

char *care_render(struct arena *a, const char *message, const char *name, const char *coupon,
		  const char *store, const char *points)
{
	static const struct {
		const char *var;
		size_t len;
	} vars[] = {{"{name}", 6}, {"{coupon}", 8}, {"{store}", 7}, {"{points}", 8}};
	enum { NVARS = sizeof vars / sizeof vars[0] };
	const char *values[NVARS] = {name, coupon, store, points};
	struct buf b;
	buf_init(&b, 0);
	for (const char *p = message; *p;) {
		size_t k = 0;
		for (; k < NVARS; k++)
			if (strncmp(p, vars[k].var, vars[k].len) == 0)
				break;
		if (k < NVARS) {
			buf_puts(&b, values[k] ? values[k] : "");
			p += vars[k].len;
		} else {
			buf_append(&b, p, 1);
			p++;
		}
	}
	char *s = arena_strdup(a, b.data ? b.data : "");
	buf_release(&b);
	return s;
}

/* ---- the run ---- */

struct care_target {
	int64_t id;
	const char *name, *phone, *email, *member_code, *store, *points;
	int consent[3]; /* sms, email, wechat */
};

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The next slice of customers rule r has not cared for in year, after
 * after_id: md and md2 the birth month-days (birthday rules), all for a
 * holiday. *n rows in a. */
static int next_slice(struct db *db, struct arena *a, const struct care_rule *r, int all,
		      const char *md, const char *md2, int64_t year, int64_t after_id,
		      struct care_target **out, int *n, struct err *e)
{
#define TARGET_COLS                                                                     \
	"SELECT c.id, c.name, c.phone, c.email, c.member_code, c.consent_sms, "         \
	"c.consent_email, c.consent_wechat, s.name, c.points_balance FROM customers c " \
	"LEFT JOIN stores s ON s.id = c.home_store_id WHERE c.id > ? AND c.erased_at IS NULL "
#define NOT_SENT                                                                        \
	"AND NOT EXISTS (SELECT 1 FROM care_sent cs WHERE cs.rule_id = ? "              \
	"AND cs.customer_id = c.id AND cs.year = ?) ORDER BY c.id LIMIT ?"
	static const char sql_birthday[] = TARGET_COLS "AND c.birth_md IN (?, ?) " NOT_SENT;
	static const char sql_all[] = TARGET_COLS NOT_SENT;
	struct db_stmt *st = all ? db_query(db, e, sql_all, "iiii", after_id, r->id, year,
					    (int64_t)CARE_SLICE)
				 : db_query(db, e, sql_birthday, "ittiii", after_id, md, md2, r->id,
					    year, (int64_t)CARE_SLICE);
	if (!st)
		return db_fail(e);
	struct care_target *t = arena_calloc(a, CARE_SLICE, sizeof *t);
	int rc;
	*n = 0;
	while (*n < CARE_SLICE && (rc = db_step(st, e)) == DB_ROW) {
		struct care_target *x = &t[(*n)++];
		x->id = db_col_int64(st, 0);
		x->name = arena_strdup(a, db_col_text(st, 1));
		x->phone = arena_strdup(a, db_col_text(st, 2));
		x->email = arena_strdup(a, db_col_text(st, 3));
		x->member_code = arena_strdup(a, db_col_text(st, 4));
		for (int k = 0; k < 3; k++)
			x->consent[k] = db_col_int64(st, 5 + k) != 0;
		x->store = arena_strdup(a, db_col_text(st, 8));
		x->points = arena_printf(a, "%lld", (long long)db_col_int64(st, 9));
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*out = t;
	return 0;
}

/* Cares for one customer inside the slice's transaction. */
static int care_one(struct db *db, struct arena *a, const struct care_rule *r,
		    const struct coupon_template *t, const struct care_target *x, int64_t year,
		    int64_t now, struct care_stats *st, struct err *e)
{
	static const char sql_sent[] =
		"INSERT INTO care_sent (rule_id, customer_id, year, at) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (rule_id, customer_id, year) DO NOTHING";
	static const char sql_coupon[] =
		"UPDATE care_sent SET coupon_id = ? WHERE rule_id = ? AND customer_id = ? AND year = ?";
	static const struct actor system = {0};
	struct db_stmt *q = db_query(db, e, sql_sent, "iiii", r->id, x->id, year, now);
	if (!q || db_run(q, e) < 0)
		return db_fail(e);
	if (db_changes(q) != 1)
		return 0; /* cared for meanwhile */
	st->customers++;
	struct coupon *c = NULL;
	if (t) {
		struct err ce;
		err_init(&ce);
		const char *reason = arena_printf(a, "care: %s", r->name);
		int rc = coupon_issue_tx(db, a, &system, t, x->id, reason, now, &c, &ce);
		if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
			c = NULL; /* limit reached, or the template no longer issues */
		} else if (rc < 0) {
			*e = ce;
			return rc;
		} else {
			st->coupons++;
			q = db_query(db, e, sql_coupon, "iiii", c->id, r->id, x->id, year);
			if (!q || db_run(q, e) < 0)
				return db_fail(e);
		}
	}
	const char *body = care_render(a, r->message, x->name, c ? c->code : NULL, x->store,
					   x->points);
	const char *to[3] = {x->phone, x->email, x->member_code};
	for (int k = 0; k < 3; k++) {
		if (!(r->channels & (1u << k)) || !x->consent[k] || !to[k] || !*to[k])
			continue;
		int rc = outbox_queue(db, x->id, outbox_channels[k], to[k], k == 1 ? r->name : NULL,
				      body, "care", r->id, now, e);
		if (rc < 0)
			return rc;
		st->messages++;
	}
	return 0;
}

/* One rule's run for the occasion on day target ('YYYY-MM-DD'). */
static int run_rule(struct db *db, const struct care_rule *r, const char *target, int64_t now,
		    struct care_stats *st, struct err *e)
{
	const char *md = target + 5;
	int64_t year = (target[0] - '0') * 1000 + (target[1] - '0') * 100 +
		       (target[2] - '0') * 10 + (target[3] - '0');
	/* 02-29 is celebrated on 02-28 in a common year. */
	const char *md2 = strcmp(md, "02-28") == 0 && !is_leap(year) ? "02-29" : md;
	int all = strcmp(r->kind, "holiday") == 0;
	if (all && strcmp(r->month_day, md) != 0 && strcmp(r->month_day, md2) != 0)
		return 0;
	struct arena *ra = arena_new();
	struct coupon_template *t = NULL;
	int rc = 0;
	if (r->template_id && (rc = coupon_template_get(db, ra, r->template_id, &t, e)) < 0) {
		if (rc != ERR_NOT_FOUND)
			goto done;
		err_init(e);
		t = NULL;
		rc = 0;
	}
	int64_t after = 0;
	for (;;) {
		struct arena *sa = arena_new();
		struct care_target *xs = NULL;
		int n = 0;
		if ((rc = next_slice(db, sa, r, all, md, md2, year, after, &xs, &n, e)) < 0 ||
		    n == 0) {
			arena_free(sa);
			break;
		}
		if ((rc = db_begin(db, 1, e)) < 0) {
			arena_free(sa);
			break;
		}
		for (int i = 0; i < n && rc == 0; i++)
			rc = care_one(db, sa, r, t, &xs[i], year, now, st, e);
		rc = rc < 0 ? (db_rollback(db), rc) : db_commit(db, e);
		after = xs[n - 1].id;
		arena_free(sa);
		if (rc < 0 || n < CARE_SLICE)
			break;
	}
done:
	arena_free(ra);
	return rc;
}

int care_run(struct db *db, int64_t now, struct care_stats *stats, struct err *e)
{
	struct care_stats local = {0};
	struct care_stats *st = stats ? stats : &local;
	*st = (struct care_stats){0};
	struct arena *a = arena_new();
	struct care_rule *rules;
	int n, rc = care_rule_list(db, a, &rules, &n, e);
	char today[11];
	ts_day(now, today, sizeof today);
	for (int i = 0; rc == 0 && i < n; i++) {
		if (!rules[i].active)
			continue;
		/* The occasion's day: today + days_before (noon of it, whatever
		 * the clocks did in between). */
		int64_t start;
		char target[11];
		if (ts_day_start(today, &start) < 0)
			break;
		ts_day(start + rules[i].days_before * 86400000 + 12 * 3600000, target, sizeof target);
		rc = run_rule(db, &rules[i], target, now, st, e);
	}
	arena_free(a);
	return rc;
}
