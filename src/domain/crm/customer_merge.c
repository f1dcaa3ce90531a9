/* customer_merge.c: merging two profiles and erasing one (see
 * customer_merge.h). Both run in one write transaction each. */
#include "domain/crm/customer_merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/crm/customer.h"
#include "domain/crm/customer_scope.h"
#include "domain/crm/customer_text.h"
#include "domain/org/audit.h"
#include "domain/pos/rollup_customer.h"

#define ERASED_NAME "已注销"

/* The tables whose customer_id simply moves to the kept profile. */
static const char SQL_MV_SALES[] = "UPDATE sales SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_POINTS[] =
	"UPDATE points_ledger SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_SV[] =
	"UPDATE stored_value_ledger SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_COUPONS[] = "UPDATE coupons SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_CONTACTS[] =
	"UPDATE customer_contacts SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_TASKS[] = "UPDATE tasks SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_OPPS[] =
	"UPDATE opportunities SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_OUTBOX[] = "UPDATE outbox SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_CONSENTS[] =
	"UPDATE customer_consents SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_TIERS[] =
	"UPDATE customer_tier_history SET customer_id = ? WHERE customer_id = ?";
static const char SQL_MV_READS[] =
	"UPDATE customer_reads SET customer_id = ? WHERE customer_id = ?";
/* Keyed tables: copy what the kept profile lacks, drop the rest. */
static const char SQL_CP_STORES[] =
	"INSERT INTO customer_stores (customer_id, store_id) SELECT ?, store_id"
	" FROM customer_stores WHERE customer_id = ? ON CONFLICT (customer_id, store_id)"
	" DO NOTHING";
static const char SQL_RM_STORES[] = "DELETE FROM customer_stores WHERE customer_id = ?";
static const char SQL_CP_TAGS[] =
	"INSERT INTO customer_tags (customer_id, tag) SELECT ?, tag FROM customer_tags"
	" WHERE customer_id = ? ON CONFLICT (customer_id, tag) DO NOTHING";
static const char SQL_RM_TAGS[] = "DELETE FROM customer_tags WHERE customer_id = ?";
static const char SQL_RM_CARE_DUP[] =
	"DELETE FROM care_sent WHERE customer_id = ? AND EXISTS (SELECT 1 FROM care_sent k"
	" WHERE k.customer_id = ? AND k.rule_id = care_sent.rule_id"
	" AND k.year = care_sent.year)";
static const char SQL_MV_CARE[] = "UPDATE care_sent SET customer_id = ? WHERE customer_id = ?";
/* A campaign both were members of keeps the kept profile's membership. */
static const char SQL_RM_CAMPAIGN_DUP[] =
	"DELETE FROM campaign_members WHERE customer_id = ? AND EXISTS (SELECT 1"
	" FROM campaign_members k WHERE k.customer_id = ?"
	" AND k.campaign_id = campaign_members.campaign_id)";
static const char SQL_MV_CAMPAIGN[] =
	"UPDATE campaign_members SET customer_id = ? WHERE customer_id = ?";

static const char SQL_POINTS_ROW[] =
	"INSERT INTO points_ledger (customer_id, at, kind, points, balance_after, remaining,"
	" user_id, reason) VALUES (?, ?, 'merge', ?, ?, 0, ?, ?)";
static const char SQL_SV_ROW[] =
	"INSERT INTO stored_value_ledger (customer_id, at, kind, paid_amount, bonus_amount,"
	" paid_after, bonus_after, user_id, reason) VALUES (?, ?, 'merge', ?, ?, ?, ?, ?, ?)";
static const char SQL_TIER_MIN[] = "SELECT min_spend FROM tiers WHERE id = ?";
static const char SQL_TAGS_OF[] =
	"SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag";
static const char SQL_DELETE_CUSTOMER[] = "DELETE FROM customers WHERE id = ?";
static const char SQL_KEEP_UPDATE[] =
	"UPDATE customers SET points_balance = ?, points_owed = ?, sv_paid_balance = ?,"
	" sv_bonus_balance = ?, lifetime_spend = ?, orders_count = ?,"
	" first_purchase_at = ?, last_purchase_at = ?, tier_id = ?, tier_since = ?,"
	" phone = ?, phone_last4 = ?, email = ?, birthday = ?, birth_md = ?, gender = ?,"
	" city = ?, home_store_id = ?, tags = ?, updated_at = ? WHERE id = ?";
/* Locks both rows (PostgreSQL: row locks until commit; SQLite's write
 * transaction already excludes other writers) before their balances are
 * read, so that a sale of either customer waits for the merge. */
static const char SQL_LOCK_BOTH[] =
	"UPDATE customers SET updated_at = updated_at WHERE id IN (?, ?)";
static const char SQL_TIER_SINCE[] = "SELECT tier_since FROM customers WHERE id = ?";

static int64_t min_nz(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static int tier_rank(struct db *db, int64_t tier_id, int64_t *min_spend, struct err *e)
{
	*min_spend = -1;
	if (!tier_id)
		return 0;
	return db_int(db_query(db, e, SQL_TIER_MIN, "i", tier_id), min_spend, e) < 0 ? -1 : 0;
}

/* customers.tags rebuilt from customer_tags (after the union). */
static char *tags_json(struct db *db, struct arena *a, int64_t id, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_TAGS_OF, "i", id);
	json_t *arr = json_array();
	char *s, *out = NULL;
	int rc;

	if (!st) {
		json_decref(arr);
		return NULL;
	}
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(arr, json_string(db_col_text(st, 0)));
	db_reset(st);
	if (rc == DB_DONE) {
		s = json_dumps(arr, JSON_COMPACT);
		out = arena_strdup(a, s);
		free(s);
	}
	json_decref(arr);
	return out;
}

int customer_merge(struct db *db, const struct actor *who, int64_t keep_id,
		   int64_t from_id, struct err *e)
{
	static const char *const moves[] = {
		SQL_MV_SALES, SQL_MV_COUPONS, SQL_MV_CONTACTS, SQL_MV_TASKS, SQL_MV_OPPS,
		SQL_MV_OUTBOX, SQL_MV_CONSENTS, SQL_MV_TIERS, SQL_MV_READS,
	};
	struct arena *a;
	struct customer *k, *f;
	int64_t now = ts_now_ms(), uid = who->user ? who->user->id : 0;
	int64_t kmin, fmin, tier_id, tier_since = 0, points, sv_paid, sv_bonus;
	char why_k[64], why_f[64];
	const char *tags;
	json_t *after;
	int rc;

	if (keep_id == from_id) {
		err_field(e, "from_id", "must be another customer than the one kept");
		return err_fields_done(e);
	}
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	a = arena_new();
	if (customer_visible(db, who, keep_id, e) < 0 || customer_visible(db, who, from_id, e) < 0 ||
	    db_run(db_query(db, e, SQL_LOCK_BOTH, "ii", keep_id, from_id), e) < 0 ||
	    customer_get(db, a, keep_id, &k, e) < 0 || customer_get(db, a, from_id, &f, e) < 0)
		goto fail;
	snprintf(why_k, sizeof why_k, "merged from customer %lld", (long long)from_id);
	snprintf(why_f, sizeof why_f, "merged into customer %lld", (long long)keep_id);

	/* Points: the removed side's balance leaves it, then arrives here. */
	points = k->points_balance + f->points_balance;
	if (f->points_balance &&
	    (db_run(db_query(db, e, SQL_POINTS_ROW, "iiiiIt", from_id, now, -f->points_balance,
			     (int64_t)0, uid, why_f), e) < 0))
		goto fail;
	if (db_run(db_query(db, e, SQL_MV_POINTS, "ii", keep_id, from_id), e) < 0)
		goto fail;
	if (f->points_balance &&
	    db_run(db_query(db, e, SQL_POINTS_ROW, "iiiiIt", keep_id, now, f->points_balance,
			    points, uid, why_k), e) < 0)
		goto fail;
	/* Stored value, paid and bonus apart, the same way. */
	sv_paid = k->sv_paid_balance + f->sv_paid_balance;
	sv_bonus = k->sv_bonus_balance + f->sv_bonus_balance;
	if ((f->sv_paid_balance || f->sv_bonus_balance) &&
	    db_run(db_query(db, e, SQL_SV_ROW, "iiiiiiIt", from_id, now, -f->sv_paid_balance,
			    -f->sv_bonus_balance, (int64_t)0, (int64_t)0, uid, why_f), e) < 0)
		goto fail;
	if (db_run(db_query(db, e, SQL_MV_SV, "ii", keep_id, from_id), e) < 0)
		goto fail;
	if ((f->sv_paid_balance || f->sv_bonus_balance) &&
	    db_run(db_query(db, e, SQL_SV_ROW, "iiiiiiIt", keep_id, now, f->sv_paid_balance,
			    f->sv_bonus_balance, sv_paid, sv_bonus, uid, why_k), e) < 0)
		goto fail;

	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (db_run(db_query(db, e, moves[i], "ii", keep_id, from_id), e) < 0)
			goto fail;
	/* The customer reports' rollup follows the sales. */
	if (rollup_customer_merge(db, keep_id, from_id, e) < 0)
		goto fail;
	if (db_run(db_query(db, e, SQL_CP_STORES, "ii", keep_id, from_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_RM_STORES, "i", from_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_CP_TAGS, "ii", keep_id, from_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_RM_TAGS, "i", from_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_RM_CARE_DUP, "ii", from_id, keep_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_MV_CARE, "ii", keep_id, from_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_RM_CAMPAIGN_DUP, "ii", from_id, keep_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_MV_CAMPAIGN, "ii", keep_id, from_id), e) < 0)
		goto fail;

	/* The higher tier (by its threshold) stays. */
	if (tier_rank(db, k->tier_id, &kmin, e) < 0 || tier_rank(db, f->tier_id, &fmin, e) < 0)
		goto fail;
	tier_id = fmin > kmin ? f->tier_id : k->tier_id;
	if (tier_id && db_int(db_query(db, e, SQL_TIER_SINCE, "i",
				       tier_id == k->tier_id ? keep_id : from_id),
			      &tier_since, e) < 0)
		goto fail;
	if (!(tags = tags_json(db, a, keep_id, e)))
		goto fail;
	/* The removed row goes first: its phone is unique. */
	if (db_run(db_query(db, e, SQL_DELETE_CUSTOMER, "i", from_id), e) < 0)
		goto fail;
	const char *phone = k->phone ? k->phone : f->phone;
	const char *birthday = k->birthday ? k->birthday : f->birthday;
	rc = db_run(db_query(db, e, SQL_KEEP_UPDATE, "iiiiiiIIIIttttttIItii", points,
			     k->points_owed + f->points_owed, sv_paid, sv_bonus,
			     k->lifetime_spend + f->lifetime_spend,
			     k->orders_count + f->orders_count,
			     min_nz(k->first_purchase_at, f->first_purchase_at),
			     k->last_purchase_at > f->last_purchase_at ? k->last_purchase_at
								     : f->last_purchase_at,
			     tier_id, tier_id ? tier_since : 0, phone,
			     k->phone ? k->phone_last4 : f->phone_last4,
			     k->email ? k->email : f->email, birthday,
			     birthday ? birthday + 5 : NULL, k->gender ? k->gender : f->gender,
			     k->city ? k->city : f->city,
			     k->home_store_id ? k->home_store_id : f->home_store_id, tags, now,
			     keep_id), e);
	if (rc < 0)
		goto fail;
	after = json_pack("{s:I,s:I,s:I,s:I}", "from_id", (json_int_t)from_id,
			  "points_moved", (json_int_t)f->points_balance,
			  "stored_value_paid_moved", (json_int_t)f->sv_paid_balance,
			  "stored_value_bonus_moved", (json_int_t)f->sv_bonus_balance);
	rc = audit_commit(db, who, "merge", "customer", keep_id, 0, NULL, after, e);
	if (rc < 0)
		goto fail;
	arena_free(a);
	return 0;
fail:
	db_rollback(db);
	arena_free(a);
	return db_fail(e);
}

/* ---- erasure ------------------------------------------------------------ */

static const char SQL_ERASE[] =
	"UPDATE customers SET name = ?, name_initials = '', phone = NULL, phone_last4 = NULL,"
	" email = NULL, birthday = NULL, birth_md = NULL, gender = NULL, city = NULL,"
	" tags = '[]', preferences = '{}', member_code = ?, consent_sms = 0,"
	" consent_email = 0, consent_wechat = 0, erased_at = ?, updated_at = ? WHERE id = ?";
static const char SQL_ERASE_CONTACTS[] =
	"UPDATE customer_contacts SET summary = '', outcome = NULL, next_step = NULL"
	" WHERE customer_id = ?";
static const char SQL_ERASE_OUTBOX[] = "DELETE FROM outbox WHERE customer_id = ?";
static const char SQL_ERASE_TASKS[] =
	"UPDATE tasks SET title = '-', note = NULL WHERE customer_id = ?";
static const char SQL_ERASE_OPPS[] =
	"UPDATE opportunities SET note = NULL WHERE customer_id = ?";
static const char SQL_ERASE_AUDIT[] =
	"UPDATE audit_log SET before_json = NULL, after_json = NULL"
	" WHERE lower(before_json) LIKE ? ESCAPE '\\' OR lower(after_json) LIKE ? ESCAPE '\\'";
static const char SQL_CODE_USED[] = "SELECT 1 FROM customers WHERE member_code = ?";

/* Blanks the audit rows whose summaries hold s (written by other parts of
 * the system before this erasure). Names shorter than two characters are
 * too common to search for. */
static int scrub_audit(struct db *db, struct arena *a, const char *s, struct err *e)
{
	const char *pat;

	if (!s || utf8_chars_n(s, strlen(s)) < 2)
		return 0;
	pat = db_like_pattern(a, s);
	return db_run(db_query(db, e, SQL_ERASE_AUDIT, "tt", pat, pat), e);
}

int customer_erase(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	static const char *const clears[] = {
		SQL_RM_TAGS, SQL_ERASE_CONTACTS, SQL_ERASE_OUTBOX, SQL_ERASE_TASKS,
		SQL_ERASE_OPPS,
	};
	struct arena *a;
	struct customer *c;
	char code[MEMBER_CODE_LEN + 1];
	int64_t now = ts_now_ms();
	json_t *after;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	a = arena_new();
	if (customer_visible(db, who, id, e) < 0 || customer_get(db, a, id, &c, e) < 0)
		goto fail;
	for (int i = 0; i < 8; i++) {
		member_code_generate(code, sizeof code);
		if ((rc = db_exists(db_query(db, e, SQL_CODE_USED, "t", code), e)) < 0)
			goto fail;
		if (!rc)
			break;
	}
	if (db_run(db_query(db, e, SQL_ERASE, "ttiii", ERASED_NAME, code, now, now, id), e) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof clears / sizeof clears[0]; i++)
		if (db_run(db_query(db, e, clears[i], "i", id), e) < 0)
			goto fail;
	if (scrub_audit(db, a, c->phone, e) < 0 || scrub_audit(db, a, c->email, e) < 0 ||
	    scrub_audit(db, a, c->name, e) < 0)
		goto fail;
	after = json_pack("{s:[sssssssss]}", "fields", "name", "phone", "email", "birthday",
			  "gender", "city", "tags", "preferences", "member_code");
	rc = audit_commit(db, who, "erase", "customer", id, 0, NULL, after, e);
	if (rc < 0)
		goto fail;
	arena_free(a);
	return 0;
fail:
	db_rollback(db);
	arena_free(a);
	return db_fail(e);
}
