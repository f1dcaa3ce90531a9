/* campaign_run.c: a running campaign: the start (the members frozen in
 * target and control), each target member's coupon and message, the A/B
 * decision, the campaigns job, and the message preview (see campaign.h). */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/log.h"
#include "domain/crm/customer_scope.h"
#include "domain/loyalty/care.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/outbox.h"
#include "domain/marketing/campaign.h"
#include "domain/marketing/campaign_int.h"
#include "domain/marketing/campaign_split.h"
#include "domain/org/audit.h"
#include "domain/org/settings.h"

/* Segment members per snapshot transaction; members per queueing one. */
#define SNAPSHOT_PAGE 500
#define QUEUE_SLICE 200
/* Campaigns per kind of action in one run of the job. */
#define DUE_MAX 100
/* The A/B decision's significance level. */
#define AB_ALPHA 0.05

static const struct actor system_actor = {0};

/* The distinct variants of c's messages, sorted ('A' first). */
static int variants_of(const struct campaign *c, char *out)
{
	int n = 0;
	for (char v = 'A'; v < 'A' + CAMPAIGN_VARIANTS_MAX; v++)
		for (int i = 0; i < c->nmessages; i++)
			if (c->messages[i].variant[0] == v) {
				out[n++] = v;
				break;
			}
	return n;
}

static int still_running(struct db *db, int64_t id, struct err *e)
{
	static const char sql[] = "SELECT 1 FROM campaigns WHERE id = ? AND status = 'running'";
	return db_exists(db_query(db, e, sql, "i", id), e);
}

/* ---- the snapshot ------------------------------------------------------- */

/* Freezes one page of segment members inside the caller's transaction. */
static int snapshot_page(struct db *db, const struct campaign *c, const struct campaign_settings *s,
                         const int64_t *ids, int n, const char *variants, int nv,
                         int64_t *ab_counts, struct err *e)
{
	static const char sql_bucket[] =
	    "SELECT c.bucket FROM customers c WHERE c.id = ? AND c.erased_at IS NULL"
	    " AND (? = 0 OR EXISTS (SELECT 1 FROM customer_stores cs"
	    " WHERE cs.customer_id = c.id AND cs.store_id = ?))";
	static const char sql_ins[] =
	    "INSERT INTO campaign_members (campaign_id, customer_id, grp, variant, ab_test)"
	    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, customer_id) DO NOTHING";
	int ab = c->ab_pct > 0 && nv >= 2;

	for (int i = 0; i < n; i++) {
		int64_t bucket = 0;
		int rc =
		    db_int(db_query(db, e, sql_bucket, "iii", ids[i], c->store_id, c->store_id),
		           &bucket, e);
		if (rc < 0)
			return rc;
		if (rc == 0 || campaign_bucket_in(bucket, s->holdout_lo, s->holdout_pct * 100))
			continue;
		const char *grp = "target";
		char variant[2] = {0};
		int test = 0, k = -1;
		if (campaign_bucket_in(bucket, c->control_lo, c->control_pct * 100))
			grp = "control";
		else if (!ab)
			variant[0] = 'A';
		else if (campaign_ab_draw(randombytes_uniform(CAMPAIGN_BUCKETS), c->ab_pct)) {
			test = 1;
			k = campaign_variant_pick(ab_counts, nv, randombytes_random());
			variant[0] = variants[k];
		}
		struct db_stmt *st = db_query(db, e, sql_ins, "iitti", c->id, ids[i], grp,
		                              variant[0] ? variant : NULL, (int64_t)test);
		if (!st || db_run(st, e) < 0)
			return db_fail(e);
		if (k >= 0 && db_changes(st) == 1)
			ab_counts[k]++;
	}
	return 0;
}

/* The A/B test members per variant so far (a resumed snapshot goes on
 * with the split where it stopped). */
static int ab_counts_read(struct db *db, int64_t id, const char *variants, int nv, int64_t *counts,
                          struct err *e)
{
	static const char sql[] = "SELECT variant, COUNT(*) FROM campaign_members"
	                          " WHERE campaign_id = ? AND ab_test = 1 GROUP BY variant";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc;

	memset(counts, 0, sizeof(int64_t) * (size_t)nv);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *v = db_col_text(st, 0);
		for (int k = 0; v && k < nv; k++)
			if (v[0] == variants[k])
				counts[k] = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* Takes (or goes on with) c's snapshot: pages of the segment after the
 * last member frozen, one transaction each, then marks it planned. */
static int snapshot(struct db *db, const struct campaign *c, const struct campaign_env *env,
                    int64_t now, struct err *e)
{
	static const char sql_last[] =
	    "SELECT COALESCE(MAX(customer_id), 0) FROM campaign_members WHERE campaign_id = ?";
	static const char sql_planned[] = "UPDATE campaigns SET planned_at = ?, updated_at = ? "
	                                  "WHERE id = ? AND planned_at IS NULL";
	struct campaign_settings s;
	char variants[CAMPAIGN_VARIANTS_MAX];
	int64_t counts[CAMPAIGN_VARIANTS_MAX], after = 0;
	int nv = variants_of(c, variants), more = 1, rc;

	if ((rc = campaign_settings_get(db, &s, e)) < 0 ||
	    (rc = ab_counts_read(db, c->id, variants, nv, counts, e)) < 0 ||
	    (rc = db_int(db_query(db, e, sql_last, "i", c->id), &after, e)) < 0)
		return rc;
	while (more) {
		struct arena *a = arena_new();
		int64_t *ids;
		int n;
		rc = env->segment_page(db, a, c->segment_id, now, after, SNAPSHOT_PAGE, &ids, &n,
		                       &more, e);
		if (rc < 0 || (rc = db_begin(db, 1, e)) < 0) {
			arena_free(a);
			return rc;
		}
		if ((rc = still_running(db, c->id, e)) <= 0 ||
		    (rc = snapshot_page(db, c, &s, ids, n, variants, nv, counts, e)) < 0 ||
		    (rc = db_commit(db, e)) < 0) {
			db_rollback(db);
			arena_free(a);
			return rc;
		}
		if (n)
			after = ids[n - 1];
		arena_free(a);
	}
	return db_write(db, e, sql_planned, "iii", now, now, c->id);
}

/* ---- messages ----------------------------------------------------------- */

/* A member as the message needs them. */
struct recipient {
	int64_t id, points, coupon_id; /* coupon_id: issued by an earlier, cut run */
	const char *coupon_code;
	const char *variant, *name, *phone, *email, *member_code, *lang, *store;
	int consent[3]; /* sms, email, wechat */
	int erased;
};

#define RECIPIENT_COLS                                                                             \
	"c.id, c.name, c.phone, c.email, c.member_code, c.consent_sms, c.consent_email,"           \
	" c.consent_wechat, c.lang, c.points_balance, s.name, c.erased_at"

static void recipient_read(struct db_stmt *st, struct arena *a, int col, struct recipient *r)
{
	r->id = db_col_int64(st, col);
	r->name = arena_strdup(a, db_col_text(st, col + 1));
	r->phone = arena_strdup(a, db_col_text(st, col + 2));
	r->email = arena_strdup(a, db_col_text(st, col + 3));
	r->member_code = arena_strdup(a, db_col_text(st, col + 4));
	for (int k = 0; k < 3; k++)
		r->consent[k] = db_col_int64(st, col + 5 + k) != 0;
	r->lang = arena_strdup(a, db_col_text(st, col + 8));
	r->points = db_col_int64(st, col + 9);
	r->store = arena_strdup(a, db_col_text(st, col + 10));
	r->erased = db_col_int64(st, col + 11) != 0;
}

/* What stays the same for every message of a campaign. */
struct plan {
	const struct campaign *c;
	struct coupon_template *tpl; /* NULL: no coupon */
	const char *company_lang;
	const char *store_name; /* the campaign's store, NULL when company-wide */
	const char *reason;     /* the coupons' */
};

static int plan_init(struct db *db, struct arena *a, const struct campaign *c, struct plan *p,
                     struct err *e)
{
	static const char sql_store[] = "SELECT name FROM stores WHERE id = ?";
	struct settings *s;
	char name[256];
	int rc;

	memset(p, 0, sizeof *p);
	p->c = c;
	p->reason = arena_printf(a, "campaign: %s", c->name);
	if (c->template_id) {
		struct err te;
		err_init(&te);
		if (coupon_template_get(db, a, c->template_id, &p->tpl, &te) < 0)
			p->tpl = NULL; /* removed since: no coupon */
	}
	if ((rc = settings_get(db, a, &s, e)) < 0)
		return rc;
	p->company_lang = s->locale;
	if (c->store_id) {
		rc = db_text(db_query(db, e, sql_store, "i", c->store_id), name, sizeof name, e);
		if (rc < 0)
			return rc;
		if (rc)
			p->store_name = arena_strdup(a, name);
	}
	return 0;
}

/* The message of variant for r (its language, else the company's, else
 * the first), or NULL when the campaign has none of that variant. */
static const struct campaign_message *message_for(const struct campaign *c, const char *variant,
                                                  const char *lang, const char *company_lang)
{
	const char *langs[CAMPAIGN_MESSAGES_MAX];
	const struct campaign_message *msgs[CAMPAIGN_MESSAGES_MAX];
	int n = 0;

	for (int i = 0; i < c->nmessages && n < CAMPAIGN_MESSAGES_MAX; i++)
		if (variant && strcmp(c->messages[i].variant, variant) == 0) {
			langs[n] = c->messages[i].lang;
			msgs[n++] = &c->messages[i];
		}
	int k = campaign_lang_pick(langs, n, lang, company_lang);
	return k < 0 ? NULL : msgs[k];
}

static const char *render(struct arena *a, const struct plan *p, const char *text,
                          const struct recipient *r, const char *coupon)
{
	if (!text)
		return NULL;
	return care_render(a, text, r->name, coupon, p->store_name ? p->store_name : r->store,
	                   arena_printf(a, "%lld", (long long)r->points));
}

/* One member's coupon and message inside the caller's transaction. */
static int queue_one(struct db *db, struct arena *a, const struct plan *p,
                     const struct recipient *r, int64_t now, struct err *e)
{
	/* Claimed first: a run beside this one (another server) waits for the
	 * row, then finds it taken, and never issues a second coupon. */
	static const char sql_claim[] =
	    "UPDATE campaign_members SET queued_at = ? WHERE campaign_id = ? AND customer_id = ?"
	    " AND queued_at IS NULL";
	static const char sql_done[] = "UPDATE campaign_members SET coupon_id = ?, outbox_id = ?"
	                               " WHERE campaign_id = ? AND customer_id = ?";
	const struct campaign *c = p->c;
	struct coupon *coupon = NULL;
	int64_t outbox_id = 0;
	int rc;

	struct db_stmt *st = db_query(db, e, sql_claim, "iii", now, c->id, r->id);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	if (db_changes(st) != 1)
		return 0;

	if (r->coupon_id) {
		coupon = arena_calloc(a, 1, sizeof *coupon);
		coupon->id = r->coupon_id;
		coupon->code = r->coupon_code;
	} else if (p->tpl && !r->erased) {
		struct err ce;
		err_init(&ce);
		rc = coupon_issue_tx(db, a, &system_actor, p->tpl, r->id, p->reason, now, &coupon,
		                     &ce);
		if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
			coupon = NULL; /* the customer's limit reached, or the template ended */
		} else if (rc < 0) {
			*e = ce;
			return rc;
		}
	}
	if (strcmp(c->channel, "in_store") != 0) {
		const struct campaign_message *m =
		    message_for(c, r->variant, r->lang, p->company_lang);
		int ch = !strcmp(c->channel, "sms") ? 0 : !strcmp(c->channel, "email") ? 1 : 2;
		const char *addr = ch == 0 ? r->phone : ch == 1 ? r->email : r->member_code;
		struct outbox_new o = {
		    .customer_id = r->id,
		    .source_id = c->id,
		    .channel = c->channel,
		    .recipient = r->erased ? NULL : addr,
		    .source = "campaign",
		    .dedup_key =
		        arena_printf(a, "campaign:%lld:%lld", (long long)c->id, (long long)r->id)};
		if (!m)
			return err_set(e, ERR_INTERNAL, "campaign %lld has no message %s",
			               (long long)c->id, r->variant);
		o.lang = m->lang;
		o.subject = render(a, p, m->subject, r, coupon ? coupon->code : NULL);
		o.body = render(a, p, m->body, r, coupon ? coupon->code : NULL);
		if (r->erased || !addr || !*addr) {
			o.status = "suppressed";
			o.reason = r->erased ? "customer erased"
			                     : arena_printf(a, "no %s address", c->channel);
		} else if (!r->consent[ch]) {
			o.status = "opted_out";
			o.reason = arena_printf(a, "no consent to %s", c->channel);
		}
		if ((rc = outbox_queue_once(db, &o, now, &outbox_id, e)) < 0)
			return rc;
	}
	st = db_query(db, e, sql_done, "IIii", coupon ? coupon->id : 0, outbox_id, c->id, r->id);
	return st && db_run(st, e) == 0 ? 0 : db_fail(e);
}

/* One slice of queue_pending in its own transaction: 0 with *n members
 * done, 1 when the campaign stopped running, or negative. */
static int queue_slice(struct db *db, struct arena *a, const struct plan *p, int64_t now, int *n,
                       struct err *e)
{
	static const char sql[] =
	    "SELECT m.variant, m.coupon_id, k.code, " RECIPIENT_COLS " FROM campaign_members m"
	    " JOIN customers c ON c.id = m.customer_id"
	    " LEFT JOIN stores s ON s.id = c.home_store_id"
	    " LEFT JOIN coupons k ON k.id = m.coupon_id"
	    " WHERE m.campaign_id = ? AND m.grp = 'target' AND m.variant IS NOT NULL"
	    " AND m.queued_at IS NULL ORDER BY m.customer_id LIMIT ?";
	struct recipient *rs = arena_calloc(a, QUEUE_SLICE, sizeof *rs);
	struct db_stmt *st;
	int rc;

	*n = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = still_running(db, p->c->id, e)) <= 0) {
		db_rollback(db);
		return rc < 0 ? rc : 1;
	}
	if (!(st = db_query(db, e, sql, "ii", p->c->id, (int64_t)QUEUE_SLICE)))
		goto fail;
	while (*n < QUEUE_SLICE && (rc = db_step(st, e)) == DB_ROW) {
		rs[*n].variant = arena_strdup(a, db_col_text(st, 0));
		rs[*n].coupon_id = db_col_int64(st, 1);
		rs[*n].coupon_code = arena_strdup(a, db_col_text(st, 2));
		recipient_read(st, a, 3, &rs[(*n)++]);
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	for (int i = 0; i < *n; i++)
		if (queue_one(db, a, p, &rs[i], now, e) < 0)
			goto fail;
	if (db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* Queues every target member with a variant not yet queued, a slice per
 * transaction, while the campaign runs. */
static int queue_pending(struct db *db, const struct campaign *c, int64_t now, struct err *e)
{
	struct arena *pa = arena_new();
	struct plan p;
	int n = QUEUE_SLICE, rc = plan_init(db, pa, c, &p, e);

	while (rc == 0 && n == QUEUE_SLICE) {
		struct arena *a = arena_new();
		rc = queue_slice(db, a, &p, now, &n, e);
		arena_free(a);
	}
	arena_free(pa);
	return rc < 0 ? rc : 0;
}

/* ---- start -------------------------------------------------------------- */

/* The snapshot and the queueing of a started campaign, then *out. */
static int plan_and_queue(struct db *db, struct arena *a, int64_t id,
                          const struct campaign_env *env, int64_t now, struct campaign **out,
                          struct err *e)
{
	struct campaign *c;
	int rc;

	if ((rc = campaign_load(db, a, id, &c, e)) < 0)
		return rc;
	if (!c->planned_at && (rc = snapshot(db, c, env, now, e)) < 0)
		return rc;
	if ((rc = queue_pending(db, c, now, e)) < 0)
		return rc;
	return out ? campaign_load(db, a, id, out, e) : 0;
}

int campaign_start(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                   const struct campaign_env *env, int64_t now, struct campaign **out,
                   struct err *e)
{
	static const char *const from[] = {"scheduled", NULL};
	static const char sql[] =
	    "UPDATE campaigns SET started_at = ?, control_lo = ? WHERE id = ?";
	struct campaign *c;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		goto fail;
	if (strcmp(c->status, "running") == 0 && !c->planned_at) {
		db_rollback(db); /* resumed: nothing to change */
	} else if (campaign_set_status(db, c, from, "running", now, e) < 0 ||
	           db_run(db_query(db, e, sql, "iii", now,
	                           (int64_t)randombytes_uniform(CAMPAIGN_BUCKETS), id),
	                  e) < 0 ||
	           campaign_saved(db, a, who, "start", id, NULL, NULL, e) < 0) {
		goto fail;
	}
	return plan_and_queue(db, a, id, env, now, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- the A/B decision --------------------------------------------------- */

struct ab_variant {
	char variant[2];
	int64_t members, converted;
	double rate;
};

static int ab_cmp(const void *x, const void *y)
{
	const struct ab_variant *a = x, *b = y;
	if (a->rate != b->rate)
		return a->rate < b->rate ? 1 : -1;
	return strcmp(a->variant, b->variant);
}

/* Per variant of c's test: members and those who bought (a sale not
 * voided with their customer id) since the start; sorted best first. */
static int ab_stats(struct db *db, const struct campaign *c, struct ab_variant *v, int *n,
                    struct err *e)
{
	static const char sql[] =
	    "SELECT m.variant, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM sales s"
	    " WHERE s.customer_id = m.customer_id AND s.status <> 'voided' AND s.at >= ?)"
	    " THEN 1 ELSE 0 END) FROM campaign_members m WHERE m.campaign_id = ?"
	    " AND m.ab_test = 1 AND m.variant IS NOT NULL GROUP BY m.variant ORDER BY m.variant";
	struct db_stmt *st = db_query(db, e, sql, "ii", c->started_at, c->id);
	int rc;

	*n = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW && *n < CAMPAIGN_VARIANTS_MAX) {
		struct ab_variant *x = &v[(*n)++];
		const char *name = db_col_text(st, 0);
		x->variant[0] = name ? name[0] : 'A';
		x->variant[1] = 0;
		x->members = db_col_int64(st, 1);
		x->converted = db_col_int64(st, 2);
		x->rate = x->members ? (double)x->converted / (double)x->members : 0;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	qsort(v, (size_t)*n, sizeof *v, ab_cmp);
	return 0;
}

int campaign_decide(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    const struct campaign_env *env, int64_t now, struct campaign **out,
                    struct err *e)
{
	static const char sql[] =
	    "UPDATE campaigns SET ab_winner = ?, ab_decided_at = ?, ab_result = ?, updated_at = ?"
	    " WHERE id = ? AND status = 'running' AND ab_decided_at IS NULL";
	static const char sql_rest[] =
	    "UPDATE campaign_members SET variant = ? WHERE campaign_id = ? AND grp = 'target'"
	    " AND variant IS NULL";
	struct ab_variant v[CAMPAIGN_VARIANTS_MAX];
	struct campaign *c;
	double z = 0, p = 1;
	int n, rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		goto fail;
	if (strcmp(c->status, "running") != 0 || c->ab_pct == 0 || c->ab_decided_at ||
	    !c->planned_at) {
		rc = err_set(e, ERR_STATE, "campaign %lld has no A/B test waiting for a decision",
		             (long long)id);
		goto fail;
	}
	if ((rc = ab_stats(db, c, v, &n, e)) < 0)
		goto fail;
	if (n >= 2 && v[0].members > 0 && v[1].members > 0)
		env->two_prop_test(v[0].converted, v[0].members, v[1].converted, v[1].members, &z,
		                   &p);
	int won = n >= 2 && p < AB_ALPHA;
	const char *winner = won ? v[0].variant : "A";
	json_t *vars = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(vars,
		                      json_pack("{s:s,s:I,s:I,s:f}", "variant", v[i].variant,
		                                "members", (json_int_t)v[i].members, "converted",
		                                (json_int_t)v[i].converted, "rate", v[i].rate));
	json_t *result =
	    json_pack("{s:o,s:f,s:f,s:s,s:b}", "variants", vars, "z", isfinite(z) ? z : 0.0, "p",
	              isfinite(p) ? p : 1.0, "winner", winner, "no_winner", !won);
	char *text = json_dumps(result, JSON_COMPACT);
	json_decref(result);
	struct db_stmt *st = db_query(db, e, sql, "titii", winner, now, text, now, id);
	free(text);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (db_changes(st) != 1) {
		rc = err_set(e, ERR_STATE, "campaign %lld was decided meanwhile", (long long)id);
		goto fail;
	}
	if (db_run(db_query(db, e, sql_rest, "ti", winner, id), e) < 0 ||
	    campaign_saved(db, a, who, "decide", id, NULL, NULL, e) < 0)
		goto fail;
	return plan_and_queue(db, a, id, env, now, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- the job ------------------------------------------------------------ */

/* Up to DUE_MAX ids the query (one ? = now) gives. */
static int due_ids(struct db *db, const char *sql, int64_t now, int64_t *ids, int *n, struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "i", now);
	int rc;

	*n = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW && *n < DUE_MAX)
		ids[(*n)++] = db_col_int64(st, 0);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int campaign_run_due(struct db *db, const struct campaign_env *env, int64_t now, int64_t *done,
                     struct err *e)
{
	enum { START, DECIDE, QUEUE, COMPLETE, KINDS };
	static const char *const sql[KINDS] = {
	    /* scheduled and due, or started and cut short */
	    "SELECT id FROM campaigns WHERE (status = 'scheduled' AND starts_at <= ?)"
	    " OR (status = 'running' AND planned_at IS NULL) ORDER BY id",
	    "SELECT id FROM campaigns WHERE status = 'running' AND ab_pct > 0"
	    " AND ab_decided_at IS NULL AND planned_at IS NOT NULL AND ab_decide_at <= ?"
	    " ORDER BY id",
	    /* members left unqueued by a crash */
	    "SELECT c.id FROM campaigns c WHERE c.status = 'running' AND c.planned_at <= ?"
	    " AND EXISTS (SELECT 1 FROM campaign_members m WHERE m.campaign_id = c.id"
	    " AND m.grp = 'target' AND m.variant IS NOT NULL AND m.queued_at IS NULL)"
	    " ORDER BY c.id",
	    "SELECT id FROM campaigns WHERE status = 'running' AND ends_at <= ? ORDER BY id",
	};
	static const char *const what[KINDS] = {"start", "decide", "queue", "complete"};
	int64_t ids[DUE_MAX];
	int first = 0;

	if (done)
		*done = 0;
	for (int k = 0; k < KINDS; k++) {
		int n, rc = due_ids(db, sql[k], now, ids, &n, e);
		if (rc < 0)
			return rc;
		for (int i = 0; i < n; i++) {
			struct arena *a = arena_new();
			struct campaign *c;
			struct err ce;
			err_init(&ce);
			if (k == START)
				rc = campaign_start(db, a, &system_actor, ids[i], env, now, NULL,
				                    &ce);
			else if (k == DECIDE)
				rc = campaign_decide(db, a, &system_actor, ids[i], env, now, NULL,
				                     &ce);
			else if (k == COMPLETE)
				rc =
				    campaign_complete(db, a, &system_actor, ids[i], now, NULL, &ce);
			else if ((rc = campaign_load(db, a, ids[i], &c, &ce)) == 0)
				rc = queue_pending(db, c, now, &ce);
			arena_free(a);
			if (rc == ERR_STATE)
				continue; /* changed meanwhile by someone else */
			if (rc < 0) {
				log_warn("campaigns: %s campaign %lld: %s", what[k],
				         (long long)ids[i], ce.msg);
				if (!first) {
					first = rc;
					*e = ce;
				}
				continue;
			}
			if (done)
				(*done)++;
		}
	}
	return first;
}

/* ---- preview ------------------------------------------------------------ */

/* The first member: of the snapshot, else of the segment within the
 * campaign's store. *id 0 when there is none. */
static int first_member(struct db *db, struct arena *a, const struct campaign *c,
                        const struct campaign_env *env, int64_t now, int64_t *id, struct err *e)
{
	static const char sql_snap[] = "SELECT MIN(customer_id) FROM campaign_members WHERE "
	                               "campaign_id = ? AND grp = 'target'";
	static const char sql_in[] =
	    "SELECT 1 FROM customers c WHERE c.id = ? AND c.erased_at IS NULL"
	    " AND (? = 0 OR EXISTS (SELECT 1 FROM customer_stores cs"
	    " WHERE cs.customer_id = c.id AND cs.store_id = ?))";
	int64_t after = 0, *ids;
	int n, more = 1, rc;

	*id = 0;
	if (c->started_at) {
		rc = db_int(db_query(db, e, sql_snap, "i", c->id), id, e);
		return rc < 0 ? rc : 0;
	}
	if (!c->segment_id)
		return 0;
	while (more) {
		if ((rc = env->segment_page(db, a, c->segment_id, now, after, 100, &ids, &n, &more,
		                            e)) < 0)
			return rc;
		for (int i = 0; i < n; i++) {
			rc = db_exists(
			    db_query(db, e, sql_in, "iii", ids[i], c->store_id, c->store_id), e);
			if (rc < 0)
				return rc;
			if (rc) {
				*id = ids[i];
				return 0;
			}
		}
		if (n)
			after = ids[n - 1];
	}
	return 0;
}

int campaign_preview(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     const struct campaign_env *env, int64_t customer_id, const char *variant,
                     const char *lang, int64_t now, json_t **out, struct err *e)
{
	static const char sql_cust[] =
	    "SELECT " RECIPIENT_COLS ", k.code FROM customers c"
	    " LEFT JOIN stores s ON s.id = c.home_store_id"
	    " LEFT JOIN campaign_members m ON m.campaign_id = ? AND m.customer_id = c.id"
	    " LEFT JOIN coupons k ON k.id = m.coupon_id WHERE c.id = ?";
	struct campaign *c;
	struct recipient r = {0};
	struct plan p;
	const struct campaign_message *m = NULL;
	const char *code = NULL;
	int rc;

	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		return rc;
	if (!variant)
		variant = "A";
	for (int i = 0; i < c->nmessages && !m; i++)
		if (!strcmp(c->messages[i].variant, variant))
			m = &c->messages[i];
	if (!m) {
		err_field(e, "variant", "the campaign has no message of variant %s", variant);
		return err_fields_done(e);
	}
	if (customer_id) {
		if ((rc = customer_visible(db, who, customer_id, e)) < 0)
			return rc;
	} else {
		if ((rc = first_member(db, a, c, env, now, &customer_id, e)) < 0)
			return rc;
		if (!customer_id) {
			err_field(e, "customer_id", "the campaign's segment has no members");
			return err_fields_done(e);
		}
	}
	struct db_stmt *st = db_query(db, e, sql_cust, "ii", id, customer_id);
	if ((rc = db_get_row(st, "customer", customer_id, e)) < 0)
		return rc;
	recipient_read(st, a, 0, &r);
	code = arena_strdup(a, db_col_text(st, 12));
	db_reset(st);
	if ((rc = plan_init(db, a, c, &p, e)) < 0)
		return rc;
	if (lang) {
		m = NULL;
		for (int i = 0; i < c->nmessages && !m; i++)
			if (!strcmp(c->messages[i].variant, variant) &&
			    !strcmp(c->messages[i].lang, lang))
				m = &c->messages[i];
		if (!m) {
			err_field(e, "lang", "the campaign has no message of variant %s in %s",
			          variant, lang);
			return err_fields_done(e);
		}
	} else {
		m = message_for(c, variant, r.lang, p.company_lang);
	}
	if (!code && p.tpl) {
		char sample[COUPON_CODE_LEN + 1];
		coupon_code_new(sample);
		code = arena_strdup(a, sample);
	}
	*out = json_pack("{s:I,s:s,s:s,s:s,s:o,s:s}", "customer_id", (json_int_t)customer_id,
	                 "customer_name", r.name ? r.name : "", "lang", m->lang, "variant",
	                 m->variant, "subject", jx_strn(render(a, &p, m->subject, &r, code)),
	                 "body", render(a, &p, m->body, &r, code));
	return 0;
}
