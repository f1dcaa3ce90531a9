/* evaluation.c: evaluations (see evaluation.h): scheduling, the self and
 * manager parts with the hiding rule applied when rendering, publishing
 * (action tasks and the next evaluation), cancelling, the nightly opening,
 * and the lists scoped to the people an actor sees. */
#include "domain/staff/evaluation.h"

#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/crm/task.h"
#include "domain/org/audit.h"
#include "domain/staff/evals_seen.h"
#include "domain/staff/staff_json.h"
#include "domain/staff/staff_scope.h"

#define EV_COLS                                                                 \
	"ev.id, ev.template_id, ev.user_id, COALESCE(u.display_name, u.username),"  \
	" ev.store_id, ev.manager_id, ev.period_from, ev.period_to, ev.due_day,"    \
	" ev.status, ev.self_scores, ev.self_comment, ev.self_submitted_at,"        \
	" ev.manager_scores, ev.manager_comment, ev.manager_actions,"               \
	" ev.manager_submitted_at, ev.score_bp, ev.published_at, ev.next_id,"       \
	" ev.created_by, ev.created_at, ev.updated_at"

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static struct evaluation *ev_from_row(struct db_stmt *st, struct arena *a, int64_t *tpl_id)
{
	struct evaluation *ev = arena_alloc(a, sizeof *ev);

	ev->id = db_col_int64(st, 0);
	*tpl_id = db_col_int64(st, 1);
	ev->user_id = db_col_int64(st, 2);
	ev->user_name = arena_strdup(a, db_col_text(st, 3));
	ev->store_id = db_col_int64(st, 4);
	ev->manager_id = db_col_int64(st, 5);
	ev->period_from = arena_strdup(a, db_col_text(st, 6));
	ev->period_to = arena_strdup(a, db_col_text(st, 7));
	ev->due_day = arena_strdup(a, db_col_text(st, 8));
	ev->status = arena_strdup(a, db_col_text(st, 9));
	ev->self_scores = dup_or_null(a, db_col_text(st, 10));
	ev->self_comment = dup_or_null(a, db_col_text(st, 11));
	ev->self_submitted_at = db_col_int64(st, 12);
	ev->manager_scores = dup_or_null(a, db_col_text(st, 13));
	ev->manager_comment = dup_or_null(a, db_col_text(st, 14));
	ev->manager_actions = dup_or_null(a, db_col_text(st, 15));
	ev->manager_submitted_at = db_col_int64(st, 16);
	ev->score_bp = db_col_int64(st, 17);
	ev->published_at = db_col_int64(st, 18);
	ev->next_id = db_col_int64(st, 19);
	ev->created_by = db_col_int64(st, 20);
	ev->created_at = db_col_int64(st, 21);
	ev->updated_at = db_col_int64(st, 22);
	return ev;
}

/* Stored JSON text, or def when none or unreadable. */
static json_t *load_or(const char *text, json_t *def)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;

	if (!j)
		return def;
	json_decref(def);
	return j;
}

json_t *eval_to_json(const struct evaluation *ev, const struct actor *viewer)
{
	int64_t vid = viewer && viewer->user ? viewer->user->id : 0;
	int self_ok, mgr_ok;
	json_t *self = json_null(), *mgr = json_null(), *score = json_null();

	eval_parts_visible(ev->status, ev->user_id, vid, &self_ok, &mgr_ok);
	if (self_ok)
		self = json_pack("{s:o,s:o,s:o}", "scores", load_or(ev->self_scores, json_object()),
				 "comment", jx_strn(ev->self_comment), "submitted_at",
				 jx_time(ev->self_submitted_at));
	if (mgr_ok) {
		mgr = json_pack("{s:o,s:o,s:o,s:o}", "scores",
				load_or(ev->manager_scores, json_object()), "comment",
				jx_strn(ev->manager_comment), "submitted_at",
				jx_time(ev->manager_submitted_at), "actions",
				load_or(ev->manager_actions, json_array()));
		if (ev->score_bp > 0)
			score = json_real((double)ev->score_bp / 100.0);
	}
	return json_pack("{s:I,s:o,s:I,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)ev->id, "template", eval_template_to_json(ev->tpl),
			 "user_id", (json_int_t)ev->user_id, "user_name", ev->user_name,
			 "store_id", staff_id_json(ev->store_id), "manager_id", staff_id_json(ev->manager_id),
			 "period_from", ev->period_from, "period_to", ev->period_to,
			 "due_day", ev->due_day, "status", ev->status, "self", self, "manager", mgr,
			 "score", score, "published_at", jx_time(ev->published_at),
			 "next_id", staff_id_json(ev->next_id), "created_at", jx_time(ev->created_at),
			 "updated_at", jx_time(ev->updated_at));
}

/* What an audit row keeps: ids, days and states, never scores or text. */
static json_t *ev_audit(const struct evaluation *ev)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:b,s:b,s:o}", "id", (json_int_t)ev->id, "user_id",
			 (json_int_t)ev->user_id, "status", ev->status, "period_from",
			 ev->period_from, "period_to", ev->period_to, "self_submitted",
			 ev->self_submitted_at != 0, "manager_written", ev->manager_scores != NULL,
			 "next_id", staff_id_json(ev->next_id));
}

static const char SQL_EV_GET[] =
	"SELECT " EV_COLS " FROM evaluations ev JOIN users u ON u.id = ev.user_id"
	" WHERE ev.id = ? AND" PERSON_SEEN_SQL("ev.user_id");

int eval_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct evaluation **out, struct err *e)
{
	int64_t v[4], tpl;
	struct db_stmt *st;
	int rc;

	evals_scope(who, v);
	st = db_query(db, e, SQL_EV_GET, "iiiii", id, v[0], v[1], v[2], v[3]);
	if ((rc = db_get_row(st, "evaluation", id, e)) < 0)
		return rc;
	*out = ev_from_row(st, a, &tpl);
	db_reset(st);
	return eval_template_get(db, a, tpl, &(*out)->tpl, e);
}

static const char SQL_EV_LIST[] =
	"SELECT " EV_COLS " FROM evaluations ev JOIN users u ON u.id = ev.user_id"
	" WHERE" PERSON_SEEN_SQL("ev.user_id") " AND (? = 0 OR ev.user_id = ?)"
	" AND (? = 0 OR ev.store_id = ?) AND (CAST(? AS TEXT) IS NULL OR ev.status = ?)"
	" AND ev.id > ? ORDER BY ev.id LIMIT ?";

int eval_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct eval_filter *f, struct evaluation ***out, int *n, int *more,
	      struct err *e)
{
	int64_t v[4], *tpls;
	struct db_stmt *st;
	struct page pg;
	int rc;

	evals_scope(who, v);
	page_init(&pg, a, f->limit, sizeof(struct evaluation *));
	st = db_query(db, e, SQL_EV_LIST, "iiiiiiiittii", v[0], v[1], v[2], v[3], f->user_id,
		      f->user_id, f->store_id, f->store_id, f->status, f->status, f->after_id,
		      page_fetch(&pg));
	if (!st)
		return db_fail(e);
	tpls = arena_calloc(a, (size_t)(f->limit > 0 ? f->limit : 50) + 1, sizeof *tpls);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		int i = pg.n;
		*(struct evaluation **)page_add(&pg) = ev_from_row(st, a, &tpls[i]);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	for (int i = 0; i < pg.n; i++) {
		struct evaluation *ev = ((struct evaluation **)pg.rows)[i];
		for (int j = 0; j < i && !ev->tpl; j++)
			if (tpls[j] == tpls[i])
				ev->tpl = ((struct evaluation **)pg.rows)[j]->tpl;
		if (!ev->tpl && (rc = eval_template_get(db, a, tpls[i], &ev->tpl, e)) < 0)
			return rc;
	}
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

static int64_t me_of(const struct actor *who)
{
	return who && who->user ? who->user->id : 0;
}

/* The person's store: the first of theirs (of who's when store-bound). */
static const char SQL_EV_STORE[] =
	"SELECT MIN(us.store_id) FROM user_stores us WHERE us.user_id = ?"
	" AND (? = 0 OR us.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?))";

static const char SQL_EV_ROLE[] = "SELECT role FROM users WHERE id = ?";

static const char SQL_EV_INSERT[] =
	"INSERT INTO evaluations (template_id, user_id, store_id, manager_id, period_from,"
	" period_to, due_day, status, created_by, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

int eval_create(struct db *db, struct arena *a, const struct actor *who,
		const struct eval_input *in, const char *today, int64_t now,
		struct evaluation **out, struct err *e)
{
	int64_t me = me_of(who), store = 0, id, v[4];
	struct eval_template *tpl = NULL;
	struct evaluation *ev;
	struct err le;
	int rc;

	if (!in->period_from || !ts_day_valid(in->period_from))
		err_field(e, "period_from", "must be a day YYYY-MM-DD");
	if (!in->period_to || !ts_day_valid(in->period_to))
		err_field(e, "period_to", "must be a day YYYY-MM-DD");
	else if (in->period_from && strcmp(in->period_from, in->period_to) > 0)
		err_field(e, "period_to", "must not be before period_from");
	if (!in->due_day || !ts_day_valid(in->due_day))
		err_field(e, "due_day", "must be a day YYYY-MM-DD");
	else if (in->period_to && strcmp(in->due_day, in->period_to) < 0)
		err_field(e, "due_day", "must not be before period_to");
	if (in->user_id && in->user_id == me)
		err_field(e, "user_id", "cannot be yourself");
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	err_init(&le);
	rc = in->template_id ? eval_template_get(db, a, in->template_id, &tpl, &le) : ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND || (rc == 0 && !tpl->active))
		err_field(e, "template_id", "no such active evaluation template");
	else if (rc < 0 && (rc = err_set(e, rc, "%s", le.msg)) < 0)
		goto fail;
	if ((rc = staff_person_seen(db, who, in->user_id, e)) < 0)
		goto fail;
	if (rc == 0)
		err_field(e, "user_id", "no such person");
	else if (tpl && tpl->active) {
		char role[32] = "";
		if ((rc = db_text(db_query(db, e, SQL_EV_ROLE, "i", in->user_id), role, sizeof role,
				  e)) < 0)
			goto fail;
		if (strcmp(role, tpl->role) != 0)
			err_field(e, "template_id", "is a template for %s, not %s", tpl->role, role);
	}
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	evals_scope(who, v);
	if ((rc = db_int(db_query(db, e, SQL_EV_STORE, "iii", in->user_id, v[0], v[1]), &store,
			 e)) < 0)
		goto fail;
	rc = db_int(db_query(db, e, SQL_EV_INSERT, "iiIIttttIii", in->template_id, in->user_id,
			     store, me, in->period_from, in->period_to, in->due_day,
			     strcmp(in->period_to, today) < 0 ? "open" : "scheduled", me, now, now),
		    &id, e);
	if (rc <= 0 || (rc = eval_get(db, a, NULL, id, &ev, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "evaluation", id, store, NULL, ev_audit(ev), e)) <
	    0)
		goto fail;
	*out = ev;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* Scores as stored: {"key": n}. */
static char *scores_text(struct arena *a, const struct eval_score *s, int n)
{
	json_t *o = json_object();

	for (int i = 0; i < n; i++)
		json_object_set_new(o, s[i].key, json_integer(s[i].score));
	return staff_json_text(a, o);
}

/* Stored scores back into an array (in a); none or bad text: 0 scores. */
static void scores_parse(struct arena *a, const char *text, struct eval_score **s, int *n)
{
	json_t *o = text ? json_loads(text, 0, NULL) : NULL, *v;
	const char *k;

	*n = 0;
	*s = NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	*s = arena_calloc(a, json_object_size(o) + 1, sizeof **s);
	json_object_foreach(o, k, v) {
		(*s)[*n].key = arena_strdup(a, k);
		(*s)[(*n)++].score = json_integer_value(v);
	}
	json_decref(o);
}

static char *actions_text(struct arena *a, const struct eval_action *x, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "title", x[i].title, "due_day",
						     x[i].due_day));
	return staff_json_text(a, arr);
}

/* Locks the row (PostgreSQL), reads it as who sees it, and checks who's
 * side: person 1 must be the person (else ERR_FORBIDDEN), 0 must not be;
 * the status must be open. Inside the caller's transaction. */
static int ev_for_write(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			int person, struct evaluation **ev, struct err *e)
{
	static const char lock[] = "UPDATE evaluations SET updated_at = updated_at WHERE id = ?";
	int rc;

	if ((rc = db_run(db_query(db, e, lock, "i", id), e)) < 0 ||
	    (rc = eval_get(db, a, who, id, ev, e)) < 0)
		return rc;
	if (person != ((*ev)->user_id == me_of(who)))
		return err_set(e, ERR_FORBIDDEN, person ? "only the person evaluated writes this part"
							: "the person evaluated cannot write this part");
	if (strcmp((*ev)->status, "open") != 0)
		return err_set(e, ERR_STATE, "the evaluation is %s, not open", (*ev)->status);
	return 0;
}

/* Ends a change of evaluation id: reads it back and commits with an audit
 * row; rolls back on failure. */
static int ev_finish(struct db *db, struct arena *a, const struct actor *who,
		     struct evaluation *old, int rc, struct evaluation **out, struct err *e)
{
	struct evaluation *ev;

	if (rc < 0 || (rc = eval_get(db, a, NULL, old->id, &ev, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "evaluation", old->id, old->store_id,
			       ev_audit(old), ev_audit(ev), e)) < 0)
		goto fail;
	*out = ev;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int eval_put_self(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  const struct eval_part *p, int64_t now, struct evaluation **out,
		  struct err *e)
{
	static const char sql[] =
		"UPDATE evaluations SET self_scores = ?, self_comment = ?, self_submitted_at = ?,"
		" updated_at = ? WHERE id = ?";
	struct evaluation *ev;
	struct eval_score *s;
	int ns, rc;

	if (p->set_comment && p->comment)
		text_check(e, "comment", p->comment, 0, EVAL_COMMENT_MAX);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = ev_for_write(db, a, who, id, 1, &ev, e)) < 0)
		goto fail;
	if (ev->self_submitted_at) {
		rc = err_set(e, ERR_STATE, "the self part was already submitted");
		goto fail;
	}
	s = p->scores;
	ns = p->nscores;
	if (!p->set_scores)
		scores_parse(a, ev->self_scores, &s, &ns);
	eval_scores_check(ev->tpl->criteria, ev->tpl->ncriteria, s, ns, p->submit, "scores", e);
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	rc = db_run(db_query(db, e, sql, "ttIii", scores_text(a, s, ns),
			     p->set_comment ? text_or_null(p->comment) : ev->self_comment,
			     p->submit ? now : 0, now, id), e);
	return ev_finish(db, a, who, ev, rc, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int eval_put_manager(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     const struct eval_part *p, int64_t now, struct evaluation **out,
		     struct err *e)
{
	static const char sql[] =
		"UPDATE evaluations SET manager_scores = ?, manager_comment = ?, manager_actions = ?,"
		" manager_submitted_at = ?, manager_id = ?, score_bp = ?, updated_at = ? WHERE id = ?";
	struct evaluation *ev;
	struct eval_score *s;
	int ns, rc;
	int64_t score;

	if (p->set_comment && p->comment)
		text_check(e, "comment", p->comment, 0, EVAL_COMMENT_MAX);
	if (p->nactions > EVAL_ACTIONS_MAX)
		err_field(e, "actions", "must hold at most %d actions", EVAL_ACTIONS_MAX);
	for (int i = 0; i < p->nactions && i < EVAL_ACTIONS_MAX; i++) {
		char f[40] = "";
		text_catf(f, sizeof f, "actions[%d].title", i);
		text_check(e, f, p->actions[i].title, 1, EVAL_ACTION_TITLE_MAX);
		if (!p->actions[i].due_day || !ts_day_valid(p->actions[i].due_day)) {
			f[0] = 0;
			text_catf(f, sizeof f, "actions[%d].due_day", i);
			err_field(e, f, "must be a day YYYY-MM-DD");
		}
	}
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = ev_for_write(db, a, who, id, 0, &ev, e)) < 0)
		goto fail;
	s = p->scores;
	ns = p->nscores;
	if (!p->set_scores)
		scores_parse(a, ev->manager_scores, &s, &ns);
	eval_scores_check(ev->tpl->criteria, ev->tpl->ncriteria, s, ns, 0, "scores", e);
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	score = eval_weighted_score(ev->tpl->criteria, ev->tpl->ncriteria, s, ns);
	rc = db_run(db_query(db, e, sql, "tttiIMii", scores_text(a, s, ns),
			     p->set_comment ? text_or_null(p->comment) : ev->manager_comment,
			     p->set_actions ? actions_text(a, p->actions, p->nactions)
					    : (ev->manager_actions ? ev->manager_actions : "[]"),
			     now, me_of(who), score, now, id), e);
	return ev_finish(db, a, who, ev, rc, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

/* The manager's actions as tasks of the evaluation (kind action). */
static int ev_action_tasks(struct db *db, const struct actor *who, const struct evaluation *ev,
			   int64_t now, struct err *e)
{
	json_t *arr = load_or(ev->manager_actions, json_array()), *x;
	size_t i;
	int rc = 0;

	json_array_foreach(arr, i, x) {
		struct task_input ti = {.kind = "action", .store_id = ev->store_id,
					.assignee_id = ev->user_id, .evaluation_id = ev->id};
		int64_t tid;
		ti.title = json_string_value(json_object_get(x, "title"));
		if (!ti.title || task_day_due_at(json_string_value(json_object_get(x, "due_day")),
						 &ti.due_at) < 0)
			continue;
		if ((rc = task_insert(db, who, &ti, now, &tid, e)) < 0)
			break;
	}
	json_decref(arr);
	return rc;
}

int eval_publish(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 int64_t now, struct evaluation **out, struct err *e)
{
	static const char sql[] =
		"UPDATE evaluations SET status = 'published', published_at = ?, next_id = ?,"
		" updated_at = ? WHERE id = ?";
	struct evaluation *ev;
	struct eval_score *s;
	char from[11], to[11], due[11];
	int64_t next = 0;
	int ns, rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = ev_for_write(db, a, who, id, 0, &ev, e)) < 0)
		goto fail;
	scores_parse(a, ev->manager_scores, &s, &ns);
	if (eval_weighted_score(ev->tpl->criteria, ev->tpl->ncriteria, s, ns) < 0) {
		rc = err_set(e, ERR_STATE, "the manager part must score every criterion first");
		goto fail;
	}
	if ((rc = ev_action_tasks(db, who, ev, now, e)) < 0)
		goto fail;
	if (ev->tpl->active && eval_add_months(ev->period_from, ev->tpl->cadence_months, from) == 0 &&
	    eval_add_months(ev->period_to, ev->tpl->cadence_months, to) == 0 &&
	    eval_add_months(ev->due_day, ev->tpl->cadence_months, due) == 0) {
		rc = db_int(db_query(db, e, SQL_EV_INSERT, "iiIIttttIii", ev->tpl->id, ev->user_id,
				     ev->store_id, me_of(who), from, to, due, "scheduled", me_of(who),
				     now, now), &next, e);
		if (rc < 0)
			goto fail;
		json_t *after = json_pack("{s:I,s:s,s:s,s:I}", "user_id", (json_int_t)ev->user_id,
					  "period_from", from, "period_to", to, "after",
					  (json_int_t)ev->id);
		rc = audit_add(db, who, "create", "evaluation", next, ev->store_id, NULL, after, e);
		json_decref(after);
		if (rc < 0)
			goto fail;
	}
	rc = db_run(db_query(db, e, sql, "iIii", now, next, now, id), e);
	return ev_finish(db, a, who, ev, rc, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int eval_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		int64_t now, struct evaluation **out, struct err *e)
{
	static const char sql[] =
		"UPDATE evaluations SET status = 'cancelled', updated_at = ? WHERE id = ?"
		" AND status IN ('scheduled', 'open')";
	struct evaluation *ev;
	int64_t changed = 0;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = eval_get(db, a, who, id, &ev, e)) < 0)
		goto fail;
	if (ev->user_id == me_of(who)) {
		rc = err_set(e, ERR_FORBIDDEN, "the person evaluated cannot cancel it");
		goto fail;
	}
	if ((rc = db_write_count(db, e, &changed, sql, "ii", now, id)) < 0)
		goto fail;
	if (changed != 1) {
		rc = err_set(e, ERR_STATE, "the evaluation is %s", ev->status);
		goto fail;
	}
	return ev_finish(db, a, who, ev, 0, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

/* the system actor's audit rows keep the evaluations it opened */
int eval_open_due(struct db *db, const char *today, int64_t now, int64_t *n, struct err *e)
{
	static const char sql[] =
		"UPDATE evaluations SET status = 'open', updated_at = ?"
		" WHERE status = 'scheduled' AND period_to < ?";
	int rc;

	*n = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = db_write_count(db, e, n, sql, "it", now, today)) < 0)
		goto fail;
	if (*n == 0)
		return db_commit(db, e);
	if ((rc = audit_commit(db, NULL, "update", "evaluation", 0, 0, NULL,
			       json_pack("{s:s,s:I}", "opened_before", today, "count",
					 (json_int_t)*n), e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
