/* demo_campaign.c: the demo company's completed SMS campaign to every
 * member, with a randomized control group and a planted effect, so that
 * the results page has something true to find.
 *
 * The campaign is sent at 10:00 on the day DC_WINDOW_DAYS + 2 days before
 * the last day of the history, with a DC_WINDOW_DAYS-day attribution
 * window. Its members are the customers who had joined by then; the
 * control group is the share dc_control_pct (10% on the full company, 20%
 * on the small one) whose bucket falls in a range from a random first
 * bucket. Members without SMS consent are opted out, one
 * in fifty numbers fails; the others get the message.
 *
 * The planted effect: all through the window, whenever a sale would have
 * had no customer, and the target's conversions (members who bought since
 * the send) are behind the control's conversion rate so far plus the
 * planted uplift (dc_uplift: +6 points on the full company, +12 on the
 * small one), the sale goes to
 * a target member of that store who got the message and has not bought
 * yet. Nothing else changes: the control group buys as the history made
 * it, and the target's extra purchases are ordinary sales. So the target's
 * conversion rate follows the control's + the planted uplift, and ends
 * there up to the control's purchases after the last sale given. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "domain/demo/demo_internal.h"
#include "domain/org/audit.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define DC_WINDOW_DAYS 14
#define DC_SMS_FEE 5 /* fen per message sent */

enum { NOT_MEMBER, TARGET, CONTROL };

struct demo_campaign {
	struct demo_co *c;
	struct cust *cust;
	int ncust;
	int64_t cust_base;
	int64_t start_ms, end_ms; /* the send and the end of the window */
	int64_t control_lo;
	double uplift;
	unsigned char *grp;
	int64_t n[3], conv[3]; /* members and converted members by group */
	int **cand, *ncand;    /* per store: target members reached, not converted */
	int *pos;              /* per customer: index in their store's cand, or -1 */
	struct rng r;
	int64_t planted;
};

/* The planted uplift of the conversion rate and the control group's share
 * (percent): the small company's ~1,150 members need a larger control
 * group and effect for an interval that excludes 0 (with 10% and +12
 * points one day's company in twelve missed it; with 20% the lower end
 * stays above +5 points). */
static double dc_uplift(const struct demo_co *c)
{
	return c->o->scale == DEMO_FULL ? 0.06 : 0.12;
}

static int64_t dc_control_pct(const struct demo_co *c)
{
	return c->o->scale == DEMO_FULL ? 10 : 20;
}

/* Whether the message to customer i went out (see the outbox rows below:
 * consent, and one number in fifty unreachable). */
static int reached(const struct demo_campaign *k, int i)
{
	return k->cust[i].consent_sms && (k->cust_base + i + 1) % 50 != 7;
}

struct demo_campaign *demo_campaign_plan(struct demo_co *c, struct cust *cust, int ncust,
                                         int64_t cust_base)
{
	if (c->ndays < DC_WINDOW_DAYS + 3 || ncust < 100)
		return NULL;
	struct demo_campaign *k = xcalloc(1, sizeof *k);
	k->c = c;
	k->cust = cust;
	k->ncust = ncust;
	k->cust_base = cust_base;
	k->r.s = c->o->seed * 0xD1B54A32D192ED03ull + 14;
	k->start_ms =
	    c->start_ms + (int64_t)(c->ndays - DC_WINDOW_DAYS - 2) * DAY_MS + 10 * HOUR_MS;
	k->end_ms = k->start_ms + DC_WINDOW_DAYS * DAY_MS;
	k->control_lo = rng_below(&k->r, 10000);
	k->uplift = dc_uplift(c);
	k->grp = xcalloc((size_t)ncust, 1);
	k->pos = xcalloc((size_t)ncust, sizeof *k->pos);
	k->cand = xcalloc((size_t)c->nstores, sizeof *k->cand);
	k->ncand = xcalloc((size_t)c->nstores, sizeof *k->ncand);
	for (int s = 0; s < c->nstores; s++)
		k->cand[s] = xcalloc((size_t)ncust, sizeof **k->cand);
	for (int i = 0; i < ncust; i++) {
		k->pos[i] = -1;
		if (cust[i].created_at > k->start_ms)
			continue;
		int in_control =
		    (cust[i].bucket - k->control_lo + 10000) % 10000 < dc_control_pct(c) * 100;
		k->grp[i] = in_control ? CONTROL : TARGET;
		k->n[k->grp[i]]++;
		if (!in_control && reached(k, i)) {
			int s = cust[i].home;
			k->pos[i] = k->ncand[s];
			k->cand[s][k->ncand[s]++] = i;
		}
	}
	return k;
}

void demo_campaign_bought(struct demo_campaign *k, int i, int64_t at)
{
	if (!k || k->grp[i] == NOT_MEMBER || at < k->start_ms || at >= k->end_ms ||
	    k->cust[i].last_at >= k->start_ms)
		return;
	k->conv[k->grp[i]]++;
	if (k->pos[i] >= 0) {
		/* no longer a candidate: the store's last takes its place */
		int s = k->cust[i].home, last = k->cand[s][--k->ncand[s]];
		k->cand[s][k->pos[i]] = last;
		k->pos[last] = k->pos[i];
		k->pos[i] = -1;
	}
}

int demo_campaign_pick(struct demo_campaign *k, int store, int64_t at)
{
	if (!k || at < k->start_ms || at >= k->end_ms || !k->n[CONTROL] || !k->ncand[store])
		return -1;
	double goal =
	    ((double)k->conv[CONTROL] / (double)k->n[CONTROL] + k->uplift) * (double)k->n[TARGET];
	if ((double)k->conv[TARGET] + 0.5 > goal)
		return -1;
	k->planted++;
	return k->cand[store][rng_below(&k->r, k->ncand[store])];
}

/* ---- the rows ----------------------------------------------------------- */

static const char MSG_ZH[] =
    "{name}您好！感谢您一直以来的支持，本周到店消费即享会员专属礼遇。回T退订";
static const char MSG_EN[] =
    "Hi {name}, thank you for shopping with us! Members get a special treat in store "
    "this week. Reply T to opt out";

static int write_members(struct demo_campaign *k, int64_t id, struct err *e)
{
	struct bulk *b = bulk_new(k->c->db,
	                          "campaign_members (campaign_id, customer_id, grp, "
	                          "variant, ab_test)",
	                          5);
	int rc = 0;
	for (int i = 0; i < k->ncust && rc == 0; i++) {
		if (k->grp[i] == NOT_MEMBER)
			continue;
		bulk_int(b, id);
		bulk_int(b, k->cust_base + i + 1);
		bulk_text(b, k->grp[i] == TARGET ? "target" : "control");
		bulk_text(b, k->grp[i] == TARGET ? "A" : NULL);
		bulk_int(b, 0);
		rc = bulk_row(b, e);
	}
	if (rc == 0)
		rc = bulk_flush(b, e);
	bulk_free(b);
	return rc;
}

/* One message per target member, as the sender would have left it:
 * delivered, opted out (no consent) or failed for good; then each member
 * row points at its message. */
static int write_outbox(struct demo_campaign *k, int64_t id, struct err *e)
{
	static const char sql_out[] =
	    "INSERT INTO outbox (customer_id, channel, recipient, subject, body, status, source,"
	    " source_id, created_at, sent_at, error, lang, dedup_key, attempts, delivered_at,"
	    " dead, updated_at)"
	    " SELECT c.id, 'sms', c.phone, NULL, REPLACE(?, '{name}', c.name),"
	    " CASE WHEN c.consent_sms = 0 THEN 'opted_out' WHEN c.id % 50 = 7 THEN 'failed'"
	    " ELSE 'delivered' END, 'campaign', ?, ?,"
	    " CASE WHEN c.consent_sms = 1 AND c.id % 50 <> 7 THEN ? + (c.id % 600) * 1000 END,"
	    " CASE WHEN c.consent_sms = 0 THEN 'no SMS consent'"
	    " WHEN c.id % 50 = 7 THEN 'gateway: number unreachable' END,"
	    " 'zh-CN', 'campaign:' || CAST(? AS TEXT) || ':' || CAST(c.id AS TEXT),"
	    " CASE WHEN c.consent_sms = 0 THEN 0 WHEN c.id % 50 = 7 THEN 6 ELSE 1 END,"
	    " CASE WHEN c.consent_sms = 1 AND c.id % 50 <> 7 THEN ? + (c.id % 600) * 1000 + 4000 "
	    "END,"
	    " CASE WHEN c.consent_sms = 1 AND c.id % 50 = 7 THEN 1 ELSE 0 END, ?"
	    " FROM campaign_members m JOIN customers c ON c.id = m.customer_id"
	    " WHERE m.campaign_id = ? AND m.grp = 'target' ORDER BY c.id";
	static const char sql_link[] =
	    "UPDATE campaign_members SET queued_at = ?, outbox_id = (SELECT o.id FROM outbox o"
	    " WHERE o.dedup_key = 'campaign:' || CAST(? AS TEXT) || ':'"
	    " || CAST(campaign_members.customer_id AS TEXT))"
	    " WHERE campaign_id = ? AND grp = 'target'";
	int64_t at = k->start_ms;
	if (db_run(db_query(k->c->db, e, sql_out, "tiiiiiii", MSG_ZH, id, at - 60000, at, id, at,
	                    k->end_ms, id),
	           e) < 0)
		return db_fail(e);
	if (db_run(db_query(k->c->db, e, sql_link, "iii", at - 60000, id, id), e) < 0)
		return db_fail(e);
	return 0;
}

int demo_campaign_write(struct demo_campaign *k, struct err *e)
{
	static const char sql_seg[] =
	    "INSERT INTO saved_segments (name, description, store_id, filter, created_at,"
	    " updated_at) VALUES (?, ?, NULL, '{}', ?, ?) RETURNING id";
	static const char sql_camp[] =
	    "INSERT INTO campaigns (name, goal, channel, status, segment_id, budget, starts_at,"
	    " ends_at, attribution_days, control_pct, control_lo, ab_pct, started_at,"
	    " planned_at, completed_at, created_at, updated_at)"
	    " VALUES (?, ?, 'sms', 'completed', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING "
	    "id";
	static const char sql_msg[] =
	    "INSERT INTO campaign_messages (campaign_id, variant, lang, subject, body)"
	    " VALUES (?, 'A', ?, NULL, ?)";
	static const char sql_cost[] =
	    "INSERT INTO campaign_costs (campaign_id, label, amount, day, created_at)"
	    " VALUES (?, ?, ?, ?, ?)";
	if (!k)
		return 0;
	struct db *db = k->c->db;
	int64_t seg = 0, id = 0, created = k->start_ms - 3 * DAY_MS, sent = 0;
	char day[11];
	for (int i = 0; i < k->ncust; i++)
		sent += k->grp[i] == TARGET && reached(k, i);
	ts_day(k->start_ms, day, sizeof day);
	if (db_int(db_query(db, e, sql_seg, "ttii", "全体会员", "所有会员（演示营销活动的人群）",
	                    created, created),
	           &seg, e) <= 0 ||
	    db_int(db_query(db, e, sql_camp, "ttiiiiiiiiiiii", "会员回馈短信",
	                    "感谢老会员，带动两周内到店消费", seg, (int64_t)300000, k->start_ms,
	                    k->end_ms, (int64_t)DC_WINDOW_DAYS, dc_control_pct(k->c), k->control_lo,
	                    k->start_ms, k->start_ms, k->end_ms, created, k->end_ms),
	           &id, e) <= 0)
		return db_fail(e);
	if (db_run(db_query(db, e, sql_msg, "itt", id, "zh-CN", MSG_ZH), e) < 0 ||
	    db_run(db_query(db, e, sql_msg, "itt", id, "en", MSG_EN), e) < 0 ||
	    db_run(db_query(db, e, sql_cost, "itiii", id, "短信费用 SMS fees", sent * DC_SMS_FEE,
	                    day, k->end_ms),
	           e) < 0 ||
	    db_run(db_query(db, e, sql_cost, "itiii", id, "文案与设计 Copy and design",
	                    (int64_t)50000, day, created),
	           e) < 0)
		return db_fail(e);
	int rc = write_members(k, id, e);
	if (rc == 0)
		rc = write_outbox(k, id, e);
	if (rc == 0) {
		json_t *after =
		    json_pack("{s:I,s:I,s:I,s:f,s:I}", "target", (json_int_t)k->n[TARGET],
		              "control", (json_int_t)k->n[CONTROL], "sent", (json_int_t)sent,
		              "planted_uplift", k->uplift, "planted_sales", (json_int_t)k->planted);
		rc = audit_add(db, NULL, "demo_campaign", "campaign", id, 0, NULL, after, e);
		json_decref(after);
	}
	if (rc == 0)
		log_info("demo campaign %lld: %lld target, %lld control, %lld sales given to the "
		         "target (planted uplift %.0f points)",
		         (long long)id, (long long)k->n[TARGET], (long long)k->n[CONTROL],
		         (long long)k->planted, k->uplift * 100);
	return rc;
}

void demo_campaign_free(struct demo_campaign *k)
{
	if (!k)
		return;
	for (int s = 0; s < k->c->nstores; s++)
		free(k->cand[s]);
	free(k->cand);
	free(k->ncand);
	free(k->pos);
	free(k->grp);
	free(k);
}
