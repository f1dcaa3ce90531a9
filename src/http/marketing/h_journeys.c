/* h_journeys.c: journeys (welcome, winback, birthday) with their steps
 * inline, and each journey's enrollments. Head office writes them; a store
 * manager reads them and the enrollments of their stores' customers. */
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "domain/marketing/journey.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const journey_fields[] = {"kind", "name", "trigger_days", "active", "steps",
					     NULL};
static const char *const step_fields[] = {"step_no",  "delay_days", "channel",
					  "coupon_template_id", "messages", NULL};
static const char *const msg_fields[] = {"subject", "body", NULL};

/* messages: {"zh-CN": {subject, body}, "en": {...}}; problems named
 * "messages.<lang>.<field>" on ie. */
static void read_messages(json_t *item, struct journey_step *s, struct err *ie)
{
	json_t *o = json_object_get(item, "messages"), *m;
	const char *lang;
	if (!o || json_is_null(o))
		return;
	if (!json_is_object(o)) {
		err_type(ie, "messages", "an object of languages");
		return;
	}
	json_object_foreach(o, lang, m) {
		int l = 0;
		while (journey_langs[l] && strcmp(journey_langs[l], lang) != 0)
			l++;
		if (!journey_langs[l]) {
			err_field(ie, "messages", "unknown language %.16s: must be zh-CN or en", lang);
			continue;
		}
		if (json_is_null(m))
			continue;
		if (!json_is_object(m)) {
			err_type(ie, l ? "messages.en" : "messages.zh-CN", "an object {subject, body}");
			continue;
		}
		struct err me;
		char prefix[24];
		err_init(&me);
		jx_no_unknown(m, msg_fields, &me);
		jx_str(m, "subject", 0, JOURNEY_SUBJECT_MAX, &s->msg[l].subject, &me);
		jx_str(m, "body", JX_REQUIRED | JX_NONEMPTY, JOURNEY_BODY_MAX, &s->msg[l].body,
		       &me);
		s->msg[l].subject = text_or_null(s->msg[l].subject);
		snprintf(prefix, sizeof prefix, "messages.%s.", journey_langs[l]);
		err_merge(ie, &me, prefix);
	}
}

static void read_step(json_t *item, void *elem, void *ctx, struct err *ie)
{
	struct journey_step *s = elem;
	int64_t no = 0, *pos = ctx;
	(*pos)++;
	jx_no_unknown(item, step_fields, ie);
	if (jx_int(item, "step_no", 0, 1, JOURNEY_STEPS_MAX, &no, ie) && no != *pos)
		err_field(ie, "step_no", "must be %lld: steps are numbered in order",
			  (long long)*pos);
	jx_int(item, "delay_days", 0, 0, JOURNEY_DELAY_MAX, &s->delay_days, ie);
	jx_enum(item, "channel", JX_REQUIRED, journey_channels, &s->channel, ie);
	jx_int(item, "coupon_template_id", 0, 1, INT64_MAX, &s->template_id, ie);
	read_messages(item, s, ie);
}

static void read_journey(struct req *r, json_t *in, int creating, struct journey_input *ji)
{
	struct err *e = &r->err;
	int b;
	int64_t pos = 0;
	jx_no_unknown(in, journey_fields, e);
	ji->set_kind = jx_enum(in, "kind", creating ? JX_REQUIRED : 0, journey_kinds, &ji->kind,
			       e) || jx_present(in, "kind");
	ji->set_name = jx_str(in, "name", creating || jx_present(in, "name") ? JX_REQUIRED : 0,
			      JOURNEY_NAME_MAX, &ji->name, e) || jx_present(in, "name");
	ji->set_trigger_days = jx_int(in, "trigger_days", 0, 0, JOURNEY_WINBACK_MAX,
				      &ji->trigger_days, e);
	ji->active = creating ? 1 : -1;
	if (jx_bool(in, "active", 0, &b, e))
		ji->active = b;
	json_t *steps = json_object_get(in, "steps");
	if (json_is_array(steps) && json_array_size(steps) > JOURNEY_STEPS_MAX) {
		err_field(e, "steps", "must hold at most %d steps", JOURNEY_STEPS_MAX);
		return;
	}
	void *out = NULL;
	int n = jx_objects(in, "steps", creating || jx_present(in, "steps") ? JX_REQUIRED : 0,
			   JOURNEY_STEPS_MAX, r->a, sizeof(struct journey_step), &out, read_step,
			   &pos, e);
	ji->set_steps = n >= 0;
	ji->steps = out;
	ji->nsteps = n > 0 ? n : 0;
}

int h_journeys_create(struct req *r)
{
	struct journey_input ji = {0};
	struct journey *j;
	json_t *in;
	int rc;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_journey(r, in, 1, &ji);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = journey_create(r->db, r->a, &r->actor, &ji, &j, &r->err)) < 0)
		return rc;
	return reply_created(r, journey_to_json(j), j->id);
}

int h_journeys_patch(struct req *r)
{
	struct journey_input ji = {0};
	struct journey *j;
	json_t *in;
	int rc;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_journey(r, in, 0, &ji);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = journey_update(r->db, r->a, &r->actor, r->ids[0], &ji, &j, &r->err)) < 0)
		return rc;
	return reply_json(r, 200, journey_to_json(j));
}

int h_journeys_delete(struct req *r)
{
	int rc = journey_delete(r->db, &r->actor, r->ids[0], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

int h_journeys_get(struct req *r)
{
	struct journey *j;
	int rc = journey_get(r->db, r->a, r->ids[0], &j, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, journey_to_json(j));
}

static json_t *journey_row(const void *rows, int i)
{
	return journey_to_json(((struct journey *const *)rows)[i]);
}

/* GET /journeys?kind= */
int h_journeys_list(struct req *r)
{
	struct journey **list;
	int64_t cursor;
	int limit, n, more, rc;
	req_page(r, &limit, &cursor);
	const char *kind = req_query_enum(r, "kind", journey_kinds);
	if (err_fields_done(&r->err))
		return r->err.code;
	if ((rc = journey_list(r->db, r->a, kind, cursor, limit, &list, &n, &more, &r->err)) < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, journey_row);
}

static json_t *enrollment_row(const void *rows, int i)
{
	return journey_enrollment_to_json(&((const struct journey_enrollment *)rows)[i]);
}

/* GET /journeys/{id}/enrollments?status= */
int h_journeys_enrollments(struct req *r)
{
	struct journey_enrollment *list;
	int64_t cursor;
	int limit, n, more, rc;
	req_page(r, &limit, &cursor);
	const char *status = req_query_enum(r, "status", journey_enrollment_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	if ((rc = journey_enrollments(r->db, r->a, &r->actor, r->ids[0], status, cursor, limit,
				      &list, &n, &more, &r->err)) < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, enrollment_row);
}
