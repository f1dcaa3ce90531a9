/* stored_value.c: stored value, its bonus rules and ledger (see
 * stored_value.h). */
#include "domain/loyalty/stored_value.h"

#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/crm/customer_scope.h"
#include "domain/loyalty/points.h"
#include "domain/org/audit.h"

const char *const sv_methods[] = {"cash", "card", "wechat", "alipay", NULL};

#define REASON_MAX 200
#define SV_COLS \
	"id, customer_id, at, kind, paid_amount, bonus_amount, paid_after, bonus_after, method, " \
	"sale_id, return_id, store_id, shift_id, user_id, reason"

static json_t *id_or_null(struct db_stmt *st, int c)
{
	return db_col_null(st, c) || !db_col_int64(st, c) ? json_null()
							  : json_integer(db_col_int64(st, c));
}

/* A ledger row (SV_COLS) as JSON. */
static json_t *sv_row_json(struct db_stmt *st)
{
	int64_t paid = db_col_int64(st, 4), bonus = db_col_int64(st, 5);
	int64_t pa = db_col_int64(st, 6), ba = db_col_int64(st, 7);
	json_t *o = json_pack("{s:I,s:I,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "id",
			      (json_int_t)db_col_int64(st, 0), "customer_id",
			      (json_int_t)db_col_int64(st, 1), "at", jx_time(db_col_int64(st, 2)),
			      "kind", db_col_text(st, 3), "amount", (json_int_t)(paid + bonus),
			      "paid_amount", (json_int_t)paid, "bonus_amount", (json_int_t)bonus,
			      "paid_balance", (json_int_t)pa, "bonus_balance", (json_int_t)ba,
			      "balance", (json_int_t)(pa + ba), "method", jx_strn(db_col_text(st, 8)));
	static const char *const ids[] = {"sale_id", "return_id", "store_id", "shift_id",
					  "user_id"};
	for (int i = 0; i < 5; i++)
		json_object_set_new(o, ids[i], id_or_null(st, 9 + i));
	json_object_set_new(o, "reason", jx_strn(db_col_text(st, 14)));
	return o;
}

/* ---- rules ---- */

int sv_rules_list(struct db *db, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT id, min_amount, bonus, created_at FROM stored_value_rules WHERE active = 1 "
		"ORDER BY min_amount";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I,s:I,s:I,s:o}", "id",
						       (json_int_t)db_col_int64(st, 0), "min_amount",
						       (json_int_t)db_col_int64(st, 1), "bonus",
						       (json_int_t)db_col_int64(st, 2), "created_at",
						       jx_time(db_col_int64(st, 3))));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return db_fail(e);
	}
	*out = items;
	return 0;
}

int sv_rule_create(struct db *db, const struct actor *who, int64_t min_amount, int64_t bonus,
		   json_t **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO stored_value_rules (min_amount, bonus, active, created_at) "
		"VALUES (?, ?, 1, ?) RETURNING id";
	if (min_amount < 1 || min_amount > MONEY_MAX)
		err_field(e, "min_amount", "must be more than 0");
	if (bonus < 0 || bonus > min_amount)
		err_field(e, "bonus", "must be between 0 and min_amount");
	int rc = err_fields_done(e);
	if (rc < 0 || (rc = db_begin(db, 1, e)) < 0)
		return rc;
	int64_t now = ts_now_ms(), id;
	rc = db_int(db_query(db, e, sql, "iii", min_amount, bonus, now), &id, e);
	if (rc == ERR_DUPLICATE) {
		err_init(e);
		err_field(e, "min_amount", "a rule for this amount exists");
		rc = err_set(e, ERR_DUPLICATE, "a rule for %lld exists", (long long)min_amount);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	json_t *o = json_pack("{s:I,s:I,s:I,s:o}", "id", (json_int_t)id, "min_amount",
			      (json_int_t)min_amount, "bonus", (json_int_t)bonus, "created_at",
			      jx_time(now));
	if ((rc = audit_commit(db, who, "create", "stored_value_rule", id, 0, NULL,
			       json_deep_copy(o), e)) < 0) {
		json_decref(o);
		goto fail;
	}
	*out = o;
	return 0;
fail:
	db_rollback(db);
	return rc < 0 ? rc : db_fail(e);
}

int sv_rule_delete(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	static const char sql[] =
		"DELETE FROM stored_value_rules WHERE id = ? RETURNING min_amount, bonus";
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if ((rc = db_get_row(st, "stored value rule", id, e)) < 0)
		goto fail;
	json_t *before = json_pack("{s:I,s:I}", "min_amount", (json_int_t)db_col_int64(st, 0),
				   "bonus", (json_int_t)db_col_int64(st, 1));
	while (db_step(st, e) == DB_ROW)
		;
	db_reset(st);
	if ((rc = audit_commit(db, who, "delete", "stored_value_rule", id, 0, before, NULL, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

/* ---- the ledger ---- */

int sv_write(struct db *db, int64_t customer_id, const char *kind, int64_t paid_delta,
	     int64_t bonus_delta, const char *method, const struct loyalty_ref *ref,
	     struct err *e)
{
	static const char sql_upd[] =
		"UPDATE customers SET sv_paid_balance = sv_paid_balance + ?, "
		"sv_bonus_balance = sv_bonus_balance + ? WHERE id = ? "
		"AND sv_paid_balance + ? >= 0 AND sv_bonus_balance + ? >= 0 "
		"RETURNING sv_paid_balance, sv_bonus_balance";
	static const char sql_ins[] =
		"INSERT INTO stored_value_ledger (customer_id, at, kind, paid_amount, bonus_amount, "
		"paid_after, bonus_after, method, sale_id, return_id, store_id, shift_id, user_id, "
		"reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct db_stmt *st = db_query(db, e, sql_upd, "iiiii", paid_delta, bonus_delta, customer_id,
				      paid_delta, bonus_delta);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc != DB_ROW) {
		db_reset(st);
		return err_set(e, ERR_INSUFFICIENT_BALANCE,
			       "customer %lld does not hold that much stored value",
			       (long long)customer_id);
	}
	int64_t pa = db_col_int64(st, 0), ba = db_col_int64(st, 1);
	while ((rc = db_step(st, e)) == DB_ROW)
		;
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	st = db_query(db, e, sql_ins, "iitiiiitIIIIIt", customer_id, ref->at, kind, paid_delta,
		      bonus_delta, pa, ba, method, ref->sale_id, ref->return_id, ref->store_id,
		      ref->shift_id, ref->user_id, ref->reason);
	return !st || db_run(st, e) < 0 ? db_fail(e) : 0;
}

int sv_spend(struct db *db, int64_t customer_id, int64_t amount, int bonus_first,
	     const struct loyalty_ref *ref, struct err *e)
{
	struct loyalty_account acc;
	if (amount <= 0)
		return 0;
	int rc = loyalty_account_lock(db, customer_id, &acc, e);
	if (rc < 0)
		return rc;
	if (acc.sv_paid + acc.sv_bonus < amount)
		return err_set(e, ERR_INSUFFICIENT_BALANCE,
			       "the stored value balance is %lld, %lld is due",
			       (long long)(acc.sv_paid + acc.sv_bonus), (long long)amount);
	int64_t first = bonus_first ? acc.sv_bonus : acc.sv_paid;
	int64_t from_first = first < amount ? first : amount, rest = amount - from_first;
	int64_t paid = bonus_first ? rest : from_first, bonus = amount - paid;
	return sv_write(db, customer_id, "spend", -paid, -bonus, NULL, ref, e);
}

/* The open shift of the store's till (register_id NULL: the store's open
 * shift with the lowest id); 0 when none is open. */
static int open_shift(struct db *db, int64_t store_id, const char *register_id, int64_t *id,
		      struct err *e)
{
	static const char sql[] =
		"SELECT id FROM shifts WHERE store_id = ? AND status = 'open' "
		"AND (CAST(? AS TEXT) IS NULL OR register = ?) ORDER BY id LIMIT 1";
	return db_int(db_query(db, e, sql, "itt", store_id, register_id, register_id), id, e) < 0
		       ? db_fail(e)
		       : 0;
}

static int store_exists(struct db *db, int64_t store_id, struct err *e)
{
	static const char sql[] = "SELECT 1 FROM stores WHERE id = ? AND active = 1";
	return db_exists(db_query(db, e, sql, "i", store_id), e);
}

static const char *known_method(const char *m)
{
	for (int i = 0; m && sv_methods[i]; i++)
		if (strcmp(sv_methods[i], m) == 0)
			return sv_methods[i];
	return NULL;
}

/* The last ledger row of the customer as JSON. */
static int last_row(struct db *db, int64_t customer_id, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT " SV_COLS " FROM stored_value_ledger WHERE customer_id = ? "
		"ORDER BY id DESC LIMIT 1";
	struct db_stmt *st = db_query(db, e, sql, "i", customer_id);
	int rc = db_get_row(st, "stored value entry of customer", customer_id, e);
	if (rc < 0)
		return rc;
	*out = sv_row_json(st);
	db_reset(st);
	return 0;
}

/* The till's part of a top-up or refund: method and an open store (field
 * errors noted); 0 or a db error. */
static int check_till(struct db *db, const char *method, int64_t store_id, struct err *e)
{
	if (!known_method(method))
		err_field(e, "method", "must be cash, card, wechat or alipay");
	int rc = store_exists(db, store_id, e);
	if (rc == 0)
		err_field(e, "store_id", "no such open store");
	return rc < 0 ? rc : 0;
}

/* Writes a top-up or refund entry, answers it in *out with extra = value,
 * audits it and commits (the caller rolls back on failure). */
static int entry_commit(struct db *db, const struct actor *who, int64_t customer_id,
			const char *kind, int64_t paid, int64_t bonus, const char *method,
			const struct loyalty_ref *ref, const char *extra, int64_t value,
			json_t **out, struct err *e)
{
	json_t *row;
	int rc;
	if ((rc = sv_write(db, customer_id, kind, paid, bonus, known_method(method), ref, e)) < 0 ||
	    (rc = last_row(db, customer_id, &row, e)) < 0)
		return rc;
	json_object_set_new(row, extra, json_integer(value));
	if ((rc = audit_commit(db, who, kind, "stored_value", customer_id, ref->store_id, NULL,
			       json_deep_copy(row), e)) < 0) {
		json_decref(row);
		return rc;
	}
	*out = row;
	return 0;
}

int sv_top_up(struct db *db, const struct actor *who, int64_t customer_id,
	      const struct sv_top_up_input *in, json_t **out, struct err *e)
{
	static const char sql_rule[] =
		"SELECT bonus FROM stored_value_rules WHERE active = 1 AND min_amount <= ? "
		"ORDER BY min_amount DESC LIMIT 1";
	if (in->amount < 1 || in->amount > MONEY_MAX)
		err_field(e, "amount", "must be more than 0");
	int rc = check_till(db, in->method, in->store_id, e);
	if (rc < 0 || (rc = err_fields_done(e)) < 0 || (rc = db_begin(db, 1, e)) < 0)
		return rc;
	int64_t bonus = 0, shift_id = 0;
	if ((rc = customer_visible(db, who, customer_id, e)) < 0)
		goto fail;
	if ((rc = db_int(db_query(db, e, sql_rule, "i", in->amount), &bonus, e)) < 0 ||
	    (rc = open_shift(db, in->store_id, in->register_id, &shift_id, e)) < 0)
		goto fail;
	struct loyalty_ref ref = {.at = ts_now_ms(), .store_id = in->store_id,
				  .shift_id = shift_id,
				  .user_id = who->user ? who->user->id : 0};
	if ((rc = customer_link_store(db, customer_id, in->store_id, e)) < 0 ||
	    (rc = entry_commit(db, who, customer_id, "top_up", in->amount, bonus, in->method, &ref,
			       "bonus", bonus, out, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc < 0 ? rc : db_fail(e);
}

int sv_refund(struct db *db, const struct actor *who, int64_t customer_id,
	      const struct sv_refund_input *in, json_t **out, struct err *e)
{
	if (in->amount == 0 || in->amount < -1 || in->amount > MONEY_MAX)
		err_field(e, "amount", "must be more than 0");
	if (!in->reason || text_blank(in->reason, strlen(in->reason)))
		err_field(e, "reason", "is required");
	else if (utf8_chars(in->reason) > REASON_MAX)
		err_field(e, "reason", "must be at most %d characters", REASON_MAX);
	int rc = check_till(db, in->method, in->store_id, e);
	if (rc < 0 || (rc = err_fields_done(e)) < 0 || (rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct loyalty_account acc;
	int64_t shift_id = 0;
	if ((rc = customer_visible(db, who, customer_id, e)) < 0 ||
	    (rc = loyalty_account_lock(db, customer_id, &acc, e)) < 0 ||
	    (rc = open_shift(db, in->store_id, in->register_id, &shift_id, e)) < 0)
		goto fail;
	int64_t amount = in->amount < 0 ? acc.sv_paid : in->amount;
	if (amount > acc.sv_paid || amount == 0) {
		err_field(e, "amount", "%lld of the paid part can be refunded (the bonus part "
				       "cannot)", (long long)acc.sv_paid);
		rc = err_fields_done(e);
		goto fail;
	}
	int64_t forfeit = amount == acc.sv_paid ? acc.sv_bonus : 0;
	struct loyalty_ref ref = {.at = ts_now_ms(), .store_id = in->store_id,
				  .shift_id = shift_id,
				  .user_id = who->user ? who->user->id : 0, .reason = in->reason};
	if ((rc = entry_commit(db, who, customer_id, "refund", -amount, -forfeit, in->method, &ref,
			       "forfeited_bonus", forfeit, out, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc < 0 ? rc : db_fail(e);
}

int sv_ledger_page(struct db *db, int64_t customer_id, int64_t before_id, int limit,
		   json_t **out, int *more, int64_t *last_id, struct err *e)
{
	static const char sql_acc[] =
		"SELECT sv_paid_balance, sv_bonus_balance FROM customers WHERE id = ?";
	static const char sql[] =
		"SELECT " SV_COLS " FROM stored_value_ledger WHERE customer_id = ? AND id < ? "
		"ORDER BY id DESC LIMIT ?";
	struct db_stmt *st = db_query(db, e, sql_acc, "i", customer_id);
	int rc = db_get_row(st, "customer", customer_id, e);
	if (rc < 0)
		return rc;
	int64_t p = db_col_int64(st, 0), b = db_col_int64(st, 1);
	db_reset(st);
	json_t *o = json_pack("{s:I,s:I,s:I}", "balance", (json_int_t)(p + b), "paid_balance",
			      (json_int_t)p, "bonus_balance", (json_int_t)b);
	if ((rc = ledger_rows(db, sql, customer_id, before_id, limit, sv_row_json, o, more,
			      last_id, e)) < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}
