/* campaign.c: campaign records, their messages and cost lines, the state
 * changes up to the start, and the frozen members as lists show them (see
 * campaign.h; the start, queueing and the A/B decision are in
 * campaign_run.c). */
#include "domain/marketing/campaign.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/marketing/campaign_int.h"
#include "domain/org/audit.h"

const char *const campaign_channels[] = {"sms", "email", "wechat", "in_store", NULL};
const char *const campaign_statuses[] = {"draft",     "pending_approval", "scheduled", "running",
                                         "completed", "cancelled",        NULL};
const char *const campaign_langs[] = {"zh-CN", "en", NULL};

#define CAMPAIGN_COLS                                                                              \
	"c.id, c.name, c.goal, c.channel, c.status, c.segment_id, g.name, c.store_id,"             \
	" c.template_id, c.budget, (SELECT COALESCE(SUM(k.amount), 0) FROM campaign_costs k"       \
	" WHERE k.campaign_id = c.id), c.starts_at, c.ends_at, c.attribution_days,"                \
	" c.control_pct, c.control_lo, c.ab_pct, c.ab_decide_at, c.ab_winner,"                     \
	" c.ab_decided_at, c.ab_result, c.started_at, c.planned_at, c.completed_at,"               \
	" c.cancelled_at, c.submitted_by, c.approved_by, c.approved_at, c.created_by,"             \
	" c.created_at, c.updated_at, c.rejected_reason"
#define CAMPAIGN_FROM " FROM campaigns c LEFT JOIN saved_segments g ON g.id = c.segment_id"

/* The list entry of s (one of list, NULL-terminated), or NULL. */
static const char *entry_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return list[i];
	return NULL;
}

/* The acting user's id, 0 for the system. */
static int64_t user_id(const struct actor *who)
{
	return who->user ? who->user->id : 0;
}

static struct campaign *campaign_from_row(struct db_stmt *st, struct arena *a)
{
	struct campaign *c = arena_calloc(a, 1, sizeof *c);
	int i = 0;

	c->id = db_col_int64(st, i++);
	c->name = arena_strdup(a, db_col_text(st, i++));
	c->goal = arena_strdup(a, db_col_text(st, i++));
	c->channel = arena_strdup(a, db_col_text(st, i++));
	c->status = arena_strdup(a, db_col_text(st, i++));
	c->segment_id = db_col_int64(st, i++);
	c->segment_name = arena_strdup(a, db_col_text(st, i++));
	c->store_id = db_col_int64(st, i++);
	c->template_id = db_col_int64(st, i++);
	c->budget = db_col_int64(st, i++);
	c->cost_total = db_col_int64(st, i++);
	c->starts_at = db_col_int64(st, i++);
	c->ends_at = db_col_int64(st, i++);
	c->attribution_days = db_col_int64(st, i++);
	c->control_pct = db_col_int64(st, i++);
	c->control_lo = db_col_int64(st, i++);
	c->ab_pct = db_col_int64(st, i++);
	c->ab_decide_at = db_col_int64(st, i++);
	c->ab_winner = arena_strdup(a, db_col_text(st, i++));
	c->ab_decided_at = db_col_int64(st, i++);
	c->ab_result = arena_strdup(a, db_col_text(st, i++));
	c->started_at = db_col_int64(st, i++);
	c->planned_at = db_col_int64(st, i++);
	c->completed_at = db_col_int64(st, i++);
	c->cancelled_at = db_col_int64(st, i++);
	c->submitted_by = db_col_int64(st, i++);
	c->approved_by = db_col_int64(st, i++);
	c->approved_at = db_col_int64(st, i++);
	c->created_by = db_col_int64(st, i++);
	c->created_at = db_col_int64(st, i++);
	c->updated_at = db_col_int64(st, i++);
	c->rejected_reason = arena_strdup(a, db_col_text(st, i++));
	if (!c->goal)
		c->goal = "";
	return c;
}

int campaign_settings_get(struct db *db, struct campaign_settings *s, struct err *e)
{
	static const char sql[] = "SELECT approval_threshold, holdout_pct, holdout_lo FROM "
	                          "marketing_settings WHERE id = 1";
	struct db_stmt *st = db_query(db, e, sql, "");
	int rc;

	memset(s, 0, sizeof *s);
	if (!st)
		return db_fail(e);
	if ((rc = db_step(st, e)) == DB_ROW) {
		s->approval_threshold = db_col_int64(st, 0);
		s->holdout_pct = db_col_int64(st, 1);
		s->holdout_lo = db_col_int64(st, 2);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* The messages, counts and approval flag of c. */
static int campaign_extras(struct db *db, struct arena *a, struct campaign *c, int64_t threshold,
                           struct err *e)
{
	static const char sql_msgs[] =
	    "SELECT variant, lang, subject, body FROM campaign_messages WHERE campaign_id = ?"
	    " ORDER BY variant, lang";
	static const char sql_counts[] =
	    "SELECT m.grp, COALESCE(o.status, ''), COUNT(*) FROM campaign_members m"
	    " LEFT JOIN outbox o ON o.id = m.outbox_id WHERE m.campaign_id = ?"
	    " GROUP BY m.grp, o.status";
	struct page pg;
	int rc;

	page_init_all(&pg, a, sizeof(struct campaign_message));
	struct db_stmt *st = db_query(db, e, sql_msgs, "i", c->id);
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct campaign_message *m = page_add(&pg);
		m->variant = arena_strdup(a, db_col_text(st, 0));
		m->lang = arena_strdup(a, db_col_text(st, 1));
		m->subject = arena_strdup(a, db_col_text(st, 2));
		m->body = arena_strdup(a, db_col_text(st, 3));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	c->messages = pg.rows;
	c->nmessages = pg.n;

	memset(&c->counts, 0, sizeof c->counts);
	if (!(st = db_query(db, e, sql_counts, "i", c->id)))
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *grp = db_col_text(st, 0), *status = db_col_text(st, 1);
		int64_t n = db_col_int64(st, 2);
		struct campaign_counts *k = &c->counts;
		k->members += n;
		if (grp && strcmp(grp, "control") == 0) {
			k->control += n;
			continue;
		}
		k->target += n;
		if (!status)
			continue;
		if (!strcmp(status, "queued") || !strcmp(status, "sending"))
			k->queued += n;
		else if (!strcmp(status, "sent"))
			k->sent += n;
		else if (!strcmp(status, "delivered"))
			k->delivered += n;
		else if (!strcmp(status, "failed") || !strcmp(status, "bounced"))
			k->failed += n;
		else if (!strcmp(status, "opted_out"))
			k->opted_out += n;
		else if (!strcmp(status, "suppressed"))
			k->suppressed += n;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	c->needs_approval = threshold > 0 && c->budget > threshold;
	return 0;
}

int campaign_load(struct db *db, struct arena *a, int64_t id, struct campaign **out, struct err *e)
{
	static const char sql[] = "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM " WHERE c.id = ?";
	struct campaign_settings s;
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "campaign", id, e);

	if (rc < 0)
		return rc;
	*out = campaign_from_row(st, a);
	db_reset(st);
	if ((rc = campaign_settings_get(db, &s, e)) < 0)
		return rc;
	return campaign_extras(db, a, *out, s.approval_threshold, e);
}

int campaign_visible(const struct actor *who, const struct campaign *c)
{
	if (!who->user || !(who->user->role & ROLE_STORE_BOUND))
		return 1;
	return c->store_id && actor_sees_store(who, c->store_id);
}

int campaign_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                 struct campaign **out, struct err *e)
{
	int rc = campaign_load(db, a, id, out, e);
	if (rc < 0)
		return rc;
	if (!campaign_visible(who, *out))
		return err_set(e, ERR_NOT_FOUND, "no campaign %lld", (long long)id);
	return 0;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *campaign_to_json(const struct campaign *c)
{
	json_t *o = json_object(), *msgs = json_array();
	json_t *result = c->ab_result ? json_loads(c->ab_result, 0, NULL) : NULL;
	const struct campaign_counts *k = &c->counts;

	for (int i = 0; i < c->nmessages; i++) {
		const struct campaign_message *m = &c->messages[i];
		json_array_append_new(msgs,
		                      json_pack("{s:s,s:s,s:o,s:s}", "variant", m->variant, "lang",
		                                m->lang, "subject", jx_strn(m->subject), "body",
		                                m->body ? m->body : ""));
	}
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "name", jx_strn(c->name));
	json_object_set_new(o, "goal", jx_strn(c->goal));
	json_object_set_new(o, "channel", jx_strn(c->channel));
	json_object_set_new(o, "status", jx_strn(c->status));
	json_object_set_new(o, "segment_id", id_or_null(c->segment_id));
	json_object_set_new(o, "segment_name", jx_strn(c->segment_name));
	json_object_set_new(o, "store_id", id_or_null(c->store_id));
	json_object_set_new(o, "coupon_template_id", id_or_null(c->template_id));
	json_object_set_new(o, "budget", json_integer(c->budget));
	json_object_set_new(o, "cost_total", json_integer(c->cost_total));
	json_object_set_new(o, "starts_at", jx_time(c->starts_at));
	json_object_set_new(o, "ends_at", jx_time(c->ends_at));
	json_object_set_new(o, "attribution_days", json_integer(c->attribution_days));
	json_object_set_new(o, "control_pct", json_integer(c->control_pct));
	json_object_set_new(o, "ab_pct", json_integer(c->ab_pct));
	json_object_set_new(o, "ab_decide_at", jx_time(c->ab_decide_at));
	json_object_set_new(o, "ab_winner", jx_strn(c->ab_winner));
	json_object_set_new(o, "ab_decided_at", jx_time(c->ab_decided_at));
	json_object_set_new(o, "ab_result", result ? result : json_null());
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(
	    o, "counts",
	    json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "members", (json_int_t)k->members,
	              "target", (json_int_t)k->target, "control", (json_int_t)k->control, "queued",
	              (json_int_t)k->queued, "sent", (json_int_t)k->sent, "delivered",
	              (json_int_t)k->delivered, "failed", (json_int_t)k->failed, "opted_out",
	              (json_int_t)k->opted_out, "suppressed", (json_int_t)k->suppressed));
	json_object_set_new(o, "needs_approval", json_boolean(c->needs_approval));
	json_object_set_new(o, "rejected_reason", jx_strn(c->rejected_reason));
	json_object_set_new(o, "started_at", jx_time(c->started_at));
	json_object_set_new(o, "completed_at", jx_time(c->completed_at));
	json_object_set_new(o, "cancelled_at", jx_time(c->cancelled_at));
	json_object_set_new(o, "approved_by", id_or_null(c->approved_by));
	json_object_set_new(o, "approved_at", jx_time(c->approved_at));
	json_object_set_new(o, "created_by", id_or_null(c->created_by));
	json_object_set_new(o, "created_at", jx_time(c->created_at));
	json_object_set_new(o, "updated_at", jx_time(c->updated_at));
	return o;
}

/* A small summary for audit rows. */
static json_t *campaign_summary(const struct campaign *c)
{
	return json_pack("{s:s,s:s,s:I,s:o,s:o}", "name", c->name, "status", c->status, "budget",
	                 (json_int_t)c->budget, "segment_id", id_or_null(c->segment_id), "store_id",
	                 id_or_null(c->store_id));
}

int campaign_saved(struct db *db, struct arena *a, const struct actor *who, const char *action,
                   int64_t id, json_t *before, struct campaign **out, struct err *e)
{
	struct campaign *c;
	int rc = campaign_load(db, a, id, &c, e);
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	if ((rc = audit_commit(db, who, action, "campaign", id, c->store_id, before,
	                       campaign_summary(c), e)) < 0)
		return rc;
	if (out)
		*out = c;
	return 0;
}

int campaign_set_status(struct db *db, const struct campaign *c, const char *const *from,
                        const char *to, int64_t now, struct err *e)
{
	static const char sql[] =
	    "UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ? AND status = ?";
	struct db_stmt *st;

	if (!entry_of(from, c->status))
		return err_set(e, ERR_STATE, "campaign %lld is %s", (long long)c->id, c->status);
	if (!(st = db_query(db, e, sql, "tiit", to, now, c->id, c->status)) || db_run(st, e) < 0)
		return db_fail(e);
	if (db_changes(st) != 1)
		return err_set(e, ERR_STATE, "campaign %lld changed meanwhile", (long long)c->id);
	return 0;
}

/* ---- create and change ------------------------------------------------- */

static void check_messages(const struct campaign_input *in, struct err *e)
{
	char f[48];

	if (in->nmessages > CAMPAIGN_MESSAGES_MAX) {
		err_field(e, "messages", "must hold at most %d messages", CAMPAIGN_MESSAGES_MAX);
		return;
	}
	for (int i = 0; i < in->nmessages; i++) {
		const struct campaign_message *m = &in->messages[i];
		const char *v = m->variant;
		snprintf(f, sizeof f, "messages[%d].variant", i);
		if (!v || strlen(v) != 1 || v[0] < 'A' || v[0] >= 'A' + CAMPAIGN_VARIANTS_MAX)
			err_field(e, f, "must be one of: A, B, C, D, E");
		snprintf(f, sizeof f, "messages[%d].lang", i);
		if (!entry_of(campaign_langs, m->lang))
			err_field(e, f, "must be one of: zh-CN, en");
		snprintf(f, sizeof f, "messages[%d].body", i);
		text_check(e, f, m->body, 1, CAMPAIGN_BODY_MAX);
		snprintf(f, sizeof f, "messages[%d].subject", i);
		if (m->subject)
			text_check(e, f, m->subject, 0, CAMPAIGN_SUBJECT_MAX);
		for (int k = 0; k < i; k++)
			if (v && m->lang && in->messages[k].variant && in->messages[k].lang &&
			    !strcmp(v, in->messages[k].variant) &&
			    !strcmp(m->lang, in->messages[k].lang)) {
				snprintf(f, sizeof f, "messages[%d]", i);
				err_field(e, f, "variant %s in %s is given twice", v, m->lang);
				break;
			}
	}
}

/* Fills c from old (update) or defaults (create) and the fields of in,
 * noting every bad value in e. */
static int campaign_build(struct db *db, const struct actor *who, const struct campaign *old,
                          const struct campaign_input *in, struct campaign *c, struct err *e)
{
	static const char sql_seg[] =
	    "SELECT COALESCE(store_id, 0) FROM saved_segments WHERE id = ?";
	static const char sql_tpl[] = "SELECT 1 FROM coupon_templates WHERE id = ?";
	static const char sql_store[] = "SELECT 1 FROM stores WHERE id = ?";
	int creating = old == NULL, rc;
	int bound = who->user && (who->user->role & ROLE_STORE_BOUND);

	if (old)
		*c = *old;
	else
		*c = (struct campaign){.attribution_days = 14, .control_pct = 10, .goal = ""};
	if (creating || in->set_name) {
		text_check(e, "name", in->name, 1, CAMPAIGN_NAME_MAX);
		c->name = in->name;
	}
	if (creating || in->set_goal) {
		if (in->goal)
			text_check(e, "goal", in->goal, 0, CAMPAIGN_GOAL_MAX);
		c->goal = in->goal ? in->goal : "";
	}
	if (creating || in->set_channel) {
		c->channel = entry_of(campaign_channels, in->channel);
		if (!c->channel)
			err_field(e, "channel",
			          in->channel ? "must be one of: sms, email, wechat, in_store"
			                      : "is required");
	}
	if (creating || in->set_budget)
		c->budget = in->budget;
	if (c->budget < 0 || c->budget > MONEY_MAX)
		err_field(e, "budget", "must be between 0 and %lld", (long long)MONEY_MAX);
	if (creating || in->set_starts_at)
		c->starts_at = in->starts_at;
	if (creating || in->set_ends_at)
		c->ends_at = in->ends_at;
	if (c->starts_at && c->ends_at && c->ends_at <= c->starts_at)
		err_field(e, "ends_at", "must be after starts_at");
	if (creating || in->set_attribution_days)
		c->attribution_days = in->set_attribution_days ? in->attribution_days : 14;
	if (c->attribution_days < 1 || c->attribution_days > CAMPAIGN_ATTRIBUTION_MAX)
		err_field(e, "attribution_days", "must be between 1 and %d",
		          CAMPAIGN_ATTRIBUTION_MAX);
	if (creating || in->set_control_pct)
		c->control_pct = in->set_control_pct ? in->control_pct : 10;
	if (c->control_pct < 0 || c->control_pct > CAMPAIGN_CONTROL_MAX)
		err_field(e, "control_pct", "must be between 0 and %d", CAMPAIGN_CONTROL_MAX);
	if (creating || in->set_ab_pct)
		c->ab_pct = in->ab_pct;
	if (c->ab_pct < 0 || c->ab_pct > 100)
		err_field(e, "ab_pct", "must be between 0 and 100");
	if (creating || in->set_ab_decide_at)
		c->ab_decide_at = in->ab_decide_at;
	if (c->ab_decide_at && c->starts_at && c->ab_decide_at <= c->starts_at)
		err_field(e, "ab_decide_at", "must be after starts_at");
	if (in->set_messages || creating)
		check_messages(in, e);

	if (creating) {
		c->store_id = in->store_id;
		if (!c->store_id && bound && who->user->nstores == 1)
			c->store_id = who->user->store_ids[0];
		if (!c->store_id && bound)
			err_field(e, "store_id", "is required (a campaign of one of your stores)");
		if (c->store_id) {
			if ((rc = db_exists(db_query(db, e, sql_store, "i", c->store_id), e)) < 0)
				return rc;
			if (!rc)
				err_field(e, "store_id", "store %lld does not exist",
				          (long long)c->store_id);
			else if (!actor_sees_store(who, c->store_id))
				return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
				               (long long)c->store_id);
		}
	}
	if (creating || in->set_segment_id) {
		c->segment_id = in->segment_id;
		if (!c->segment_id && creating)
			err_field(e, "segment_id", "is required");
		if (c->segment_id) {
			int64_t seg_store = -1;
			struct db_stmt *st = db_query(db, e, sql_seg, "i", c->segment_id);
			if ((rc = db_int(st, &seg_store, e)) < 0)
				return rc;
			if (!rc || (bound && seg_store && !actor_sees_store(who, seg_store)))
				err_field(e, "segment_id", "segment %lld does not exist",
				          (long long)c->segment_id);
			else if (seg_store && c->store_id && seg_store != c->store_id)
				err_field(e, "segment_id", "is a segment of another store");
		}
	}
	if (creating || in->set_template_id) {
		c->template_id = in->template_id;
		if (c->template_id) {
			if ((rc = db_exists(db_query(db, e, sql_tpl, "i", c->template_id), e)) < 0)
				return rc;
			if (!rc)
				err_field(e, "coupon_template_id",
				          "coupon template %lld does not exist",
				          (long long)c->template_id);
		}
	}
	return 0;
}

static int write_messages(struct db *db, int64_t id, const struct campaign_input *in, struct err *e)
{
	static const char sql_del[] = "DELETE FROM campaign_messages WHERE campaign_id = ?";
	static const char sql_ins[] =
	    "INSERT INTO campaign_messages (campaign_id, variant, lang, subject, body)"
	    " VALUES (?, ?, ?, ?, ?)";

	if (db_run(db_query(db, e, sql_del, "i", id), e) < 0)
		return db_fail(e);
	for (int i = 0; i < in->nmessages; i++) {
		const struct campaign_message *m = &in->messages[i];
		const char *subject = m->subject && *m->subject ? m->subject : NULL;
		if (db_run(db_query(db, e, sql_ins, "itttt", id, m->variant, m->lang, subject,
		                    m->body),
		           e) < 0)
			return db_fail(e);
	}
	return 0;
}

int campaign_create(struct db *db, struct arena *a, const struct actor *who,
                    const struct campaign_input *in, struct campaign **out, struct err *e)
{
	static const char sql[] =
	    "INSERT INTO campaigns (name, goal, channel, status, segment_id, store_id,"
	    " template_id, budget, starts_at, ends_at, attribution_days, control_pct, ab_pct,"
	    " ab_decide_at, created_by, created_at, updated_at)"
	    " VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct campaign c;
	int64_t now = ts_now_ms(), id = 0;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = campaign_build(db, who, NULL, in, &c, e)) < 0 || (rc = err_fields_done(e)) < 0)
		goto fail;
	rc = db_int(db_query(db, e, sql, "tttIIIiIIiiiIIii", c.name, c.goal, c.channel,
	                     c.segment_id, c.store_id, c.template_id, c.budget, c.starts_at,
	                     c.ends_at, c.attribution_days, c.control_pct, c.ab_pct, c.ab_decide_at,
	                     user_id(who), now, now),
	            &id, e);
	if (rc <= 0 || write_messages(db, id, in, e) < 0 ||
	    campaign_saved(db, a, who, "create", id, NULL, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* Starts a write transaction and reads who's campaign, which must be a
 * draft (else ERR_STATE: "only a draft <verb>"); on failure rolled back. */
static int draft_begin(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                       const char *verb, struct campaign **out, struct err *e)
{
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = campaign_get(db, a, who, id, out, e)) == 0 && strcmp((*out)->status, "draft"))
		rc = err_set(e, ERR_STATE, "campaign %lld is %s: only a draft %s", (long long)id,
		             (*out)->status, verb);
	if (rc < 0)
		db_rollback(db);
	return rc;
}

int campaign_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    const struct campaign_input *in, struct campaign **out, struct err *e)
{
	static const char sql[] =
	    "UPDATE campaigns SET name = ?, goal = ?, channel = ?, segment_id = ?,"
	    " template_id = ?, budget = ?, starts_at = ?, ends_at = ?, attribution_days = ?,"
	    " control_pct = ?, ab_pct = ?, ab_decide_at = ?, updated_at = ?"
	    " WHERE id = ? AND status = 'draft'";
	struct campaign *old, c;
	int rc;

	if ((rc = draft_begin(db, a, who, id, "changes", &old, e)) < 0)
		return rc;
	if ((rc = campaign_build(db, who, old, in, &c, e)) < 0 || (rc = err_fields_done(e)) < 0)
		goto fail;
	if (db_run(db_query(db, e, sql, "tttIIiIIiiiIii", c.name, c.goal, c.channel, c.segment_id,
	                    c.template_id, c.budget, c.starts_at, c.ends_at, c.attribution_days,
	                    c.control_pct, c.ab_pct, c.ab_decide_at, ts_now_ms(), id),
	           e) < 0 ||
	    (in->set_messages && write_messages(db, id, in, e) < 0) ||
	    campaign_saved(db, a, who, "update", id, campaign_summary(old), out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int campaign_delete(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	static const char sql_msgs[] = "DELETE FROM campaign_messages WHERE campaign_id = ?";
	static const char sql_costs[] = "DELETE FROM campaign_costs WHERE campaign_id = ?";
	static const char sql[] = "DELETE FROM campaigns WHERE id = ? AND status = 'draft'";
	struct arena *a = arena_new();
	struct campaign *c;
	int rc;

	if ((rc = draft_begin(db, a, who, id, "is deleted", &c, e)) < 0)
		goto out;
	if (db_run(db_query(db, e, sql_msgs, "i", id), e) < 0 ||
	    db_run(db_query(db, e, sql_costs, "i", id), e) < 0 ||
	    db_run(db_query(db, e, sql, "i", id), e) < 0 ||
	    audit_commit(db, who, "delete", "campaign", id, c->store_id, campaign_summary(c), NULL,
	                 e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
	rc = db_fail(e);
out:
	arena_free(a);
	return rc;
}

int campaign_list(struct db *db, struct arena *a, const struct actor *who,
                  const struct campaign_filter *f, struct campaign ***out, int *n, int *more,
                  struct err *e)
{
	static const char sql[] =
	    "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM " WHERE c.id > ?"
	    " AND (CAST(? AS TEXT) IS NULL OR c.status = ?)"
	    " AND (CAST(? AS TEXT) IS NULL OR c.channel = ?)"
	    " AND (CAST(? AS TEXT) IS NULL OR lower(c.name) LIKE ? ESCAPE '\\')"
	    " AND (? = 0 OR c.store_id IN (SELECT us.store_id FROM user_stores us"
	    " WHERE us.user_id = ?)) ORDER BY c.id LIMIT ?";
	struct campaign_settings s;
	struct page pg;
	int rc;
	int64_t scope = who->user && (who->user->role & ROLE_STORE_BOUND) ? who->user->id : 0;
	const char *like = db_like_pattern(a, f->q);

	page_init(&pg, a, f->limit, sizeof(struct campaign *));
	struct db_stmt *st =
	    db_query(db, e, sql, "ittttttiii", f->after_id, f->status, f->status, f->channel,
	             f->channel, like, like, scope, scope, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct campaign **)page_add(&pg) = campaign_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0 || (rc = campaign_settings_get(db, &s, e)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	for (int i = 0; i < pg.n; i++)
		if ((rc = campaign_extras(db, a, (*out)[i], s.approval_threshold, e)) < 0)
			return rc;
	return 0;
}

/* ---- states before the start ------------------------------------------- */

/* What submit needs: every missing part named. */
static void check_complete(const struct campaign *c, struct err *e)
{
	int has_a = 0, variants = 0;
	char seen[CAMPAIGN_VARIANTS_MAX] = {0};

	if (!c->segment_id)
		err_field(e, "segment_id", "is required to submit");
	for (int i = 0; i < c->nmessages; i++) {
		const struct campaign_message *m = &c->messages[i];
		int v = m->variant[0] - 'A';
		has_a |= v == 0;
		if (v >= 0 && v < CAMPAIGN_VARIANTS_MAX && !seen[v]) {
			seen[v] = 1;
			variants++;
		}
		if (!strcmp(c->channel, "email") && (!m->subject || !*m->subject)) {
			char f[48];
			snprintf(f, sizeof f, "messages[%d].subject", i);
			err_field(e, f, "is required for an e-mail");
		}
	}
	if (strcmp(c->channel, "in_store") == 0) {
		if (!c->template_id)
			err_field(e, "coupon_template_id", "is required for an in-store campaign");
	} else if (!has_a) {
		err_field(e, "messages", "need a message of variant A");
	}
	if (c->ab_pct > 0) {
		if (variants < 2)
			err_field(e, "ab_pct",
			          "an A/B test needs messages of two variants or more");
		if (!c->ab_decide_at)
			err_field(e, "ab_decide_at", "is required with an A/B test");
	}
}

/* One state change: who's campaign from one of `from` to `to` (NULL:
 * submit's, scheduled or pending_approval), with the columns of the change
 * (0 / NULL: left as they are; reason set when set_reason). */
struct transition {
	const char *action, *to;
	const char *const *from;
	int64_t submitted_by, approved_by, approved_at, cancelled_at, completed_at;
	const char *reason;
	int set_reason, submit;
};

static int campaign_move(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                         const struct transition *t, int64_t now, struct campaign **out,
                         struct err *e)
{
	static const char sql[] =
	    "UPDATE campaigns SET submitted_by = COALESCE(?, submitted_by),"
	    " approved_by = COALESCE(?, approved_by), approved_at = COALESCE(?, approved_at),"
	    " cancelled_at = COALESCE(?, cancelled_at), completed_at = COALESCE(?, completed_at),"
	    " rejected_reason = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE rejected_reason END"
	    " WHERE id = ?";
	static const char sql_outbox[] =
	    "UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE source = 'campaign'"
	    " AND source_id = ? AND status = 'queued'";
	struct campaign *c;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		goto fail;
	if (t->submit && strcmp(c->status, "draft") == 0) {
		check_complete(c, e);
		if ((rc = err_fields_done(e)) < 0)
			goto fail;
	}
	const char *to = t->to ? t->to : c->needs_approval ? "pending_approval" : "scheduled";
	if (campaign_set_status(db, c, t->from, to, now, e) < 0 ||
	    db_run(db_query(db, e, sql, "IIIIIiti", t->submitted_by, t->approved_by, t->approved_at,
	                    t->cancelled_at, t->completed_at, (int64_t)t->set_reason, t->reason,
	                    id),
	           e) < 0 ||
	    (!strcmp(to, "cancelled") &&
	     db_run(db_query(db, e, sql_outbox, "ii", now, id), e) < 0) ||
	    campaign_saved(db, a, who, t->action, id, campaign_summary(c), out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int campaign_submit(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    struct campaign **out, struct err *e)
{
	static const char *const from[] = {"draft", NULL};
	const struct transition t = {.action = "submit",
	                             .from = from,
	                             .submit = 1,
	                             .submitted_by = user_id(who),
	                             .set_reason = 1};
	return campaign_move(db, a, who, id, &t, ts_now_ms(), out, e);
}

int campaign_approve(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     struct campaign **out, struct err *e)
{
	static const char *const from[] = {"pending_approval", NULL};
	int64_t now = ts_now_ms();
	const struct transition t = {.action = "approve",
	                             .from = from,
	                             .to = "scheduled",
	                             .approved_by = user_id(who),
	                             .approved_at = now};
	return campaign_move(db, a, who, id, &t, now, out, e);
}

int campaign_reject(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    const char *reason, struct campaign **out, struct err *e)
{
	static const char *const from[] = {"pending_approval", NULL};
	const struct transition t = {
	    .action = "reject", .from = from, .to = "draft", .reason = reason, .set_reason = 1};
	int rc;

	text_check(e, "reason", reason, 1, CAMPAIGN_REASON_MAX);
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	return campaign_move(db, a, who, id, &t, ts_now_ms(), out, e);
}

int campaign_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    struct campaign **out, struct err *e)
{
	static const char *const from[] = {"draft", "pending_approval", "scheduled", "running",
	                                   NULL};
	int64_t now = ts_now_ms();
	const struct transition t = {
	    .action = "cancel", .from = from, .to = "cancelled", .cancelled_at = now};
	return campaign_move(db, a, who, id, &t, now, out, e);
}

int campaign_complete(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                      int64_t now, struct campaign **out, struct err *e)
{
	static const char *const from[] = {"running", NULL};
	const struct transition t = {
	    .action = "complete", .from = from, .to = "completed", .completed_at = now};
	return campaign_move(db, a, who, id, &t, now, out, e);
}

/* ---- members ------------------------------------------------------------ */

json_t *campaign_member_to_json(const struct campaign_member *m)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:o,s:b,s:o,s:o,s:o}", "customer_id",
	                 (json_int_t)m->customer_id, "name", m->name ? m->name : "", "member_code",
	                 jx_strn(m->member_code), "grp", m->grp, "variant", jx_strn(m->variant),
	                 "ab_test", m->ab_test, "coupon_code", jx_strn(m->coupon_code), "outbox_id",
	                 id_or_null(m->outbox_id), "message_status", jx_strn(m->message_status));
}

int campaign_members(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     const char *grp, int64_t after_id, int limit, struct campaign_member **out,
                     int *n, int *more, struct err *e)
{
	static const char sql[] =
	    "SELECT m.customer_id, c.name, c.member_code, m.grp, m.variant, m.ab_test,"
	    " m.coupon_id, k.code, m.outbox_id, o.status FROM campaign_members m"
	    " JOIN customers c ON c.id = m.customer_id"
	    " LEFT JOIN coupons k ON k.id = m.coupon_id"
	    " LEFT JOIN outbox o ON o.id = m.outbox_id"
	    " WHERE m.campaign_id = ? AND m.customer_id > ?"
	    " AND (CAST(? AS TEXT) IS NULL OR m.grp = ?) ORDER BY m.customer_id LIMIT ?";
	struct campaign *c;
	struct page pg;
	int rc;

	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		return rc;
	page_init(&pg, a, limit, sizeof(struct campaign_member));
	struct db_stmt *st = db_query(db, e, sql, "iitti", id, after_id, grp, grp, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct campaign_member *m = page_add(&pg);
		m->customer_id = db_col_int64(st, 0);
		m->name = arena_strdup(a, db_col_text(st, 1));
		m->member_code = arena_strdup(a, db_col_text(st, 2));
		m->grp = arena_strdup(a, db_col_text(st, 3));
		m->variant = arena_strdup(a, db_col_text(st, 4));
		m->ab_test = db_col_int64(st, 5) != 0;
		m->coupon_id = db_col_int64(st, 6);
		m->coupon_code = arena_strdup(a, db_col_text(st, 7));
		m->outbox_id = db_col_int64(st, 8);
		m->message_status = arena_strdup(a, db_col_text(st, 9));
		if (!m->grp)
			m->grp = "";
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* ---- costs -------------------------------------------------------------- */

json_t *campaign_cost_to_json(const struct campaign_cost *c)
{
	return json_pack("{s:I,s:I,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)c->id, "campaign_id",
	                 (json_int_t)c->campaign_id, "label", c->label ? c->label : "", "amount",
	                 (json_int_t)c->amount, "day", c->day ? c->day : "", "created_by",
	                 id_or_null(c->created_by), "created_at", jx_time(c->created_at));
}

int campaign_cost_add(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                      const char *label, int64_t amount, const char *day,
                      struct campaign_cost **out, struct err *e)
{
	static const char sql_count[] = "SELECT COUNT(*) FROM campaign_costs WHERE campaign_id = ?";
	static const char sql[] =
	    "INSERT INTO campaign_costs (campaign_id, label, amount, day, created_by, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
	struct campaign *c;
	int64_t now = ts_now_ms(), n = 0, cost_id = 0;
	int rc;

	text_check(e, "label", label, 1, CAMPAIGN_COST_LABEL_MAX);
	if (amount < 1 || amount > MONEY_MAX)
		err_field(e, "amount", "must be between 1 and %lld", (long long)MONEY_MAX);
	if (!day)
		err_field(e, "day", "is required");
	else if (!ts_day_valid(day))
		err_field(e, "day", "is not a valid date (YYYY-MM-DD)");
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (campaign_get(db, a, who, id, &c, e) < 0 ||
	    db_int(db_query(db, e, sql_count, "i", id), &n, e) < 0)
		goto fail;
	if (n >= CAMPAIGN_COSTS_MAX) {
		err_field(e, "amount", "a campaign holds at most %d cost lines",
		          CAMPAIGN_COSTS_MAX);
		err_fields_done(e);
		goto fail;
	}
	if (db_int(db_query(db, e, sql, "ititIi", id, label, amount, day, user_id(who), now),
	           &cost_id, e) <= 0)
		goto fail;
	struct campaign_cost *k = arena_calloc(a, 1, sizeof *k);
	*k = (struct campaign_cost){.id = cost_id,
	                            .campaign_id = id,
	                            .amount = amount,
	                            .created_by = user_id(who),
	                            .created_at = now,
	                            .label = arena_strdup(a, label),
	                            .day = arena_strdup(a, day)};
	if (audit_commit(db, who, "create", "campaign_cost", cost_id, c->store_id, NULL,
	                 campaign_cost_to_json(k), e) < 0)
		goto fail;
	*out = k;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

#define COST_COLS "id, campaign_id, label, amount, day, created_by, created_at"

static void cost_read(struct db_stmt *st, struct arena *a, struct campaign_cost *k)
{
	k->id = db_col_int64(st, 0);
	k->campaign_id = db_col_int64(st, 1);
	k->label = arena_strdup(a, db_col_text(st, 2));
	k->amount = db_col_int64(st, 3);
	k->day = arena_strdup(a, db_col_text(st, 4));
	k->created_by = db_col_int64(st, 5);
	k->created_at = db_col_int64(st, 6);
}

int campaign_cost_delete(struct db *db, const struct actor *who, int64_t id, int64_t cost_id,
                         struct err *e)
{
	static const char sql_get[] =
	    "SELECT " COST_COLS " FROM campaign_costs WHERE id = ? AND campaign_id = ?";
	static const char sql[] = "DELETE FROM campaign_costs WHERE id = ?";
	struct arena *a = arena_new();
	struct campaign *c;
	struct campaign_cost k;
	struct db_stmt *st;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		goto fail;
	st = db_query(db, e, sql_get, "ii", cost_id, id);
	if ((rc = db_get_row(st, "cost line", cost_id, e)) < 0)
		goto fail;
	cost_read(st, a, &k);
	db_reset(st);
	if (db_run(db_query(db, e, sql, "i", cost_id), e) < 0 ||
	    audit_commit(db, who, "delete", "campaign_cost", cost_id, c->store_id,
	                 campaign_cost_to_json(&k), NULL, e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
	rc = db_fail(e);
out:
	arena_free(a);
	return rc;
}

int campaign_costs(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                   int64_t after_id, int limit, struct campaign_cost **out, int *n, int *more,
                   struct err *e)
{
	static const char sql[] = "SELECT " COST_COLS " FROM campaign_costs"
	                          " WHERE campaign_id = ? AND id > ? ORDER BY id LIMIT ?";
	struct campaign *c;
	struct page pg;
	int rc;

	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		return rc;
	page_init(&pg, a, limit, sizeof(struct campaign_cost));
	struct db_stmt *st = db_query(db, e, sql, "iii", id, after_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		cost_read(st, a, page_add(&pg));
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
