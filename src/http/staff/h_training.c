/* h_training.c: course assignments and quiz attempts over HTTP: parse and
 * check, call training.c, render. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/staff/training.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/router.h"

static json_t *assignment_row(const void *rows, int i)
{
	return assignment_to_json(((struct course_assignment *const *)rows)[i]);
}

/* POST /courses/{id}/assignments {user_ids | role, store_id?, due_day} */
int h_courses_assignments_create(struct req *r)
{
	static const char *const fields[] = {"user_ids", "role", "store_id", "due_day", NULL};
	struct course_assignment **list;
	const char *role = NULL, *due = NULL;
	int64_t *ids = NULL, store_id = 0;
	json_t *in, *items;
	int nids = 0, n, rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_ids(in, "user_ids", 0, TRAINING_ASSIGN_MAX, r->a, &ids, &nids, &r->err);
	jx_str(in, "role", 0, 0, &role, &r->err);
	jx_int(in, "store_id", 0, 1, INT64_MAX, &store_id, &r->err);
	jx_day(in, "due_day", 0, &due, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = training_assign(r->db, r->a, &r->actor, r->ids[0], ids, nids, role, store_id, due,
			     ts_now_ms(), &list, &n, &r->err);
	if (rc < 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, assignment_to_json(list[i]));
	return reply_json(r, 201, json_pack("{s:o}", "items", items));
}

/* GET /course-assignments?user_id=&store_id=&course_id=&status=&overdue=true */
int h_course_assignments_list(struct req *r)
{
	struct assignment_filter f = {0};
	struct course_assignment **list;
	char today[11];
	int n, more, rc;

	ts_day(ts_now_ms(), today, sizeof today);
	f.today = today;
	req_page(r, &f.limit, &f.after_id);
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &f.user_id, &r->err);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "course_id"), "course_id", 1, INT64_MAX, &f.course_id, &r->err);
	f.status = req_query_enum(r, "status", assignment_statuses);
	f.overdue = req_query_bool(r, "overdue");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	rc = training_assignment_list(r->db, r->a, &r->actor, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, assignment_row);
}

/* POST /courses/{id}/attempts {answers:[index, ...]} */
int h_courses_attempts_create(struct req *r)
{
	static const char *const fields[] = {"answers", NULL};
	struct attempt_result res = {0};
	int64_t *answers;
	json_t *in, *arr, *v, *correct;
	size_t i;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	if (!jx_array(in, "answers", JX_REQUIRED, &arr, &r->err))
		return req_bad_types(r) ? r->err.code : err_fields_done(&r->err);
	answers = arena_calloc(r->a, json_array_size(arr) + 1, sizeof *answers);
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v))
			err_type(&r->err, "answers", "array of integers");
		else
			answers[i] = json_integer_value(v);
	}
	if (req_bad_types(r))
		return r->err.code;
	rc = training_attempt(r->db, r->a, &r->actor,
			      perm_allows(PERM_STAFF_ADMIN, r->user->role), r->ids[0], answers,
			      (int)json_array_size(arr), ts_now_ms(), &res, &r->err);
	if (rc < 0)
		return rc;
	correct = json_array();
	for (int k = 0; k < res.n; k++)
		json_array_append_new(correct, json_boolean(res.correct[k]));
	return reply_json(r, 201, json_pack("{s:I,s:I,s:b,s:o}", "id", (json_int_t)res.id,
					    "score_bp", (json_int_t)res.score_bp, "passed",
					    res.passed, "correct", correct));
}

/* GET /courses/{id}/attempts?user_id= (default: the caller's own) */
int h_courses_attempts_list(struct req *r)
{
	struct course_attempt *list;
	int64_t user_id = 0;
	json_t *items;
	int n, rc;

	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &user_id, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = training_attempt_list(r->db, r->a, &r->actor, r->ids[0], user_id, &list, &n,
				   &r->err);
	if (rc < 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, attempt_to_json(&list[i]));
	return reply_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}
