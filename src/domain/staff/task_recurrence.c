/* task_recurrence.c: recurring tasks (see task_recurrence.h): the due-day
 * arithmetic, the templates with their store scoping, and the job that
 * makes each due task once. */
#include "domain/staff/task_recurrence.h"

#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/crm/crm_check.h"
#include "domain/crm/task.h"
#include "domain/org/audit.h"
#include "domain/staff/staff_json.h"

const char *const recur_rules[] = {"weekly", "monthly", NULL};

/* ISO weekday of a day number (1970-01-01, day 0, was a Thursday). */
static int64_t weekday_of(int64_t z)
{
	int64_t w = (z + 3) % 7;
	return (w < 0 ? w + 7 : w) + 1;
}

static int monthday_of(const char *day)
{
	return (day[8] - '0') * 10 + (day[9] - '0');
}

/* Steps from day by dir (-1 or 1) until the rule is due; at most 31 steps. */
static int recur_walk(const char *rule, int64_t weekday, int64_t monthday, const char *day,
		      int dir, char *out)
{
	int64_t z;
	int weekly;

	if (!rule || ts_day_number(day, &z) < 0)
		return -1;
	weekly = strcmp(rule, "weekly") == 0;
	if (!weekly && strcmp(rule, "monthly") != 0)
		return -1;
	if (weekly ? (weekday < 1 || weekday > 7) : (monthday < 1 || monthday > 28))
		return -1;
	for (int i = 0; i <= 31; i++, z += dir) {
		ts_day_from_number(z, out);
		if (weekly ? weekday_of(z) == weekday : monthday_of(out) == monthday)
			return 0;
	}
	return -1;
}

int recur_due_on_or_before(const char *rule, int64_t weekday, int64_t monthday, const char *day,
			   char *out)
{
	return recur_walk(rule, weekday, monthday, day, -1, out);
}

int recur_due_on_or_after(const char *rule, int64_t weekday, int64_t monthday, const char *day,
			  char *out)
{
	return recur_walk(rule, weekday, monthday, day, 1, out);
}

static json_t *list_json(const char *const *s, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(s[i]));
	return arr;
}

json_t *recur_to_json(const struct task_recurrence *t)
{
	return json_pack("{s:I,s:s,s:o,s:I,s:o,s:s,s:o,s:o,s:o,s:s,s:b,s:o,s:o,s:o}", "id",
			 (json_int_t)t->id, "title", t->title, "note", jx_strn(t->note),
			 "store_id", (json_int_t)t->store_id, "assignee_id",
			 staff_id_json(t->assignee_id), "rule", t->rule, "weekday",
			 staff_id_json(t->weekday), "monthday", staff_id_json(t->monthday), "checklist",
			 list_json(t->checklist, t->nchecklist), "next_day", t->next_day, "active",
			 t->active, "created_by", staff_id_json(t->created_by), "created_at",
			 jx_time(t->created_at), "updated_at", jx_time(t->updated_at));
}

static json_t *recur_audit(const struct task_recurrence *t)
{
	return json_pack("{s:I,s:I,s:o,s:s,s:o,s:o,s:s,s:b,s:I}", "id", (json_int_t)t->id,
			 "store_id", (json_int_t)t->store_id, "assignee_id",
			 staff_id_json(t->assignee_id), "rule", t->rule, "weekday",
			 staff_id_json(t->weekday), "monthday", staff_id_json(t->monthday), "next_day",
			 t->next_day, "active", t->active, "checklist", (json_int_t)t->nchecklist);
}

static char *checklist_text(struct arena *a, const char *const *s, int n)
{
	return staff_json_text(a, list_json(s, n));
}

#define RECUR_COLS                                                              \
	"r.id, r.title, r.note, r.store_id, r.assignee_id, r.rule, r.weekday,"     \
	" r.monthday, r.checklist, r.next_day, r.active, r.created_by, r.created_at," \
	" r.updated_at"

#define RECUR_SCOPE                                                             \
	" (? = 0 OR r.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "

static struct task_recurrence *recur_from_row(struct db_stmt *st, struct arena *a)
{
	struct task_recurrence *t = arena_alloc(a, sizeof *t);
	json_t *arr, *x;
	size_t i;

	t->id = db_col_int64(st, 0);
	t->title = arena_strdup(a, db_col_text(st, 1));
	t->note = arena_strdup(a, db_col_text(st, 2));
	t->store_id = db_col_int64(st, 3);
	t->assignee_id = db_col_int64(st, 4);
	t->rule = arena_strdup(a, db_col_text(st, 5));
	t->weekday = db_col_int64(st, 6);
	t->monthday = db_col_int64(st, 7);
	arr = json_loads(db_col_text(st, 8) ? db_col_text(st, 8) : "[]", 0, NULL);
	t->checklist = arena_calloc(a, json_array_size(arr) + 1, sizeof *t->checklist);
	json_array_foreach(arr, i, x) {
		if (json_is_string(x))
			t->checklist[t->nchecklist++] = arena_strdup(a, json_string_value(x));
	}
	json_decref(arr);
	t->next_day = arena_strdup(a, db_col_text(st, 9));
	t->active = db_col_int64(st, 10) != 0;
	t->created_by = db_col_int64(st, 11);
	t->created_at = db_col_int64(st, 12);
	t->updated_at = db_col_int64(st, 13);
	return t;
}

static const char SQL_RECUR_GET[] =
	"SELECT " RECUR_COLS " FROM task_recurrences r WHERE r.id = ? AND" RECUR_SCOPE;

int recur_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      struct task_recurrence **out, struct err *e)
{
	int64_t scoped, uid;
	struct db_stmt *st;
	int rc;

	crm_scope(who, &scoped, &uid);
	st = db_query(db, e, SQL_RECUR_GET, "iii", id, scoped, uid);
	if ((rc = db_get_row(st, "task recurrence", id, e)) < 0)
		return rc;
	*out = recur_from_row(st, a);
	db_reset(st);
	return 0;
}

/* Field checks that need no database (every field of r, as merged). */
static void recur_check(const struct task_recurrence *r, struct err *e)
{
	char day[11];

	text_check(e, "title", r->title, 1, TASK_TITLE_MAX);
	if (r->note)
		text_check(e, "note", r->note, 0, TASK_NOTE_MAX);
	if (!r->rule || (strcmp(r->rule, "weekly") != 0 && strcmp(r->rule, "monthly") != 0))
		err_field(e, "rule", "must be one of: weekly, monthly");
	else if (strcmp(r->rule, "weekly") == 0 && (r->weekday < 1 || r->weekday > 7))
		err_field(e, "weekday", "must be 1 (Monday) .. 7 for a weekly rule");
	else if (strcmp(r->rule, "monthly") == 0 && (r->monthday < 1 || r->monthday > 28))
		err_field(e, "monthday", "must be 1..28 for a monthly rule");
	else if (recur_due_on_or_after(r->rule, r->weekday, r->monthday, "2000-01-01", day) < 0)
		err_field(e, "rule", "is never due");
	if (r->rule && strcmp(r->rule, "weekly") == 0 && r->monthday)
		err_field(e, "monthday", "is for a monthly rule");
	if (r->rule && strcmp(r->rule, "monthly") == 0 && r->weekday)
		err_field(e, "weekday", "is for a weekly rule");
	if (r->nchecklist > TASK_CHECKLIST_MAX)
		err_field(e, "checklist", "must hold at most %d items", TASK_CHECKLIST_MAX);
	for (int i = 0; i < r->nchecklist && i < TASK_CHECKLIST_MAX; i++) {
		char f[32] = "";
		text_catf(f, sizeof f, "checklist[%d]", i);
		text_check(e, f, r->checklist[i], 1, TASK_CHECK_TEXT_MAX);
	}
}

/* Merges in over base (NULL: creating) into r. */
static void recur_merge(const struct task_recurrence *base, const struct recur_input *in,
			struct task_recurrence *r)
{
	int all = base == NULL;

	if (base)
		*r = *base;
	if (all || in->set_title)
		r->title = in->title;
	if (all || in->set_note)
		r->note = text_or_null(in->note);
	if (all || in->set_assignee_id)
		r->assignee_id = in->assignee_id;
	if (all || in->set_rule) {
		r->rule = in->rule;
		r->weekday = in->weekday;
		r->monthday = in->monthday;
	}
	if (all || in->set_checklist) {
		r->checklist = (const char **)in->checklist;
		r->nchecklist = in->nchecklist;
	}
	if (all)
		r->active = in->set_active ? in->active != 0 : 1;
	else if (in->set_active)
		r->active = in->active != 0;
	if (all)
		r->store_id = in->store_id;
}

int recur_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct recur_input *in, const char *today, int64_t now,
		 struct task_recurrence **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO task_recurrences (title, note, store_id, assignee_id, rule, weekday,"
		" monthday, checklist, next_day, active, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct task_recurrence r = {0}, *t;
	char next[11] = "";
	int64_t id;
	int rc;

	recur_merge(NULL, in, &r);
	recur_check(&r, e);
	if (!in->store_id)
		err_field(e, "store_id", "is required");
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = crm_check_store(db, who, "store_id", in->store_id, e)) < 0 ||
	    (r.assignee_id && in->store_id &&
	     (rc = crm_check_user(db, a, "assignee_id", r.assignee_id, in->store_id, e)) < 0))
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	recur_due_on_or_after(r.rule, r.weekday, r.monthday, today, next);
	rc = db_int(db_query(db, e, sql, "ttiItIItti" "Iii", r.title, r.note, r.store_id,
			     r.assignee_id, r.rule, r.weekday, r.monthday,
			     checklist_text(a, (const char *const *)r.checklist, r.nchecklist), next,
			     (int64_t)r.active, who && who->user ? who->user->id : 0, now, now),
		    &id, e);
	if (rc <= 0 || (rc = recur_get(db, a, NULL, id, &t, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "task_recurrence", id, t->store_id, NULL,
			       recur_audit(t), e)) < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int recur_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 const struct recur_input *in, const char *today, int64_t now,
		 struct task_recurrence **out, struct err *e)
{
	static const char sql[] =
		"UPDATE task_recurrences SET title = ?, note = ?, assignee_id = ?, rule = ?,"
		" weekday = ?, monthday = ?, checklist = ?, next_day = ?, active = ?, updated_at = ?"
		" WHERE id = ?";
	struct task_recurrence *old, r, *t;
	char next[11];
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = recur_get(db, a, who, id, &old, e)) < 0)
		goto fail;
	recur_merge(old, in, &r);
	recur_check(&r, e);
	if (in->set_assignee_id && r.assignee_id &&
	    (rc = crm_check_user(db, a, "assignee_id", r.assignee_id, r.store_id, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	next[0] = 0;
	text_catf(next, sizeof next, "%s", old->next_day);
	if (in->set_rule)
		recur_due_on_or_after(r.rule, r.weekday, r.monthday, today, next);
	rc = db_run(db_query(db, e, sql, "ttItIIttiii", r.title, r.note, r.assignee_id, r.rule,
			     r.weekday, r.monthday,
			     checklist_text(a, (const char *const *)r.checklist, r.nchecklist), next,
			     (int64_t)r.active, now, id), e);
	if (rc < 0 || (rc = recur_get(db, a, NULL, id, &t, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "task_recurrence", id, t->store_id,
			       recur_audit(old), recur_audit(t), e)) < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int recur_delete(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	static const char sql[] = "DELETE FROM task_recurrences WHERE id = ?";
	struct arena *a = arena_new();
	struct task_recurrence *old;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if ((rc = recur_get(db, a, who, id, &old, e)) < 0 ||
	    (rc = db_run(db_query(db, e, sql, "i", id), e)) < 0 ||
	    (rc = audit_commit(db, who, "delete", "task_recurrence", id, old->store_id,
			       recur_audit(old), NULL, e)) < 0) {
		db_rollback(db);
		rc = db_fail(e);
	}
out:
	arena_free(a);
	return rc;
}

int recur_list(struct db *db, struct arena *a, const struct actor *who, int64_t store_id,
	       int64_t after_id, int limit, struct task_recurrence ***out, int *n, int *more,
	       struct err *e)
{
	static const char sql[] =
		"SELECT " RECUR_COLS " FROM task_recurrences r WHERE" RECUR_SCOPE
		" AND (? = 0 OR r.store_id = ?) AND r.id > ? ORDER BY r.id LIMIT ?";
	int64_t scoped, uid;
	struct db_stmt *st;
	struct page pg;
	int rc;

	crm_scope(who, &scoped, &uid);
	page_init(&pg, a, limit, sizeof(struct task_recurrence *));
	st = db_query(db, e, sql, "iiiiii", scoped, uid, store_id, store_id, after_id,
		      page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct task_recurrence **)page_add(&pg) = recur_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

/* Makes r's task of its latest due day on or before today (once) and moves
 * next_day past it, in one transaction. *made 1 when a task was written. */
static int recur_make(struct db *db, struct task_recurrence *r, const char *today, int64_t now,
		      int *made, struct err *e)
{
	static const char sql[] =
		"UPDATE task_recurrences SET next_day = ?, updated_at = ? WHERE id = ? AND next_day = ?";
	char due[11], next[11];
	int64_t z, id = 0, changed = 0;
	struct task_input ti = {.kind = "routine", .title = r->title, .note = r->note,
				.store_id = r->store_id, .assignee_id = r->assignee_id,
				.recurrence_id = r->id,
				.checklist = (const char *const *)r->checklist,
				.nchecklist = r->nchecklist};
	int rc;

	*made = 0;
	if (recur_due_on_or_before(r->rule, r->weekday, r->monthday, today, due) < 0 ||
	    task_day_due_at(due, &ti.due_at) < 0 || ts_day_number(due, &z) < 0)
		return 0;
	ts_day_from_number(z + 1, next);
	recur_due_on_or_after(r->rule, r->weekday, r->monthday, next, next);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = db_write_count(db, e, &changed, sql, "tiit", next, now, r->id, r->next_day)) < 0)
		goto fail;
	if (changed == 1 && (rc = task_insert(db, NULL, &ti, now, &id, e)) < 0)
		goto fail;
	*made = id != 0;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int recur_run(struct db *db, const char *today, int64_t now, int64_t *made, struct err *e)
{
	static const char sql[] =
		"SELECT " RECUR_COLS " FROM task_recurrences r"
		" WHERE r.active = 1 AND r.next_day <= ? ORDER BY r.id";
	struct arena *a = arena_new();
	struct db_stmt *st = db_query(db, e, sql, "t", today);
	struct page pg;
	int rc, one;

	*made = 0;
	if (!st) {
		arena_free(a);
		return db_fail(e);
	}
	page_init_all(&pg, a, sizeof(struct task_recurrence *));
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct task_recurrence **)page_add(&pg) = recur_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		goto out;
	for (int i = 0; i < pg.n; i++) {
		if ((rc = recur_make(db, ((struct task_recurrence **)pg.rows)[i], today, now, &one,
				     e)) < 0)
			goto out;
		*made += one;
	}
out:
	arena_free(a);
	return rc;
}
