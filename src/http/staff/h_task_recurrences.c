/* h_task_recurrences.c: recurring tasks over HTTP: parse and check, call
 * task_recurrence.c, render. */
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/crm/task.h"
#include "domain/staff/task_recurrence.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"

static void read_recur(struct req *r, json_t *in, int creating, struct recur_input *ri)
{
	static const char *const create_fields[] = {"title", "note", "store_id", "assignee_id",
						    "rule", "weekday", "monthday", "checklist",
						    "active", NULL};
	static const char *const patch_fields[] = {"title", "note", "assignee_id", "rule",
						   "weekday", "monthday", "checklist", "active",
						   NULL};
	struct err *e = &r->err;

	jx_no_unknown(in, creating ? create_fields : patch_fields, e);
	ri->set_title = jx_str(in, "title", creating ? JX_REQUIRED : 0, 0, &ri->title, e) ||
			jx_present(in, "title");
	ri->set_note = crm_text(in, "note", &ri->note, e) || jx_present(in, "note");
	ri->set_assignee_id = jx_int_null(in, "assignee_id", 1, INT64_MAX, 0, &ri->assignee_id, e);
	ri->set_rule = jx_present(in, "rule") || jx_present(in, "weekday") ||
		       jx_present(in, "monthday");
	jx_str(in, "rule", creating || ri->set_rule ? JX_REQUIRED : 0, 0, &ri->rule, e);
	jx_int_null(in, "weekday", INT64_MIN, INT64_MAX, 0, &ri->weekday, e);
	jx_int_null(in, "monthday", INT64_MIN, INT64_MAX, 0, &ri->monthday, e);
	ri->set_checklist = crm_text_list(in, "checklist", TASK_CHECKLIST_MAX, r->a,
					  &ri->checklist, &ri->nchecklist, e) ||
			    jx_present(in, "checklist");
	ri->set_active = jx_bool(in, "active", 0, &ri->active, e);
	if (creating)
		jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &ri->store_id, e);
}

static void today_of(int64_t now, char *today)
{
	ts_day(now, today, 11);
}

int h_task_recurrences_create(struct req *r)
{
	struct recur_input ri = {0};
	struct task_recurrence *t;
	int64_t now = ts_now_ms();
	char today[11];
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_recur(r, in, 1, &ri);
	if (req_bad_types(r))
		return r->err.code;
	today_of(now, today);
	if ((rc = recur_create(r->db, r->a, &r->actor, &ri, today, now, &t, &r->err)) < 0)
		return rc;
	return reply_created(r, recur_to_json(t), t->id);
}

int h_task_recurrences_patch(struct req *r)
{
	struct recur_input ri = {0};
	struct task_recurrence *t;
	int64_t now = ts_now_ms();
	char today[11];
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_recur(r, in, 0, &ri);
	if (req_bad_types(r))
		return r->err.code;
	today_of(now, today);
	if ((rc = recur_update(r->db, r->a, &r->actor, r->ids[0], &ri, today, now, &t, &r->err)) <
	    0)
		return rc;
	return reply_json(r, 200, recur_to_json(t));
}

int h_task_recurrences_get(struct req *r)
{
	struct task_recurrence *t;
	int rc = recur_get(r->db, r->a, &r->actor, r->ids[0], &t, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, recur_to_json(t));
}

int h_task_recurrences_delete(struct req *r)
{
	int rc = recur_delete(r->db, &r->actor, r->ids[0], &r->err);

	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

static json_t *recur_row(const void *rows, int i)
{
	return recur_to_json(((struct task_recurrence *const *)rows)[i]);
}

/* GET /task-recurrences?store_id= */
int h_task_recurrences_list(struct req *r)
{
	struct task_recurrence **list;
	int64_t store_id = 0, after;
	int limit, n, more, rc;

	req_page(r, &limit, &after);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	rc = recur_list(r->db, r->a, &r->actor, store_id, after, limit, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, recur_row);
}
