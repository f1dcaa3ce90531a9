/* sale_return.c: returns. Each runs in one write transaction that first
 * locks the sale's row, so that concurrent returns of one sale see each
 * other's quantities and refunds on both engines. */
#include "domain/pos/sale_return.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/org/idem.h"
#include "domain/loyalty/loyalty_sale.h"
#include "domain/pos/journal.h"
#include "domain/pos/sale_effects.h"
#include "domain/pos/sale.h"
#include "domain/pos/shift.h"

#define RETURN_MAX_LINES 500
#define REASON_MAX 200

/* ---- the refund arithmetic ---- */

/* round(amount x done / all), half away from zero; exactly amount when
 * done >= all. all > 0. */
static int64_t cumulative(int64_t amount, int64_t done, int64_t all)
{
	if (done >= all)
		return amount;
	__int128 num = (__int128)amount * done;
	__int128 q = num / all, r = num % all;
	if (r < 0)
		r = -r;
	if (2 * r >= all)
		q += num < 0 ? -1 : 1;
	return (int64_t)q;
}

/* The part of amount that goes with the units returned now. */
static int64_t part(int64_t amount, const struct refund_line *l, int64_t qty)
{
	return cumulative(amount, l->returned + qty, l->quantity) -
	       cumulative(amount, l->returned, l->quantity);
}

static int in_range(int64_t v)
{
	return v >= -MONEY_MAX && v <= MONEY_MAX;
}

int refund_compute(const struct refund_line *l, int64_t qty, struct refund_part *out)
{
	if (l->quantity <= 0 || l->returned < 0 || l->returned > l->quantity || qty <= 0 ||
	    qty > l->quantity - l->returned)
		return -1;
	if (l->total < 0 || l->rounding < 0 || l->rounding > l->total || !in_range(l->total) ||
	    !in_range(l->discount) || !in_range(l->vat) || !in_range(l->cost))
		return -1;
	out->refund = part(l->total - l->rounding, l, qty);
	out->rounding = part(l->rounding, l, qty);
	out->total = out->refund + out->rounding;
	out->discount = part(l->discount, l, qty);
	out->vat = part(l->vat, l, qty);
	out->cost = part(l->cost, l, qty);
	return 0;
}

int refund_rounding_shares(int64_t rounding, const int64_t *totals, int n, int64_t *shares)
{
	__int128 sum = 0;
	if (n < 0 || rounding < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (totals[i] < 0)
			return -1;
		sum += totals[i];
	}
	if (rounding > sum)
		return -1;
	int64_t given = 0;
	for (int i = 0; i < n; i++) {
		shares[i] = sum ? (int64_t)((__int128)rounding * totals[i] / sum) : 0;
		given += shares[i];
	}
	/* The rest (fewer units than lines with a fraction) goes one unit at a
	 * time to the largest fractions, each line at most once. */
	int64_t left = rounding - given;
	char *bumped = left > 0 ? xcalloc((size_t)n, 1) : NULL;
	while (left > 0) {
		int best = -1;
		__int128 best_rem = 0;
		for (int i = 0; i < n; i++) {
			__int128 rem = (__int128)rounding * totals[i] % sum;
			if (!bumped[i] && rem > best_rem) {
				best = i;
				best_rem = rem;
			}
		}
		if (best < 0)
			break; /* cannot happen: the fractions add up to left */
		bumped[best] = 1;
		shares[best]++;
		left--;
	}
	free(bumped);
	return left == 0 ? 0 : -1;
}

int refund_tenders(const struct refund_tender *left, int nleft, int64_t refund,
		   const char *method, struct refund_tender *out, int *nout)
{
	*nout = 0;
	if (refund < 0)
		return -1;
	for (int i = 0; i < nleft; i++)
		if (left[i].amount < 0)
			return -1;
	if (method) {
		int override = 1;
		for (int i = 0; i < nleft; i++)
			if (strcmp(left[i].method, method) == 0)
				override = left[i].amount < refund;
		if (refund > 0)
			out[(*nout)++] = (struct refund_tender){method, refund};
		return override;
	}
	int64_t rest = refund;
	for (int i = 0; i < nleft && rest > 0; i++) {
		int64_t take = left[i].amount < rest ? left[i].amount : rest;
		if (take > 0) {
			out[(*nout)++] = (struct refund_tender){left[i].method, take};
			rest -= take;
		}
	}
	if (rest > 0) {
		/* More than the tenders hold (cannot happen: the refunds of a
		 * sale add up to at most what was paid): the first takes it. */
		if (nleft == 0 || *nout == 0) {
			if (nleft == 0)
				return 1;
			out[(*nout)++] = (struct refund_tender){left[0].method, rest};
		} else {
			out[0].amount += rest;
		}
	}
	return 0;
}

/* ---- loading a sale for a change ---- */

int sale_return_store_of(struct db *db, int64_t sale_id, int64_t *store_id, struct err *e)
{
	static const char sql[] = "SELECT store_id FROM sales WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", sale_id);
	int rc = db_get_row(st, "sale", sale_id, e);
	if (rc < 0)
		return rc;
	*store_id = db_col_int64(st, 0);
	db_reset(st);
	return 0;
}

/* The columns of sql_lock's RETURNING and sql_lines, in order. */
enum { LK_STORE, LK_SHIFT, LK_CASHIER, LK_SALESPERSON, LK_ROUNDING, LK_TOTAL, LK_PAID,
       LK_VAT_TOTAL, LK_DISCOUNT_TOTAL, LK_REFUNDED_TOTAL, LK_STATUS, LK_DAY, LK_CHANGE,
       LK_CUSTOMER, LK_POINTS_EARNED, LK_POINTS_REDEEMED };
enum { LL_ID, LL_PRODUCT, LL_QUANTITY, LL_TOTAL, LL_DISCOUNT, LL_VAT, LL_UNIT_COST,
       LL_RETURNED, LL_REFUNDED, LL_CATEGORY };

int sale_lock(struct db *db, struct arena *a, int64_t sale_id, struct sale_locked *s,
	      struct sale_locked_line **lines, int *n, struct err *e)
{
	/* A no-op UPDATE: PostgreSQL takes the row lock and answers the latest
	 * committed values; SQLite's write transaction is exclusive already. */
	static const char sql_lock[] =
		"UPDATE sales SET refunded_total = refunded_total WHERE id = ? "
		"RETURNING store_id, shift_id, cashier_id, salesperson_id, rounding, total, paid, "
		"vat_total, discount_total, refunded_total, status, day, change_due, customer_id, "
		"points_earned, points_redeemed";
	static const char sql_count[] = "SELECT COUNT(*) FROM sale_lines WHERE sale_id = ?";
	static const char sql_lines[] =
		"SELECT id, product_id, quantity, total, discount, vat, unit_cost, "
		"returned_quantity, refunded, category_id FROM sale_lines WHERE sale_id = ? "
		"ORDER BY line_no";
	struct db_stmt *st = db_query(db, e, sql_lock, "i", sale_id);
	int rc = db_get_row(st, "sale", sale_id, e);
	if (rc < 0)
		return rc;
	*s = (struct sale_locked){
		.id = sale_id,
		.store_id = db_col_int64(st, LK_STORE),
		.shift_id = db_col_int64(st, LK_SHIFT),
		.cashier_id = db_col_int64(st, LK_CASHIER),
		.salesperson_id = db_col_int64(st, LK_SALESPERSON),
		.rounding = db_col_int64(st, LK_ROUNDING),
		.total = db_col_int64(st, LK_TOTAL),
		.paid = db_col_int64(st, LK_PAID),
		.vat_total = db_col_int64(st, LK_VAT_TOTAL),
		.discount_total = db_col_int64(st, LK_DISCOUNT_TOTAL),
		.refunded_total = db_col_int64(st, LK_REFUNDED_TOTAL),
		.change_due = db_col_int64(st, LK_CHANGE),
		.customer_id = db_col_int64(st, LK_CUSTOMER),
		.points_earned = db_col_int64(st, LK_POINTS_EARNED),
		.points_redeemed = db_col_int64(st, LK_POINTS_REDEEMED),
		.status = arena_strdup(a, db_col_text(st, LK_STATUS)),
		.day = arena_strdup(a, db_col_text(st, LK_DAY))};
	/* Step to the end so that the UPDATE completes on every engine. */
	while ((rc = db_step(st, e)) == DB_ROW)
		;
	db_reset(st);
	if (rc < 0)
		return db_fail(e);

	if (!(st = db_query(db, e, sql_count, "i", sale_id)) || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t count = db_col_int64(st, 0);
	db_reset(st);
	struct sale_locked_line *ls = arena_calloc(a, (size_t)(count > 0 ? count : 1), sizeof *ls);
	int k = 0;
	if (!(st = db_query(db, e, sql_lines, "i", sale_id)))
		return db_fail(e);
	while (k < count && (rc = db_step(st, e)) == DB_ROW) {
		struct sale_locked_line *l = &ls[k++];
		l->id = db_col_int64(st, LL_ID);
		l->product_id = db_col_int64(st, LL_PRODUCT);
		l->quantity = db_col_int64(st, LL_QUANTITY);
		l->total = db_col_int64(st, LL_TOTAL);
		l->discount = db_col_int64(st, LL_DISCOUNT);
		l->vat = db_col_int64(st, LL_VAT);
		l->unit_cost = db_col_null(st, LL_UNIT_COST) ? -1 : db_col_int64(st, LL_UNIT_COST);
		l->returned = db_col_int64(st, LL_RETURNED);
		l->refunded = db_col_int64(st, LL_REFUNDED);
		l->category_id = db_col_int64(st, LL_CATEGORY);
		/* As the sale counted it: only a known, positive unit cost. */
		if (l->unit_cost > 0 && money_mul_qty(l->unit_cost, l->quantity, &l->cost) < 0)
			l->cost = 0;
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);

	int64_t *totals = arena_calloc(a, (size_t)(k > 0 ? k : 1), sizeof *totals);
	int64_t *shares = arena_calloc(a, (size_t)(k > 0 ? k : 1), sizeof *shares);
	for (int i = 0; i < k; i++)
		totals[i] = ls[i].total;
	if (refund_rounding_shares(s->rounding, totals, k, shares) < 0)
		return err_set(e, ERR_INTERNAL, "sale %lld: its rounding does not fit its lines",
			       (long long)sale_id);
	for (int i = 0; i < k; i++)
		ls[i].rounding = shares[i];
	*lines = ls;
	*n = k;
	return 0;
}

int64_t sale_locked_staff(const struct sale_locked *s)
{
	return s->salesperson_id ? s->salesperson_id : s->cashier_id;
}

/* What each of the sale's tenders can still take back, in the sale's
 * order: paid to it (cash net of the change), less what earlier returns
 * refunded to it. *out in a. */
static int tenders_left(struct db *db, struct arena *a, const struct sale_locked *s,
			struct refund_tender **out, int *n, struct err *e)
{
	static const char sql_paid[] =
		"SELECT method, SUM(amount), MIN(id) FROM sale_payments WHERE sale_id = ? "
		"GROUP BY method ORDER BY MIN(id)";
	static const char sql_refunded[] =
		"SELECT t.method, SUM(t.amount) FROM sale_return_tenders t "
		"JOIN sale_returns r ON r.id = t.return_id WHERE r.sale_id = ? GROUP BY t.method";
	int cap = 8, k = 0, rc;
	struct refund_tender *ts = arena_calloc(a, (size_t)cap, sizeof *ts);
	struct db_stmt *st = db_query(db, e, sql_paid, "i", s->id);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (k == cap) {
			struct refund_tender *more = arena_calloc(a, (size_t)cap * 2, sizeof *more);
			memcpy(more, ts, (size_t)k * sizeof *ts);
			ts = more;
			cap *= 2;
		}
		ts[k].method = arena_strdup(a, db_col_text(st, 0));
		ts[k].amount = db_col_int64(st, 1);
		if (strcmp(ts[k].method, "cash") == 0)
			ts[k].amount -= s->change_due;
		k++;
	}
	db_reset(st);
	if (rc < 0 || !(st = db_query(db, e, sql_refunded, "i", s->id)))
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW)
		for (int i = 0; i < k; i++)
			if (strcmp(ts[i].method, db_col_text(st, 0)) == 0)
				ts[i].amount -= db_col_int64(st, 1);
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	for (int i = 0; i < k; i++)
		if (ts[i].amount < 0)
			ts[i].amount = 0;
	*out = ts;
	*n = k;
	return 0;
}

static json_t *tenders_json(const struct refund_tender *t, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:I}", "method", t[i].method, "amount",
						     (json_int_t)t[i].amount));
	return arr;
}

/* ---- returns ---- */

void sale_reason_check(const char *reason, struct err *e)
{
	if (!reason || text_blank(reason, strlen(reason)))
		err_field(e, "reason", "is required");
	else if (utf8_chars(reason) > REASON_MAX)
		err_field(e, "reason", "must be at most %d characters", REASON_MAX);
}

void sale_return_check(const struct sale_return_input *in, struct err *e)
{
	if (in->nlines < 1 || in->nlines > RETURN_MAX_LINES)
		err_field(e, "lines", "must hold 1 to %d lines", RETURN_MAX_LINES);
	for (int i = 0; i < in->nlines; i++) {
		char f[48];
		const struct sale_return_line_input *l = &in->lines[i];
		if (l->line_id <= 0) {
			snprintf(f, sizeof f, "lines[%d].line_id", i);
			err_field(e, f, "is required");
		} else {
			for (int k = 0; k < i; k++) {
				if (in->lines[k].line_id == l->line_id) {
					snprintf(f, sizeof f, "lines[%d].line_id", i);
					err_field(e, f, "is already in lines[%d]", k);
					break;
				}
			}
		}
		if (l->quantity <= 0) {
			snprintf(f, sizeof f, "lines[%d].quantity", i);
			err_field(e, f, "must be more than 0");
		}
	}
	const char *m = in->refund_method;
	int known = 0;
	for (int i = 0; m && sale_payment_methods[i]; i++)
		known |= strcmp(m, sale_payment_methods[i]) == 0;
	if (m && !known)
		err_field(e, "refund_method", "is not a payment method");
	sale_reason_check(in->reason, e);
}

/* Everything a return writes, computed under the sale's lock. */
struct sale_return_plan {
	const struct sale_return_input *in;
	struct sale_locked s;
	struct sale_locked_line *ls; /* the sale's lines */
	int n;
	int *idx;                    /* request line i is sale line idx[i] */
	struct refund_part *parts;   /* per request line */
	int64_t refund_total;
	struct refund_tender *left;  /* what the sale's tenders could take back */
	int nleft;
	struct refund_tender *tenders; /* where the refund goes */
	int ntenders;
	int override;                /* to other tenders than the sale's */
	int all;                     /* every line fully returned after this */
};

/* Matches the requested lines to the sale's lines (field errors for
 * unknown lines and quantities above what is left). */
static int match_lines(const struct sale_return_input *in, const struct sale_locked_line *ls,
		       int n, int *idx, struct err *e)
{
	for (int i = 0; i < in->nlines; i++) {
		char f[48];
		idx[i] = -1;
		for (int k = 0; k < n; k++)
			if (ls[k].id == in->lines[i].line_id)
				idx[i] = k;
		if (idx[i] < 0) {
			snprintf(f, sizeof f, "lines[%d].line_id", i);
			err_field(e, f, "is not a line of this sale");
			continue;
		}
		const struct sale_locked_line *l = &ls[idx[i]];
		int64_t left = l->quantity - l->returned;
		if (in->lines[i].quantity > left) {
			char q[32];
			qty_format(left, q, sizeof q);
			snprintf(f, sizeof f, "lines[%d].quantity", i);
			err_field(e, f, "at most %s can still be returned", q);
		}
	}
	return err_fields_done(e);
}

int sale_return_plan(struct db *db, struct arena *a, int64_t sale_id,
		     const struct sale_return_input *in, struct sale_return_plan **out,
		     struct err *e)
{
	struct sale_return_plan *p = arena_calloc(a, 1, sizeof *p);
	p->in = in;
	int rc = sale_lock(db, a, sale_id, &p->s, &p->ls, &p->n, e);
	if (rc < 0)
		return rc;
	/* A wrong state is the answer only to an otherwise valid request. */
	int bad_fields = e->nfields > 0;
	if (!bad_fields && strcmp(p->s.status, "voided") == 0)
		return err_set(e, ERR_STATE, "sale %lld was voided: nothing can be returned",
			       (long long)sale_id);
	if (!bad_fields && strcmp(p->s.status, "returned") == 0)
		return err_set(e, ERR_STATE, "sale %lld was returned in full already",
			       (long long)sale_id);
	int nl = in->nlines > 0 ? in->nlines : 1;
	p->idx = arena_calloc(a, (size_t)nl, sizeof *p->idx);
	if ((rc = match_lines(in, p->ls, p->n, p->idx, e)) < 0)
		return rc;

	/* The parts of each line, all computed before anything is written. */
	p->parts = arena_calloc(a, (size_t)nl, sizeof *p->parts);
	for (int i = 0; i < in->nlines; i++) {
		const struct sale_locked_line *l = &p->ls[p->idx[i]];
		struct refund_line rl = {.quantity = l->quantity, .total = l->total,
					 .rounding = l->rounding, .discount = l->discount,
					 .vat = l->vat, .cost = l->cost, .returned = l->returned};
		if (refund_compute(&rl, in->lines[i].quantity, &p->parts[i]) < 0)
			return err_set(e, ERR_INTERNAL, "sale line %lld cannot be refunded",
				       (long long)l->id);
		if (money_sum(&p->refund_total, p->parts[i].refund) < 0) {
			err_field(e, "lines", "the refunds add up to more than can be recorded");
			return err_fields_done(e);
		}
	}
	/* Fully returned after this? */
	p->all = 1;
	for (int k = 0; k < p->n; k++) {
		int64_t q = p->ls[k].returned;
		for (int i = 0; i < in->nlines; i++)
			if (p->idx[i] == k)
				q += in->lines[i].quantity;
		p->all &= q >= p->ls[k].quantity;
	}

	/* The refund goes back to the sale's tenders unless overridden. */
	if ((rc = tenders_left(db, a, &p->s, &p->left, &p->nleft, e)) < 0)
		return rc;
	p->tenders = arena_calloc(a, (size_t)p->nleft + 1, sizeof *p->tenders);
	p->override = refund_tenders(p->left, p->nleft, p->refund_total, in->refund_method,
				     p->tenders, &p->ntenders);
	if (p->override < 0)
		return err_set(e, ERR_INTERNAL, "sale %lld: its tenders do not add up",
			       (long long)sale_id);
	loyalty_return_check(&p->s, p->tenders, p->ntenders, p->left, p->nleft, e);
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if (p->override && !in->may_override_refund) {
		err_field(e, "refund_method", "the sale was not paid with %s (or not that much): "
					      "refunding it so needs a store manager",
			  in->refund_method ? in->refund_method : "its tenders");
		return err_set(e, ERR_FORBIDDEN, "refunding to other tenders than the sale's "
						 "needs the refund_override permission");
	}
	*out = p;
	return 0;
}

int sale_return_write(struct db *db, struct arena *a, const struct actor *who,
		      const struct sale_return_plan *p, int64_t *return_id, struct err *e)
{
	static const char sql_ret[] =
		"INSERT INTO sale_returns (sale_id, store_id, shift_id, kind, at, day, user_id, "
		"refund_total, refund_method, reason, points_reversed, refund_override, utc_offset) "
		"VALUES (?, ?, ?, 'return', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	static const char sql_ret_line[] =
		"INSERT INTO sale_return_lines (return_id, sale_line_id, product_id, quantity, "
		"refund, vat) VALUES (?, ?, ?, ?, ?, ?)";
	static const char sql_tender[] =
		"INSERT INTO sale_return_tenders (return_id, method, amount) VALUES (?, ?, ?)";
	/* Guarded by the quantity read under the lock: never over-returns. */
	static const char sql_line_upd[] =
		"UPDATE sale_lines SET returned_quantity = returned_quantity + ?, "
		"refunded = refunded + ? WHERE id = ? AND returned_quantity = ? "
		"AND returned_quantity + ? <= quantity";
	static const char sql_sale_upd[] =
		"UPDATE sales SET refunded_total = refunded_total + ?, status = ? WHERE id = ?";
	static const char sql_points[] = "UPDATE sale_returns SET points_reversed = ? WHERE id = ?";
	const struct sale_return_input *in = p->in;
	const struct sale_locked *s = &p->s;
	int64_t at = ts_now_ms(), shift_id = 0, rid = 0, points = 0, rounding = 0;
	char day[11];
	ts_day(at, day, sizeof day);
	int64_t uid = who->user ? who->user->id : 0;
	const char *method = p->ntenders == 1 ? p->tenders[0].method
			     : p->ntenders == 0 ? (in->refund_method ? in->refund_method
							: p->nleft ? p->left[0].method : "cash")
						: "mixed";
	const char *status = p->all ? "returned" : "partially_returned";
	int rc;
	if ((rc = shift_current(db, who, s->store_id, in->register_id ? in->register_id : "1", 1,
				&shift_id, e)) < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_ret, "iiIitiitti" "ii", s->id, s->store_id,
				      shift_id, at, day, uid, p->refund_total, method, in->reason,
				      (int64_t)0, (int64_t)p->override, ts_utc_offset(at));
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	rid = db_col_int64(st, 0);
	db_reset(st);

	struct sale_effect_line *fl = arena_calloc(a, (size_t)in->nlines, sizeof *fl);
	for (int i = 0; i < in->nlines; i++) {
		const struct sale_locked_line *l = &p->ls[p->idx[i]];
		const struct refund_part *pt = &p->parts[i];
		int64_t q = in->lines[i].quantity;
		if (!(st = db_query(db, e, sql_ret_line, "iiiiii", rid, l->id, l->product_id, q,
				    pt->refund, pt->vat)) ||
		    db_run(st, e) < 0)
			return db_fail(e);
		if (!(st = db_query(db, e, sql_line_upd, "iiiii", q, pt->refund, l->id, l->returned,
				    q)) ||
		    db_run(st, e) < 0)
			return db_fail(e);
		if (db_changes(st) != 1)
			return err_set(e, ERR_CONFLICT, "sale %lld changed meanwhile: try again",
				       (long long)s->id);
		fl[i] = (struct sale_effect_line){
			.product_id = l->product_id, .category_id = l->category_id, .quantity = q,
			.unit_cost = l->unit_cost, .total = pt->total, .vat = pt->vat,
			.cost = pt->cost, .discount = pt->discount, .line_no = i};
		rounding += pt->rounding;
	}
	for (int i = 0; i < p->ntenders; i++) {
		if (!(st = db_query(db, e, sql_tender, "iti", rid, p->tenders[i].method,
				    p->tenders[i].amount)) ||
		    db_run(st, e) < 0)
			return db_fail(e);
	}

	char *content = NULL;
	if ((rc = journal_return_content(db, rid, &content, e)) < 0)
		return rc;
	/* The store row sees what the customer got back; the rounding share
	 * returned was part of the sale's discount. */
	struct sale_effects fx = {
		.kind = SALE_FX_RETURN, .store_id = s->store_id, .day = day,
		.staff_id = sale_locked_staff(s), .rounding = rounding,
		.customer_id = s->customer_id,
		.doc_type = "sale_return", .doc_id = rid, .lines = fl, .n = in->nlines,
		.journal_kind = "return", .journal_doc_id = rid, .journal_at = at,
		.journal_content = content};
	rc = sale_effects_apply(db, who, &fx, NULL, e);
	free(content);
	if (rc < 0)
		return rc;

	struct loyalty_reversal lr = {
		.sale_id = s->id, .return_id = rid, .customer_id = s->customer_id,
		.store_id = s->store_id, .user_id = uid, .at = at,
		.points_earned = s->points_earned, .points_redeemed = s->points_redeemed,
		.paid = s->paid, .refunded_before = s->refunded_total, .refund = p->refund_total,
		.tenders = p->tenders, .ntenders = p->ntenders};
	if ((rc = loyalty_return(db, &lr, &points, e)) < 0)
		return rc;
	if (points && (!(st = db_query(db, e, sql_points, "ii", points, rid)) ||
		       db_run(st, e) < 0))
		return db_fail(e);
	if (!(st = db_query(db, e, sql_sale_upd, "iti", p->refund_total, status, s->id)) ||
	    db_run(st, e) < 0)
		return db_fail(e);

	json_t *summary = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:o,s:b}", "sale_id",
				    (json_int_t)s->id, "refund_total", (json_int_t)p->refund_total,
				    "refund_method", method, "reason", in->reason, "status", status,
				    "points_reversed", (json_int_t)points, "refunds",
				    tenders_json(p->tenders, p->ntenders), "refund_override",
				    p->override);
	json_t *rlines = json_array();
	for (int i = 0; i < in->nlines; i++)
		json_array_append_new(rlines, json_pack("{s:I,s:o,s:I}", "line_id",
							(json_int_t)in->lines[i].line_id, "quantity",
							jx_qty_value(in->lines[i].quantity), "refund",
							(json_int_t)p->parts[i].refund));
	json_object_set_new(summary, "lines", rlines);
	rc = audit_add(db, who, "create", "sale_return", rid, s->store_id, NULL, summary, e);
	json_decref(summary);
	if (rc < 0)
		return rc;
	if (p->override) {
		/* Its own row, so that overrides can be found and reviewed. */
		json_t *before = json_pack("{s:o}", "tenders", tenders_json(p->left, p->nleft));
		json_t *after = json_pack("{s:o}", "refunds", tenders_json(p->tenders, p->ntenders));
		rc = audit_add(db, who, "refund_override", "sale_return", rid, s->store_id, before,
			       after, e);
		json_decref(before);
		json_decref(after);
		if (rc < 0)
			return rc;
	}
	*return_id = rid;
	return 0;
}

int sale_return_create(struct db *db, struct arena *a, const struct actor *who,
		       int64_t sale_id, const char *key, const char *request_hash,
		       const struct sale_return_input *in, json_t **out, int *replayed,
		       struct err *e)
{
	*replayed = 0;
	sale_return_check(in, e);
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	/* A request refused for its fields stores nothing and replays nothing. */
	if (key && e->nfields == 0) {
		json_t *prior = NULL;
		if ((rc = idem_claim(db, who, key, request_hash, &prior, e)) != 0) {
			db_rollback(db);
			if (rc == 1) {
				*out = prior;
				*replayed = 1;
				return 0;
			}
			return rc;
		}
	}
	struct sale_return_plan *p;
	int64_t return_id, sid;
	json_t *sale = NULL;
	if (sale_return_plan(db, a, sale_id, in, &p, e) < 0 ||
	    sale_return_write(db, a, who, p, &return_id, e) < 0 ||
	    sale_get(db, sale_id, &sale, &sid, e) < 0)
		goto fail;
	if ((key && idem_store(db, who, key, sale, e) < 0) || db_commit(db, e) < 0) {
		json_decref(sale);
		goto fail;
	}
	*out = sale;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
