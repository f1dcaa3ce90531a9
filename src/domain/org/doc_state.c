/* doc_state.c: opening a document for one step of its status flow: lock,
 * store scope (404 for a document the user cannot see), then state. */
#include "domain/org/doc_state.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"

const struct doc_step *doc_step_find(const struct doc_flow *flow, const char *action)
{
	for (const struct doc_step *s = flow->steps; s->action; s++)
		if (strcmp(s->action, action) == 0)
			return s;
	return NULL;
}

int doc_step_allowed(const struct doc_step *step, const char *status)
{
	for (int i = 0; i < DOC_FROM_MAX && step->from[i]; i++)
		if (strcmp(step->from[i], status) == 0)
			return 1;
	return 0;
}

/* "draft or sent" for messages. */
static void from_list(const struct doc_step *step, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < DOC_FROM_MAX && step->from[i] && len < n; i++) {
		int w = snprintf(out + len, n - len, "%s%s", i ? " or " : "", step->from[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

int doc_open(struct db *db, const struct doc_flow *flow, const char *action,
	     const struct actor *who, int64_t id, struct doc_ref *out, struct err *e)
{
	const struct doc_step *step = doc_step_find(flow, action);
	if (!step)
		return err_set(e, ERR_INTERNAL, "%s has no step %s", flow->name, action);
	struct db_stmt *st = db_query(db, e, flow->lock_sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 0));
		out->store[0] = db_col_int64(st, 1);
		out->store[1] = db_col_int64(st, 2);
		out->id = id;
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	int sees0 = rc == DB_ROW && actor_sees_store(who, out->store[0]);
	int sees1 = rc == DB_ROW && actor_sees_store(who, out->store[1]);
	if (!sees0 && !sees1)
		return err_set(e, ERR_NOT_FOUND, "no %s %lld", flow->name, (long long)id);
	if ((step->side == DOC_FIRST && !sees0) || (step->side == DOC_SECOND && !sees1))
		return err_set(e, ERR_FORBIDDEN, "only the %s store may %s %s %lld",
			       flow->side_names[step->side - 1], step->action, flow->name,
			       (long long)id);
	if (!doc_step_allowed(step, out->status)) {
		char from[96];
		from_list(step, from, sizeof from);
		return err_set(e, ERR_STATE, "%s %lld is %s: only a %s %s can be %s",
			       flow->name, (long long)id, out->status, from, flow->name,
			       step->done);
	}
	return 0;
}
