/* meeting.c: team meetings (see meeting.h): attendees, notes and action
 * items that become tasks; scoped to the managers of the store and the
 * attendees. */
#include "domain/staff/meeting.h"

#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/crm/crm_check.h"
#include "domain/crm/task.h"
#include "domain/org/audit.h"
#include "domain/staff/staff_json.h"
#include "domain/staff/staff_scope.h"

#define MEETING_COLS                                                            \
	"m.id, m.store_id, m.title, m.at, m.notes, m.created_by, m.created_at, m.updated_at"

/* Seen: every meeting (admin, hq, system), those of a manager's stores, and
 * those one attends. Binds (scoped, manager, me, me). */
#define MEETING_SCOPE                                                           \
	" (? = 0 OR (? = 1 AND m.store_id IN (SELECT store_id FROM user_stores"    \
	" WHERE user_id = ?)) OR m.id IN (SELECT meeting_id FROM meeting_attendees" \
	" WHERE user_id = ?)) "

static void meeting_scope(const struct actor *who, int64_t v[4])
{
	const struct user *u = who ? who->user : NULL;

	v[0] = u && !(u->role & (ROLE_ADMIN | ROLE_HQ));
	v[1] = u && u->role == ROLE_STORE_MANAGER;
	v[2] = v[3] = u ? u->id : 0;
}

json_t *meeting_to_json(const struct meeting *m)
{
	json_t *ids = json_array(), *people = json_array(), *acts = json_array();

	for (int i = 0; i < m->nattendees; i++) {
		json_array_append_new(ids, json_integer(m->attendees[i].id));
		json_array_append_new(people, json_pack("{s:I,s:s}", "id",
							(json_int_t)m->attendees[i].id, "name",
							m->attendees[i].name));
	}
	for (int i = 0; i < m->nactions; i++) {
		const struct meeting_task *t = &m->actions[i];
		json_array_append_new(acts, json_pack("{s:I,s:s,s:o,s:o,s:s}", "task_id",
						      (json_int_t)t->task_id, "title", t->title,
						      "assignee_id", staff_id_json(t->assignee_id),
						      "due_at", jx_time(t->due_at), "status",
						      t->status));
	}
	return json_pack("{s:I,s:I,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)m->id,
			 "store_id", (json_int_t)m->store_id, "title", m->title, "at",
			 jx_time(m->at), "notes", m->notes, "attendee_ids", ids, "attendees", people,
			 "actions", acts, "created_by", staff_id_json(m->created_by), "created_at",
			 jx_time(m->created_at), "updated_at", jx_time(m->updated_at));
}

static json_t *meeting_audit(const struct meeting *m)
{
	json_t *ids = json_array();

	for (int i = 0; i < m->nattendees; i++)
		json_array_append_new(ids, json_integer(m->attendees[i].id));
	return json_pack("{s:I,s:I,s:o,s:o,s:I}", "id", (json_int_t)m->id, "store_id",
			 (json_int_t)m->store_id, "at", jx_time(m->at), "attendee_ids", ids,
			 "actions", (json_int_t)m->nactions);
}

static struct meeting *meeting_from_row(struct db_stmt *st, struct arena *a)
{
	struct meeting *m = arena_alloc(a, sizeof *m);

	m->id = db_col_int64(st, 0);
	m->store_id = db_col_int64(st, 1);
	m->title = arena_strdup(a, db_col_text(st, 2));
	m->at = db_col_int64(st, 3);
	m->notes = arena_strdup(a, db_col_text(st, 4) ? db_col_text(st, 4) : "");
	m->created_by = db_col_int64(st, 5);
	m->created_at = db_col_int64(st, 6);
	m->updated_at = db_col_int64(st, 7);
	return m;
}

/* The attendees and action tasks of m. 0 or negative. */
static int meeting_load(struct db *db, struct arena *a, struct meeting *m, struct err *e)
{
	static const char sql_people[] =
		"SELECT u.id, COALESCE(u.display_name, u.username) FROM meeting_attendees ma"
		" JOIN users u ON u.id = ma.user_id WHERE ma.meeting_id = ? ORDER BY u.id";
	static const char sql_tasks[] =
		"SELECT id, title, assignee_id, due_at, status FROM tasks WHERE meeting_id = ?"
		" ORDER BY id";
	struct db_stmt *st;
	struct page pg;
	int rc;

	if (!(st = db_query(db, e, sql_people, "i", m->id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct meeting_person));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct meeting_person *p = page_add(&pg);
		p->id = db_col_int64(st, 0);
		p->name = arena_strdup(a, db_col_text(st, 1));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	m->attendees = pg.rows;
	m->nattendees = pg.n;
	if (!(st = db_query(db, e, sql_tasks, "i", m->id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct meeting_task));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct meeting_task *t = page_add(&pg);
		t->task_id = db_col_int64(st, 0);
		t->title = arena_strdup(a, db_col_text(st, 1));
		t->assignee_id = db_col_int64(st, 2);
		t->due_at = db_col_int64(st, 3);
		t->status = arena_strdup(a, db_col_text(st, 4));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	m->actions = pg.rows;
	m->nactions = pg.n;
	return 0;
}

static const char SQL_MEETING_GET[] =
	"SELECT " MEETING_COLS " FROM meetings m WHERE m.id = ? AND" MEETING_SCOPE;

int meeting_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct meeting **out, struct err *e)
{
	int64_t v[4];
	struct db_stmt *st;
	int rc;

	meeting_scope(who, v);
	st = db_query(db, e, SQL_MEETING_GET, "iiiii", id, v[0], v[1], v[2], v[3]);
	if ((rc = db_get_row(st, "meeting", id, e)) < 0)
		return rc;
	*out = meeting_from_row(st, a);
	db_reset(st);
	return meeting_load(db, a, *out, e);
}

int meeting_list(struct db *db, struct arena *a, const struct actor *who,
		 const struct meeting_filter *f, struct meeting ***out, int *n, int *more,
		 struct err *e)
{
	static const char sql[] =
		"SELECT " MEETING_COLS " FROM meetings m WHERE" MEETING_SCOPE
		" AND (? = 0 OR m.store_id = ?) AND (? = 0 OR m.at >= ?) AND (? = 0 OR m.at < ?)"
		" AND m.id > ? ORDER BY m.id LIMIT ?";
	int64_t v[4];
	struct db_stmt *st;
	struct page pg;
	int rc;

	meeting_scope(who, v);
	page_init(&pg, a, f->limit, sizeof(struct meeting *));
	st = db_query(db, e, sql, "iiiiiiiiiiii", v[0], v[1], v[2], v[3], f->store_id, f->store_id,
		      f->from, f->from, f->to, f->to, f->after_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct meeting **)page_add(&pg) = meeting_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	for (int i = 0; i < pg.n; i++)
		if ((rc = meeting_load(db, a, ((struct meeting **)pg.rows)[i], e)) < 0)
			return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

/* A person named by field: seen by who, active, of the store when
 * store-bound; else a field error (noted). 0 or negative. */
static int check_person(struct db *db, struct arena *a, const struct actor *who,
			const char *field, int64_t user_id, int64_t store_id, struct err *e)
{
	int rc = staff_person_seen(db, who, user_id, e);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		err_field(e, field, "no such person");
		return 0;
	}
	return crm_check_user(db, a, field, user_id, store_id, e);
}

/* Checks of the fields that need no database. */
static void meeting_check(const struct meeting_input *in, int creating, struct err *e)
{
	if (creating || in->set_title)
		text_check(e, "title", in->title, 1, MEETING_TITLE_MAX);
	if (in->notes)
		text_check(e, "notes", in->notes, 0, MEETING_NOTES_MAX);
	if ((creating || in->set_at) && in->at <= 0)
		err_field(e, "at", "is required");
	if (in->nattendees > MEETING_ATTENDEES_MAX)
		err_field(e, "attendee_ids", "must hold at most %d people", MEETING_ATTENDEES_MAX);
	if (in->nactions > MEETING_ACTIONS_MAX)
		err_field(e, "actions", "must hold at most %d items", MEETING_ACTIONS_MAX);
	for (int i = 0; i < in->nactions && i < MEETING_ACTIONS_MAX; i++) {
		char f[40] = "";
		text_catf(f, sizeof f, "actions[%d].title", i);
		text_check(e, f, in->actions[i].title, 1, TASK_TITLE_MAX);
		if (!in->actions[i].due_day || !ts_day_valid(in->actions[i].due_day)) {
			f[0] = 0;
			text_catf(f, sizeof f, "actions[%d].due_day", i);
			err_field(e, f, "must be a day YYYY-MM-DD");
		}
	}
}

/* Checks the people named and writes attendees (replacing them when
 * replace) and the action tasks. Field errors leave nothing written (the
 * caller rolls back). */
static int meeting_write_parts(struct db *db, struct arena *a, const struct actor *who,
			       int64_t id, int64_t store_id, const struct meeting_input *in,
			       int replace, int64_t now, struct err *e)
{
	static const char sql_clear[] = "DELETE FROM meeting_attendees WHERE meeting_id = ?";
	static const char sql_add[] =
		"INSERT INTO meeting_attendees (meeting_id, user_id) VALUES (?, ?)";
	int rc;

	for (int i = 0; replace && i < in->nattendees; i++)
		if ((rc = check_person(db, a, who, "attendee_ids", in->attendee_ids[i], store_id,
				       e)) < 0)
			return rc;
	for (int i = 0; i < in->nactions; i++) {
		char f[40] = "";
		text_catf(f, sizeof f, "actions[%d].assignee_id", i);
		if (in->actions[i].assignee_id &&
		    (rc = check_person(db, a, who, f, in->actions[i].assignee_id, store_id, e)) < 0)
			return rc;
	}
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if (replace && (rc = db_run(db_query(db, e, sql_clear, "i", id), e)) < 0)
		return rc;
	for (int i = 0; replace && i < in->nattendees; i++)
		if ((rc = db_run(db_query(db, e, sql_add, "ii", id, in->attendee_ids[i]), e)) < 0)
			return rc;
	for (int i = 0; i < in->nactions; i++) {
		struct task_input ti = {.kind = "action", .title = in->actions[i].title,
					.store_id = store_id,
					.assignee_id = in->actions[i].assignee_id, .meeting_id = id};
		int64_t tid;
		task_day_due_at(in->actions[i].due_day, &ti.due_at);
		if ((rc = task_insert(db, who, &ti, now, &tid, e)) < 0)
			return rc;
	}
	return 0;
}

int meeting_create(struct db *db, struct arena *a, const struct actor *who,
		   const struct meeting_input *in, int64_t now, struct meeting **out,
		   struct err *e)
{
	static const char sql[] =
		"INSERT INTO meetings (store_id, title, at, notes, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct meeting *m;
	int64_t id;
	int rc;

	meeting_check(in, 1, e);
	if (!in->store_id)
		err_field(e, "store_id", "is required");
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = crm_check_store(db, who, "store_id", in->store_id, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	rc = db_int(db_query(db, e, sql, "ititIii", in->store_id, in->title, in->at,
			     in->notes ? in->notes : "", who && who->user ? who->user->id : 0, now,
			     now), &id, e);
	if (rc <= 0 || (rc = meeting_write_parts(db, a, who, id, in->store_id, in, 1, now, e)) < 0 ||
	    (rc = meeting_get(db, a, NULL, id, &m, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "meeting", id, m->store_id, NULL,
			       meeting_audit(m), e)) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int meeting_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   const struct meeting_input *in, int64_t now, struct meeting **out,
		   struct err *e)
{
	static const char sql[] =
		"UPDATE meetings SET title = ?, at = ?, notes = ?, updated_at = ? WHERE id = ?";
	struct meeting *old, *m;
	int rc;

	meeting_check(in, 0, e);
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = meeting_get(db, a, who, id, &old, e)) < 0)
		goto fail;
	if (!actor_sees_store(who, old->store_id) || !staff_is_manager(who)) {
		rc = err_set(e, ERR_FORBIDDEN, "only a manager of the meeting's store changes it");
		goto fail;
	}
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	rc = db_run(db_query(db, e, sql, "titii", in->set_title ? in->title : old->title,
			     in->set_at ? in->at : old->at,
			     in->set_notes ? (in->notes ? in->notes : "") : old->notes, now, id),
		    e);
	if (rc < 0 ||
	    (rc = meeting_write_parts(db, a, who, id, old->store_id, in, in->set_attendees, now,
				      e)) < 0 ||
	    (rc = meeting_get(db, a, NULL, id, &m, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "meeting", id, m->store_id, meeting_audit(old),
			       meeting_audit(m), e)) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
