/* evaluation_template.c: evaluation templates (criteria and weights per
 * role) and the pure rules of evaluations: which part a viewer may read, the
 * weighted score, score and template checks, month arithmetic. */
#include "domain/staff/evaluation.h"

#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/staff/staff_json.h"

const char *const eval_statuses[] = {"scheduled", "open", "published", "cancelled", NULL};

void eval_parts_visible(const char *status, int64_t person_id, int64_t viewer_id,
			int *self_visible, int *manager_visible)
{
	int published = status && strcmp(status, "published") == 0;

	if (published || viewer_id == 0) {
		*self_visible = *manager_visible = 1;
		return;
	}
	*self_visible = viewer_id == person_id;
	*manager_visible = viewer_id != person_id;
}

static const struct eval_score *find_score(const struct eval_score *s, int ns, const char *key)
{
	for (int i = 0; i < ns; i++)
		if (strcmp(s[i].key, key) == 0)
			return &s[i];
	return NULL;
}

int64_t eval_weighted_score(const struct eval_criterion *c, int nc, const struct eval_score *s,
			    int ns)
{
	int64_t sum = 0;

	for (int i = 0; i < nc; i++) {
		const struct eval_score *x = find_score(s, ns, c[i].key);
		if (!x)
			return -1;
		sum += x->score * c[i].weight;
	}
	return sum;
}

static int key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n < 1 || n > EVAL_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

void eval_template_check(const struct eval_template_input *in, int creating, struct err *e)
{
	if (creating || in->set_name)
		text_check(e, "name", in->name, 1, EVAL_NAME_MAX);
	if ((creating || in->set_role) && (!in->role || !role_parse(in->role)))
		err_field(e, "role", "must be one of: admin, hq, store_manager, sales, service");
	if ((creating || in->set_cadence) && in->set_cadence &&
	    (in->cadence_months < 1 || in->cadence_months > EVAL_CADENCE_MAX))
		err_field(e, "cadence_months", "must be 1..%d", EVAL_CADENCE_MAX);
	if (!creating && !in->set_criteria)
		return;
	if (in->ncriteria < 1 || in->ncriteria > EVAL_CRITERIA_MAX) {
		err_field(e, "criteria", "must hold 1 to %d criteria", EVAL_CRITERIA_MAX);
		return;
	}
	int64_t sum = 0;
	for (int i = 0; i < in->ncriteria; i++) {
		const struct eval_criterion *c = &in->criteria[i];
		char f[48];
		f[0] = 0;
		text_catf(f, sizeof f, "criteria[%d].key", i);
		if (!c->key || !key_ok(c->key))
			err_field(e, f, "must be 1..%d of a-z, 0-9, _", EVAL_KEY_MAX);
		else
			for (int j = 0; j < i; j++)
				if (in->criteria[j].key && strcmp(in->criteria[j].key, c->key) == 0) {
					err_field(e, f, "is used twice");
					break;
				}
		f[0] = 0;
		text_catf(f, sizeof f, "criteria[%d].name", i);
		text_check(e, f, c->name, 1, EVAL_NAME_MAX);
		if (c->weight < 1 || c->weight > 100) {
			f[0] = 0;
			text_catf(f, sizeof f, "criteria[%d].weight", i);
			err_field(e, f, "must be 1..100");
		}
		sum += c->weight;
	}
	if (sum != 100)
		err_field(e, "criteria", "weights must sum to 100 (they sum to %lld)", (long long)sum);
}

void eval_scores_check(const struct eval_criterion *c, int nc, const struct eval_score *s,
		       int ns, int complete, const char *field, struct err *e)
{
	char f[64];

	for (int i = 0; i < ns; i++) {
		int known = 0;
		for (int j = 0; j < nc; j++)
			known |= strcmp(c[j].key, s[i].key) == 0;
		f[0] = 0;
		text_catf(f, sizeof f, "%s.%.40s", field, s[i].key);
		if (!known)
			err_field(e, f, "is not a criterion of this evaluation");
		else if (s[i].score < 1 || s[i].score > 5)
			err_field(e, f, "must be 1..5");
	}
	if (!complete)
		return;
	for (int j = 0; j < nc; j++)
		if (!find_score(s, ns, c[j].key)) {
			f[0] = 0;
			text_catf(f, sizeof f, "%s.%.40s", field, c[j].key);
			err_field(e, f, "is required");
		}
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

int eval_add_months(const char *day, int64_t months, char *out)
{
	int y, m, d;

	if (!day || !ts_day_valid(day))
		return -1;
	y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
	m = (day[5] - '0') * 10 + (day[6] - '0');
	d = (day[8] - '0') * 10 + (day[9] - '0');
	int last = d == days_in_month(y, m);
	int64_t k = (int64_t)y * 12 + (m - 1) + months;
	if (k < 0 || k >= 10000 * 12)
		return -1;
	y = (int)(k / 12);
	m = (int)(k % 12) + 1;
	if (last || d > days_in_month(y, m))
		d = days_in_month(y, m);
	out[0] = 0;
	text_catf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* ---- storage ---- */

static json_t *criteria_json(const struct eval_criterion *c, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:I}", "key", c[i].key, "name",
						     c[i].name, "weight", (json_int_t)c[i].weight));
	return arr;
}

/* The stored criteria text into t (in a); a bad text reads as none. */
static void criteria_parse(struct arena *a, const char *text, struct eval_template *t)
{
	json_t *arr = json_loads(text ? text : "[]", 0, NULL);
	size_t i;
	json_t *x;

	t->ncriteria = 0;
	t->criteria = NULL;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return;
	}
	t->criteria = arena_calloc(a, json_array_size(arr) + 1, sizeof *t->criteria);
	json_array_foreach(arr, i, x) {
		struct eval_criterion *c = &t->criteria[t->ncriteria++];
		c->key = arena_strdup(a, json_string_value(json_object_get(x, "key")));
		c->name = arena_strdup(a, json_string_value(json_object_get(x, "name")));
		c->weight = json_integer_value(json_object_get(x, "weight"));
		if (!c->key)
			c->key = "";
		if (!c->name)
			c->name = "";
	}
	json_decref(arr);
}

static char *criteria_text(struct arena *a, const struct eval_criterion *c, int n)
{
	return staff_json_text(a, criteria_json(c, n));
}

json_t *eval_template_to_json(const struct eval_template *t)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:I,s:b,s:o,s:o}", "id", (json_int_t)t->id, "name",
			 t->name, "role", t->role, "criteria", criteria_json(t->criteria, t->ncriteria),
			 "cadence_months", (json_int_t)t->cadence_months, "active", t->active,
			 "created_at", jx_time(t->created_at), "updated_at", jx_time(t->updated_at));
}

#define TPL_COLS "id, name, role, criteria, cadence_months, active, created_by, created_at, updated_at"

static struct eval_template *tpl_from_row(struct db_stmt *st, struct arena *a)
{
	struct eval_template *t = arena_alloc(a, sizeof *t);

	t->id = db_col_int64(st, 0);
	t->name = arena_strdup(a, db_col_text(st, 1));
	t->role = arena_strdup(a, db_col_text(st, 2));
	criteria_parse(a, db_col_text(st, 3), t);
	t->cadence_months = db_col_int64(st, 4);
	t->active = db_col_int64(st, 5) != 0;
	t->created_by = db_col_int64(st, 6);
	t->created_at = db_col_int64(st, 7);
	t->updated_at = db_col_int64(st, 8);
	return t;
}

int eval_template_get(struct db *db, struct arena *a, int64_t id, struct eval_template **out,
		      struct err *e)
{
	static const char sql[] = "SELECT " TPL_COLS " FROM evaluation_templates WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc;

	if ((rc = db_get_row(st, "evaluation template", id, e)) < 0)
		return rc;
	*out = tpl_from_row(st, a);
	db_reset(st);
	return 0;
}

static json_t *tpl_audit(const struct eval_template *t)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:b,s:o}", "id", (json_int_t)t->id, "name", t->name,
			 "role", t->role, "cadence_months", (json_int_t)t->cadence_months, "active",
			 t->active, "criteria", criteria_json(t->criteria, t->ncriteria));
}

int eval_template_create(struct db *db, struct arena *a, const struct actor *who,
			 const struct eval_template_input *in, int64_t now,
			 struct eval_template **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO evaluation_templates (name, role, criteria, cadence_months, active,"
		" created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	int64_t me = who && who->user ? who->user->id : 0, id;
	struct eval_template *t;
	int rc;

	eval_template_check(in, 1, e);
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	rc = db_int(db_query(db, e, sql, "tttiiIii", in->name, in->role,
			     criteria_text(a, in->criteria, in->ncriteria),
			     in->set_cadence ? in->cadence_months : (int64_t)6,
			     (int64_t)(in->set_active ? in->active != 0 : 1), me, now, now),
		    &id, e);
	if (rc <= 0 || (rc = eval_template_get(db, a, id, &t, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "evaluation_template", id, 0, NULL, tpl_audit(t),
			       e)) < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int eval_template_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 const struct eval_template_input *in, int64_t now,
			 struct eval_template **out, struct err *e)
{
	static const char sql[] =
		"UPDATE evaluation_templates SET name = ?, role = ?, criteria = ?, cadence_months = ?,"
		" active = ?, updated_at = ? WHERE id = ?";
	struct eval_template *old, *t;
	int rc;

	eval_template_check(in, 0, e);
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = eval_template_get(db, a, id, &old, e)) < 0)
		goto fail;
	rc = db_run(db_query(db, e, sql, "tttiiii", in->set_name ? in->name : old->name,
			     in->set_role ? in->role : old->role,
			     in->set_criteria ? criteria_text(a, in->criteria, in->ncriteria)
					      : criteria_text(a, old->criteria, old->ncriteria),
			     in->set_cadence ? in->cadence_months : old->cadence_months,
			     (int64_t)(in->set_active ? in->active != 0 : old->active), now, id),
		    e);
	if (rc < 0 || (rc = eval_template_get(db, a, id, &t, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "evaluation_template", id, 0, tpl_audit(old),
			       tpl_audit(t), e)) < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int eval_template_list(struct db *db, struct arena *a, const char *role, int active_only,
		       struct eval_template ***out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT " TPL_COLS " FROM evaluation_templates"
		" WHERE (CAST(? AS TEXT) IS NULL OR role = ?) AND (? = 0 OR active = 1)"
		" ORDER BY active DESC, id";
	struct db_stmt *st = db_query(db, e, sql, "tti", role, role, (int64_t)active_only);
	struct page pg;
	int rc;

	if (!st)
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct eval_template *));
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct eval_template **)page_add(&pg) = tpl_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}
