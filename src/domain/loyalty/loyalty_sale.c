/* loyalty_sale.c: the customer's part of a sale, return and void (see
 * loyalty_sale.h). */
#include "domain/loyalty/loyalty_sale.h"

#include <stdio.h>
#include <string.h>

#include "base/money.h"
#include "base/timeutil.h"
#include "domain/crm/customer_scope.h"
#include "domain/loyalty/points.h"
#include "domain/loyalty/stored_value.h"
#include "domain/loyalty/tier.h"

/* round(amount x done / all), half away from zero; amount when done >= all;
 * 0 when all <= 0. */
static int64_t cumulative(int64_t amount, int64_t done, int64_t all)
{
	if (all <= 0)
		return 0;
	if (done >= all)
		return amount;
	if (done <= 0)
		return 0;
	__int128 num = (__int128)amount * done;
	__int128 q = num / all, r = num % all;
	if (2 * r >= all)
		q++;
	return (int64_t)q;
}

int loyalty_sale_load(struct db *db, const struct actor *who, const struct sale_input *in,
		      struct loyalty_sale *ls, struct err *e)
{
	*ls = (struct loyalty_sale){.multiplier_bp = 10000};
	int64_t sv = 0;
	for (int i = 0; i < in->npayments; i++) {
		if (!in->payments[i].method || strcmp(in->payments[i].method, "stored_value") != 0)
			continue;
		if (!in->customer_id) {
			char f[48];
			snprintf(f, sizeof f, "payments[%d].method", i);
			err_field(e, f, "stored_value needs customer_id");
		}
		if (money_sum(&sv, in->payments[i].amount) < 0)
			err_field(e, "payments", "the payments add up to more than can be recorded");
	}
	if (in->points_redeemed < 0)
		err_field(e, "points_redeemed", "must be 0 or more");
	if (!in->customer_id) {
		if (in->points_redeemed > 0)
			err_field(e, "points_redeemed", "needs customer_id");
		return 0;
	}
	int rc = customer_visible(db, who, in->customer_id, e);
	if (rc == ERR_NOT_FOUND) {
		e->code = 0;
		e->msg[0] = 0;
		err_field(e, "customer_id", "no such customer");
		return 0;
	}
	if (rc < 0)
		return rc;
	static const char sql[] =
		"SELECT tier_id, points_balance, sv_paid_balance + sv_bonus_balance, orders_count "
		"FROM customers WHERE id = ?";
	static const char sql_next[] =
		"SELECT COALESCE(MIN(min_spend), -1) FROM tiers WHERE active = 1 AND min_spend > ?";
	struct db_stmt *st = db_query(db, e, sql, "i", in->customer_id);
	if ((rc = db_get_row(st, "customer", in->customer_id, e)) < 0)
		return rc;
	int64_t tier_id = db_col_int64(st, 0), sv_balance = db_col_int64(st, 2);
	ls->points_balance = db_col_int64(st, 1);
	ls->tier_seen = tier_id;
	ls->orders_seen = db_col_int64(st, 3);
	db_reset(st);
	struct tier t;
	int found;
	if ((rc = program_get(db, &ls->prog, e)) < 0 ||
	    (rc = tier_effective(db, tier_id, &t, &found, e)) < 0)
		return rc;
	ls->customer_id = in->customer_id;
	if (found) {
		ls->tier_id = t.id;
		ls->tier_discount_bp = t.discount_bp;
		ls->multiplier_bp = t.points_multiplier_bp;
	}
	if (db_int(db_query(db, e, sql_next, "i", found ? t.min_spend : -1), &ls->next_min_spend,
		   e) < 0 ||
	    (ls->next_min_spend >= 0 &&
	     tier_spend(db, in->customer_id, ts_now_ms(), &ls->spend_before, e) < 0))
		return db_fail(e);
	ls->points_redeemed = in->points_redeemed;
	ls->sv_amount = sv;
	if (sv > sv_balance && e->nfields == 0)
		return err_set(e, ERR_INSUFFICIENT_BALANCE,
			       "the customer's stored value is %lld, the sale takes %lld",
			       (long long)sv_balance, (long long)sv);
	return 0;
}

int loyalty_sale_redeem(struct loyalty_sale *ls, int64_t total, struct err *e)
{
	int64_t p = ls->points_redeemed;
	const struct loyalty_program *g = &ls->prog;
	ls->points_value = 0;
	if (!ls->customer_id || p <= 0)
		return 0;
	if (g->point_value <= 0) {
		err_field(e, "points_redeemed", "points cannot pay: the program gives them no value");
		return err_fields_done(e);
	}
	if (p < g->min_redeem)
		err_field(e, "points_redeemed", "at least %lld points per sale",
			  (long long)g->min_redeem);
	if (g->max_redeem_points > 0 && p > g->max_redeem_points)
		err_field(e, "points_redeemed", "at most %lld points per sale",
			  (long long)g->max_redeem_points);
	int64_t value, cap = (int64_t)((__int128)total * g->max_redeem_bp / 10000);
	if (money_mul(p, g->point_value, &value) < 0 || value > cap) {
		err_field(e, "points_redeemed",
			  "points may pay at most %lld of this sale (%lld points)", (long long)cap,
			  (long long)(cap / g->point_value));
	}
	int rc = err_fields_done(e);
	if (rc < 0)
		return rc;
	if (p > ls->points_balance)
		return err_set(e, ERR_INSUFFICIENT_POINTS, "the customer has %lld points",
			       (long long)ls->points_balance);
	ls->points_value = value;
	return 0;
}

void loyalty_sale_earn(struct loyalty_sale *ls, int64_t paid)
{
	ls->points_earned = 0;
	if (!ls->customer_id)
		return;
	int64_t base = paid - ls->points_value - ls->sv_amount;
	ls->points_earned = program_points_for(&ls->prog, base, ls->multiplier_bp);
}

int loyalty_sale_write(struct db *db, const struct loyalty_sale *ls, int64_t sale_id,
		       int64_t store_id, int64_t user_id, int64_t at, int64_t paid,
		       struct err *e)
{
	static const char sql_agg[] =
		"UPDATE customers SET lifetime_spend = lifetime_spend + ?, "
		"orders_count = orders_count + 1, "
		"first_purchase_at = CASE WHEN first_purchase_at IS NULL OR first_purchase_at > ? "
		"THEN ? ELSE first_purchase_at END, "
		"last_purchase_at = CASE WHEN last_purchase_at IS NULL OR last_purchase_at < ? "
		"THEN ? ELSE last_purchase_at END WHERE id = ? RETURNING orders_count, tier_id";
	if (!ls->customer_id)
		return 0;
	int64_t cid = ls->customer_id, now = ts_now_ms();
	struct loyalty_ref ref = {.at = at, .sale_id = sale_id, .store_id = store_id,
				  .user_id = user_id};
	int rc;
	if ((rc = points_debit(db, cid, "redeem", ls->points_redeemed, &ref, e)) < 0 ||
	    (rc = sv_spend(db, cid, ls->sv_amount, strcmp(ls->prog.sv_bonus_spent, "first") == 0,
			   &ref, e)) < 0 ||
	    (rc = points_earn(db, cid, ls->points_earned, program_expiry(&ls->prog, at), &ref, NULL,
			      e)) < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_agg, "iiiiii", paid, at, at, at, at, cid);
	if (!st || (rc = db_step(st, e)) != DB_ROW)
		return db_fail(e);
	/* Nothing changed the customer's sales or tier since the plan (its
	 * orders and tier are as seen), so the plan's spend plus this sale is
	 * exact: below the next threshold, no upgrade to check. */
	int unchanged = db_col_int64(st, 0) == ls->orders_seen + 1 &&
			db_col_int64(st, 1) == ls->tier_seen;
	while ((rc = db_step(st, e)) == DB_ROW)
		;
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	if ((rc = customer_link_store(db, cid, store_id, e)) < 0)
		return rc;
	if (unchanged && (ls->next_min_spend < 0 || ls->spend_before + paid < ls->next_min_spend))
		return 0;
	return tier_upgrade_after_sale(db, cid, sale_id, at > now ? at : now, e);
}

void loyalty_return_check(const struct sale_locked *s, const struct refund_tender *tenders,
			  int ntenders, const struct refund_tender *left, int nleft,
			  struct err *e)
{
	for (int i = 0; i < ntenders; i++) {
		const char *m = tenders[i].method;
		int pts = strcmp(m, "points") == 0;
		if (!pts && strcmp(m, "stored_value") != 0)
			continue;
		if (!s->customer_id) {
			err_field(e, "refund_method", "%s refunds need the sale's customer", m);
			return;
		}
		if (!pts)
			continue;
		int64_t can = 0;
		for (int k = 0; k < nleft; k++)
			if (strcmp(left[k].method, "points") == 0)
				can = left[k].amount;
		if (tenders[i].amount > can) {
			err_field(e, "refund_method",
				  "points go back only for the points this sale redeemed (%lld left)",
				  (long long)can);
			return;
		}
	}
}

/* Two sums of one query over (sale_id, other id). */
static int sums2(struct db *db, const char *sql, int64_t a, int64_t b, int64_t *x, int64_t *y,
		 struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "ii", a, b);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	*x = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	*y = rc == DB_ROW ? db_col_int64(st, 1) : 0;
	db_reset(st);
	return 0;
}

/* Redeemed points given back for a `points` refund of amount. */
static int points_refund(struct db *db, const struct loyalty_reversal *r,
			 const struct loyalty_program *g, const struct loyalty_ref *ref,
			 int64_t amount, struct err *e)
{
	static const char sql[] =
		"SELECT (SELECT COALESCE(SUM(amount), 0) FROM sale_payments "
		"WHERE sale_id = ? AND method = 'points'), "
		"(SELECT COALESCE(SUM(t.amount), 0) FROM sale_return_tenders t "
		"JOIN sale_returns x ON x.id = t.return_id WHERE x.sale_id = ? AND x.id <> ? "
		"AND t.method = 'points')";
	struct db_stmt *st = db_query(db, e, sql, "iii", r->sale_id, r->sale_id, r->return_id);
	int rc;
	if (!st || (rc = db_step(st, e)) != DB_ROW)
		return db_fail(e);
	int64_t paid = db_col_int64(st, 0), before = db_col_int64(st, 1);
	db_reset(st);
	int64_t back = cumulative(r->points_redeemed, before + amount, paid) -
		       cumulative(r->points_redeemed, before, paid);
	return points_credit(db, r->customer_id, "refund", back, program_expiry(g, r->at), ref, e);
}

/* Stored value given back for a `stored_value` refund of amount: to the
 * paid and bonus parts in the proportion the sale spent them (cumulated
 * over the sale's returns); beyond what the sale spent (an override), to
 * the paid part. */
static int sv_return(struct db *db, const struct loyalty_reversal *r, const char *kind,
		     const struct loyalty_ref *ref, int64_t amount, struct err *e)
{
	static const char sql_spent[] =
		"SELECT COALESCE(-SUM(paid_amount), 0), COALESCE(-SUM(bonus_amount), 0) "
		"FROM stored_value_ledger WHERE sale_id = ? AND kind = 'spend' AND customer_id = ?";
	static const char sql_back[] =
		"SELECT COALESCE(SUM(paid_amount), 0), COALESCE(SUM(bonus_amount), 0) "
		"FROM stored_value_ledger WHERE sale_id = ? AND kind = 'return' AND customer_id = ?";
	int64_t sp, sb, rp, rb;
	int rc;
	if ((rc = sums2(db, sql_spent, r->sale_id, r->customer_id, &sp, &sb, e)) < 0 ||
	    (rc = sums2(db, sql_back, r->sale_id, r->customer_id, &rp, &rb, e)) < 0)
		return rc;
	int64_t spent = sp + sb, back = rp + rb;
	int64_t within = spent - back < amount ? spent - back : amount;
	if (within < 0)
		within = 0;
	int64_t bonus = cumulative(sb, back + within, spent) - rb;
	if (bonus < 0)
		bonus = 0;
	if (bonus > within)
		bonus = within;
	return sv_write(db, r->customer_id, kind, amount - bonus, bonus, NULL, ref, e);
}

int loyalty_return(struct db *db, const struct loyalty_reversal *r, int64_t *reversed,
		   struct err *e)
{
	static const char sql_prior[] =
		"SELECT COALESCE(SUM(points_reversed), 0), 0 FROM sale_returns "
		"WHERE sale_id = ? AND id <> ?";
	static const char sql_agg[] =
		"UPDATE customers SET lifetime_spend = lifetime_spend - ? WHERE id = ?";
	*reversed = 0;
	if (!r->customer_id)
		return 0;
	struct loyalty_program g;
	struct loyalty_ref ref = {.at = r->at, .sale_id = r->sale_id, .return_id = r->return_id,
				  .store_id = r->store_id, .user_id = r->user_id};
	int64_t prior, unused;
	int rc;
	if ((rc = program_get(db, &g, e)) < 0 ||
	    (rc = sums2(db, sql_prior, r->sale_id, r->return_id, &prior, &unused, e)) < 0)
		return rc;
	int64_t x = cumulative(r->points_earned, r->refunded_before + r->refund, r->paid) - prior;
	if (x > 0 && (rc = points_take_back(db, r->customer_id, "return", x, &ref, NULL, NULL, e)) < 0)
		return rc;
	*reversed = x > 0 ? x : 0;
	for (int i = 0; i < r->ntenders; i++) {
		const struct refund_tender *t = &r->tenders[i];
		if (strcmp(t->method, "points") == 0)
			rc = points_refund(db, r, &g, &ref, t->amount, e);
		else if (strcmp(t->method, "stored_value") == 0)
			rc = sv_return(db, r, "return", &ref, t->amount, e);
		if (rc < 0)
			return rc;
	}
	struct db_stmt *st = db_query(db, e, sql_agg, "ii", r->refund, r->customer_id);
	return !st || db_run(st, e) < 0 ? db_fail(e) : 0;
}

int loyalty_void(struct db *db, const struct loyalty_reversal *r, struct err *e)
{
	static const char sql_spent[] =
		"SELECT COALESCE(-SUM(paid_amount), 0), COALESCE(-SUM(bonus_amount), 0) "
		"FROM stored_value_ledger WHERE sale_id = ? AND kind = 'spend' AND customer_id = ?";
	static const char sql_agg[] =
		"UPDATE customers SET lifetime_spend = lifetime_spend - ?, "
		"orders_count = orders_count - 1, "
		"first_purchase_at = (SELECT MIN(at) FROM sales WHERE customer_id = ? "
		"AND status <> 'voided'), "
		"last_purchase_at = (SELECT MAX(at) FROM sales WHERE customer_id = ? "
		"AND status <> 'voided') WHERE id = ?";
	if (!r->customer_id)
		return 0;
	struct loyalty_program g;
	struct loyalty_ref ref = {.at = r->at, .sale_id = r->sale_id, .store_id = r->store_id,
				  .user_id = r->user_id, .reason = "void"};
	int64_t sp, sb;
	int rc;
	if ((rc = program_get(db, &g, e)) < 0 ||
	    (rc = points_take_back(db, r->customer_id, "void", r->points_earned, &ref, NULL, NULL,
				   e)) < 0 ||
	    (rc = points_credit(db, r->customer_id, "void", r->points_redeemed,
				program_expiry(&g, r->at), &ref, e)) < 0 ||
	    (rc = sums2(db, sql_spent, r->sale_id, r->customer_id, &sp, &sb, e)) < 0)
		return rc;
	if (sp + sb > 0 && (rc = sv_write(db, r->customer_id, "void", sp, sb, NULL, &ref, e)) < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_agg, "iiii", r->paid, r->customer_id,
				      r->customer_id, r->customer_id);
	return !st || db_run(st, e) < 0 ? db_fail(e) : 0;
}
