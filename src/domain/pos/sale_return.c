/* sale_return.c: returns and voids. Each runs in one write transaction that
 * first locks the sale's row, so that concurrent returns of one sale see
 * each other's quantities and refunds on both engines. */
#include "domain/pos/sale_return.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/org/idem.h"
#include "domain/pos/journal.h"
#include "domain/pos/rollup.h"
#include "domain/pos/sale.h"
#include "domain/pos/shift.h"
#include "domain/stock/stock.h"

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

/* ---- loading a sale for a change ---- */

struct rsale {
	int64_t id, store_id, shift_id, cashier_id, salesperson_id;
	int64_t rounding, total, paid, vat_total, discount_total, refunded_total;
	const char *status, *day;
};

struct rline {
	int64_t id, product_id, quantity, total, discount, vat, unit_cost, returned, refunded;
	int64_t rounding; /* share of the sale's rounding */
	int64_t cost;     /* unit_cost x quantity, as the sale counted it */
	int64_t category_id; /* the product's when sold; 0: none */
};

int sale_return_store_of(struct db *db, int64_t sale_id, int64_t *store_id, struct err *e)
{
	static const char sql[] = "SELECT store_id FROM sales WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", sale_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no sale %lld", (long long)sale_id);
	*store_id = db_col_int64(st, 0);
	db_reset(st);
	return 0;
}

/* Locks the sale's row for the rest of the transaction (a no-op UPDATE:
 * PostgreSQL takes the row lock and answers the latest committed values;
 * SQLite's write transaction is exclusive already) and reads it with its
 * lines. ERR_NOT_FOUND. */
static int lock_sale(struct db *db, struct arena *a, int64_t sale_id, struct rsale *s,
		     struct rline **lines, int *n, struct err *e)
{
	static const char sql_lock[] =
		"UPDATE sales SET refunded_total = refunded_total WHERE id = ? "
		"RETURNING store_id, shift_id, cashier_id, salesperson_id, rounding, total, paid, "
		"vat_total, discount_total, refunded_total, status, day";
	static const char sql_count[] = "SELECT COUNT(*) FROM sale_lines WHERE sale_id = ?";
	static const char sql_lines[] =
		"SELECT id, product_id, quantity, total, discount, vat, unit_cost, "
		"returned_quantity, refunded, category_id FROM sale_lines WHERE sale_id = ? "
		"ORDER BY line_no";
	struct db_stmt *st = db_query(db, e, sql_lock, "i", sale_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no sale %lld", (long long)sale_id);
	s->id = sale_id;
	s->store_id = db_col_int64(st, 0);
	s->shift_id = db_col_int64(st, 1);
	s->cashier_id = db_col_int64(st, 2);
	s->salesperson_id = db_col_int64(st, 3);
	s->rounding = db_col_int64(st, 4);
	s->total = db_col_int64(st, 5);
	s->paid = db_col_int64(st, 6);
	s->vat_total = db_col_int64(st, 7);
	s->discount_total = db_col_int64(st, 8);
	s->refunded_total = db_col_int64(st, 9);
	s->status = arena_strdup(a, db_col_text(st, 10));
	s->day = arena_strdup(a, db_col_text(st, 11));
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
	struct rline *ls = arena_calloc(a, (size_t)(count > 0 ? count : 1), sizeof *ls);
	int k = 0;
	if (!(st = db_query(db, e, sql_lines, "i", sale_id)))
		return db_fail(e);
	while (k < count && (rc = db_step(st, e)) == DB_ROW) {
		struct rline *l = &ls[k++];
		l->id = db_col_int64(st, 0);
		l->product_id = db_col_int64(st, 1);
		l->quantity = db_col_int64(st, 2);
		l->total = db_col_int64(st, 3);
		l->discount = db_col_int64(st, 4);
		l->vat = db_col_int64(st, 5);
		l->unit_cost = db_col_null(st, 6) ? -1 : db_col_int64(st, 6);
		l->returned = db_col_int64(st, 7);
		l->refunded = db_col_int64(st, 8);
		l->category_id = db_col_int64(st, 9);
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

/* The staff member a sale's rollups are booked to. */
static int64_t sale_staff(const struct rsale *s)
{
	return s->salesperson_id ? s->salesperson_id : s->cashier_id;
}

/* Points earned on the returned part go back when loyalty (#5) lands: it
 * will take round(points_earned x refund / paid) off the customer's
 * balance through the points ledger. Sales carry no points yet, so nothing
 * is reversed and *reversed stays 0. */
static int reverse_points(struct db *db, const struct rsale *s, int64_t return_id,
			  int64_t refund, int64_t *reversed, struct err *e)
{
	*reversed = 0;
	return 0;
}

/* ---- returns ---- */

static void check_reason(const char *reason, struct err *e)
{
	if (!reason || text_blank(reason, strlen(reason)))
		err_field(e, "reason", "is required");
	else if (utf8_chars(reason) > REASON_MAX)
		err_field(e, "reason", "must be at most %d characters", REASON_MAX);
}

/* Notes the request's own field errors; the caller goes on to the checks
 * against the sale so that every bad field is named in one answer. */
static void check_return_input(const struct sale_return_input *in, struct err *e)
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
	if (!m)
		err_field(e, "refund_method", "is required");
	else if (!known)
		err_field(e, "refund_method", "is not a payment method");
	else if (strcmp(m, "points") == 0 || strcmp(m, "stored_value") == 0)
		err_field(e, "refund_method",
			  "%s refunds need customer accounts, which are not enabled yet", m);
	check_reason(in->reason, e);
}

/* Matches the requested lines to the sale's lines (field errors for
 * unknown lines and quantities above what is left); idx[i] gets the sale
 * line of request line i. */
static int match_lines(const struct sale_return_input *in, const struct rline *ls, int n,
		       int *idx, struct err *e)
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
		const struct rline *l = &ls[idx[i]];
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

int sale_return_create(struct db *db, struct arena *a, const struct actor *who,
		       int64_t sale_id, const char *key, const char *request_hash,
		       const struct sale_return_input *in, json_t **out, int *replayed,
		       struct err *e)
{
	static const char sql_ret[] =
		"INSERT INTO sale_returns (sale_id, store_id, shift_id, kind, at, day, user_id, "
		"refund_total, refund_method, reason, points_reversed) "
		"VALUES (?, ?, ?, 'return', ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	static const char sql_ret_line[] =
		"INSERT INTO sale_return_lines (return_id, sale_line_id, product_id, quantity, "
		"refund, vat) VALUES (?, ?, ?, ?, ?, ?)";
	/* Guarded by the quantity read under the lock: never over-returns. */
	static const char sql_line_upd[] =
		"UPDATE sale_lines SET returned_quantity = returned_quantity + ?, "
		"refunded = refunded + ? WHERE id = ? AND returned_quantity = ? "
		"AND returned_quantity + ? <= quantity";
	static const char sql_sale_upd[] =
		"UPDATE sales SET refunded_total = refunded_total + ?, status = ? WHERE id = ?";
	static const char sql_points[] = "UPDATE sale_returns SET points_reversed = ? WHERE id = ?";
	*replayed = 0;
	check_return_input(in, e);
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
	struct rsale s;
	struct rline *ls;
	int n;
	if ((rc = lock_sale(db, a, sale_id, &s, &ls, &n, e)) < 0)
		goto fail;
	/* A wrong state is the answer only to an otherwise valid request. */
	int bad_fields = e->nfields > 0;
	if (!bad_fields && strcmp(s.status, "voided") == 0) {
		err_set(e, ERR_STATE, "sale %lld was voided: nothing can be returned",
			(long long)sale_id);
		goto fail;
	}
	if (!bad_fields && strcmp(s.status, "returned") == 0) {
		err_set(e, ERR_STATE, "sale %lld was returned in full already", (long long)sale_id);
		goto fail;
	}
	int *idx = arena_calloc(a, (size_t)(in->nlines > 0 ? in->nlines : 1), sizeof *idx);
	if (match_lines(in, ls, n, idx, e) < 0)
		goto fail;

	/* The parts of each line, all computed before anything is written. */
	struct refund_part *parts = arena_calloc(a, (size_t)in->nlines, sizeof *parts);
	int64_t refund_total = 0;
	for (int i = 0; i < in->nlines; i++) {
		const struct rline *l = &ls[idx[i]];
		struct refund_line rl = {.quantity = l->quantity, .total = l->total,
					 .rounding = l->rounding, .discount = l->discount,
					 .vat = l->vat, .cost = l->cost, .returned = l->returned};
		if (refund_compute(&rl, in->lines[i].quantity, &parts[i]) < 0) {
			err_set(e, ERR_INTERNAL, "sale line %lld cannot be refunded", (long long)l->id);
			goto fail;
		}
		refund_total += parts[i].refund;
	}

	int64_t at = ts_now_ms(), shift_id = 0, return_id = 0, points = 0;
	char day[11];
	ts_day(at, day, sizeof day);
	int64_t uid = who->user ? who->user->id : 0;
	if ((rc = shift_current(db, who, s.store_id, in->register_id ? in->register_id : "1", 1,
				&shift_id, e)) < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, sql_ret, "iiIitiitti", sale_id, s.store_id, shift_id,
				      at, day, uid, refund_total, in->refund_method, in->reason,
				      (int64_t)0);
	if (!st || db_step(st, e) != DB_ROW)
		goto fail;
	return_id = db_col_int64(st, 0);
	db_reset(st);

	struct rollup_delta sd = {.day = day, .store_id = s.store_id, .returns = 1,
				  .refunded = refund_total};
	struct rollup_delta *cats = arena_calloc(a, (size_t)in->nlines, sizeof *cats);
	int ncats = 0;
	for (int i = 0; i < in->nlines; i++) {
		struct rline *l = &ls[idx[i]];
		const struct refund_part *p = &parts[i];
		int64_t q = in->lines[i].quantity;
		if (!(st = db_query(db, e, sql_ret_line, "iiiiii", return_id, l->id, l->product_id,
				    q, p->refund, p->vat)) ||
		    db_run(st, e) < 0)
			goto fail;
		if (!(st = db_query(db, e, sql_line_upd, "iiiii", q, p->refund, l->id, l->returned,
				    q)) ||
		    db_run(st, e) < 0)
			goto fail;
		if (db_changes(st) != 1) {
			err_set(e, ERR_CONFLICT, "sale %lld changed meanwhile: try again",
				(long long)sale_id);
			goto fail;
		}
		l->returned += q;
		struct stock_move_input mv = {
			.store_id = s.store_id, .product_id = l->product_id, .quantity = q,
			.kind = "return", .doc_type = "sale_return", .doc_id = return_id,
			.unit_cost = l->unit_cost, .negative = STOCK_NEG_STORE};
		if ((rc = stock_move_add(db, who, &mv, NULL, NULL, e)) < 0)
			goto fail;
		struct rollup_delta d = {.day = day, .store_id = s.store_id,
					 .product_id = l->product_id, .category_id = l->category_id,
					 .revenue = -p->total, .vat = -p->vat, .cost = -p->cost,
					 .discount = -p->discount, .units = -q};
		if ((rc = rollup_product(db, &d, e)) < 0)
			goto fail;
		rollup_collect(cats, &ncats, &d);
		/* The store row sees what the customer got back; the rounding
		 * share returned was part of the sale's discount. */
		sd.revenue -= p->refund;
		sd.vat -= p->vat;
		sd.cost -= p->cost;
		sd.discount -= p->discount + p->rounding;
		sd.units -= q;
	}
	if ((rc = rollup_categories(db, cats, ncats, e)) < 0 || (rc = rollup_store(db, &sd, e)) < 0)
		goto fail;
	sd.staff_id = sale_staff(&s);
	if (sd.staff_id && (rc = rollup_staff(db, &sd, e)) < 0)
		goto fail;

	if ((rc = reverse_points(db, &s, return_id, refund_total, &points, e)) < 0)
		goto fail;
	if (points && (!(st = db_query(db, e, sql_points, "ii", points, return_id)) ||
		       db_run(st, e) < 0))
		goto fail;

	int all = 1;
	for (int k = 0; k < n; k++)
		all &= ls[k].returned >= ls[k].quantity;
	if (!(st = db_query(db, e, sql_sale_upd, "iti", refund_total,
			    all ? "returned" : "partially_returned", sale_id)) ||
	    db_run(st, e) < 0)
		goto fail;

	char *content = NULL;
	if ((rc = journal_return_content(db, return_id, &content, e)) < 0)
		goto fail;
	rc = journal_append(db, s.store_id, "return", return_id, at, content, e);
	free(content);
	if (rc < 0)
		goto fail;

	json_t *sale;
	int64_t sid;
	if ((rc = sale_get(db, sale_id, &sale, &sid, e)) < 0)
		goto fail;
	json_t *summary = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I}", "sale_id", (json_int_t)sale_id,
				    "refund_total", (json_int_t)refund_total, "refund_method",
				    in->refund_method, "reason", in->reason, "status",
				    all ? "returned" : "partially_returned", "points_reversed",
				    (json_int_t)points);
	json_t *rlines = json_array();
	for (int i = 0; i < in->nlines; i++)
		json_array_append_new(rlines, json_pack("{s:I,s:o,s:I}", "line_id",
							(json_int_t)in->lines[i].line_id, "quantity",
							jx_qty_value(in->lines[i].quantity), "refund",
							(json_int_t)parts[i].refund));
	json_object_set_new(summary, "lines", rlines);
	rc = audit_add(db, who, "create", "sale_return", return_id, s.store_id, NULL, summary, e);
	json_decref(summary);
	if (rc < 0 || (key && (rc = idem_store(db, who, key, sale, e)) < 0) ||
	    (rc = db_commit(db, e)) < 0) {
		json_decref(sale);
		goto fail;
	}
	*out = sale;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- voids ---- */

int sale_void(struct db *db, struct arena *a, const struct actor *who, int64_t sale_id,
	      const char *reason, json_t **out, struct err *e)
{
	static const char sql_upd[] =
		"UPDATE sales SET status = 'voided', voided_by = ?, voided_at = ?, void_reason = ? "
		"WHERE id = ? AND status = 'completed'";
	check_reason(reason, e);
	if (err_fields_done(e) < 0)
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct rsale s;
	struct rline *ls;
	int n;
	if ((rc = lock_sale(db, a, sale_id, &s, &ls, &n, e)) < 0)
		goto fail;
	if (strcmp(s.status, "completed") != 0) {
		err_set(e, ERR_STATE, "sale %lld is %s: only a completed sale without returns "
				      "can be voided", (long long)sale_id, s.status);
		goto fail;
	}
	/* Locked open until the commit: a close waits for this void. */
	rc = s.shift_id ? shift_lock_open(db, s.shift_id, e) : ERR_STATE;
	if (rc == ERR_STATE || rc == ERR_NOT_FOUND) {
		err_init(e);
		err_set(e, ERR_STATE, "sale %lld belongs to a closed shift: return it instead",
			(long long)sale_id);
		goto fail;
	}
	if (rc < 0)
		goto fail;

	int64_t at = ts_now_ms(), uid = who->user ? who->user->id : 0;
	/* Take off exactly what the sale added to its day's rollups. */
	struct rollup_delta sd = {.day = s.day, .store_id = s.store_id,
				  .revenue = -(s.total - s.rounding), .vat = -s.vat_total,
				  .discount = -(s.discount_total + s.rounding), .orders = -1};
	struct rollup_delta *cats = arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof *cats);
	int ncats = 0;
	for (int i = 0; i < n; i++) {
		struct rline *l = &ls[i];
		struct stock_move_input mv = {
			.store_id = s.store_id, .product_id = l->product_id, .quantity = l->quantity,
			.kind = "return", .doc_type = "sale_void", .doc_id = sale_id,
			.unit_cost = l->unit_cost, .negative = STOCK_NEG_STORE};
		if ((rc = stock_move_add(db, who, &mv, NULL, NULL, e)) < 0)
			goto fail;
		int first = 1;
		for (int k = 0; k < i; k++)
			first &= ls[k].product_id != l->product_id;
		struct rollup_delta d = {.day = s.day, .store_id = s.store_id,
					 .product_id = l->product_id, .category_id = l->category_id,
					 .revenue = -l->total, .vat = -l->vat, .cost = -l->cost,
					 .discount = -l->discount, .units = -l->quantity,
					 .orders = -first};
		if ((rc = rollup_product(db, &d, e)) < 0)
			goto fail;
		d.orders = -1; /* taken once per category: the first line's row keeps it */
		rollup_collect(cats, &ncats, &d);
		sd.cost -= l->cost;
		sd.units -= l->quantity;
	}
	if ((rc = rollup_categories(db, cats, ncats, e)) < 0 || (rc = rollup_store(db, &sd, e)) < 0)
		goto fail;
	sd.staff_id = sale_staff(&s);
	if (sd.staff_id && (rc = rollup_staff(db, &sd, e)) < 0)
		goto fail;

	struct db_stmt *st = db_query(db, e, sql_upd, "Iiti", uid, at, reason, sale_id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (db_changes(st) != 1) {
		err_set(e, ERR_CONFLICT, "sale %lld changed meanwhile: try again", (long long)sale_id);
		goto fail;
	}

	/* The void record: its own line, then the sale's canonical content
	 * (journal_verify compares that part with the sale as stored). */
	char *content = NULL;
	if ((rc = journal_sale_content(db, sale_id, &content, e)) < 0)
		goto fail;
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "void|%lld|%lld|%lld|%s\n%s", (long long)sale_id, (long long)at,
		   (long long)uid, reason, content);
	free(content);
	char *record = buf_detach(&b, NULL);
	rc = journal_append(db, s.store_id, "void", sale_id, at, record, e);
	free(record);
	if (rc < 0)
		goto fail;

	json_t *sale;
	int64_t sid;
	if ((rc = sale_get(db, sale_id, &sale, &sid, e)) < 0)
		goto fail;
	/* sale_get may not render the void columns: the answer carries them. */
	if (!json_object_get(sale, "voided_by"))
		json_object_set_new(sale, "voided_by", uid ? json_integer(uid) : json_null());
	if (!json_object_get(sale, "voided_at"))
		json_object_set_new(sale, "voided_at", jx_time(at));
	if (!json_object_get(sale, "void_reason"))
		json_object_set_new(sale, "void_reason", json_string(reason));
	json_t *before = json_pack("{s:s}", "status", "completed");
	json_t *after = json_pack("{s:s,s:s,s:I}", "status", "voided", "reason", reason,
				  "paid", (json_int_t)s.paid);
	rc = audit_add(db, who, "void", "sale", sale_id, s.store_id, before, after, e);
	json_decref(before);
	json_decref(after);
	if (rc < 0 || (rc = db_commit(db, e)) < 0) {
		json_decref(sale);
		goto fail;
	}
	*out = sale;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
