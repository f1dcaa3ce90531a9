/* course.c: training courses (see course.h): checking and storing their
 * materials and quiz as JSON text, their states, who may read them, and
 * their files kept base64 in course_files. Every change is audited. */
#include "domain/staff/course.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/staff/training.h"

const char *const course_kinds[] = {"product", "selling", "service", NULL};
const char *const course_statuses[] = {"draft", "published", "archived", NULL};
const char *const course_material_kinds[] = {"text", "link", "file", NULL};

#define COURSE_COLS                                                            \
	"c.id, c.title, c.kind, c.description, c.materials, c.quiz, c.pass_bp,"  \
	" c.status, c.created_by, c.created_at, c.updated_at"

/* Who may read a course: all (1: a course administrator), or a published
 * course, or one assigned to the user (params: all, user id). */
#define COURSE_READABLE                                                        \
	" (? = 1 OR c.status = 'published' OR EXISTS (SELECT 1 FROM"             \
	" course_assignments ca WHERE ca.course_id = c.id AND ca.user_id = ?)) "

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int64_t me_of(const struct actor *who)
{
	return who && who->user ? who->user->id : 0;
}

static struct course *course_from_row(struct db_stmt *st, struct arena *a)
{
	struct course *c = arena_calloc(a, 1, sizeof *c);

	c->id = db_col_int64(st, 0);
	c->title = arena_strdup(a, db_col_text(st, 1));
	c->kind = arena_strdup(a, db_col_text(st, 2));
	c->description = arena_strdup(a, db_col_text(st, 3));
	c->materials = arena_strdup(a, db_col_text(st, 4));
	c->quiz = arena_strdup(a, db_col_text(st, 5));
	c->pass_bp = db_col_int64(st, 6);
	c->status = arena_strdup(a, db_col_text(st, 7));
	c->created_by = db_col_int64(st, 8);
	c->created_at = db_col_int64(st, 9);
	c->updated_at = db_col_int64(st, 10);
	return c;
}

json_t *course_file_to_json(const struct course_file *f)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:I,s:o}", "id", (json_int_t)f->id, "course_id",
			 (json_int_t)f->course_id, "name", f->name, "mime", f->mime, "size",
			 (json_int_t)f->size, "created_at", jx_time(f->created_at));
}

/* Stored JSON text read back; an unreadable value answers an empty array. */
static json_t *stored_array(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_array(v)) {
		json_decref(v);
		return json_array();
	}
	return v;
}

json_t *course_to_json(const struct course *c, int with_answers)
{
	json_t *quiz = stored_array(c->quiz), *q, *roles = json_array(), *files = json_array();
	size_t i;

	if (!with_answers)
		json_array_foreach(quiz, i, q)
			json_object_del(q, "answer");
	for (int k = 0; k < c->nroles; k++)
		json_array_append_new(roles, json_pack("{s:s,s:I}", "role", c->roles[k].role,
						       "due_days",
						       (json_int_t)c->roles[k].due_days));
	for (int k = 0; k < c->nfiles; k++)
		json_array_append_new(files, course_file_to_json(&c->files[k]));
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:i,s:s,s:o,s:o,s:o,s:o,s:o}", "id",
			 (json_int_t)c->id, "title", c->title, "kind", c->kind, "description",
			 c->description ? c->description : "", "materials",
			 stored_array(c->materials), "quiz", quiz, "pass_bp",
			 (json_int_t)c->pass_bp, "questions", (int)json_array_size(quiz),
			 "status", c->status, "required_roles", roles, "files", files,
			 "created_by", c->created_by ? json_integer(c->created_by) : json_null(),
			 "created_at", jx_time(c->created_at), "updated_at", jx_time(c->updated_at));
}

static json_t *course_audit_json(const struct course *c)
{
	return json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)c->id, "kind", c->kind,
			 "status", c->status, "pass_bp", (json_int_t)c->pass_bp);
}

int course_quiz_key(struct arena *a, const char *quiz, int64_t **answers, int *n)
{
	json_t *v = quiz ? json_loads(quiz, 0, NULL) : NULL, *q;
	size_t i;

	if (!json_is_array(v)) {
		json_decref(v);
		return -1;
	}
	*n = (int)json_array_size(v);
	*answers = arena_calloc(a, (size_t)*n + 1, sizeof **answers);
	json_array_foreach(v, i, q)
		(*answers)[i] = json_integer_value(json_object_get(q, "answer"));
	json_decref(v);
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static const char SQL_COURSE_ROLES[] =
	"SELECT role, due_days FROM course_roles WHERE course_id = ? ORDER BY role";
static const char SQL_COURSE_FILES[] =
	"SELECT id, course_id, name, mime, size, created_at FROM course_files"
	" WHERE course_id = ? ORDER BY id";

static struct course_file *file_from_row(struct db_stmt *st, struct arena *a)
{
	struct course_file *f = arena_calloc(a, 1, sizeof *f);

	f->id = db_col_int64(st, 0);
	f->course_id = db_col_int64(st, 1);
	f->name = arena_strdup(a, db_col_text(st, 2));
	f->mime = arena_strdup(a, db_col_text(st, 3));
	f->size = db_col_int64(st, 4);
	f->created_at = db_col_int64(st, 5);
	return f;
}

/* The roles and files of c. 0 or negative. */
static int course_extras(struct db *db, struct arena *a, struct course *c, struct err *e)
{
	struct page pg;
	struct db_stmt *st;
	int rc;

	page_init_all(&pg, a, sizeof(struct course_role));
	if (!(st = db_query(db, e, SQL_COURSE_ROLES, "i", c->id)))
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct course_role *r = page_add(&pg);
		r->role = arena_strdup(a, db_col_text(st, 0));
		r->due_days = db_col_int64(st, 1);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	c->roles = pg.rows;
	c->nroles = pg.n;
	page_init_all(&pg, a, sizeof(struct course_file));
	if (!(st = db_query(db, e, SQL_COURSE_FILES, "i", c->id)))
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct course_file *)page_add(&pg) = *file_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	c->files = pg.rows;
	c->nfiles = pg.n;
	return 0;
}

static const char SQL_COURSE_GET[] =
	"SELECT " COURSE_COLS " FROM courses c WHERE c.id = ? AND" COURSE_READABLE;

int course_get(struct db *db, struct arena *a, const struct actor *who, int all, int64_t id,
	       struct course **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_COURSE_GET, "iii", id, (int64_t)(all ? 1 : 0),
				      me_of(who));
	int rc;

	if ((rc = db_get_row(st, "course", id, e)) < 0)
		return rc;
	*out = course_from_row(st, a);
	db_reset(st);
	return course_extras(db, a, *out, e);
}

int course_list(struct db *db, struct arena *a, const struct actor *who, int all,
		const struct course_filter *f, struct course ***out, int *n, int *more,
		struct err *e)
{
	static const char sql[] =
		"SELECT " COURSE_COLS " FROM courses c WHERE c.id > ?"
		" AND (CAST(? AS TEXT) IS NULL OR c.status = ?)"
		" AND (CAST(? AS TEXT) IS NULL OR c.kind = ?) AND" COURSE_READABLE
		" ORDER BY c.id LIMIT ?";
	struct page pg;
	int rc;

	page_init(&pg, a, f->limit, sizeof(struct course *));
	struct db_stmt *st = db_query(db, e, sql, "ittttiii", f->after_id, f->status, f->status,
				      f->kind, f->kind, (int64_t)(all ? 1 : 0), me_of(who),
				      page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct course **)page_add(&pg) = course_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	for (int i = 0; i < pg.n; i++)
		if ((rc = course_extras(db, a, (*out)[i], e)) < 0)
			return rc;
	return 0;
}

/* ---- checking and storing ----------------------------------------------- */

static const char SQL_FILE_OF_COURSE[] =
	"SELECT 1 FROM course_files WHERE id = ? AND course_id = ?";

static int http_url(const char *u)
{
	return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
	       !strchr(u, ' ');
}

/* Notes every bad material (field "materials[i].x"); a file must be one
 * of course_id's files (0: none can be). 0 or a negative db error. */
static int check_materials(struct db *db, const struct course_input *in, int64_t course_id,
			   struct err *e)
{
	char f[64];

	if (in->nmaterials > COURSE_MATERIALS_MAX)
		err_field(e, "materials", "at most %d materials", COURSE_MATERIALS_MAX);
	for (int i = 0; i < in->nmaterials; i++) {
		const struct course_material *m = &in->materials[i];

		snprintf(f, sizeof f, "materials[%d].kind", i);
		if (!in_list(course_material_kinds, m->kind)) {
			err_field(e, f, "must be one of: text, link, file");
			continue;
		}
		snprintf(f, sizeof f, "materials[%d].title", i);
		text_check(e, f, m->title, 1, COURSE_TITLE_MAX);
		if (strcmp(m->kind, "text") == 0) {
			snprintf(f, sizeof f, "materials[%d].body", i);
			text_check(e, f, m->body, 1, COURSE_MATERIAL_BODY_MAX);
		} else if (strcmp(m->kind, "link") == 0) {
			snprintf(f, sizeof f, "materials[%d].url", i);
			if (!http_url(m->url) || utf8_chars(m->url) > COURSE_URL_MAX)
				err_field(e, f, "must be an http or https address");
		} else {
			snprintf(f, sizeof f, "materials[%d].file_id", i);
			int rc = m->file_id > 0 && course_id
					 ? db_exists(db_query(db, e, SQL_FILE_OF_COURSE, "ii",
							      m->file_id, course_id), e)
					 : 0;
			if (rc < 0)
				return rc;
			if (!rc)
				err_field(e, f, "must be a file of this course");
		}
	}
	return 0;
}

static void check_quiz(const struct course_input *in, struct err *e)
{
	char f[64];

	if (in->nquiz > COURSE_QUIZ_MAX)
		err_field(e, "quiz", "at most %d questions", COURSE_QUIZ_MAX);
	for (int i = 0; i < in->nquiz; i++) {
		const struct quiz_question *q = &in->quiz[i];

		snprintf(f, sizeof f, "quiz[%d].question", i);
		text_check(e, f, q->question, 1, COURSE_QUESTION_MAX);
		snprintf(f, sizeof f, "quiz[%d].options", i);
		if (q->noptions < 1 || q->noptions > COURSE_OPTIONS_MAX) {
			err_field(e, f, "must hold 1 to %d options", COURSE_OPTIONS_MAX);
			continue;
		}
		for (int k = 0; k < q->noptions; k++) {
			snprintf(f, sizeof f, "quiz[%d].options[%d]", i, k);
			text_check(e, f, q->options[k], 1, COURSE_OPTION_MAX);
		}
		snprintf(f, sizeof f, "quiz[%d].answer", i);
		if (q->answer < 0 || q->answer >= q->noptions)
			err_field(e, f, "must be the index of one of the options");
	}
}

/* The checks that need no database. */
static void check_course_fields(const struct course_input *in, int creating, struct err *e)
{
	if (creating || in->set_title)
		text_check(e, "title", in->title, 1, COURSE_TITLE_MAX);
	if ((creating || in->set_kind) && !in_list(course_kinds, in->kind))
		err_field(e, "kind", "must be one of: product, selling, service");
	if (in->set_description && text_or_null(in->description))
		text_check(e, "description", in->description, 0, COURSE_DESCRIPTION_MAX);
	if (in->set_pass_bp && (in->pass_bp < 1 || in->pass_bp > 10000))
		err_field(e, "pass_bp", "must be 1 to 10000");
	if (in->set_quiz)
		check_quiz(in, e);
}

/* The stored JSON text of materials and of the quiz (answers kept). */
static char *materials_text(struct arena *a, const struct course_input *in)
{
	json_t *arr = json_array();

	for (int i = 0; i < in->nmaterials; i++) {
		const struct course_material *m = &in->materials[i];
		json_t *o = json_pack("{s:s,s:s}", "kind", m->kind, "title", m->title);

		if (strcmp(m->kind, "text") == 0)
			json_object_set_new(o, "body", json_string(m->body));
		else if (strcmp(m->kind, "link") == 0)
			json_object_set_new(o, "url", json_string(m->url));
		else
			json_object_set_new(o, "file_id", json_integer(m->file_id));
		json_array_append_new(arr, o);
	}
	char *s = json_dumps(arr, JSON_COMPACT), *out = arena_strdup(a, s);
	free(s);
	json_decref(arr);
	return out;
}

static char *quiz_text(struct arena *a, const struct course_input *in)
{
	json_t *arr = json_array();

	for (int i = 0; i < in->nquiz; i++) {
		const struct quiz_question *q = &in->quiz[i];
		json_t *opts = json_array();

		for (int k = 0; k < q->noptions; k++)
			json_array_append_new(opts, json_string(q->options[k]));
		json_array_append_new(arr, json_pack("{s:s,s:o,s:I}", "question", q->question,
						     "options", opts, "answer",
						     (json_int_t)q->answer));
	}
	char *s = json_dumps(arr, JSON_COMPACT), *out = arena_strdup(a, s);
	free(s);
	json_decref(arr);
	return out;
}

static const char SQL_COURSE_INSERT[] =
	"INSERT INTO courses (title, kind, description, materials, quiz, pass_bp, status,"
	" created_by, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id";

int course_create(struct db *db, struct arena *a, const struct actor *who,
		  const struct course_input *in, int64_t now, struct course **out,
		  struct err *e)
{
	struct course *c;
	int64_t id;
	int rc;

	check_course_fields(in, 1, e);
	if ((rc = check_materials(db, in, 0, e)) < 0)
		return rc;
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	rc = db_int(db_query(db, e, SQL_COURSE_INSERT, "tttttiIii", in->title, in->kind,
			     in->set_description && in->description ? in->description : "",
			     materials_text(a, in), quiz_text(a, in),
			     in->set_pass_bp ? in->pass_bp : (int64_t)8000, me_of(who), now, now),
		    &id, e);
	if (rc <= 0)
		goto fail;
	if ((rc = course_get(db, a, who, 1, id, &c, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "course", id, 0, NULL, course_audit_json(c),
			       e)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_COURSE_UPDATE[] =
	"UPDATE courses SET title = ?, kind = ?, description = ?, materials = ?, quiz = ?,"
	" pass_bp = ?, updated_at = ? WHERE id = ?";

int course_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  const struct course_input *in, int64_t now, struct course **out,
		  struct err *e)
{
	struct course *cur, *c;
	int rc;

	check_course_fields(in, 0, e);
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = course_get(db, a, who, 1, id, &cur, e)) < 0)
		goto fail;
	if (strcmp(cur->status, "archived") == 0) {
		rc = err_set(e, ERR_STATE, "course %lld is archived", (long long)id);
		goto fail;
	}
	if (in->set_materials && (rc = check_materials(db, in, id, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	rc = db_run(db_query(db, e, SQL_COURSE_UPDATE, "tttttiii",
			     in->set_title ? in->title : cur->title,
			     in->set_kind ? in->kind : cur->kind,
			     in->set_description ? (in->description ? in->description : "")
						 : cur->description,
			     in->set_materials ? materials_text(a, in) : cur->materials,
			     in->set_quiz ? quiz_text(a, in) : cur->quiz,
			     in->set_pass_bp ? in->pass_bp : cur->pass_bp, now, id),
		    e);
	if (rc < 0)
		goto fail;
	if ((rc = course_get(db, a, who, 1, id, &c, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "course", id, 0, course_audit_json(cur),
			       course_audit_json(c), e)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_COURSE_STATUS[] =
	"UPDATE courses SET status = ?, updated_at = ? WHERE id = ?";

/* Moves course id to status `to` from one of `from` (else ERR_STATE);
 * publishing needs a quiz and assigns the required roles. */
static int course_move(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       const char *to, const char *const *from, int64_t now,
		       struct course **out, struct err *e)
{
	struct course *cur, *c;
	int64_t *key;
	int nq = 0, rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = course_get(db, a, who, 1, id, &cur, e)) < 0)
		goto fail;
	if (!in_list(from, cur->status)) {
		rc = err_set(e, ERR_STATE, "course %lld is %s", (long long)id, cur->status);
		goto fail;
	}
	if (strcmp(to, "published") == 0 &&
	    (course_quiz_key(a, cur->quiz, &key, &nq) < 0 || nq < 1)) {
		rc = err_set(e, ERR_STATE, "a course needs a quiz before it is published");
		goto fail;
	}
	if ((rc = db_run(db_query(db, e, SQL_COURSE_STATUS, "tii", to, now, id), e)) < 0)
		goto fail;
	if (strcmp(to, "published") == 0 &&
	    (rc = training_assign_required(db, id, now, NULL, e)) < 0)
		goto fail;
	if ((rc = course_get(db, a, who, 1, id, &c, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, strcmp(to, "published") == 0 ? "publish" : "archive",
			       "course", id, 0, course_audit_json(cur), course_audit_json(c),
			       e)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int course_publish(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   int64_t now, struct course **out, struct err *e)
{
	static const char *const from[] = {"draft", "archived", NULL};
	return course_move(db, a, who, id, "published", from, now, out, e);
}

int course_archive(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   int64_t now, struct course **out, struct err *e)
{
	static const char *const from[] = {"draft", "published", NULL};
	return course_move(db, a, who, id, "archived", from, now, out, e);
}

/* ---- files ---------------------------------------------------------------- */

/* A media type "type/subtype" of token characters (parameters dropped by
 * the caller). */
static int mime_ok(const char *m)
{
	const char *slash = m ? strchr(m, '/') : NULL;

	if (!slash || slash == m || !slash[1] || strlen(m) > 100)
		return 0;
	for (const char *p = m; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("/!#$&^_.+-", *p)))
			return 0;
	return strchr(slash + 1, '/') == NULL;
}

static const char SQL_FILE_INSERT[] =
	"INSERT INTO course_files (course_id, name, mime, size, data, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

int course_file_add(struct db *db, struct arena *a, const struct actor *who, int64_t course_id,
		    const char *name, const char *mime, const void *data, size_t len,
		    int64_t now, struct course_file **out, struct err *e)
{
	struct course_file *f;
	struct course *c;
	char *b64;
	int rc;

	text_check(e, "name", name, 1, COURSE_FILE_NAME_MAX);
	if (name && (strchr(name, '/') || strchr(name, '\\')))
		err_field(e, "name", "must not hold a path");
	if (!mime_ok(mime))
		err_field(e, "Content-Type", "must be a media type such as application/pdf");
	if (len == 0)
		err_field(e, "body", "the file is the request body");
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if (len > COURSE_FILE_MAX_BYTES)
		return err_set(e, ERR_TOO_LARGE, "a course file is at most 5 MiB");
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = course_get(db, a, who, 1, course_id, &c, e)) < 0)
		goto fail;
	if (strcmp(c->status, "archived") == 0) {
		rc = err_set(e, ERR_STATE, "course %lld is archived", (long long)course_id);
		goto fail;
	}
	b64 = arena_alloc(a, sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL),
			  data, len, sodium_base64_VARIANT_ORIGINAL);
	f = arena_calloc(a, 1, sizeof *f);
	f->course_id = course_id;
	f->name = name;
	f->mime = mime;
	f->size = (int64_t)len;
	f->created_at = now;
	rc = db_int(db_query(db, e, SQL_FILE_INSERT, "ittiti", course_id, name, mime, f->size, b64,
			     now),
		    &f->id, e);
	if (rc <= 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "course_file", f->id, 0, NULL,
			       json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)f->id,
					 "course_id", (json_int_t)course_id, "mime", mime,
					 "size", (json_int_t)f->size),
			       e)) < 0)
		goto fail;
	*out = f;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_FILE_GET[] =
	"SELECT f.id, f.course_id, f.name, f.mime, f.size, f.created_at, f.data"
	" FROM course_files f JOIN courses c ON c.id = f.course_id"
	" WHERE f.id = ? AND" COURSE_READABLE;

int course_file_get(struct db *db, struct arena *a, const struct actor *who, int all,
		    int64_t id, struct course_file **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_FILE_GET, "iii", id, (int64_t)(all ? 1 : 0),
				      me_of(who));
	struct course_file *f;
	const char *b64;
	size_t n = 0;
	int rc;

	if ((rc = db_get_row(st, "course file", id, e)) < 0)
		return rc;
	f = file_from_row(st, a);
	b64 = db_col_text(st, 6);
	f->data = xmalloc((size_t)f->size + 1);
	rc = sodium_base642bin(f->data, (size_t)f->size + 1, b64 ? b64 : "", b64 ? strlen(b64) : 0,
			       NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL);
	db_reset(st);
	if (rc != 0 || (int64_t)n != f->size) {
		free(f->data);
		return err_set(e, ERR_INTERNAL, "course file %lld is damaged", (long long)id);
	}
	*out = f;
	return 0;
}

char *course_file_disposition(struct arena *a, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(name);
	char *ascii = arena_alloc(a, len + 1), *enc = arena_alloc(a, len * 3 + 1);
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		ascii[i] = ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' ? '_' : (char)ch;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch)) {
			enc[k++] = (char)ch;
		} else {
			enc[k++] = '%';
			enc[k++] = hex[ch >> 4];
			enc[k++] = hex[ch & 15];
		}
	}
	ascii[len] = '\0';
	enc[k] = '\0';
	return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}
