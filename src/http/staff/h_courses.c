/* h_courses.c: training courses over HTTP: parse and check, call course.c
 * or training.c (required roles), render. The quiz's answers are shown to
 * course administrators (STAFF_ADMIN) only. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/staff/course.h"
#include "domain/staff/training.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/router.h"

/* 1 when the user administers courses: sees drafts and the answers. */
static int course_admin(struct req *r)
{
	return r->user && perm_allows(PERM_STAFF_ADMIN, r->user->role);
}

static void read_material(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"kind", "title", "body", "url", "file_id", NULL};
	struct course_material *m = elem;

	(void)ctx;
	jx_no_unknown(item, fields, ie);
	jx_str(item, "kind", JX_REQUIRED, 0, &m->kind, ie);
	jx_str(item, "title", 0, 0, &m->title, ie);
	jx_str(item, "body", 0, 0, &m->body, ie);
	jx_str(item, "url", 0, 0, &m->url, ie);
	jx_int(item, "file_id", 0, 1, INT64_MAX, &m->file_id, ie);
}

static void read_question(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"question", "options", "answer", NULL};
	struct quiz_question *q = elem;
	struct arena *a = ctx;
	json_t *opts, *o;
	size_t i;
	char f[32];

	jx_no_unknown(item, fields, ie);
	jx_str(item, "question", 0, 0, &q->question, ie);
	jx_int(item, "answer", JX_REQUIRED, 0, INT64_MAX, &q->answer, ie);
	if (!jx_array(item, "options", JX_REQUIRED, &opts, ie))
		return;
	q->noptions = (int)json_array_size(opts);
	q->options = arena_calloc(a, json_array_size(opts) + 1, sizeof(char *));
	json_array_foreach(opts, i, o) {
		snprintf(f, sizeof f, "options[%zu]", i);
		if (!json_is_string(o))
			err_type(ie, f, "string");
		else
			q->options[i] = json_string_value(o);
	}
}

/* The body of a create (every field) or a PATCH (those present). */
static void read_course(struct req *r, json_t *in, struct course_input *ci)
{
	static const char *const fields[] = {"title", "kind", "description", "materials",
					     "quiz", "pass_bp", NULL};
	int n;

	jx_no_unknown(in, fields, &r->err);
	ci->set_title = jx_present(in, "title");
	jx_str(in, "title", 0, 0, &ci->title, &r->err);
	ci->set_kind = jx_present(in, "kind");
	jx_str(in, "kind", 0, 0, &ci->kind, &r->err);
	ci->set_description = jx_present(in, "description");
	jx_str(in, "description", 0, 0, &ci->description, &r->err);
	ci->set_pass_bp = jx_int(in, "pass_bp", 0, INT64_MIN, INT64_MAX, &ci->pass_bp, &r->err);
	n = jx_objects(in, "materials", 0, COURSE_MATERIALS_MAX, r->a,
		       sizeof(struct course_material), (void **)&ci->materials, read_material,
		       NULL, &r->err);
	ci->set_materials = n >= 0;
	ci->nmaterials = n > 0 ? n : 0;
	n = jx_objects(in, "quiz", 0, COURSE_QUIZ_MAX, r->a, sizeof(struct quiz_question),
		       (void **)&ci->quiz, read_question, r->a, &r->err);
	ci->set_quiz = n >= 0;
	ci->nquiz = n > 0 ? n : 0;
}

int h_courses_create(struct req *r)
{
	struct course_input ci = {0};
	struct course *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_course(r, in, &ci);
	if (req_bad_types(r))
		return r->err.code;
	rc = course_create(r->db, r->a, &r->actor, &ci, ts_now_ms(), &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, course_to_json(c, 1), c->id);
}

int h_courses_patch(struct req *r)
{
	struct course_input ci = {0};
	struct course *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_course(r, in, &ci);
	if (req_bad_types(r))
		return r->err.code;
	rc = course_update(r->db, r->a, &r->actor, r->ids[0], &ci, ts_now_ms(), &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, course_to_json(c, 1));
}

int h_courses_get(struct req *r)
{
	struct course *c;
	int all = course_admin(r);
	int rc = course_get(r->db, r->a, &r->actor, all, r->ids[0], &c, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, course_to_json(c, all));
}

struct course_rows {
	struct course **list;
	int all;
};

static json_t *course_row(const void *rows, int i)
{
	const struct course_rows *cr = rows;
	return course_to_json(cr->list[i], cr->all);
}

/* GET /courses?status=&kind=: the courses the user may read. */
int h_courses_list(struct req *r)
{
	struct course_filter f = {0};
	struct course_rows cr = {.all = course_admin(r)};
	int n, more, rc;

	req_page(r, &f.limit, &f.after_id);
	f.status = req_query_enum(r, "status", course_statuses);
	f.kind = req_query_enum(r, "kind", course_kinds);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = course_list(r->db, r->a, &r->actor, cr.all, &f, &cr.list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, &cr, n, more, n ? cr.list[n - 1]->id : 0, course_row);
}

int h_courses_publish(struct req *r)
{
	struct course *c;
	int rc = course_publish(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &c, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, course_to_json(c, 1));
}

int h_courses_archive(struct req *r)
{
	struct course *c;
	int rc = course_archive(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &c, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, course_to_json(c, 1));
}

static void read_role(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"role", "due_days", NULL};
	struct course_role *cr = elem;

	(void)ctx;
	jx_no_unknown(item, fields, ie);
	jx_str(item, "role", JX_REQUIRED, 0, &cr->role, ie);
	cr->due_days = 30;
	jx_int(item, "due_days", 0, INT64_MIN, INT64_MAX, &cr->due_days, ie);
}

/* PUT /courses/{id}/roles: the body is an array [{role, due_days}]. */
int h_courses_roles_put(struct req *r)
{
	struct course_role *roles = NULL;
	struct course *c;
	json_error_t je;
	json_t *wrap;
	int n, rc;

	r->in = r->body ? json_loadb(r->body, r->body_len, 0, &je) : NULL;
	if (!r->in)
		return err_set(&r->err, ERR_MALFORMED_JSON, "the body is not JSON");
	if (!json_is_array(r->in))
		return err_set(&r->err, ERR_BAD_REQUEST, "the body must be an array of {role, due_days}");
	wrap = json_pack("{s:O}", "roles", r->in);
	n = jx_objects(wrap, "roles", JX_REQUIRED, 10, r->a, sizeof *roles, (void **)&roles,
		       read_role, NULL, &r->err);
	json_decref(wrap);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	rc = training_roles_set(r->db, r->a, &r->actor, r->ids[0], roles, n > 0 ? n : 0,
				ts_now_ms(), &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, course_to_json(c, 1));
}

/* POST /courses/{id}/files?name=: the file is the body, its type the
 * Content-Type (parameters dropped). */
int h_courses_files_create(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	const char *semi = ct ? strchr(ct, ';') : NULL;
	char *mime = ct ? arena_strndup(r->a, ct, semi ? (size_t)(semi - ct) : strlen(ct)) : NULL;
	struct course_file *f;
	int rc;

	for (size_t n = mime ? strlen(mime) : 0; n && mime[n - 1] == ' '; n--)
		mime[n - 1] = '\0';
	rc = course_file_add(r->db, r->a, &r->actor, r->ids[0], req_query(r, "name"), mime,
			     r->body, r->body ? r->body_len : 0, ts_now_ms(), &f, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 201, course_file_to_json(f));
}

/* GET /course-files/{id}: the bytes as an attachment. */
int h_course_files_get(struct req *r)
{
	struct course_file *f;
	int rc = course_file_get(r->db, r->a, &r->actor, course_admin(r), r->ids[0], &f,
				 &r->err);

	if (rc < 0)
		return rc;
	r->raw = (char *)f->data;
	r->raw_len = (size_t)f->size;
	r->content_type = f->mime;
	reply_header(r, "Content-Disposition", course_file_disposition(r->a, f->name));
	r->status = 200;
	return 0;
}
