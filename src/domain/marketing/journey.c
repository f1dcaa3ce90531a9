/* journey.c: journeys and their steps, read, checked and written (see
 * journey.h); the run is in journey_run.c. */
#include "domain/marketing/journey.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

const char *const journey_kinds[] = {"welcome", "winback", "birthday", NULL};
const char *const journey_channels[] = {"sms", "email", "wechat", "in_store", NULL};
const char *const journey_langs[] = {"zh-CN", "en", NULL};
const char *const journey_enrollment_statuses[] = {"active", "completed", "converted", "exited",
						   NULL};

static const char *entry(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return list[i];
	return NULL;
}

/* ---- JSON ---- */

static json_t *messages_json(const struct journey_step *s)
{
	json_t *o = json_object();
	for (int l = 0; l < JOURNEY_LANGS; l++)
		if (s->msg[l].body)
			json_object_set_new(o, journey_langs[l],
					    json_pack("{s:o,s:s}", "subject",
						      jx_strn(s->msg[l].subject), "body",
						      s->msg[l].body));
	return o;
}

json_t *journey_to_json(const struct journey *j)
{
	json_t *steps = json_array();
	for (int i = 0; i < j->nsteps; i++) {
		const struct journey_step *s = &j->steps[i];
		json_array_append_new(
			steps, json_pack("{s:I,s:I,s:s,s:o,s:o}", "step_no", (json_int_t)s->step_no,
					 "delay_days", (json_int_t)s->delay_days, "channel",
					 s->channel, "coupon_template_id",
					 s->template_id ? json_integer(s->template_id) : json_null(),
					 "messages", messages_json(s)));
	}
	const struct journey_stats *st = &j->stats;
	return json_pack("{s:I,s:s,s:s,s:I,s:b,s:o,s:{s:I,s:I,s:I,s:I,s:I},s:o,s:o,s:o}", "id",
			 (json_int_t)j->id, "kind", j->kind, "name", j->name, "trigger_days",
			 (json_int_t)j->trigger_days, "active", j->active, "steps", steps, "stats",
			 "enrolled", (json_int_t)st->enrolled, "active", (json_int_t)st->active,
			 "completed", (json_int_t)st->completed, "converted",
			 (json_int_t)st->converted, "messages", (json_int_t)st->messages,
			 "care_rule_id",
			 j->care_rule_id ? json_integer(j->care_rule_id) : json_null(),
			 "created_at", jx_time(j->created_at), "updated_at", jx_time(j->updated_at));
}

/* The stored messages text into s->msg (in a). */
static void messages_parse(struct arena *a, const char *text, struct journey_step *s)
{
	json_t *o = json_loads(text ? text : "{}", 0, NULL);
	for (int l = 0; l < JOURNEY_LANGS; l++) {
		json_t *m = json_object_get(o, journey_langs[l]);
		const char *body = json_string_value(json_object_get(m, "body"));
		s->msg[l].body = body ? arena_strdup(a, body) : NULL;
		s->msg[l].subject =
			body ? arena_strdup(a, json_string_value(json_object_get(m, "subject"))) : NULL;
	}
	json_decref(o);
}

static char *messages_text(struct arena *a, const struct journey_step *s)
{
	json_t *o = messages_json(s);
	char *t = json_dumps(o, JSON_COMPACT);
	char *r = arena_strdup(a, t);
	free(t);
	json_decref(o);
	return r;
}

/* ---- reads ---- */

#define JOURNEY_COLS \
	"id, kind, name, trigger_days, active, care_rule_id, created_by, created_at, updated_at"

static struct journey *journey_from_row(struct db_stmt *st, struct arena *a)
{
	struct journey *j = arena_calloc(a, 1, sizeof *j);
	j->id = db_col_int64(st, 0);
	j->kind = entry(journey_kinds, db_col_text(st, 1));
	j->name = arena_strdup(a, db_col_text(st, 2));
	j->trigger_days = db_col_int64(st, 3);
	j->active = db_col_int64(st, 4) != 0;
	j->care_rule_id = db_col_int64(st, 5);
	j->created_by = db_col_int64(st, 6);
	j->created_at = db_col_int64(st, 7);
	j->updated_at = db_col_int64(st, 8);
	if (!j->kind)
		j->kind = journey_kinds[0];
	if (!j->name)
		j->name = "";
	return j;
}

/* The journey's steps by step_no and its stats. */
static int journey_fill(struct db *db, struct arena *a, struct journey *j, struct err *e)
{
	static const char sql_steps[] =
		"SELECT step_no, delay_days, channel, template_id, messages FROM journey_steps "
		"WHERE journey_id = ? ORDER BY step_no";
	static const char sql_stats[] =
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN status = 'converted' THEN 1 ELSE 0 END), 0) "
		"FROM journey_enrollments WHERE journey_id = ?";
	static const char sql_messages[] =
		"SELECT COUNT(*) FROM outbox WHERE source = 'journey' AND source_id = ?";
	struct page pg;
	int rc;
	page_init_all(&pg, a, sizeof(struct journey_step));
	struct db_stmt *st = db_query(db, e, sql_steps, "i", j->id);
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct journey_step *s = page_add(&pg);
		s->step_no = db_col_int64(st, 0);
		s->delay_days = db_col_int64(st, 1);
		s->channel = entry(journey_channels, db_col_text(st, 2));
		s->template_id = db_col_int64(st, 3);
		messages_parse(a, db_col_text(st, 4), s);
		if (!s->channel)
			s->channel = journey_channels[0];
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	j->steps = pg.rows;
	j->nsteps = pg.n;
	if (!(st = db_query(db, e, sql_stats, "i", j->id)) || db_step(st, e) != DB_ROW)
		return db_fail(e);
	j->stats.enrolled = db_col_int64(st, 0);
	j->stats.active = db_col_int64(st, 1);
	j->stats.completed = db_col_int64(st, 2);
	j->stats.converted = db_col_int64(st, 3);
	db_reset(st);
	return db_int(db_query(db, e, sql_messages, "i", j->id), &j->stats.messages, e) < 0
		       ? db_fail(e)
		       : 0;
}

int journey_get(struct db *db, struct arena *a, int64_t id, struct journey **out, struct err *e)
{
	static const char sql[] = "SELECT " JOURNEY_COLS " FROM journeys WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "journey", id, e);
	if (rc < 0)
		return rc;
	struct journey *j = journey_from_row(st, a);
	db_reset(st);
	if ((rc = journey_fill(db, a, j, e)) < 0)
		return rc;
	*out = j;
	return 0;
}

int journey_list(struct db *db, struct arena *a, const char *kind, int64_t after_id, int limit,
		 struct journey ***out, int *n, int *more, struct err *e)
{
	static const char sql[] = "SELECT " JOURNEY_COLS " FROM journeys WHERE id > ? "
				  "AND (CAST(? AS TEXT) IS NULL OR kind = ?) ORDER BY id LIMIT ?";
	struct page pg;
	int rc;
	page_init(&pg, a, limit, sizeof(struct journey *));
	struct db_stmt *st = db_query(db, e, sql, "itti", after_id, kind, kind, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct journey **)page_add(&pg) = journey_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	struct journey **list = pg.rows;
	for (int i = 0; i < pg.n; i++)
		if ((rc = journey_fill(db, a, list[i], e)) < 0)
			return rc;
	*out = list;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

/* ---- checks ---- */

static int can_write(const struct actor *who, struct err *e)
{
	if (who->user && (who->user->role & ROLE_STORE_BOUND))
		return err_set(e, ERR_FORBIDDEN, "journeys are company-wide: head office sets them");
	return 0;
}

static void check_trigger(const char *kind, int64_t days, struct err *e)
{
	if (!kind)
		return;
	if (strcmp(kind, "welcome") == 0 && days != 0)
		err_field(e, "trigger_days", "must be 0 for a welcome journey");
	else if (strcmp(kind, "winback") == 0 && (days < 1 || days > JOURNEY_WINBACK_MAX))
		err_field(e, "trigger_days", "must be between 1 and %d days without a purchase",
			  JOURNEY_WINBACK_MAX);
	else if (strcmp(kind, "birthday") == 0 && (days < 0 || days > JOURNEY_BIRTHDAY_MAX))
		err_field(e, "trigger_days", "must be between 0 and %d days before the birthday",
			  JOURNEY_BIRTHDAY_MAX);
}

static int check_steps(struct db *db, struct arena *a, const struct journey_step *s, int n,
		       struct err *e)
{
	static const char sql_tpl[] = "SELECT 1 FROM coupon_templates WHERE id = ?";
	if (n < 1)
		err_field(e, "steps", "must hold at least one step");
	for (int i = 0; i < n; i++) {
		const char *f = arena_printf(a, "steps[%d].", i);
		int texts = 0;
		if (s[i].delay_days < 0 || s[i].delay_days > JOURNEY_DELAY_MAX)
			err_field(e, arena_printf(a, "%sdelay_days", f), "must be between 0 and %d",
				  JOURNEY_DELAY_MAX);
		if (!entry(journey_channels, s[i].channel))
			err_field(e, arena_printf(a, "%schannel", f),
				  "must be one of: sms, email, wechat, in_store");
		for (int l = 0; l < JOURNEY_LANGS; l++) {
			const struct journey_msg *m = &s[i].msg[l];
			if (!m->body)
				continue;
			texts++;
			text_check(e, arena_printf(a, "%smessages.%s.body", f, journey_langs[l]),
				   m->body, 1, JOURNEY_BODY_MAX);
			if (m->subject)
				text_check(e,
					   arena_printf(a, "%smessages.%s.subject", f,
							journey_langs[l]),
					   m->subject, 0, JOURNEY_SUBJECT_MAX);
		}
		if (!texts && s[i].channel && strcmp(s[i].channel, "in_store") != 0)
			err_field(e, arena_printf(a, "%smessages", f),
				  "needs a message in zh-CN or en for this channel");
		if (!texts && !s[i].template_id)
			err_field(e, arena_printf(a, "%scoupon_template_id", f),
				  "is required for an in_store step (it sends no message)");
		if (s[i].template_id) {
			int rc = db_exists(db_query(db, e, sql_tpl, "i", s[i].template_id), e);
			if (rc < 0)
				return rc;
			if (!rc)
				err_field(e, arena_printf(a, "%scoupon_template_id", f),
					  "coupon template %lld does not exist",
					  (long long)s[i].template_id);
		}
	}
	return 0;
}

/* ---- writes ---- */

static int write_steps(struct db *db, struct arena *a, int64_t id, const struct journey_step *s,
		       int n, struct err *e)
{
	static const char sql_rm[] = "DELETE FROM journey_steps WHERE journey_id = ?";
	static const char sql_add[] =
		"INSERT INTO journey_steps (journey_id, step_no, delay_days, channel, template_id, "
		"messages) VALUES (?, ?, ?, ?, ?, ?)";
	if (db_run(db_query(db, e, sql_rm, "i", id), e) < 0)
		return db_fail(e);
	for (int i = 0; i < n; i++)
		if (db_run(db_query(db, e, sql_add, "iiitIt", id, (int64_t)i + 1, s[i].delay_days,
				    s[i].channel, s[i].template_id, messages_text(a, &s[i])),
			   e) < 0)
			return db_fail(e);
	return 0;
}

/* Reads back the journey id and commits with its audit row. */
static int journey_saved(struct db *db, struct arena *a, const struct actor *who,
			 const char *action, int64_t id, const struct journey *old,
			 struct journey **out, struct err *e)
{
	int rc = journey_get(db, a, id, out, e);
	if (rc < 0)
		return rc;
	return audit_commit(db, who, action, "journey", id, 0, old ? journey_to_json(old) : NULL,
			    journey_to_json(*out), e);
}

int journey_create(struct db *db, struct arena *a, const struct actor *who,
		   const struct journey_input *in, struct journey **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO journeys (kind, name, trigger_days, active, created_by, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
	int64_t now = ts_now_ms(), id = 0;
	const char *kind = entry(journey_kinds, in->kind);
	int rc;
	if ((rc = can_write(who, e)) < 0)
		return rc;
	if (!kind)
		err_field(e, "kind", in->kind ? "must be one of: welcome, winback, birthday"
					      : "is required");
	text_check(e, "name", in->name, 1, JOURNEY_NAME_MAX);
	check_trigger(kind, in->set_trigger_days ? in->trigger_days : 0, e);
	if (!in->set_steps)
		err_field(e, "steps", "is required");
	else if ((rc = check_steps(db, a, in->steps, in->nsteps, e)) < 0)
		return rc;
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (db_int(db_query(db, e, sql, "ttiiIii", kind, in->name,
			    in->set_trigger_days ? in->trigger_days : 0,
			    (int64_t)(in->active != 0), who->user ? who->user->id : 0, now, now),
		   &id, e) <= 0 ||
	    write_steps(db, a, id, in->steps, in->nsteps, e) < 0 ||
	    journey_saved(db, a, who, "create", id, NULL, out, e) < 0) {
		db_rollback(db);
		return db_fail(e);
	}
	return 0;
}

int journey_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   const struct journey_input *in, struct journey **out, struct err *e)
{
	static const char sql[] = "UPDATE journeys SET name = ?, trigger_days = ?, active = ?, "
				  "updated_at = ? WHERE id = ?";
	struct journey *old;
	int rc;
	if ((rc = can_write(who, e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = journey_get(db, a, id, &old, e)) < 0)
		goto fail;
	if (in->set_kind && (!in->kind || strcmp(in->kind, old->kind) != 0))
		err_field(e, "kind", "cannot change (%s): make a new journey", old->kind);
	if (in->set_name)
		text_check(e, "name", in->name, 1, JOURNEY_NAME_MAX);
	int64_t days = in->set_trigger_days ? in->trigger_days : old->trigger_days;
	if (in->set_trigger_days)
		check_trigger(old->kind, days, e);
	if (in->set_steps && (rc = check_steps(db, a, in->steps, in->nsteps, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	if (db_run(db_query(db, e, sql, "tiiii", in->set_name ? in->name : old->name, days,
			    (int64_t)(in->active >= 0 ? in->active : old->active), ts_now_ms(), id),
		   e) < 0 ||
	    (in->set_steps && write_steps(db, a, id, in->steps, in->nsteps, e) < 0) ||
	    journey_saved(db, a, who, "update", id, old, out, e) < 0) {
		rc = db_fail(e);
		goto fail;
	}
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int journey_delete(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	static const char sql_used[] = "SELECT 1 FROM journey_enrollments WHERE journey_id = ?";
	static const char sql_steps[] = "DELETE FROM journey_steps WHERE journey_id = ?";
	static const char sql_rm[] = "DELETE FROM journeys WHERE id = ?";
	struct arena *a = arena_new();
	struct journey *old;
	int rc;
	if ((rc = can_write(who, e)) < 0 || (rc = db_begin(db, 1, e)) < 0)
		goto out;
	if ((rc = journey_get(db, a, id, &old, e)) < 0 ||
	    (rc = db_exists(db_query(db, e, sql_used, "i", id), e)) < 0)
		goto fail;
	if (rc) {
		rc = err_set(e, ERR_STATE,
			     "journey %lld has enrolled customers: deactivate it instead "
			     "(active: false)",
			     (long long)id);
		goto fail;
	}
	if (db_run(db_query(db, e, sql_steps, "i", id), e) < 0 ||
	    db_run(db_query(db, e, sql_rm, "i", id), e) < 0 ||
	    audit_commit(db, who, "delete", "journey", id, 0, journey_to_json(old), NULL, e) < 0) {
		rc = db_fail(e);
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	db_rollback(db);
out:
	arena_free(a);
	return rc;
}

/* ---- enrollments ---- */

json_t *journey_enrollment_to_json(const struct journey_enrollment *x)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:o,s:s,s:s,s:I,s:o,s:o,s:o,s:o}", "id",
			 (json_int_t)x->id, "journey_id", (json_int_t)x->journey_id,
			 "customer_id", (json_int_t)x->customer_id, "customer_name",
			 x->customer_name ? x->customer_name : "", "member_code",
			 jx_strn(x->member_code), "occurrence", x->occurrence ? x->occurrence : "",
			 "status", x->status ? x->status : "", "next_step",
			 (json_int_t)x->next_step, "next_at", jx_time(x->next_at), "coupon_code",
			 jx_strn(x->coupon_code), "enrolled_at", jx_time(x->enrolled_at),
			 "updated_at", jx_time(x->updated_at));
}

int journey_enrollments(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			const char *status, int64_t after_id, int limit,
			struct journey_enrollment **out, int *n, int *more, struct err *e)
{
	static const char sql_journey[] = "SELECT 1 FROM journeys WHERE id = ?";
	static const char sql[] =
		"SELECT e.id, e.journey_id, e.customer_id, c.name, c.member_code, e.occurrence, "
		"e.status, e.next_step, e.next_at, k.code, e.enrolled_at, e.updated_at "
		"FROM journey_enrollments e JOIN customers c ON c.id = e.customer_id "
		"LEFT JOIN coupons k ON k.id = e.coupon_id "
		"WHERE e.journey_id = ? AND e.id > ? AND (CAST(? AS TEXT) IS NULL OR e.status = ?) "
		"AND (? = 0 OR EXISTS (SELECT 1 FROM customer_stores cs JOIN user_stores us "
		"ON us.store_id = cs.store_id WHERE cs.customer_id = c.id AND us.user_id = ?)) "
		"ORDER BY e.id LIMIT ?";
	int64_t scope = who->user && (who->user->role & ROLE_STORE_BOUND) ? who->user->id : 0;
	struct page pg;
	int rc = db_exists(db_query(db, e, sql_journey, "i", id), e);
	if (rc < 0)
		return rc;
	if (!rc)
		return err_set(e, ERR_NOT_FOUND, "no journey %lld", (long long)id);
	page_init(&pg, a, limit, sizeof(struct journey_enrollment));
	struct db_stmt *st = db_query(db, e, sql, "iittiii", id, after_id, status, status, scope,
				      scope, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct journey_enrollment *x = page_add(&pg);
		x->id = db_col_int64(st, 0);
		x->journey_id = db_col_int64(st, 1);
		x->customer_id = db_col_int64(st, 2);
		x->customer_name = arena_strdup(a, db_col_text(st, 3));
		x->member_code = arena_strdup(a, db_col_text(st, 4));
		x->occurrence = arena_strdup(a, db_col_text(st, 5));
		x->status = arena_strdup(a, db_col_text(st, 6));
		x->next_step = db_col_int64(st, 7);
		x->next_at = db_col_int64(st, 8);
		x->coupon_code = arena_strdup(a, db_col_text(st, 9));
		x->enrolled_at = db_col_int64(st, 10);
		x->updated_at = db_col_int64(st, 11);
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
