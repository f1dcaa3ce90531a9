/* customer_history.c: a customer's sales, timeline and data export, read
 * straight from the tables of the sale, the ledgers, coupons, contacts,
 * tasks, opportunities and the outbox. */
#include "domain/crm/customer_history.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "db/page.h"
#include "domain/crm/customer.h"
#include "domain/crm/customer_scope.h"

int customer_sales(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, int64_t before_id, int limit,
		   struct sale_head **out, int *n, int *more, struct err *e)
{
	struct sale_filter f = {0};

	if (customer_visible(db, who, id, e) < 0)
		return db_fail(e);
	f.customer_id = id;
	f.before_id = before_id;
	f.limit = limit;
	if (who->user && (who->user->role & ROLE_STORE_BOUND))
		f.scope_user_id = who->user->id;
	return sale_list(db, a, &f, out, n, more, e);
}

/* ---- timeline ----------------------------------------------------------- */

static const char SQL_TIMELINE[] =
	"SELECT ev.at, ev.kind, ev.ref_id, ev.amount, ev.text1, ev.text2 FROM ("
	"SELECT s.at AS at, 'sale' AS kind, s.id AS ref_id, s.total AS amount,"
	" s.number AS text1, s.status AS text2 FROM sales s WHERE s.customer_id = ?"
	" UNION ALL SELECT r.at, 'return', r.id, r.refund_total, s.number, r.kind"
	" FROM sale_returns r JOIN sales s ON s.id = r.sale_id WHERE s.customer_id = ?"
	" UNION ALL SELECT p.at, 'points', p.id, p.points, p.kind, p.reason"
	" FROM points_ledger p WHERE p.customer_id = ?"
	" UNION ALL SELECT v.at, 'stored_value', v.id, v.paid_amount + v.bonus_amount,"
	" v.kind, v.reason FROM stored_value_ledger v WHERE v.customer_id = ?"
	" UNION ALL SELECT k.issued_at, 'coupon_issued', k.id, CAST(NULL AS BIGINT),"
	" k.code, k.status FROM coupons k WHERE k.customer_id = ?"
	" UNION ALL SELECT k.redeemed_at, 'coupon_redeemed', k.id, k.discount, k.code,"
	" CAST(NULL AS TEXT) FROM coupons k WHERE k.customer_id = ?"
	" AND k.redeemed_at IS NOT NULL"
	" UNION ALL SELECT o.at, 'contact', o.id, CAST(NULL AS BIGINT), o.channel,"
	" o.summary FROM customer_contacts o WHERE o.customer_id = ?"
	" UNION ALL SELECT t.created_at, 'task', t.id, CAST(NULL AS BIGINT), t.status,"
	" t.title FROM tasks t WHERE t.customer_id = ?"
	" UNION ALL SELECT h.at, 'tier_change', h.id, h.spend_12m, tt.code, h.reason"
	" FROM customer_tier_history h LEFT JOIN tiers tt ON tt.id = h.to_tier_id"
	" WHERE h.customer_id = ?"
	" UNION ALL SELECT c.at, 'consent', c.id, c.granted, c.channel, c.source"
	" FROM customer_consents c WHERE c.customer_id = ?"
	") ev WHERE ev.at < ? OR (ev.at = ? AND (ev.kind < ? OR (ev.kind = ?"
	" AND ev.ref_id < ?)))"
	" ORDER BY ev.at DESC, ev.kind DESC, ev.ref_id DESC LIMIT ?";

/* Per kind: the names of amount, text1 and text2 in the JSON (NULL: not
 * shown); amount_bool renders amount as true/false. */
static const struct {
	const char *kind, *amount, *text1, *text2;
	int amount_bool;
} event_names[] = {
	{"sale", "total", "number", "status", 0},
	{"return", "refund_total", "sale_number", "return_kind", 0},
	{"points", "points", "entry_kind", "reason", 0},
	{"stored_value", "amount", "entry_kind", "reason", 0},
	{"coupon_issued", NULL, "code", "status", 0},
	{"coupon_redeemed", "discount", "code", NULL, 0},
	{"contact", NULL, "channel", "summary", 0},
	{"task", NULL, "status", "title", 0},
	{"tier_change", "spend_12m", "tier", "reason", 0},
	{"consent", "granted", "channel", "source", 1},
};

json_t *customer_event_to_json(const struct customer_event *ev)
{
	json_t *o = json_pack("{s:o,s:s,s:I}", "at", jx_time(ev->at), "kind", ev->kind,
			      "id", (json_int_t)ev->ref_id);

	for (size_t i = 0; i < sizeof event_names / sizeof event_names[0]; i++) {
		if (strcmp(event_names[i].kind, ev->kind) != 0)
			continue;
		if (event_names[i].amount)
			json_object_set_new(o, event_names[i].amount,
					    !ev->has_amount ? json_null()
					    : event_names[i].amount_bool ? json_boolean(ev->amount)
					    : json_integer(ev->amount));
		if (event_names[i].text1)
			json_object_set_new(o, event_names[i].text1, jx_strn(ev->text1));
		if (event_names[i].text2)
			json_object_set_new(o, event_names[i].text2, jx_strn(ev->text2));
	}
	return o;
}

/* "at:kind:ref_id" -> its parts (kind in a). 0 or -1. */
static int parse_cursor(struct arena *a, const char *c, int64_t *at, const char **kind,
			int64_t *ref)
{
	const char *p1 = strchr(c, ':'), *p2 = p1 ? strrchr(c, ':') : NULL;
	char *end;

	if (!p1 || p2 == p1 || p2 - p1 < 2 || p2 - p1 > 20)
		return -1;
	*at = strtoll(c, &end, 10);
	if (end != p1 || *at < 0)
		return -1;
	*kind = arena_strndup(a, p1 + 1, (size_t)(p2 - p1 - 1));
	*ref = strtoll(p2 + 1, &end, 10);
	if (*end || *ref < 0 || p2[1] == '\0')
		return -1;
	return 0;
}

int customer_timeline(struct db *db, struct arena *a, const struct actor *who,
		      int64_t id, const char *cursor, int limit,
		      struct customer_event **out, int *n, const char **next,
		      struct err *e)
{
	int64_t at = INT64_MAX, ref = INT64_MAX;
	const char *kind = "~";
	struct page pg;
	struct db_stmt *st;
	int rc;

	*next = NULL;
	if (cursor && parse_cursor(a, cursor, &at, &kind, &ref) < 0) {
		err_field(e, "cursor", "is not a cursor of this list");
		return err_fields_done(e);
	}
	if (customer_visible(db, who, id, e) < 0)
		return db_fail(e);
	page_init(&pg, a, limit, sizeof(struct customer_event));
	st = db_query(db, e, SQL_TIMELINE, "iiiiiiiiiiiittii", id, id, id, id, id, id, id, id,
		      id, id, at, at, kind, kind, ref, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct customer_event *ev = page_add(&pg);
		ev->at = db_col_int64(st, 0);
		ev->kind = arena_strdup(a, db_col_text(st, 1));
		ev->ref_id = db_col_int64(st, 2);
		ev->has_amount = !db_col_null(st, 3);
		ev->amount = db_col_int64(st, 3);
		ev->text1 = arena_strdup(a, db_col_text(st, 4));
		ev->text2 = arena_strdup(a, db_col_text(st, 5));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	if (pg.more && pg.n > 0) {
		struct customer_event *last = &((struct customer_event *)pg.rows)[pg.n - 1];
		*next = arena_printf(a, "%lld:%s:%lld", (long long)last->at, last->kind,
				     (long long)last->ref_id);
	}
	return 0;
}

/* ---- export ------------------------------------------------------------- */

/* Runs sql (one id parameter) and appends each row to arr as an object
 * whose keys and value types come from spec, "name:type,...": i integer
 * (NULL -> null), t text, T instant (RFC 3339), b boolean. */
static int dump_rows(struct db *db, const char *sql, int64_t id, const char *spec,
		     json_t *arr, struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc;

	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *o = json_object();
		const char *p = spec;
		for (int col = 0; *p; col++) {
			const char *colon = strchr(p, ':');
			char name[40];
			size_t len = (size_t)(colon - p);
			if (len >= sizeof name)
				len = sizeof name - 1;
			memcpy(name, p, len);
			name[len] = '\0';
			char type = colon[1];
			json_t *v;
			if (db_col_null(st, col))
				v = json_null();
			else if (type == 'i')
				v = json_integer(db_col_int64(st, col));
			else if (type == 'T')
				v = jx_time(db_col_int64(st, col));
			else if (type == 'b')
				v = json_boolean(db_col_int64(st, col));
			else
				v = jx_strn(db_col_text(st, col));
			json_object_set_new(o, name, v);
			p = colon + 2;
			if (*p == ',')
				p++;
		}
		json_array_append_new(arr, o);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static const char SQL_X_CONSENTS[] =
	"SELECT channel, granted, at, source, user_id FROM customer_consents"
	" WHERE customer_id = ? ORDER BY id";
static const char SQL_X_TAGS[] =
	"SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag";
static const char SQL_X_STORES[] =
	"SELECT store_id FROM customer_stores WHERE customer_id = ? ORDER BY store_id";
static const char SQL_X_SALES[] =
	"SELECT id, number, store_id, at, status, total, points_earned, points_redeemed"
	" FROM sales WHERE customer_id = ? ORDER BY id";
static const char SQL_X_RETURNS[] =
	"SELECT r.id, r.sale_id, r.store_id, r.at, r.kind, r.refund_total, r.reason"
	" FROM sale_returns r JOIN sales s ON s.id = r.sale_id WHERE s.customer_id = ?"
	" ORDER BY r.id";
static const char SQL_X_POINTS[] =
	"SELECT id, at, kind, points, balance_after, remaining, expires_at, sale_id,"
	" return_id, store_id, reason FROM points_ledger WHERE customer_id = ? ORDER BY id";
static const char SQL_X_SV[] =
	"SELECT id, at, kind, paid_amount, bonus_amount, paid_after, bonus_after, method,"
	" sale_id, return_id, store_id, reason FROM stored_value_ledger"
	" WHERE customer_id = ? ORDER BY id";
static const char SQL_X_COUPONS[] =
	"SELECT id, code, template_id, status, issued_at, expires_at, redeemed_at, sale_id,"
	" discount FROM coupons WHERE customer_id = ? ORDER BY id";
static const char SQL_X_CONTACTS[] =
	"SELECT id, at, channel, direction, summary, outcome, next_step, store_id, user_id,"
	" task_id FROM customer_contacts WHERE customer_id = ? ORDER BY id";
static const char SQL_X_TASKS[] =
	"SELECT id, kind, title, note, status, store_id, assignee_id, due_at, created_at,"
	" done_at FROM tasks WHERE customer_id = ? ORDER BY id";
static const char SQL_X_OPPS[] =
	"SELECT id, name, stage, amount, probability_bp, expected_close, lost_reason, note,"
	" store_id, owner_id, created_at, closed_at FROM opportunities"
	" WHERE customer_id = ? ORDER BY id";
static const char SQL_X_OUTBOX[] =
	"SELECT id, channel, recipient, subject, body, status, source, created_at, sent_at"
	" FROM outbox WHERE customer_id = ? ORDER BY id";
static const char SQL_X_TIERS[] =
	"SELECT h.id, h.at, f.code, t.code, h.reason, h.spend_12m, h.sale_id"
	" FROM customer_tier_history h LEFT JOIN tiers f ON f.id = h.from_tier_id"
	" LEFT JOIN tiers t ON t.id = h.to_tier_id WHERE h.customer_id = ? ORDER BY h.id";
static const char SQL_X_CARE[] =
	"SELECT rule_id, year, at, coupon_id FROM care_sent WHERE customer_id = ?"
	" ORDER BY at";
static const char SQL_X_READS[] =
	"SELECT id, user_id, at, what FROM customer_reads WHERE customer_id = ? ORDER BY id";

int customer_export(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, int64_t now, json_t **out, struct err *e)
{
	static const struct {
		const char *key, *sql, *spec;
	} parts[] = {
		{"consents", SQL_X_CONSENTS, "channel:t,granted:b,at:T,source:t,user_id:i"},
		{"tags", SQL_X_TAGS, "tag:t"},
		{"stores", SQL_X_STORES, "store_id:i"},
		{"sales", SQL_X_SALES, "id:i,number:t,store_id:i,at:T,status:t,total:i,"
				       "points_earned:i,points_redeemed:i"},
		{"returns", SQL_X_RETURNS, "id:i,sale_id:i,store_id:i,at:T,kind:t,"
					   "refund_total:i,reason:t"},
		{"points_ledger", SQL_X_POINTS, "id:i,at:T,kind:t,points:i,balance_after:i,"
						"remaining:i,expires_at:T,sale_id:i,"
						"return_id:i,store_id:i,reason:t"},
		{"stored_value_ledger", SQL_X_SV, "id:i,at:T,kind:t,paid_amount:i,"
						  "bonus_amount:i,paid_after:i,bonus_after:i,"
						  "method:t,sale_id:i,return_id:i,store_id:i,"
						  "reason:t"},
		{"coupons", SQL_X_COUPONS, "id:i,code:t,template_id:i,status:t,issued_at:T,"
					   "expires_at:T,redeemed_at:T,sale_id:i,discount:i"},
		{"contacts", SQL_X_CONTACTS, "id:i,at:T,channel:t,direction:t,summary:t,"
					     "outcome:t,next_step:t,store_id:i,user_id:i,"
					     "task_id:i"},
		{"tasks", SQL_X_TASKS, "id:i,kind:t,title:t,note:t,status:t,store_id:i,"
				       "assignee_id:i,due_at:T,created_at:T,done_at:T"},
		{"opportunities", SQL_X_OPPS, "id:i,name:t,stage:t,amount:i,probability_bp:i,"
					      "expected_close:t,lost_reason:t,note:t,"
					      "store_id:i,owner_id:i,created_at:T,closed_at:T"},
		{"outbox", SQL_X_OUTBOX, "id:i,channel:t,recipient:t,subject:t,body:t,status:t,"
					 "source:t,created_at:T,sent_at:T"},
		{"tier_history", SQL_X_TIERS, "id:i,at:T,from_tier:t,to_tier:t,reason:t,"
					      "spend_12m:i,sale_id:i"},
		{"care_sent", SQL_X_CARE, "rule_id:i,year:i,at:T,coupon_id:i"},
		{"reads", SQL_X_READS, "id:i,user_id:i,at:T,what:t"},
	};
	struct customer *c;
	json_t *o, *prof;

	if (customer_visible(db, who, id, e) < 0 || customer_get(db, a, id, &c, e) < 0)
		return db_fail(e);
	prof = customer_to_json(c, 0);
	json_object_set_new(prof, "points_owed", json_integer(c->points_owed));
	json_object_set_new(prof, "stored_value_paid", json_integer(c->sv_paid_balance));
	json_object_set_new(prof, "stored_value_bonus", json_integer(c->sv_bonus_balance));
	json_object_set_new(prof, "first_purchase_at", jx_time(c->first_purchase_at));
	o = json_pack("{s:o,s:o}", "exported_at", jx_time(now), "profile", prof);
	/* The read is logged first so that the export lists itself. */
	if (customer_log_read(db, who, id, now, "export", e) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *arr = json_array();
		json_object_set_new(o, parts[i].key, arr);
		if (dump_rows(db, parts[i].sql, id, parts[i].spec, arr, e) < 0)
			goto fail;
	}
	*out = o;
	return 0;
fail:
	json_decref(o);
	return db_fail(e);
}
