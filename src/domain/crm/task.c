/* task.c: tasks and follow-ups (see task.h): create, change, close by a
 * contact, the lists with their store scoping, and the overdue count per
 * store. Every change is audited with ids and states, never the text. */
#include "domain/crm/task.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/crm/crm_check.h"
#include "domain/crm/customer_scope.h"
#include "domain/crm/opportunity.h"
#include "domain/org/audit.h"

const char *const task_kinds[] = {"follow_up", "call", "visit", "other",
				  "routine", "action", "training", NULL};
const char *const task_statuses[] = {"open", "done", "cancelled", NULL};

#define TASK_COLS                                                              \
	"t.id, t.kind, t.title, t.note, t.customer_id, t.opportunity_id,"       \
	" t.store_id, t.assignee_id, t.due_at, t.status, t.created_by,"          \
	" t.created_at, t.updated_at, t.done_at, t.done_by, t.recurrence_id,"   \
	" t.meeting_id, t.evaluation_id, t.course_id"

/* Store-bound users see a task of one of their stores or assigned to them. */
#define TASK_SCOPE                                                             \
	" (? = 0 OR t.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)" \
	" OR t.assignee_id = ?) "

/* The sort key of the lists: the due time, tasks without one last. */
#define TASK_KEY "COALESCE(t.due_at, 9223372036854775807)"

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static struct task *task_from_row(struct db_stmt *st, struct arena *a)
{
	struct task *t = arena_alloc(a, sizeof *t);

	t->id = db_col_int64(st, 0);
	t->kind = arena_strdup(a, db_col_text(st, 1));
	t->title = arena_strdup(a, db_col_text(st, 2));
	t->note = arena_strdup(a, db_col_text(st, 3));
	t->customer_id = db_col_int64(st, 4);
	t->opportunity_id = db_col_int64(st, 5);
	t->store_id = db_col_int64(st, 6);
	t->assignee_id = db_col_int64(st, 7);
	t->due_at = db_col_int64(st, 8);
	t->status = arena_strdup(a, db_col_text(st, 9));
	t->created_by = db_col_int64(st, 10);
	t->created_at = db_col_int64(st, 11);
	t->updated_at = db_col_int64(st, 12);
	t->done_at = db_col_int64(st, 13);
	t->done_by = db_col_int64(st, 14);
	t->recurrence_id = db_col_int64(st, 15);
	t->meeting_id = db_col_int64(st, 16);
	t->evaluation_id = db_col_int64(st, 17);
	t->course_id = db_col_int64(st, 18);
	return t;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *checklist_json(const struct task *t)
{
	json_t *arr = json_array();

	for (int i = 0; i < t->nchecklist; i++) {
		const struct task_check_item *c = &t->checklist[i];
		json_array_append_new(arr, json_pack("{s:I,s:s,s:b,s:o}", "id", (json_int_t)c->id,
						     "text", c->text, "done", c->done, "done_at",
						     jx_time(c->done_at)));
	}
	return arr;
}

json_t *task_to_json(const struct task *t, int64_t now)
{
	int overdue = strcmp(t->status, "open") == 0 && t->due_at && t->due_at < now;
	json_t *j = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:b,s:o,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)t->id, "kind", t->kind, "title", t->title,
			 "note", jx_strn(t->note), "customer_id", id_or_null(t->customer_id),
			 "opportunity_id", id_or_null(t->opportunity_id),
			 "store_id", id_or_null(t->store_id),
			 "assignee_id", id_or_null(t->assignee_id),
			 "due_at", jx_time(t->due_at), "status", t->status, "overdue", overdue,
			 "created_by", id_or_null(t->created_by),
			 "created_at", jx_time(t->created_at), "updated_at", jx_time(t->updated_at),
			 "done_at", jx_time(t->done_at), "done_by", id_or_null(t->done_by));

	json_object_set_new(j, "checklist", checklist_json(t));
	json_object_set_new(j, "recurrence_id", id_or_null(t->recurrence_id));
	json_object_set_new(j, "meeting_id", id_or_null(t->meeting_id));
	json_object_set_new(j, "evaluation_id", id_or_null(t->evaluation_id));
	json_object_set_new(j, "course_id", id_or_null(t->course_id));
	return j;
}

static const char SQL_TASK_ITEMS[] =
	"SELECT id, text, done, done_at FROM task_checklist_items WHERE task_id = ?"
	" ORDER BY position, id";

/* Reads t's checklist into it (in a). 0 or negative. */
static int task_load_checklist(struct db *db, struct arena *a, struct task *t, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_TASK_ITEMS, "i", t->id);
	struct page pg;
	int rc;

	if (!st)
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct task_check_item));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct task_check_item *c = page_add(&pg);
		c->id = db_col_int64(st, 0);
		c->text = arena_strdup(a, db_col_text(st, 1));
		c->done = db_col_int64(st, 2) != 0;
		c->done_at = db_col_int64(st, 3);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	t->checklist = pg.rows;
	t->nchecklist = pg.n;
	return 0;
}

/* What an audit row keeps of a task: ids and states, not the title or note
 * (they may name a person). */
static json_t *task_audit_json(const struct task *t)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)t->id,
			 "kind", t->kind, "status", t->status,
			 "customer_id", id_or_null(t->customer_id),
			 "opportunity_id", id_or_null(t->opportunity_id),
			 "store_id", id_or_null(t->store_id),
			 "assignee_id", id_or_null(t->assignee_id), "due_at", jx_time(t->due_at));
}

static const char SQL_TASK_GET[] =
	"SELECT " TASK_COLS " FROM tasks t WHERE t.id = ? AND" TASK_SCOPE;

int task_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct task **out, struct err *e)
{
	int64_t scoped, uid;
	struct db_stmt *st;
	int rc;

	crm_scope(who, &scoped, &uid);
	st = db_query(db, e, SQL_TASK_GET, "iiii", id, scoped, uid, uid);
	if ((rc = db_get_row(st, "task", id, e)) < 0)
		return rc;
	*out = task_from_row(st, a);
	db_reset(st);
	return task_load_checklist(db, a, *out, e);
}

/* The field checks that need no database. */
static void check_task_fields(const struct task_input *in, int creating, struct err *e)
{
	if (creating && in->kind && !in_list(task_kinds, in->kind))
		err_field(e, "kind", "must be one of: follow_up, call, visit, other");
	if (creating || in->set_title)
		text_check(e, "title", in->title, 1, TASK_TITLE_MAX);
	if ((creating || in->set_note) && text_or_null(in->note))
		text_check(e, "note", in->note, 0, TASK_NOTE_MAX);
	if (in->set_status && !in_list(task_statuses, in->status))
		err_field(e, "status", "must be one of: open, done, cancelled");
	if (in->due_at < 0)
		err_field(e, "due_at", "is out of range");
	if (creating && in->nchecklist > TASK_CHECKLIST_MAX)
		err_field(e, "checklist", "must hold at most %d items", TASK_CHECKLIST_MAX);
	for (int i = 0; creating && i < in->nchecklist && i < TASK_CHECKLIST_MAX; i++) {
		char f[32] = "";
		text_catf(f, sizeof f, "checklist[%d]", i);
		text_check(e, f, in->checklist[i], 1, TASK_CHECK_TEXT_MAX);
	}
}

/* customer_id and opportunity_id must be seen by who: field errors. */
static int check_links(struct db *db, const struct actor *who, const struct task_input *in,
		       struct err *e)
{
	struct err le;
	int rc;

	if (in->customer_id) {
		err_init(&le);
		rc = customer_visible(db, who, in->customer_id, &le);
		if (rc == ERR_NOT_FOUND)
			err_field(e, "customer_id", "no such customer");
		else if (rc < 0)
			return err_set(e, rc, "%s", le.msg);
	}
	if (in->opportunity_id) {
		err_init(&le);
		rc = opportunity_visible(db, who, in->opportunity_id, &le);
		if (rc == ERR_NOT_FOUND)
			err_field(e, "opportunity_id", "no such opportunity");
		else if (rc < 0)
			return err_set(e, rc, "%s", le.msg);
	}
	return 0;
}

static const char SQL_TASK_INSERT[] =
	"INSERT INTO tasks (kind, title, note, customer_id, opportunity_id, store_id,"
	" assignee_id, due_at, status, created_by, created_at, updated_at, recurrence_id,"
	" meeting_id, evaluation_id, course_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (recurrence_id, due_at) WHERE recurrence_id IS NOT NULL DO NOTHING"
	" RETURNING id";

static const char SQL_TASK_ITEM_INSERT[] =
	"INSERT INTO task_checklist_items (task_id, position, text, done) VALUES (?, ?, ?, 0)";

int task_insert(struct db *db, const struct actor *who, const struct task_input *in,
		int64_t now, int64_t *id, struct err *e)
{
	int64_t me = who && who->user ? who->user->id : 0;
	json_t *after;
	int rc;

	rc = db_int(db_query(db, e, SQL_TASK_INSERT, "tttIIIIIIiiIIII",
			     in->kind ? in->kind : "follow_up", in->title, text_or_null(in->note),
			     in->customer_id, in->opportunity_id, in->store_id, in->assignee_id,
			     in->due_at, me, now, now, in->recurrence_id, in->meeting_id,
			     in->evaluation_id, in->course_id), id, e);
	if (rc <= 0)
		return rc;
	for (int i = 0; i < in->nchecklist; i++)
		if ((rc = db_run(db_query(db, e, SQL_TASK_ITEM_INSERT, "iit", *id, (int64_t)i,
					  in->checklist[i]), e)) < 0)
			return rc;
	after = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}",
			  "id", (json_int_t)*id, "kind", in->kind ? in->kind : "follow_up",
			  "status", "open", "customer_id", id_or_null(in->customer_id),
			  "opportunity_id", id_or_null(in->opportunity_id),
			  "store_id", id_or_null(in->store_id),
			  "assignee_id", id_or_null(in->assignee_id), "due_at", jx_time(in->due_at),
			  "recurrence_id", id_or_null(in->recurrence_id),
			  "meeting_id", id_or_null(in->meeting_id),
			  "evaluation_id", id_or_null(in->evaluation_id),
			  "course_id", id_or_null(in->course_id), "checklist",
			  (json_int_t)in->nchecklist);
	rc = audit_add(db, who, "create", "task", *id, in->store_id, NULL, after, e);
	json_decref(after);
	return rc;
}

int task_create(struct db *db, struct arena *a, const struct actor *who,
		const struct task_input *in, int64_t now, struct task **out, struct err *e)
{
	int64_t store_id = in->store_id ? in->store_id : crm_default_store(who);
	int64_t me = who && who->user ? who->user->id : 0;
	int64_t assignee = in->assignee_id ? in->assignee_id : me;
	struct task_input ins = *in;
	struct task *t;
	int64_t id;
	int rc;

	check_task_fields(in, 1, e);
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = crm_check_store(db, who, "store_id", store_id, e)) < 0 ||
	    (rc = check_links(db, who, in, e)) < 0 ||
	    (assignee && (rc = crm_check_user(db, a, "assignee_id", assignee, store_id, e)) < 0))
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	ins.store_id = store_id;
	ins.assignee_id = assignee;
	ins.recurrence_id = ins.meeting_id = ins.evaluation_id = ins.course_id = 0;
	if ((rc = task_insert(db, who, &ins, now, &id, e)) < 0)
		goto fail;
	if ((rc = task_get(db, a, NULL, id, &t, e)) < 0 || (rc = db_commit(db, e)) < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* Takes the task's row lock first (PostgreSQL), so that two changes at
 * once apply one after the other instead of both reading the old row. */
static const char SQL_TASK_LOCK[] = "UPDATE tasks SET updated_at = updated_at WHERE id = ?";

static const char SQL_TASK_UPDATE[] =
	"UPDATE tasks SET title = ?, note = ?, due_at = ?, assignee_id = ?, status = ?,"
	" done_at = ?, done_by = ?, updated_at = ? WHERE id = ?";

int task_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct task_input *in, int64_t now, struct task **out, struct err *e)
{
	int64_t me = who && who->user ? who->user->id : 0;
	struct task *old, *t;
	const char *status;
	int64_t done_at, done_by;
	int rc;

	check_task_fields(in, 0, e);
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = db_run(db_query(db, e, SQL_TASK_LOCK, "i", id), e)) < 0 ||
	    (rc = task_get(db, a, who, id, &old, e)) < 0)
		goto fail;
	if (in->set_assignee_id && in->assignee_id &&
	    (rc = crm_check_user(db, a, "assignee_id", in->assignee_id, old->store_id, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	status = in->set_status ? in->status : old->status;
	done_at = old->done_at;
	done_by = old->done_by;
	if (strcmp(status, old->status) != 0) {
		int closing = strcmp(status, "open") != 0;
		done_at = closing ? now : 0;
		done_by = closing ? me : 0;
	}
	rc = db_run(db_query(db, e, SQL_TASK_UPDATE, "ttIItIIii",
			     in->set_title ? in->title : old->title,
			     in->set_note ? text_or_null(in->note) : old->note,
			     in->set_due_at ? in->due_at : old->due_at,
			     in->set_assignee_id ? in->assignee_id : old->assignee_id, status,
			     done_at, done_by, now, id), e);
	if (rc < 0 || (rc = task_get(db, a, NULL, id, &t, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "task", id, t->store_id, task_audit_json(old),
			       task_audit_json(t), e)) < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_TASK_CLOSE[] =
	"UPDATE tasks SET status = 'done', done_at = ?, done_by = ?, updated_at = ?"
	" WHERE id = ? AND status = 'open'";

int task_close_for_contact(struct db *db, struct arena *a, const struct actor *who,
			   int64_t task_id, int64_t customer_id, int64_t contact_id,
			   int64_t now, int check_only, struct err *e)
{
	int64_t me = who && who->user ? who->user->id : 0;
	struct task *old, *t;
	struct err te;
	json_t *after;
	int64_t changed = 0;
	int rc;

	err_init(&te);
	rc = task_get(db, a, who, task_id, &old, &te);
	if (rc == ERR_NOT_FOUND || (rc == 0 && (old->customer_id != customer_id ||
						  strcmp(old->status, "open") != 0))) {
		err_field(e, "closes_task_id", "must be an open task about this customer");
		return 0;
	}
	if (rc < 0)
		return err_set(e, rc, "%s", te.msg);
	if (check_only)
		return 0;
	if ((rc = db_write_count(db, e, &changed, SQL_TASK_CLOSE, "iIii", now, me, now,
				 task_id)) < 0)
		return rc;
	if (changed != 1) {
		err_field(e, "closes_task_id", "must be an open task about this customer");
		return 0;
	}
	if ((rc = task_get(db, a, NULL, task_id, &t, e)) < 0)
		return rc;
	after = task_audit_json(t);
	json_object_set_new(after, "contact_id", json_integer(contact_id));
	json_t *before = task_audit_json(old);
	rc = audit_add(db, who, "update", "task", task_id, t->store_id, before, after, e);
	json_decref(before);
	json_decref(after);
	return rc;
}

static const char SQL_TASK_LIST[] =
	"SELECT " TASK_COLS ", " TASK_KEY " FROM tasks t WHERE" TASK_SCOPE
	" AND (? = 0 OR t.assignee_id = ?) AND (? = 0 OR t.store_id = ?)"
	" AND (? = 0 OR t.customer_id = ?)"
	" AND (CAST(? AS TEXT) IS NULL OR t.status = ?)"
	" AND (? = 0 OR (t.status = 'open' AND t.due_at < ?))"
	" AND (" TASK_KEY " > ? OR (" TASK_KEY " = ? AND t.id > ?))"
	" ORDER BY " TASK_KEY ", t.id LIMIT ?";

int task_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct task_filter *f, struct task ***out, int *n,
	      const char **next_cursor, struct err *e)
{
	int64_t scoped, uid, key = INT64_MIN, after = 0, last_key = 0;
	struct db_stmt *st;
	struct page pg;
	int rc;

	if (f->cursor && *f->cursor && jx_cursor_pair(f->cursor, INT64_MIN, 0, &key, &after) < 0) {
		err_field(e, "cursor", "is not a cursor of this list");
		return err_fields_done(e);
	}
	if (f->customer_id && (rc = customer_visible(db, who, f->customer_id, e)) < 0)
		return rc;
	crm_scope(who, &scoped, &uid);
	page_init(&pg, a, f->limit, sizeof(struct task *));
	st = db_query(db, e, SQL_TASK_LIST, "iiiiiiiiittiiiiii", scoped, uid, uid,
		      f->assignee_id, f->assignee_id, f->store_id, f->store_id,
		      f->customer_id, f->customer_id, f->status, f->status,
		      (int64_t)(f->overdue == 1), f->now, key, key, after, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		*(struct task **)page_add(&pg) = task_from_row(st, a);
		last_key = db_col_int64(st, 19);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	for (int i = 0; i < pg.n; i++)
		if ((rc = task_load_checklist(db, a, ((struct task **)pg.rows)[i], e)) < 0)
			return rc;
	*out = pg.rows;
	*n = pg.n;
	*next_cursor = NULL;
	if (pg.more && pg.n > 0)
		*next_cursor = arena_printf(a, "%" PRId64 ":%" PRId64, last_key,
					    ((struct task **)pg.rows)[pg.n - 1]->id);
	return 0;
}

static const char SQL_TASK_BY_STORE[] =
	"SELECT s.id, s.name, SUM(CASE WHEN t.due_at < ? THEN 1 ELSE 0 END), COUNT(*)"
	" FROM tasks t JOIN stores s ON s.id = t.store_id"
	" WHERE t.status = 'open'"
	" AND (? = 0 OR t.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?))"
	" GROUP BY s.id, s.name ORDER BY s.id";

int task_overdue_by_store(struct db *db, struct arena *a, const struct actor *who,
			  int64_t now, struct task_store_count **out, int *n, struct err *e)
{
	int64_t scoped, uid;
	struct db_stmt *st;
	struct page pg;
	int rc;

	crm_scope(who, &scoped, &uid);
	if (!(st = db_query(db, e, SQL_TASK_BY_STORE, "iii", now, scoped, uid)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct task_store_count));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct task_store_count *c = page_add(&pg);
		c->store_id = db_col_int64(st, 0);
		c->store_name = arena_strdup(a, db_col_text(st, 1));
		c->overdue = db_col_int64(st, 2);
		c->open = db_col_int64(st, 3);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}

json_t *task_store_count_to_json(const struct task_store_count *c)
{
	return json_pack("{s:I,s:s,s:I,s:I}", "store_id", (json_int_t)c->store_id,
			 "store_name", c->store_name, "overdue", (json_int_t)c->overdue,
			 "open", (json_int_t)c->open);
}

static const char SQL_TASK_ITEM_SET[] =
	"UPDATE task_checklist_items SET done = ?, done_by = ?, done_at = ?"
	" WHERE id = ? AND task_id = ?";

int task_check_item_set(struct db *db, struct arena *a, const struct actor *who, int64_t task_id,
			int64_t item_id, int done, int64_t now, struct task **out, struct err *e)
{
	int64_t me = who && who->user ? who->user->id : 0, changed = 0;
	struct task *old;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = db_run(db_query(db, e, SQL_TASK_LOCK, "i", task_id), e)) < 0 ||
	    (rc = task_get(db, a, who, task_id, &old, e)) < 0)
		goto fail;
	if ((rc = db_write_count(db, e, &changed, SQL_TASK_ITEM_SET, "iIIii", (int64_t)(done != 0),
				 done ? me : 0, done ? now : 0, item_id, task_id)) < 0)
		goto fail;
	if (changed != 1) {
		rc = err_set(e, ERR_NOT_FOUND, "no checklist item %lld", (long long)item_id);
		goto fail;
	}
	if ((rc = task_get(db, a, NULL, task_id, out, e)) < 0)
		goto fail;
	rc = audit_commit(db, who, "update", "task_checklist_item", item_id, old->store_id,
			  json_pack("{s:I}", "task_id", (json_int_t)task_id),
			  json_pack("{s:I,s:b}", "task_id", (json_int_t)task_id, "done", done), e);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int task_day_due_at(const char *day, int64_t *out)
{
	char next[11];
	int64_t z;

	if (ts_day_number(day, &z) < 0)
		return -1;
	ts_day_from_number(z + 1, next);
	if (ts_day_start(next, out) < 0)
		return -1;
	*out -= 60000;
	return 0;
}
