/* h_tasks.c: tasks and follow-ups over HTTP: parse and check, call task.c,
 * render. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/crm/task.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"

/* The fields a body may hold; `creating` reads them all, else only those
 * a PATCH may change (title, note, due_at, assignee_id, status). */
static void read_task(struct req *r, json_t *in, int creating, struct task_input *ti)
{
	static const char *const create_fields[] = {
		"kind", "title", "note", "customer_id", "opportunity_id", "store_id",
		"assignee_id", "due_at", "checklist", NULL};
	static const char *const patch_fields[] = {
		"title", "note", "due_at", "assignee_id", "status", NULL};

	jx_no_unknown(in, creating ? create_fields : patch_fields, &r->err);
	ti->set_title = jx_present(in, "title");
	crm_text(in, "title", &ti->title, &r->err);
	ti->set_note = jx_present(in, "note");
	crm_text(in, "note", &ti->note, &r->err);
	ti->set_due_at = jx_present(in, "due_at");
	crm_time(in, "due_at", &ti->due_at, &r->err);
	ti->set_assignee_id = jx_present(in, "assignee_id");
	crm_id(in, "assignee_id", &ti->assignee_id, &r->err);
	if (creating) {
		jx_str(in, "kind", 0, 0, &ti->kind, &r->err);
		crm_id(in, "customer_id", &ti->customer_id, &r->err);
		crm_id(in, "opportunity_id", &ti->opportunity_id, &r->err);
		crm_id(in, "store_id", &ti->store_id, &r->err);
		crm_text_list(in, "checklist", TASK_CHECKLIST_MAX, r->a, &ti->checklist, &ti->nchecklist,
			      &r->err);
	} else {
		ti->set_status = jx_present(in, "status");
		jx_str(in, "status", 0, 0, &ti->status, &r->err);
	}
}

int h_tasks_create(struct req *r)
{
	struct task_input ti = {0};
	struct task *t;
	json_t *in;
	int64_t now = ts_now_ms();
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_task(r, in, 1, &ti);
	if (req_bad_types(r))
		return r->err.code;
	rc = task_create(r->db, r->a, &r->actor, &ti, now, &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, task_to_json(t, now), t->id);
}

int h_tasks_patch(struct req *r)
{
	struct task_input ti = {0};
	struct task *t;
	json_t *in;
	int64_t now = ts_now_ms();
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_task(r, in, 0, &ti);
	if (req_bad_types(r))
		return r->err.code;
	rc = task_update(r->db, r->a, &r->actor, r->ids[0], &ti, now, &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, task_to_json(t, now));
}

int h_tasks_get(struct req *r)
{
	struct task *t;
	int rc = task_get(r->db, r->a, &r->actor, r->ids[0], &t, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, task_to_json(t, ts_now_ms()));
}

/* The task list's rows carry the instant "overdue" is judged at. */
struct task_rows {
	struct task **list;
	int64_t now;
};

static json_t *task_row(const void *rows, int i)
{
	const struct task_rows *tr = rows;
	return task_to_json(tr->list[i], tr->now);
}

/* The list for the query's filters; customer_id, when not 0, comes from
 * the path. */
static int list_tasks(struct req *r, int64_t customer_id)
{
	struct task_filter f = {.now = ts_now_ms(), .customer_id = customer_id};
	struct task_rows tr = {.now = f.now};
	const char *next;
	int n, rc, mine;

	req_page_text(r, &f.limit, &f.cursor);
	jx_qint(req_query(r, "assignee_id"), "assignee_id", 1, INT64_MAX, &f.assignee_id, &r->err);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	if (!customer_id)
		jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &f.customer_id,
			&r->err);
	f.status = req_query_enum(r, "status", task_statuses);
	f.overdue = req_query_bool(r, "overdue");
	mine = req_query_bool(r, "mine");
	if (mine == 1) {
		if (f.assignee_id && f.assignee_id != r->user->id)
			err_field(&r->err, "mine", "cannot be combined with another assignee_id");
		f.assignee_id = r->user->id;
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	rc = task_list(r->db, r->a, &r->actor, &f, &tr.list, &n, &next, &r->err);
	if (rc < 0)
		return rc;
	return reply_page_cursor(r, &tr, n, next, task_row);
}

/* GET /tasks?assignee_id=&mine=true&store_id=&status=&overdue=true&customer_id= */
int h_tasks_list(struct req *r)
{
	return list_tasks(r, 0);
}

/* GET /customers/{id}/tasks */
int h_customer_tasks_list(struct req *r)
{
	return list_tasks(r, r->ids[0]);
}

static json_t *count_row(const void *rows, int i)
{
	return task_store_count_to_json(&((const struct task_store_count *)rows)[i]);
}

/* GET /tasks/overdue-by-store: per store seen, open and overdue tasks. */
int h_tasks_overdue_by_store(struct req *r)
{
	struct task_store_count *rows;
	const char *cursor;
	int limit, n, rc;

	req_page_text(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = task_overdue_by_store(r->db, r->a, &r->actor, ts_now_ms(), &rows, &n, &r->err);
	if (rc < 0)
		return rc;
	return reply_page_cursor(r, rows, n, NULL, count_row);
}

/* PATCH /tasks/{id}/checklist/{item_id} {done}: ticks or unticks an item. */
int h_tasks_checklist_patch(struct req *r)
{
	static const char *const fields[] = {"done", NULL};
	struct task *t;
	json_t *in;
	int done = 0;
	int64_t now = ts_now_ms();
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_bool(in, "done", JX_REQUIRED, &done, &r->err);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	rc = task_check_item_set(r->db, r->a, &r->actor, r->ids[0], r->ids[1], done, now, &t,
				 &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, task_to_json(t, now));
}
