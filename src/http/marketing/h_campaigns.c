/* h_campaigns.c: marketing campaigns: list (also CSV/XLSX), create, read,
 * change and delete a draft, the state actions (submit, approve, reject,
 * start, cancel, complete, decide), the message preview for a real member,
 * the frozen members and the cost lines. Store-bound roles see and run
 * their stores' campaigns only. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/marketing/campaign.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"
#include "jobs/campaign_job.h"

#define Q_MAX 100

static const char *const create_fields[] = {
    "name",         "goal",      "channel", "segment_id",       "store_id",    "coupon_template_id",
    "budget",       "starts_at", "ends_at", "attribution_days", "control_pct", "ab_pct",
    "ab_decide_at", "messages",  NULL};
static const char *const patch_fields[] = {"name",
                                           "goal",
                                           "channel",
                                           "segment_id",
                                           "coupon_template_id",
                                           "budget",
                                           "starts_at",
                                           "ends_at",
                                           "attribution_days",
                                           "control_pct",
                                           "ab_pct",
                                           "ab_decide_at",
                                           "messages",
                                           NULL};
static const char *const message_fields[] = {"variant", "lang", "subject", "body", NULL};
static const char *const cost_fields[] = {"label", "amount", "day", NULL};
static const char *const reject_fields[] = {"reason", NULL};
static const char *const member_groups[] = {"target", "control", NULL};

static void read_message(json_t *item, void *elem, void *ctx, struct err *ie)
{
	struct campaign_message *m = elem;

	(void)ctx;
	jx_no_unknown(item, message_fields, ie);
	jx_str(item, "variant", JX_REQUIRED, 8, &m->variant, ie);
	jx_str(item, "lang", JX_REQUIRED, 8, &m->lang, ie);
	jx_str(item, "subject", 0, 0, &m->subject, ie);
	if (!crm_text(item, "body", &m->body, ie) && !jx_present(item, "body"))
		err_field(ie, "body", "is required");
}

/* An optional time: set when the key is present (null clears it). */
static unsigned opt_time(json_t *in, const char *key, int64_t *out, struct err *e)
{
	crm_time(in, key, out, e);
	return jx_present(in, key);
}

/* An optional id: set when present (null: none). */
static unsigned opt_id(json_t *in, const char *key, int64_t *out, struct err *e)
{
	jx_int_null(in, key, 1, INT64_MAX, 0, out, e);
	return jx_present(in, key);
}

/* The body's fields into ci (creating: every field; else those sent). */
static void read_input(struct req *r, json_t *in, int creating, struct campaign_input *ci)
{
	struct err *e = &r->err;
	json_t *msgs = json_object_get(in, "messages");

	jx_no_unknown(in, creating ? create_fields : patch_fields, e);
	ci->set_name = jx_str(in, "name", creating || jx_present(in, "name") ? JX_REQUIRED : 0, 0,
	                      &ci->name, e) ||
	               jx_present(in, "name");
	ci->set_goal = crm_text(in, "goal", &ci->goal, e) || jx_present(in, "goal");
	ci->set_channel = jx_str(in, "channel", creating ? JX_REQUIRED : 0, 16, &ci->channel, e) ||
	                  jx_present(in, "channel");
	ci->set_segment_id = opt_id(in, "segment_id", &ci->segment_id, e);
	if (creating)
		opt_id(in, "store_id", &ci->store_id, e);
	ci->set_template_id = opt_id(in, "coupon_template_id", &ci->template_id, e);
	ci->set_budget = jx_int(in, "budget", 0, INT64_MIN, INT64_MAX, &ci->budget, e) ||
	                 jx_present(in, "budget");
	ci->set_starts_at = opt_time(in, "starts_at", &ci->starts_at, e);
	ci->set_ends_at = opt_time(in, "ends_at", &ci->ends_at, e);
	ci->set_ab_decide_at = opt_time(in, "ab_decide_at", &ci->ab_decide_at, e);
	ci->set_attribution_days =
	    jx_int(in, "attribution_days", 0, INT64_MIN, INT64_MAX, &ci->attribution_days, e);
	ci->set_control_pct =
	    jx_int(in, "control_pct", 0, INT64_MIN, INT64_MAX, &ci->control_pct, e);
	ci->set_ab_pct = jx_int(in, "ab_pct", 0, INT64_MIN, INT64_MAX, &ci->ab_pct, e) ||
	                 jx_present(in, "ab_pct");
	ci->set_messages = msgs != NULL;
	if (msgs && !json_is_null(msgs)) {
		int n = jx_objects(in, "messages", 0, CAMPAIGN_MESSAGES_MAX, r->a,
		                   sizeof(struct campaign_message), (void **)&ci->messages,
		                   read_message, NULL, e);
		ci->nmessages = n > 0 ? n : 0;
	}
}

/* The campaign after the call that answered rc (called first: its out
 * parameter is read here). */
static int reply_campaign(struct req *r, int rc, struct campaign *c)
{
	if (rc < 0)
		return rc;
	return reply_json(r, 200, campaign_to_json(c));
}

int h_campaigns_create(struct req *r)
{
	struct campaign_input ci = {0};
	struct campaign *c = NULL;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_input(r, in, 1, &ci);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = campaign_create(r->db, r->a, &r->actor, &ci, &c, &r->err)) < 0)
		return rc;
	return reply_created(r, campaign_to_json(c), c->id);
}

int h_campaigns_patch(struct req *r)
{
	struct campaign_input ci = {0};
	struct campaign *c = NULL;
	json_t *in;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_input(r, in, 0, &ci);
	if (req_bad_types(r))
		return r->err.code;
	int rc = campaign_update(r->db, r->a, &r->actor, r->ids[0], &ci, &c, &r->err);
	return reply_campaign(r, rc, c);
}

int h_campaigns_delete(struct req *r)
{
	int rc = campaign_delete(r->db, &r->actor, r->ids[0], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

int h_campaigns_get(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_get(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	return reply_campaign(r, rc, c);
}

static json_t *campaign_row(const void *rows, int i)
{
	return campaign_to_json(((struct campaign *const *)rows)[i]);
}

/* GET /campaigns?status=&channel=&q= */
int h_campaigns_list(struct req *r)
{
	struct campaign_filter f = {0};
	struct campaign **list;
	int n, more, rc;

	req_page(r, &f.limit, &f.after_id);
	f.status = req_query_enum(r, "status", campaign_statuses);
	f.channel = req_query_enum(r, "channel", campaign_channels);
	f.q = req_query(r, "q");
	if (f.q && strlen(f.q) > Q_MAX)
		err_field(&r->err, "q", "must be at most %d bytes", Q_MAX);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = campaign_list(r->db, r->a, &r->actor, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, campaign_row);
}

int h_campaigns_submit(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_submit(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	return reply_campaign(r, rc, c);
}

int h_campaigns_approve(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_approve(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	return reply_campaign(r, rc, c);
}

/* POST /campaigns/{id}/reject {reason} */
int h_campaigns_reject(struct req *r)
{
	struct campaign *c = NULL;
	const char *reason = NULL;
	json_t *in;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, reject_fields, &r->err);
	crm_text(in, "reason", &reason, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	int rc = campaign_reject(r->db, r->a, &r->actor, r->ids[0], reason, &c, &r->err);
	return reply_campaign(r, rc, c);
}

int h_campaigns_start(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_start(r->db, r->a, &r->actor, r->ids[0], &campaign_env_default,
	                        ts_now_ms(), &c, &r->err);
	return reply_campaign(r, rc, c);
}

int h_campaigns_cancel(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_cancel(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	return reply_campaign(r, rc, c);
}

int h_campaigns_complete(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_complete(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &c, &r->err);
	return reply_campaign(r, rc, c);
}

int h_campaigns_decide(struct req *r)
{
	struct campaign *c = NULL;
	int rc = campaign_decide(r->db, r->a, &r->actor, r->ids[0], &campaign_env_default,
	                         ts_now_ms(), &c, &r->err);
	return reply_campaign(r, rc, c);
}

/* GET /campaigns/{id}/preview?customer_id=&variant=&lang= */
int h_campaigns_preview(struct req *r)
{
	static const char *const variants[] = {"A", "B", "C", "D", "E", NULL};
	int64_t customer_id = 0;
	json_t *out;
	int rc;

	jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &customer_id, &r->err);
	const char *variant = req_query_enum(r, "variant", variants);
	const char *lang = req_query_enum(r, "lang", campaign_langs);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = campaign_preview(r->db, r->a, &r->actor, r->ids[0], &campaign_env_default, customer_id,
	                      variant, lang, ts_now_ms(), &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, out);
}

static json_t *member_row(const void *rows, int i)
{
	return campaign_member_to_json(&((const struct campaign_member *)rows)[i]);
}

/* GET /campaigns/{id}/members?grp=target|control */
int h_campaigns_members(struct req *r)
{
	struct campaign_member *list;
	int64_t cursor;
	int limit, n, more, rc;

	req_page(r, &limit, &cursor);
	const char *grp = req_query_enum(r, "grp", member_groups);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = campaign_members(r->db, r->a, &r->actor, r->ids[0], grp, cursor, limit, &list, &n,
	                      &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].customer_id : 0, member_row);
}

static json_t *cost_row(const void *rows, int i)
{
	return campaign_cost_to_json(&((const struct campaign_cost *)rows)[i]);
}

int h_campaign_costs_list(struct req *r)
{
	struct campaign_cost *list;
	int64_t cursor;
	int limit, n, more, rc;

	req_page(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = campaign_costs(r->db, r->a, &r->actor, r->ids[0], cursor, limit, &list, &n, &more,
	                    &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, cost_row);
}

/* POST /campaigns/{id}/costs {label, amount, day} */
int h_campaign_costs_create(struct req *r)
{
	struct campaign_cost *k;
	const char *label = NULL, *day = NULL;
	int64_t amount = 0;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, cost_fields, &r->err);
	jx_str(in, "label", 0, 0, &label, &r->err);
	jx_int(in, "amount", 0, INT64_MIN, INT64_MAX, &amount, &r->err);
	jx_day(in, "day", 0, &day, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = campaign_cost_add(r->db, r->a, &r->actor, r->ids[0], label, amount, day, &k, &r->err);
	if (rc < 0)
		return rc;
	/* reply_created would name the route's template ({id}): the real path */
	reply_header(r, "Location", arena_printf(r->a, "%s/%lld", r->path, (long long)k->id));
	return reply_json(r, 201, campaign_cost_to_json(k));
}

int h_campaign_costs_delete(struct req *r)
{
	int rc = campaign_cost_delete(r->db, &r->actor, r->ids[0], r->ids[1], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}
