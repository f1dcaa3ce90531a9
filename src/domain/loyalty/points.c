/* points.c: the points ledger, its lots and the debt (see points.h). */
#include "domain/loyalty/points.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/crm/customer_scope.h"
#include "domain/loyalty/program.h"
#include "domain/org/audit.h"

#define REASON_MAX 200
/* Lots per expiry transaction. */
#define EXPIRE_SLICE 500

int loyalty_account_lock(struct db *db, int64_t customer_id, struct loyalty_account *out,
			 struct err *e)
{
	/* A no-op UPDATE takes the row lock on PostgreSQL and answers the
	 * latest committed balances; SQLite's write transaction is exclusive. */
	static const char sql[] =
		"UPDATE customers SET points_balance = points_balance WHERE id = ? "
		"RETURNING points_balance, points_owed, sv_paid_balance, sv_bonus_balance";
	struct db_stmt *st = db_query(db, e, sql, "i", customer_id);
	int rc = db_get_row(st, "customer", customer_id, e);
	if (rc < 0)
		return rc;
	*out = (struct loyalty_account){db_col_int64(st, 0), db_col_int64(st, 1),
					db_col_int64(st, 2), db_col_int64(st, 3)};
	while ((rc = db_step(st, e)) == DB_ROW)
		;
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

static int ledger_add(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		      int64_t balance_after, int64_t remaining, int64_t expires_at,
		      const struct loyalty_ref *ref, struct err *e)
{
	static const char sql[] =
		"INSERT INTO points_ledger (customer_id, at, kind, points, balance_after, "
		"remaining, expires_at, sale_id, return_id, store_id, user_id, reason) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct db_stmt *st = db_query(db, e, sql, "iitiiiIIIIIt", customer_id, ref->at, kind,
				      points, balance_after, remaining, expires_at, ref->sale_id,
				      ref->return_id, ref->store_id, ref->user_id, ref->reason);
	return !st || db_run(st, e) < 0 ? db_fail(e) : 0;
}

/* Moves the balance by delta (guarded: never below zero) and answers the
 * new balance in *after; ERR_INSUFFICIENT_POINTS when it would go below. */
static int balance_move(struct db *db, int64_t customer_id, int64_t delta, int64_t *after,
			struct err *e)
{
	static const char sql[] =
		"UPDATE customers SET points_balance = points_balance + ? "
		"WHERE id = ? AND points_balance + ? >= 0 RETURNING points_balance";
	int rc = db_int(db_query(db, e, sql, "iii", delta, customer_id, delta), after, e);
	if (rc < 0)
		return db_fail(e);
	if (rc == 0)
		return err_set(e, ERR_INSUFFICIENT_POINTS,
			       "customer %lld has fewer than %lld points", (long long)customer_id,
			       (long long)-delta);
	return 0;
}

/* Takes points from the customer's lots, oldest expiry first. */
static int lots_consume(struct db *db, int64_t customer_id, int64_t points, struct err *e)
{
	static const char sql_lots[] =
		"SELECT id, remaining FROM points_ledger WHERE customer_id = ? AND remaining > 0 "
		"ORDER BY COALESCE(expires_at, 9223372036854775807), id";
	static const char sql_take[] =
		"UPDATE points_ledger SET remaining = remaining - ? WHERE id = ? AND remaining >= ?";
	struct db_stmt *st = db_query(db, e, sql_lots, "i", customer_id);
	if (!st)
		return db_fail(e);
	int64_t (*lots)[2] = NULL;
	size_t n = 0, cap = 0;
	int64_t sum = 0;
	int rc = 0;
	/* Read only as many lots as the points need. */
	while (sum < points && (rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			lots = xrealloc(lots, cap * sizeof *lots);
		}
		lots[n][0] = db_col_int64(st, 0);
		lots[n][1] = db_col_int64(st, 1);
		sum += lots[n][1];
		n++;
	}
	db_reset(st);
	if (rc < 0) {
		free(lots);
		return db_fail(e);
	}
	int64_t left = points;
	for (size_t i = 0; i < n && left > 0; i++) {
		int64_t take = lots[i][1] < left ? lots[i][1] : left;
		if (!(st = db_query(db, e, sql_take, "iii", take, lots[i][0], take)) ||
		    db_run(st, e) < 0) {
			free(lots);
			return db_fail(e);
		}
		left -= take;
	}
	free(lots);
	/* Lots short of the balance would break the invariant: check-db says. */
	return 0;
}

int points_credit(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		  int64_t expires_at, const struct loyalty_ref *ref, struct err *e)
{
	int64_t after;
	if (points <= 0)
		return 0;
	int rc = balance_move(db, customer_id, points, &after, e);
	if (rc < 0)
		return rc;
	return ledger_add(db, customer_id, kind, points, after, points, expires_at, ref, e);
}

int points_debit(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		 const struct loyalty_ref *ref, struct err *e)
{
	int64_t after;
	if (points <= 0)
		return 0;
	int rc = balance_move(db, customer_id, -points, &after, e);
	if (rc < 0 || (rc = lots_consume(db, customer_id, points, e)) < 0)
		return rc;
	return ledger_add(db, customer_id, kind, -points, after, 0, 0, ref, e);
}

int points_earn(struct db *db, int64_t customer_id, int64_t points, int64_t expires_at,
		const struct loyalty_ref *ref, int64_t *settled, struct err *e)
{
	static const char sql_owed[] =
		"UPDATE customers SET points_balance = points_balance + ?, "
		"points_owed = points_owed - ? WHERE id = ? AND points_owed >= ?";
	/* Nothing owed (the usual case): one statement credits and locks. */
	static const char sql_clear[] =
		"UPDATE customers SET points_balance = points_balance + ? "
		"WHERE id = ? AND points_owed = 0 RETURNING points_balance";
	struct loyalty_account acc;
	if (settled)
		*settled = 0;
	if (points <= 0)
		return 0;
	int64_t after;
	int rc = db_int(db_query(db, e, sql_clear, "ii", points, customer_id), &after, e);
	if (rc < 0)
		return db_fail(e);
	if (rc == 1)
		return ledger_add(db, customer_id, "earn", points, after, points, expires_at, ref, e);
	rc = loyalty_account_lock(db, customer_id, &acc, e);
	if (rc < 0)
		return rc;
	int64_t settle = acc.points_owed < points ? acc.points_owed : points;
	struct db_stmt *st = db_query(db, e, sql_owed, "iiii", points - settle, settle, customer_id,
				      settle);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	if (db_changes(st) != 1)
		return err_set(e, ERR_CONFLICT, "customer %lld changed meanwhile: try again",
			       (long long)customer_id);
	if ((rc = ledger_add(db, customer_id, "earn", points, acc.points_balance + points,
			     points - settle, expires_at, ref, e)) < 0)
		return rc;
	if (settle > 0 && (rc = ledger_add(db, customer_id, "owed", -settle,
					   acc.points_balance + points - settle, 0, 0, ref, e)) < 0)
		return rc;
	if (settled)
		*settled = settle;
	return 0;
}

int points_take_back(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		     const struct loyalty_ref *ref, int64_t *taken, int64_t *owed,
		     struct err *e)
{
	static const char sql_owe[] =
		"UPDATE customers SET points_owed = points_owed + ? WHERE id = ?";
	struct loyalty_account acc;
	int64_t take = 0, rest = 0;
	int rc = 0;
	if (points > 0) {
		if ((rc = loyalty_account_lock(db, customer_id, &acc, e)) < 0)
			return rc;
		take = acc.points_balance < points ? acc.points_balance : points;
		rest = points - take;
		if (take > 0 && (rc = points_debit(db, customer_id, kind, take, ref, e)) < 0)
			return rc;
		struct db_stmt *st;
		if (rest > 0 && (!(st = db_query(db, e, sql_owe, "ii", rest, customer_id)) ||
				 db_run(st, e) < 0))
			return db_fail(e);
	}
	if (taken)
		*taken = take;
	if (owed)
		*owed = rest;
	return 0;
}

static json_t *ledger_row_json(struct db_stmt *st)
{
	/* Columns: id, at, kind, points, balance_after, remaining, expires_at,
	 * sale_id, return_id, store_id, user_id, reason. */
	json_t *o = json_pack("{s:I,s:o,s:s,s:I,s:I,s:I,s:o}", "id",
			      (json_int_t)db_col_int64(st, 0), "at", jx_time(db_col_int64(st, 1)),
			      "kind", db_col_text(st, 2), "points", (json_int_t)db_col_int64(st, 3),
			      "balance_after", (json_int_t)db_col_int64(st, 4), "remaining",
			      (json_int_t)db_col_int64(st, 5), "expires_at",
			      jx_time(db_col_null(st, 6) ? 0 : db_col_int64(st, 6)));
	static const char *const ids[] = {"sale_id", "return_id", "store_id", "user_id"};
	for (int i = 0; i < 4; i++)
		json_object_set_new(o, ids[i], db_col_null(st, 7 + i) || !db_col_int64(st, 7 + i)
						       ? json_null()
						       : json_integer(db_col_int64(st, 7 + i)));
	json_object_set_new(o, "reason", jx_strn(db_col_text(st, 11)));
	return o;
}

#define LEDGER_COLS \
	"id, at, kind, points, balance_after, remaining, expires_at, sale_id, return_id, " \
	"store_id, user_id, reason"

int points_adjust(struct db *db, const struct actor *who, int64_t customer_id, int64_t points,
		  const char *reason, json_t **out, struct err *e)
{
	static const char sql_row[] =
		"SELECT " LEDGER_COLS " FROM points_ledger WHERE customer_id = ? "
		"ORDER BY id DESC LIMIT 1";
	if (points == 0)
		err_field(e, "points", "must not be 0");
	else if (points > 1000000000 || points < -1000000000)
		err_field(e, "points", "must be between -1000000000 and 1000000000");
	if (!reason || text_blank(reason, strlen(reason)))
		err_field(e, "reason", "is required");
	else if (utf8_chars(reason) > REASON_MAX)
		err_field(e, "reason", "must be at most %d characters", REASON_MAX);
	int rc = err_fields_done(e);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct loyalty_account acc;
	struct loyalty_program prog;
	if ((rc = customer_visible(db, who, customer_id, e)) < 0 ||
	    (rc = loyalty_account_lock(db, customer_id, &acc, e)) < 0 ||
	    (rc = program_get(db, &prog, e)) < 0)
		goto fail;
	if (points < 0 && -points > acc.points_balance) {
		err_field(e, "points", "the balance is %lld: it cannot go below zero",
			  (long long)acc.points_balance);
		rc = err_fields_done(e);
		goto fail;
	}
	struct loyalty_ref ref = {.at = ts_now_ms(), .user_id = who->user ? who->user->id : 0,
				  .reason = reason};
	rc = points > 0 ? points_credit(db, customer_id, "adjust", points,
					program_expiry(&prog, ref.at), &ref, e)
			: points_debit(db, customer_id, "adjust", -points, &ref, e);
	if (rc < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, sql_row, "i", customer_id);
	if ((rc = db_get_row(st, "points entry of customer", customer_id, e)) < 0)
		goto fail;
	json_t *row = ledger_row_json(st);
	db_reset(st);
	json_t *before = json_pack("{s:I}", "points_balance", (json_int_t)acc.points_balance);
	json_t *after = json_pack("{s:I,s:I,s:s}", "points_balance",
				  (json_int_t)(acc.points_balance + points), "points",
				  (json_int_t)points, "reason", reason);
	if ((rc = audit_commit(db, who, "adjust", "customer_points", customer_id, 0, before, after,
			       e)) < 0) {
		json_decref(row);
		goto fail;
	}
	*out = row;
	return 0;
fail:
	db_rollback(db);
	return rc < 0 ? rc : db_fail(e);
}

int ledger_rows(struct db *db, const char *sql, int64_t customer_id, int64_t before_id,
		int limit, json_t *(*row)(struct db_stmt *st), json_t *page, int *more,
		int64_t *last_id, struct err *e)
{
	json_t *items = json_array();
	json_object_set_new(page, "items", items);
	*more = 0;
	*last_id = 0;
	struct db_stmt *st = db_query(db, e, sql, "iii", customer_id,
				      before_id > 0 ? before_id : INT64_MAX, (int64_t)limit + 1);
	int rc;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if ((int)json_array_size(items) == limit) {
			*more = 1;
			break;
		}
		*last_id = db_col_int64(st, 0);
		json_array_append_new(items, row(st));
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

int points_ledger_page(struct db *db, int64_t customer_id, int64_t before_id, int limit,
		       json_t **out, int *more, int64_t *last_id, struct err *e)
{
	static const char sql_acc[] =
		"SELECT points_balance, points_owed FROM customers WHERE id = ?";
	static const char sql[] =
		"SELECT " LEDGER_COLS " FROM points_ledger WHERE customer_id = ? AND id < ? "
		"ORDER BY id DESC LIMIT ?";
	struct db_stmt *st = db_query(db, e, sql_acc, "i", customer_id);
	int rc = db_get_row(st, "customer", customer_id, e);
	if (rc < 0)
		return rc;
	json_t *o = json_pack("{s:I,s:I}", "balance", (json_int_t)db_col_int64(st, 0), "owed",
			      (json_int_t)db_col_int64(st, 1));
	db_reset(st);
	if ((rc = ledger_rows(db, sql, customer_id, before_id, limit, ledger_row_json, o, more,
			      last_id, e)) < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int points_expire_run(struct db *db, int64_t now, int64_t *expired, struct err *e)
{
	static const char sql_due[] =
		"SELECT id, customer_id, remaining FROM points_ledger "
		"WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? "
		"ORDER BY customer_id, expires_at, id LIMIT ?";
	static const char sql_left[] = "SELECT remaining FROM points_ledger WHERE id = ?";
	static const char sql_zero[] =
		"UPDATE points_ledger SET remaining = 0 WHERE id = ? AND remaining = ?";
	int64_t total = 0;
	for (;;) {
		int rc = db_begin(db, 1, e);
		if (rc < 0)
			return rc;
		struct db_stmt *st = db_query(db, e, sql_due, "ii", now, (int64_t)EXPIRE_SLICE);
		if (!st)
			goto fail;
		int64_t (*lots)[3] = xcalloc(EXPIRE_SLICE, sizeof *lots);
		int n = 0;
		while (n < EXPIRE_SLICE && (rc = db_step(st, e)) == DB_ROW) {
			lots[n][0] = db_col_int64(st, 0);
			lots[n][1] = db_col_int64(st, 1);
			lots[n][2] = db_col_int64(st, 2);
			n++;
		}
		db_reset(st);
		if (rc < 0) {
			free(lots);
			goto fail;
		}
		for (int i = 0; i < n; i++) {
			int64_t after, left = 0;
			struct loyalty_account acc;
			struct loyalty_ref ref = {.at = now, .reason = "expired"};
			/* The customer's lock first, as every change of points takes
			 * it (a lot locked before it could deadlock with a sale); then
			 * what the lot holds now. */
			if ((i == 0 || lots[i][1] != lots[i - 1][1]) &&
			    loyalty_account_lock(db, lots[i][1], &acc, e) < 0) {
				free(lots);
				goto fail;
			}
			if (db_int(db_query(db, e, sql_left, "i", lots[i][0]), &left, e) < 0) {
				free(lots);
				goto fail;
			}
			if (left <= 0)
				continue;
			if (!(st = db_query(db, e, sql_zero, "ii", lots[i][0], left)) ||
			    db_run(st, e) < 0 ||
			    (db_changes(st) == 1 &&
			     (balance_move(db, lots[i][1], -left, &after, e) < 0 ||
			      ledger_add(db, lots[i][1], "expire", -left, after, 0, 0, &ref, e) < 0))) {
				free(lots);
				goto fail;
			}
		}
		free(lots);
		if (db_commit(db, e) < 0)
			return db_fail(e);
		total += n;
		if (n < EXPIRE_SLICE)
			break;
	}
	if (expired)
		*expired = total;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int loyalty_check(struct db *db, struct buf *report, int64_t *problems, struct err *e)
{
	static const char sql[] =
		"SELECT c.id, c.points_balance, c.points_owed, c.sv_paid_balance, c.sv_bonus_balance, "
		"COALESCE((SELECT SUM(points) FROM points_ledger p WHERE p.customer_id = c.id), 0), "
		"COALESCE((SELECT SUM(remaining) FROM points_ledger p WHERE p.customer_id = c.id), 0), "
		"COALESCE((SELECT SUM(paid_amount) FROM stored_value_ledger s "
		"WHERE s.customer_id = c.id), 0), "
		"COALESCE((SELECT SUM(bonus_amount) FROM stored_value_ledger s "
		"WHERE s.customer_id = c.id), 0), "
		"(SELECT COUNT(*) FROM points_ledger p WHERE p.customer_id = c.id AND p.remaining < 0) "
		"FROM customers c ORDER BY c.id";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		return db_fail(e);
	int rc;
	*problems = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		long long id = (long long)db_col_int64(st, 0);
		int64_t bal = db_col_int64(st, 1), owed = db_col_int64(st, 2);
		int64_t svp = db_col_int64(st, 3), svb = db_col_int64(st, 4);
		int64_t lsum = db_col_int64(st, 5), rsum = db_col_int64(st, 6);
		int64_t psum = db_col_int64(st, 7), bsum = db_col_int64(st, 8);
		int64_t negl = db_col_int64(st, 9);
		if (lsum != bal) {
			buf_printf(report, "customer %lld: points balance %lld, ledger sums to %lld\n",
				   id, (long long)bal, (long long)lsum);
			(*problems)++;
		}
		if (rsum != bal) {
			buf_printf(report, "customer %lld: points balance %lld, lots hold %lld\n", id,
				   (long long)bal, (long long)rsum);
			(*problems)++;
		}
		if (psum != svp || bsum != svb) {
			buf_printf(report,
				   "customer %lld: stored value %lld paid + %lld bonus, ledger sums "
				   "to %lld + %lld\n",
				   id, (long long)svp, (long long)svb, (long long)psum, (long long)bsum);
			(*problems)++;
		}
		if (bal < 0 || owed < 0 || svp < 0 || svb < 0 || negl > 0) {
			buf_printf(report, "customer %lld: a negative balance, debt or lot\n", id);
			(*problems)++;
		}
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}
