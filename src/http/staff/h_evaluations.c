/* h_evaluations.c: evaluation templates and evaluations over HTTP: parse
 * and check, call evaluation.c, render as the actor may read it. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/staff/evaluation.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"

static void read_criterion(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"key", "name", "weight", NULL};
	struct eval_criterion *c = elem;

	jx_no_unknown(item, fields, ie);
	jx_str(item, "key", JX_REQUIRED, 0, &c->key, ie);
	jx_str(item, "name", JX_REQUIRED, 0, &c->name, ie);
	jx_int(item, "weight", JX_REQUIRED, INT64_MIN, INT64_MAX, &c->weight, ie);
}

static void read_template(struct req *r, json_t *in, int creating, struct eval_template_input *ti)
{
	static const char *const fields[] = {"name", "role", "criteria", "cadence_months",
					     "active", NULL};
	struct err *e = &r->err;

	jx_no_unknown(in, fields, e);
	ti->set_name = jx_str(in, "name", creating ? JX_REQUIRED : 0, 0, &ti->name, e) ||
		       jx_present(in, "name");
	ti->set_role = jx_str(in, "role", creating ? JX_REQUIRED : 0, 0, &ti->role, e) ||
		       jx_present(in, "role");
	ti->set_cadence = jx_int(in, "cadence_months", 0, INT64_MIN, INT64_MAX,
				 &ti->cadence_months, e);
	ti->set_active = jx_bool(in, "active", 0, &ti->active, e);
	ti->set_criteria = jx_present(in, "criteria");
	if (creating || ti->set_criteria) {
		int n = jx_objects(in, "criteria", JX_REQUIRED, EVAL_CRITERIA_MAX, r->a,
				   sizeof(struct eval_criterion), (void **)&ti->criteria,
				   read_criterion, NULL, e);
		ti->ncriteria = n > 0 ? n : 0;
		ti->set_criteria = 1;
	}
}

int h_eval_templates_create(struct req *r)
{
	struct eval_template_input ti = {0};
	struct eval_template *t;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_template(r, in, 1, &ti);
	if (req_bad_types(r))
		return r->err.code;
	rc = eval_template_create(r->db, r->a, &r->actor, &ti, ts_now_ms(), &t, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, eval_template_to_json(t), t->id);
}

int h_eval_templates_patch(struct req *r)
{
	struct eval_template_input ti = {0};
	struct eval_template *t;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_template(r, in, 0, &ti);
	if (req_bad_types(r))
		return r->err.code;
	rc = eval_template_update(r->db, r->a, &r->actor, r->ids[0], &ti, ts_now_ms(), &t,
				  &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, eval_template_to_json(t));
}

int h_eval_templates_get(struct req *r)
{
	struct eval_template *t;
	int rc = eval_template_get(r->db, r->a, r->ids[0], &t, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, eval_template_to_json(t));
}

static json_t *template_row(const void *rows, int i)
{
	return eval_template_to_json(((struct eval_template *const *)rows)[i]);
}

/* GET /evaluation-templates?role=&active=true */
int h_eval_templates_list(struct req *r)
{
	struct eval_template **list;
	const char *role = req_query_enum(r, "role", role_names);
	int active = req_query_bool(r, "active");
	int n, rc;

	if (err_fields_done(&r->err))
		return r->err.code;
	rc = eval_template_list(r->db, r->a, role, active == 1, &list, &n, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, 0, 0, template_row);
}

/* scores: {"key": 1..5}; a non-integer score is a type error. */
static int read_scores(struct req *r, json_t *in, struct eval_part *p)
{
	json_t *o = json_object_get(in, "scores"), *v;
	const char *k;
	int i = 0;

	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o)) {
		err_type(&r->err, "scores", "an object of criterion keys to scores 1..5");
		return 0;
	}
	p->scores = arena_calloc(r->a, json_object_size(o) + 1, sizeof *p->scores);
	json_object_foreach(o, k, v) {
		if (!json_is_integer(v)) {
			err_type(&r->err, "scores", "an object of criterion keys to scores 1..5");
			return 0;
		}
		p->scores[i].key = k;
		p->scores[i++].score = json_integer_value(v);
	}
	p->nscores = i;
	return 1;
}

static void read_action(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"title", "due_day", NULL};
	struct eval_action *x = elem;

	jx_no_unknown(item, fields, ie);
	jx_str(item, "title", JX_REQUIRED, 0, &x->title, ie);
	jx_day(item, "due_day", JX_REQUIRED, &x->due_day, ie);
}

/* The body of PUT self (manager 0) or manager (1). */
static void read_part(struct req *r, json_t *in, int manager, struct eval_part *p)
{
	static const char *const self_fields[] = {"scores", "comment", "submit", NULL};
	static const char *const mgr_fields[] = {"scores", "comment", "actions", NULL};

	jx_no_unknown(in, manager ? mgr_fields : self_fields, &r->err);
	p->set_scores = read_scores(r, in, p) || jx_present(in, "scores");
	p->set_comment = crm_text(in, "comment", &p->comment, &r->err) || jx_present(in, "comment");
	if (!manager) {
		jx_bool(in, "submit", 0, &p->submit, &r->err);
		return;
	}
	p->set_actions = jx_present(in, "actions");
	if (p->set_actions && !jx_null(in, "actions")) {
		int n = jx_objects(in, "actions", 0, EVAL_ACTIONS_MAX, r->a,
				   sizeof(struct eval_action), (void **)&p->actions, read_action,
				   NULL, &r->err);
		p->nactions = n > 0 ? n : 0;
	}
}

static int reply_eval(struct req *r, int rc, struct evaluation *ev, int status)
{
	if (rc < 0)
		return rc;
	if (status == 201)
		return reply_created(r, eval_to_json(ev, &r->actor), ev->id);
	return reply_json(r, 200, eval_to_json(ev, &r->actor));
}

int h_evaluations_create(struct req *r)
{
	static const char *const fields[] = {"template_id", "user_id", "period_from",
					     "period_to", "due_day", NULL};
	struct eval_input ei = {0};
	struct evaluation *ev = NULL;
	int64_t now = ts_now_ms();
	char today[11];
	json_t *in;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "template_id", JX_REQUIRED, 1, INT64_MAX, &ei.template_id, &r->err);
	jx_int(in, "user_id", JX_REQUIRED, 1, INT64_MAX, &ei.user_id, &r->err);
	jx_day(in, "period_from", JX_REQUIRED, &ei.period_from, &r->err);
	jx_day(in, "period_to", JX_REQUIRED, &ei.period_to, &r->err);
	jx_day(in, "due_day", JX_REQUIRED, &ei.due_day, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	ts_day(now, today, sizeof today);
	int rc = eval_create(r->db, r->a, &r->actor, &ei, today, now, &ev, &r->err);
	return reply_eval(r, rc, ev, 201);
}

int h_evaluations_get(struct req *r)
{
	struct evaluation *ev = NULL;
	int rc = eval_get(r->db, r->a, &r->actor, r->ids[0], &ev, &r->err);

	return reply_eval(r, rc, ev, 200);
}

/* PUT self (manager 0) or manager (1). */
static int put_part(struct req *r, int manager)
{
	struct eval_part p = {0};
	struct evaluation *ev = NULL;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_part(r, in, manager, &p);
	if (req_bad_types(r))
		return r->err.code;
	if (manager)
		rc = eval_put_manager(r->db, r->a, &r->actor, r->ids[0], &p, ts_now_ms(), &ev,
				      &r->err);
	else
		rc = eval_put_self(r->db, r->a, &r->actor, r->ids[0], &p, ts_now_ms(), &ev, &r->err);
	return reply_eval(r, rc, ev, 200);
}

int h_evaluations_self(struct req *r)
{
	return put_part(r, 0);
}

int h_evaluations_manager(struct req *r)
{
	return put_part(r, 1);
}

int h_evaluations_publish(struct req *r)
{
	struct evaluation *ev = NULL;
	int rc = eval_publish(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &ev, &r->err);

	return reply_eval(r, rc, ev, 200);
}

int h_evaluations_cancel(struct req *r)
{
	struct evaluation *ev = NULL;
	int rc = eval_cancel(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &ev, &r->err);

	return reply_eval(r, rc, ev, 200);
}

/* The list's rows are rendered for the actor (the hiding rule). */
struct eval_rows {
	struct evaluation **list;
	const struct actor *who;
};

static json_t *eval_row(const void *rows, int i)
{
	const struct eval_rows *er = rows;
	return eval_to_json(er->list[i], er->who);
}

/* GET /evaluations?user_id=&store_id=&status= */
int h_evaluations_list(struct req *r)
{
	struct eval_filter f = {0};
	struct eval_rows er = {.who = &r->actor};
	int n, more, rc;

	req_page(r, &f.limit, &f.after_id);
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &f.user_id, &r->err);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	f.status = req_query_enum(r, "status", eval_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	rc = eval_list(r->db, r->a, &r->actor, &f, &er.list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, &er, n, more, n ? er.list[n - 1]->id : 0, eval_row);
}
