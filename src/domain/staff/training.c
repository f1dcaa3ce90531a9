/* training.c: course assignments, required courses per role, quiz attempts
 * and the pure quiz scorer (see training.h). Lists show only the people the
 * actor sees; every change is audited. */
#include "domain/staff/training.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/staff/staff_scope.h"

const char *const assignment_statuses[] = {"assigned", "passed", NULL};

int training_score(const int64_t *key, int nq, const int64_t *answers, int na,
		   int64_t pass_bp, int *correct, int64_t *score_bp)
{
	int64_t right = 0;

	if (nq < 1 || na != nq)
		return -1;
	for (int i = 0; i < nq; i++) {
		correct[i] = answers[i] == key[i];
		right += correct[i];
	}
	*score_bp = right * 10000 / nq;
	return *score_bp >= pass_bp;
}

/* ---- who sees whom (staff_scope.h) ---------------------------------------- */

int training_scope_mode(const struct actor *who)
{
	if (!who || !who->user || (who->user->role & (ROLE_ADMIN | ROLE_HQ)))
		return 0;
	return who->user->role == ROLE_STORE_MANAGER ? 1 : 2;
}

static int64_t me_of(const struct actor *who)
{
	return who && who->user ? who->user->id : 0;
}

/* ---- assignments ---------------------------------------------------------- */

#define ASSIGN_COLS                                                            \
	"ca.id, ca.course_id, c.title, ca.user_id, u.display_name, ca.due_day,"  \
	" ca.status, ca.passed_at, COALESCE(ca.best_score_bp, -1), ca.assigned_at," \
	" (SELECT COUNT(*) FROM course_attempts t WHERE t.course_id = ca.course_id" \
	" AND t.user_id = ca.user_id)"
#define ASSIGN_FROM                                                            \
	" FROM course_assignments ca JOIN courses c ON c.id = ca.course_id"       \
	" JOIN users u ON u.id = ca.user_id"

json_t *assignment_to_json(const struct course_assignment *x)
{
	return json_pack("{s:I,s:I,s:s,s:I,s:s,s:o,s:o,s:s,s:b,s:o,s:o,s:I,s:o}", "id",
			 (json_int_t)x->id, "course_id", (json_int_t)x->course_id,
			 "course_title", x->course_title, "user_id", (json_int_t)x->user_id,
			 "user_name", x->user_name, "store_ids",
			 jx_ids_json(x->store_ids, x->nstores), "due_day", jx_strn(x->due_day),
			 "status", x->status, "overdue", x->overdue, "passed_at",
			 jx_time(x->passed_at), "best_score_bp",
			 x->best_score_bp < 0 ? json_null() : json_integer(x->best_score_bp),
			 "attempts", (json_int_t)x->attempts, "assigned_at",
			 jx_time(x->assigned_at));
}

static struct course_assignment *assignment_from_row(struct db_stmt *st, struct arena *a,
						     const char *today)
{
	struct course_assignment *x = arena_calloc(a, 1, sizeof *x);

	x->id = db_col_int64(st, 0);
	x->course_id = db_col_int64(st, 1);
	x->course_title = arena_strdup(a, db_col_text(st, 2));
	x->user_id = db_col_int64(st, 3);
	x->user_name = arena_strdup(a, db_col_text(st, 4));
	x->due_day = arena_strdup(a, db_col_text(st, 5));
	x->status = arena_strdup(a, db_col_text(st, 6));
	x->passed_at = db_col_int64(st, 7);
	x->best_score_bp = db_col_int64(st, 8);
	x->assigned_at = db_col_int64(st, 9);
	x->attempts = db_col_int64(st, 10);
	x->overdue = strcmp(x->status, "assigned") == 0 && x->due_day &&
		     strcmp(x->due_day, today) < 0;
	return x;
}

static const char SQL_USER_STORES[] =
	"SELECT store_id FROM user_stores WHERE user_id = ? ORDER BY store_id";

/* The stores of each assignment's person. 0 or negative. */
static int assignment_stores(struct db *db, struct arena *a, struct course_assignment **v,
			     int n, struct err *e)
{
	for (int i = 0; i < n; i++) {
		struct page pg;
		struct db_stmt *st = db_query(db, e, SQL_USER_STORES, "i", v[i]->user_id);
		int rc;

		if (!st)
			return db_fail(e);
		page_init_all(&pg, a, sizeof(int64_t));
		while ((rc = page_step(&pg, st, e)) == DB_ROW)
			*(int64_t *)page_add(&pg) = db_col_int64(st, 0);
		if ((rc = page_end(&pg, st, rc)) < 0)
			return rc;
		v[i]->store_ids = pg.rows;
		v[i]->nstores = pg.n;
	}
	return 0;
}

static void today_of(int64_t now, char *day)
{
	ts_day(now, day, 11);
}

int training_assignment_list(struct db *db, struct arena *a, const struct actor *who,
			     const struct assignment_filter *f, struct course_assignment ***out,
			     int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " ASSIGN_COLS ASSIGN_FROM " WHERE ca.id > ?"
		" AND (? = 0 OR ca.user_id = ?) AND (? = 0 OR ca.course_id = ?)"
		" AND (? = 0 OR EXISTS (SELECT 1 FROM user_stores x WHERE x.user_id = ca.user_id"
		" AND x.store_id = ?))"
		" AND (CAST(? AS TEXT) IS NULL OR ca.status = ?)"
		" AND (? = 0 OR (ca.status = 'assigned' AND ca.due_day IS NOT NULL"
		" AND ca.due_day < ?)) AND" TRAINING_SEEN("ca.user_id")
		" ORDER BY ca.id LIMIT ?";
	int64_t mode = training_scope_mode(who), me = me_of(who);
	int64_t overdue = f->overdue == 1;
	struct page pg;
	int rc;

	if (f->user_id) {
		if ((rc = staff_person_seen(db, who, f->user_id, e)) < 0)
			return rc;
		if (!rc)
			return err_set(e, ERR_NOT_FOUND, "no user %lld", (long long)f->user_id);
	}
	page_init(&pg, a, f->limit, sizeof(struct course_assignment *));
	struct db_stmt *st = db_query(db, e, sql, "iiiiiiittitiiiii", f->after_id, f->user_id,
				      f->user_id, f->course_id, f->course_id, f->store_id,
				      f->store_id, f->status, f->status, overdue, f->today, mode,
				      me, mode, me, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct course_assignment **)page_add(&pg) = assignment_from_row(st, a, f->today);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return assignment_stores(db, a, *out, pg.n, e);
}

static const char SQL_ASSIGN_GET[] = "SELECT " ASSIGN_COLS ASSIGN_FROM " WHERE ca.id = ?";

static const char SQL_ACTIVE_SEEN[] =
	"SELECT 1 FROM users u WHERE u.id = ? AND u.active = 1 AND" TRAINING_SEEN("u.id");

static const char SQL_ROLE_USERS[] =
	"SELECT u.id FROM users u WHERE u.role = ? AND u.active = 1"
	" AND (? = 0 OR EXISTS (SELECT 1 FROM user_stores x WHERE x.user_id = u.id"
	" AND x.store_id = ?)) AND" TRAINING_SEEN("u.id") " ORDER BY u.id";

static const char SQL_ASSIGN_UPSERT[] =
	"INSERT INTO course_assignments (course_id, user_id, due_day, status, assigned_by,"
	" assigned_at) VALUES (?, ?, ?, 'assigned', ?, ?)"
	" ON CONFLICT (course_id, user_id) DO UPDATE SET due_day = excluded.due_day"
	" WHERE course_assignments.status = 'assigned' RETURNING id";

/* The people of a role assignment: *ids (in a), *n. 0 or negative. */
static int role_users(struct db *db, struct arena *a, const struct actor *who,
		      const char *role, int64_t store_id, int64_t **ids, int *n, struct err *e)
{
	int64_t mode = training_scope_mode(who), me = me_of(who);
	struct db_stmt *st = db_query(db, e, SQL_ROLE_USERS, "tiiiiii", role, store_id, store_id,
				      mode, me, mode, me);
	struct page pg;
	int rc;

	if (!st)
		return db_fail(e);
	page_init_all(&pg, a, sizeof(int64_t));
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(int64_t *)page_add(&pg) = db_col_int64(st, 0);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*ids = pg.rows;
	*n = pg.n;
	return 0;
}

int training_assign(struct db *db, struct arena *a, const struct actor *who, int64_t course_id,
		    const int64_t *user_ids, int nusers, const char *role, int64_t store_id,
		    const char *due_day, int64_t now, struct course_assignment ***out, int *n,
		    struct err *e)
{
	int64_t mode = training_scope_mode(who), me = me_of(who), *ids = NULL;
	struct course_assignment **v;
	struct course *c;
	char today[11];
	int nids = 0, k = 0, rc;

	today_of(now, today);
	if (!nusers == !role)
		err_field(e, "user_ids", "give either user_ids or role");
	if (role && !role_parse(role))
		err_field(e, "role", "must be one of: admin, hq, store_manager, sales, service");
	if (store_id && !role)
		err_field(e, "store_id", "goes with role");
	if (due_day && !ts_day_valid(due_day))
		err_field(e, "due_day", "must be a day YYYY-MM-DD");
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if (store_id && !actor_sees_store(who, store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not yours", (long long)store_id);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = course_get(db, a, who, 1, course_id, &c, e)) < 0)
		goto fail;
	if (strcmp(c->status, "published") != 0) {
		rc = err_set(e, ERR_STATE, "only a published course is assigned; course %lld is %s",
			     (long long)course_id, c->status);
		goto fail;
	}
	if (role) {
		if ((rc = role_users(db, a, who, role, store_id, &ids, &nids, e)) < 0)
			goto fail;
	} else {
		for (int i = 0; i < nusers; i++) {
			rc = db_exists(db_query(db, e, SQL_ACTIVE_SEEN, "iiiii", user_ids[i], mode,
						me, mode, me),
				       e);
			if (rc < 0)
				goto fail;
			if (!rc) {
				err_field(e, "user_ids", "user %lld does not exist",
					  (long long)user_ids[i]);
				break;
			}
		}
		if ((rc = err_fields_done(e)) < 0)
			goto fail;
		ids = (int64_t *)user_ids;
		nids = nusers;
	}
	v = arena_calloc(a, (size_t)nids + 1, sizeof *v);
	for (int i = 0; i < nids; i++) {
		int64_t id;
		struct db_stmt *st;

		rc = db_int(db_query(db, e, SQL_ASSIGN_UPSERT, "iitIi", course_id, ids[i], due_day,
				     me, now),
			    &id, e);
		if (rc < 0)
			goto fail;
		if (!rc)
			continue; /* passed already: kept as it is */
		st = db_query(db, e, SQL_ASSIGN_GET, "i", id);
		if ((rc = db_get_row(st, "assignment", id, e)) < 0)
			goto fail;
		v[k++] = assignment_from_row(st, a, today);
		db_reset(st);
	}
	if ((rc = assignment_stores(db, a, v, k, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "assign", "course", course_id, store_id, NULL,
			       json_pack("{s:I,s:o,s:o,s:i}", "course_id", (json_int_t)course_id,
					 "role", jx_strn(role), "due_day", jx_strn(due_day),
					 "assigned", k),
			       e)) < 0)
		goto fail;
	*out = v;
	*n = k;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- required courses per role -------------------------------------------- */

struct required {
	int64_t course_id, due_days;
	const char *role;
};

static const char SQL_REQUIRED[] =
	"SELECT cr.course_id, cr.role, cr.due_days FROM course_roles cr"
	" JOIN courses c ON c.id = cr.course_id WHERE c.status = 'published'"
	" AND (? = 0 OR cr.course_id = ?) ORDER BY cr.course_id, cr.role";

static const char SQL_ASSIGN_ROLE[] =
	"INSERT INTO course_assignments (course_id, user_id, due_day, status, assigned_at)"
	" SELECT ?, u.id, CAST(? AS TEXT), 'assigned', ? FROM users u WHERE u.role = ? AND u.active = 1"
	" AND NOT EXISTS (SELECT 1 FROM course_assignments x WHERE x.course_id = ?"
	" AND x.user_id = u.id)";

int training_assign_required(struct db *db, int64_t course_id, int64_t now, int64_t *made,
			     struct err *e)
{
	struct arena *a = arena_new();
	struct db_stmt *st = db_query(db, e, SQL_REQUIRED, "ii", course_id, course_id);
	struct page pg;
	char today[11];
	int64_t day0 = 0, total = 0;
	int rc;

	today_of(now, today);
	if (!st || ts_day_number(today, &day0) < 0) {
		arena_free(a);
		return st ? err_set(e, ERR_INTERNAL, "no business day for now") : db_fail(e);
	}
	page_init_all(&pg, a, sizeof(struct required));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct required *r = page_add(&pg);
		r->course_id = db_col_int64(st, 0);
		r->role = arena_strdup(a, db_col_text(st, 1));
		r->due_days = db_col_int64(st, 2);
	}
	rc = page_end(&pg, st, rc);
	for (int i = 0; rc == 0 && i < pg.n; i++) {
		struct required *r = &((struct required *)pg.rows)[i];
		char due[11];

		ts_day_from_number(day0 + r->due_days, due);
		st = db_query(db, e, SQL_ASSIGN_ROLE, "ititi", r->course_id, due, now, r->role,
			      r->course_id);
		if ((rc = db_run(st, e)) == 0)
			total += db_changes(st);
	}
	arena_free(a);
	if (made)
		*made = total;
	return rc < 0 ? db_fail(e) : 0;
}

int training_assign_due(struct db *db, const struct actor *who, int64_t now, int64_t *made,
			struct err *e)
{
	int rc;

	*made = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = training_assign_required(db, 0, now, made, e)) < 0) {
		db_rollback(db);
		return rc;
	}
	if (*made == 0)
		return db_commit(db, e);
	if ((rc = audit_commit(db, who, "assign_required", "course", 0, 0, NULL,
			       json_pack("{s:I}", "assigned", (json_int_t)*made), e)) < 0)
		db_rollback(db);
	return rc;
}

static const char SQL_ROLES_DELETE[] = "DELETE FROM course_roles WHERE course_id = ?";
static const char SQL_ROLES_INSERT[] =
	"INSERT INTO course_roles (course_id, role, due_days) VALUES (?, ?, ?)";

int training_roles_set(struct db *db, struct arena *a, const struct actor *who,
		       int64_t course_id, const struct course_role *roles, int nroles,
		       int64_t now, struct course **out, struct err *e)
{
	struct course *cur, *c;
	json_t *before, *after;
	char f[48];
	int rc;

	for (int i = 0; i < nroles; i++) {
		snprintf(f, sizeof f, "roles[%d].role", i);
		if (!roles[i].role || !role_parse(roles[i].role))
			err_field(e, f, "must be one of: admin, hq, store_manager, sales, service");
		for (int k = 0; k < i; k++)
			if (roles[i].role && roles[k].role && strcmp(roles[i].role, roles[k].role) == 0)
				err_field(e, f, "is given twice");
		snprintf(f, sizeof f, "roles[%d].due_days", i);
		if (roles[i].due_days < 1 || roles[i].due_days > TRAINING_DUE_DAYS_MAX)
			err_field(e, f, "must be 1 to %d", TRAINING_DUE_DAYS_MAX);
	}
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = course_get(db, a, who, 1, course_id, &cur, e)) < 0)
		goto fail;
	if ((rc = db_run(db_query(db, e, SQL_ROLES_DELETE, "i", course_id), e)) < 0)
		goto fail;
	for (int i = 0; i < nroles; i++)
		if ((rc = db_run(db_query(db, e, SQL_ROLES_INSERT, "iti", course_id, roles[i].role,
					  roles[i].due_days),
				 e)) < 0)
			goto fail;
	if (strcmp(cur->status, "published") == 0 &&
	    (rc = training_assign_required(db, course_id, now, NULL, e)) < 0)
		goto fail;
	if ((rc = course_get(db, a, who, 1, course_id, &c, e)) < 0)
		goto fail;
	before = course_to_json(cur, 0);
	after = course_to_json(c, 0);
	rc = audit_commit(db, who, "set_roles", "course", course_id, 0,
			  json_incref(json_object_get(before, "required_roles")),
			  json_incref(json_object_get(after, "required_roles")), e);
	json_decref(before);
	json_decref(after);
	if (rc < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- attempts ---------------------------------------------------------------- */

json_t *attempt_to_json(const struct course_attempt *x)
{
	json_t *answers = x->answers ? json_loads(x->answers, 0, NULL) : NULL;

	return json_pack("{s:I,s:I,s:I,s:o,s:I,s:b,s:o}", "id", (json_int_t)x->id, "course_id",
			 (json_int_t)x->course_id, "user_id", (json_int_t)x->user_id, "at",
			 jx_time(x->at), "score_bp", (json_int_t)x->score_bp, "passed", x->passed,
			 "answers", json_is_array(answers) ? answers : json_array());
}

static const char SQL_ATTEMPT_INSERT[] =
	"INSERT INTO course_attempts (course_id, user_id, at, score_bp, passed, answers)"
	" VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_ASSIGN_SCORE[] =
	"UPDATE course_assignments SET"
	" best_score_bp = CASE WHEN best_score_bp IS NULL OR best_score_bp < ? THEN ?"
	" ELSE best_score_bp END,"
	" status = CASE WHEN ? = 1 THEN 'passed' ELSE status END,"
	" passed_at = CASE WHEN ? = 1 AND passed_at IS NULL THEN ? ELSE passed_at END"
	" WHERE course_id = ? AND user_id = ?";

int training_attempt(struct db *db, struct arena *a, const struct actor *who, int all,
		     int64_t course_id, const int64_t *answers, int na, int64_t now,
		     struct attempt_result *out, struct err *e)
{
	int64_t me = me_of(who), *key;
	struct course *c;
	json_t *arr;
	char *text;
	int nq = 0, rc;

	if ((rc = course_get(db, a, who, all, course_id, &c, e)) < 0)
		return rc;
	if (strcmp(c->status, "published") != 0)
		return err_set(e, ERR_STATE, "course %lld is %s", (long long)course_id, c->status);
	if (course_quiz_key(a, c->quiz, &key, &nq) < 0 || nq < 1)
		return err_set(e, ERR_STATE, "course %lld has no quiz", (long long)course_id);
	out->correct = arena_calloc(a, (size_t)nq, sizeof(int));
	out->n = nq;
	rc = training_score(key, nq, answers, na, c->pass_bp, out->correct, &out->score_bp);
	if (rc < 0) {
		err_field(e, "answers", "must give one answer per question (%d)", nq);
		return err_fields_done(e);
	}
	out->passed = rc;
	arr = json_array();
	for (int i = 0; i < na; i++)
		json_array_append_new(arr, json_integer(answers[i]));
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if ((rc = db_begin(db, 1, e)) < 0) {
		free(text);
		return rc;
	}
	rc = db_int(db_query(db, e, SQL_ATTEMPT_INSERT, "iiiiit", course_id, me, now,
			     out->score_bp, (int64_t)out->passed, text),
		    &out->id, e);
	free(text);
	if (rc <= 0)
		goto fail;
	if ((rc = db_run(db_query(db, e, SQL_ASSIGN_SCORE, "iiiiiii", out->score_bp,
				  out->score_bp, (int64_t)out->passed, (int64_t)out->passed, now,
				  course_id, me),
			 e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "attempt", "course", course_id, 0, NULL,
			       json_pack("{s:I,s:I,s:I,s:b}", "attempt_id", (json_int_t)out->id,
					 "user_id", (json_int_t)me, "score_bp",
					 (json_int_t)out->score_bp, "passed", out->passed),
			       e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_COURSE_EXISTS[] = "SELECT 1 FROM courses WHERE id = ?";
static const char SQL_ATTEMPTS[] =
	"SELECT id, course_id, user_id, at, score_bp, passed, answers FROM course_attempts"
	" WHERE course_id = ? AND user_id = ? ORDER BY at DESC, id DESC LIMIT 500";

int training_attempt_list(struct db *db, struct arena *a, const struct actor *who,
			  int64_t course_id, int64_t user_id, struct course_attempt **out, int *n,
			  struct err *e)
{
	struct db_stmt *st;
	struct page pg;
	int rc;

	if (!user_id)
		user_id = me_of(who);
	if ((rc = db_exists(db_query(db, e, SQL_COURSE_EXISTS, "i", course_id), e)) <= 0)
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "no course %lld", (long long)course_id);
	if ((rc = staff_person_seen(db, who, user_id, e)) <= 0)
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "no user %lld", (long long)user_id);
	if (!(st = db_query(db, e, SQL_ATTEMPTS, "ii", course_id, user_id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct course_attempt));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct course_attempt *x = page_add(&pg);
		x->id = db_col_int64(st, 0);
		x->course_id = db_col_int64(st, 1);
		x->user_id = db_col_int64(st, 2);
		x->at = db_col_int64(st, 3);
		x->score_bp = db_col_int64(st, 4);
		x->passed = (int)db_col_int64(st, 5);
		x->answers = arena_strdup(a, db_col_text(st, 6));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}
