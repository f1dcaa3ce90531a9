/* sale.c: the sale transaction. Everything a sale writes — the sale, its
 * lines, discounts and payments, a stock move per line, the day rollups, the
 * journal record, the idempotency answer and the audit row — happens in one
 * write transaction: all or nothing. */
#include "domain/pos/sale.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/catalog/product.h"
#include "domain/org/idem.h"
#include "domain/loyalty/coupon_sale.h"
#include "domain/loyalty/loyalty_sale.h"
#include "domain/pos/journal.h"
#include "domain/promo/promo_engine.h"
#include "domain/promo/promotion.h"
#include "domain/pos/sale_effects.h"
#include "domain/pos/shift.h"
#include "domain/stock/stock.h"
#include "domain/org/store.h"
#include "domain/org/session.h"

const char *const sale_payment_methods[] = {"cash",    "card",   "wechat",       "alipay",
					    "voucher", "points", "stored_value", NULL};

#define SALE_MAX_LINES 500
#define SALE_MAX_PAYMENTS 10
#define LINE_MAX_DISCOUNTS 8
#define SALE_MAX_GIFTS 8

/* The most a role may discount by hand without a manager's approval. */
static int64_t manual_cap_bp(int role)
{
	if (role & (ROLE_ADMIN | ROLE_HQ))
		return 10000;
	if (role & ROLE_STORE_MANAGER)
		return 3000;
	return 1000;
}

struct line_discount {
	const char *source; /* "promotion", "manual" */
	int64_t source_id;
	int64_t amount;
};

/* A sale's totals: exactly the sums of its lines, then the tenders. */
struct sale_totals {
	int64_t subtotal; /* the lines' gross */
	int64_t discount; /* the lines' discounts */
	int64_t rounding; /* cash rounding (抹零) */
	int64_t vat;      /* VAT contained in the lines' totals */
	int64_t total;    /* the lines' totals: subtotal - discount */
	int64_t paid;     /* total - rounding */
	int64_t change;   /* cash handed back */
};

/* One priced line while the sale is built. */
struct pline {
	int64_t product_id, category_id;
	const char *sku, *name;
	int64_t quantity, list_price, unit_price, gross, discount, total;
	int64_t vat_rate, vat, unit_cost;
	int64_t cost; /* unit_cost x quantity when the unit cost is known and > 0, else 0 */
	int overridden, is_gift;
	int64_t promotion_id;
	struct line_discount d[LINE_MAX_DISCOUNTS];
	int nd;
};

static int add_discount(struct pline *l, const char *source, int64_t source_id,
			int64_t amount, struct err *e)
{
	if (amount <= 0)
		return 0;
	if (l->nd == LINE_MAX_DISCOUNTS)
		return err_set(e, ERR_INVALID, "too many discounts on one line");
	if (money_add(l->discount, amount, &l->discount) < 0)
		return err_set(e, ERR_INVALID, "discount overflow");
	if (l->discount > l->gross)
		return err_set(e, ERR_INVALID, "a discount exceeds the line's value");
	l->d[l->nd++] = (struct line_discount){source, source_id, amount};
	return 0;
}

/* ---- barcodes ---- */

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == 0;
}

/* An in-store scale label: EAN-13 with prefix 20–29, a 5-digit item code
 * (the product's SKU) and a 5-digit value: grams for prefixes 20–24, the
 * price in fen for 25–29. 1 and the parts if s is one, else 0. */
static int scale_barcode(const char *s, char *code, int64_t *value, int *is_price)
{
	if (!is_digits(s, 13) || s[0] != '2' || !barcode_valid(s))
		return 0;
	memcpy(code, s + 2, 5);
	code[5] = 0;
	*value = 0;
	for (int i = 7; i < 12; i++)
		*value = *value * 10 + (s[i] - '0');
	*is_price = s[1] >= '5';
	return 1;
}

#define PRODUCT_COLS "id, sku, name, category_id, price, cost, vat_rate, active"

static int read_product(struct db_stmt *st, struct arena *a, struct pline *l, struct err *e)
{
	int rc = db_step(st, e);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc < 0 ? rc : 0;
	}
	l->product_id = db_col_int64(st, 0);
	l->sku = arena_strdup(a, db_col_text(st, 1));
	l->name = arena_strdup(a, db_col_text(st, 2));
	l->category_id = db_col_int64(st, 3);
	l->list_price = db_col_int64(st, 4);
	l->unit_cost = db_col_null(st, 5) ? -1 : db_col_int64(st, 5);
	l->vat_rate = db_col_int64(st, 6);
	int active = (int)db_col_int64(st, 7);
	db_reset(st);
	return active ? 1 : 2;
}

/* Resolves input line i to a product and quantity. Field errors name
 * lines[i].x. Returns 0 (possibly with field errors noted) or a db error. */
static int resolve_line(struct db *db, struct arena *a, int i, const struct sale_line_input *in,
			struct pline *l, struct err *e)
{
	static const char sql_id[] = "SELECT " PRODUCT_COLS " FROM products WHERE id = ?";
	static const char sql_bc[] = "SELECT " PRODUCT_COLS " FROM products WHERE barcode = ?";
	static const char sql_sku[] =
		"SELECT " PRODUCT_COLS " FROM products WHERE sku = ? OR sku = ? ORDER BY id LIMIT 1";
	char f[48];
	int rc, is_price = 0;
	int64_t scale_value = -1;
	struct db_stmt *st;
	l->quantity = in->quantity;
	if (in->product_id) {
		if (!(st = db_query(db, e, sql_id, "i", in->product_id)))
			return db_fail(e);
		snprintf(f, sizeof f, "lines[%d].product_id", i);
	} else {
		snprintf(f, sizeof f, "lines[%d].barcode", i);
		if (!(st = db_query(db, e, sql_bc, "t", in->barcode)))
			return db_fail(e);
		if ((rc = read_product(st, a, l, e)) < 0)
			return rc;
		char code[6];
		if (rc == 0 && scale_barcode(in->barcode, code, &scale_value, &is_price)) {
			const char *trimmed = code;
			while (*trimmed == '0' && trimmed[1])
				trimmed++;
			if (!(st = db_query(db, e, sql_sku, "tt", code, trimmed)))
				return db_fail(e);
		} else {
			st = NULL;
			scale_value = -1;
			if (rc == 0) {
				err_field(e, f, "no product has this barcode");
				return 0;
			}
		}
		if (rc == 2) {
			err_field(e, f, "the product is no longer sold");
			return 0;
		}
	}
	if (st) {
		if ((rc = read_product(st, a, l, e)) < 0)
			return rc;
		if (rc == 0) {
			err_field(e, f, "no such product");
			return 0;
		}
		if (rc == 2) {
			err_field(e, f, "the product is no longer sold");
			return 0;
		}
	}
	l->unit_price = l->list_price;
	if (scale_value >= 0) {
		snprintf(f, sizeof f, "lines[%d].quantity", i);
		if (in->quantity) {
			err_field(e, f, "is given by the scale label");
			return 0;
		}
		if (!is_price) {
			l->quantity = scale_value; /* grams are thousandths of a kg */
		} else if (l->list_price > 0) {
			/* A price label: the quantity follows from the shelf price and
			 * the line is worth exactly what the label says. */
			l->quantity = (scale_value * 1000 + l->list_price / 2) / l->list_price;
			l->gross = scale_value;
		}
		if (l->quantity <= 0) {
			err_field(e, f, "the scale label carries no quantity");
			return 0;
		}
	}
	return 0;
}

int sale_scan(struct db *db, struct arena *a, const char *code, struct sale_scan *out,
	      struct err *e)
{
	struct sale_line_input in = {.barcode = code, .unit_price = -1};
	struct pline l = {0};
	int rc = resolve_line(db, a, 0, &in, &l, e);
	if (rc < 0)
		return rc;
	if (e->nfields) {
		/* The line's field errors, about the one code scanned. */
		if (!l.product_id) {
			err_init(e);
			return err_set(e, ERR_NOT_FOUND, "no product has the code %.40s", code);
		}
		for (int i = 0; i < e->nfields; i++)
			snprintf(e->fields[i].field, sizeof e->fields[i].field, "code");
		return err_fields_done(e);
	}
	*out = (struct sale_scan){.product_id = l.product_id, .quantity = l.quantity};
	if (l.gross) {
		out->kind = SALE_SCAN_SCALE_PRICE;
		out->amount = l.gross;
	} else if (l.quantity) {
		out->kind = SALE_SCAN_SCALE_WEIGHT;
	}
	return 0;
}

/* The catalog price of a product at time at (ms) when it has been changed
 * since: the price before its first change after at, from that change's
 * audit row. *price -1 when there is none (a change by import leaves no
 * row of its own: the price then counts as unknown). */
static int price_at(struct db *db, int64_t product_id, int64_t at, int64_t *price,
		    struct err *e)
{
	static const char sql[] =
		"SELECT before_json FROM audit_log WHERE entity = 'product' AND entity_id = ? "
		"AND action = 'update' AND at > ? ORDER BY id LIMIT 1";
	struct db_stmt *st = db_query(db, e, sql, "ii", product_id, at);
	int rc;
	*price = -1;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc == DB_ROW && db_col_text(st, 0)) {
		json_t *before = json_loads(db_col_text(st, 0), 0, NULL);
		json_t *p = json_object_get(before, "price");
		if (json_is_integer(p))
			*price = json_integer_value(p);
		json_decref(before);
	}
	db_reset(st);
	return 0;
}

/* ---- promotions ---- */

/* Gifts go while stocks last (赠品送完为止): *ok is 0 when the store,
 * refusing negative stock, has less of the gift than the sale's own lines of
 * that product plus the gift. The sale then goes through without it. */
static int gift_in_stock(struct db *db, int64_t store_id, const struct pline *lines, int n,
			 int64_t product_id, int64_t quantity, int *ok, struct err *e)
{
	int64_t need = quantity, have;
	for (int i = 0; i < n; i++)
		if (lines[i].product_id == product_id)
			need += lines[i].quantity;
	if (stock_on_hand(db, store_id, product_id, &have, e) < 0)
		return db_fail(e);
	*ok = have >= need;
	return 0;
}

/* Runs the promotion engine over the priced lines: each rule's share goes
 * on its line as a "promotion" discount, and gift lines are appended (at
 * their price, discounted to 0) when in stock or stock may go negative
 * (allow_negative). *n grows by the gifts, up to cap. */
static int apply_promotions(struct db *db, struct arena *a, int64_t store_id, int allow_negative,
			    int64_t when, struct pline *lines, int *n, int cap, struct err *e)
{
	struct promo_context ctx = {.store_id = store_id};
	if (ts_local(when, ctx.day, sizeof ctx.day, &ctx.weekday, &ctx.minute) < 0)
		return err_set(e, ERR_INVALID, "the sale time is out of range");
	struct promo_rule *rules;
	int nrules, rc;
	if ((rc = promotion_load_active(db, a, ctx.day, &rules, &nrules, e)) < 0)
		return rc;
	if (nrules == 0)
		return 0;
	struct promo_line *pl = arena_calloc(a, (size_t)*n, sizeof *pl);
	for (int i = 0; i < *n; i++) {
		int64_t *chain;
		pl[i] = (struct promo_line){.product_id = lines[i].product_id,
					    .category_id = lines[i].category_id,
					    .quantity = lines[i].quantity,
					    .unit_price = lines[i].unit_price};
		if ((rc = promotion_category_chain(db, a, lines[i].category_id, &chain,
						   &pl[i].ncategory_ids, e)) < 0)
			return rc;
		pl[i].category_ids = chain;
	}
	struct promo_basket b = {pl, *n};
	struct promo_result res;
	if ((rc = promo_apply(&b, rules, nrules, &ctx, &res, e)) < 0)
		return rc;
	for (int i = 0; i < *n && rc == 0; i++) {
		struct pline *l = &lines[i];
		for (int k = 0; k < res.lines[i].nparts && rc == 0; k++) {
			/* A price label's gross can differ from price × quantity by
			 * rounding: never discount past the line. */
			int64_t amount = res.lines[i].parts[k].amount;
			if (amount > l->gross - l->discount)
				amount = l->gross - l->discount;
			rc = add_discount(l, "promotion", res.lines[i].parts[k].rule_id, amount, e);
		}
		l->promotion_id = res.lines[i].rule_id;
	}
	for (int g = 0; g < res.ngifts && rc == 0; g++) {
		int ok = 1;
		if (!allow_negative &&
		    (rc = gift_in_stock(db, store_id, lines, *n, res.gifts[g].product_id,
					res.gifts[g].quantity, &ok, e)) < 0)
			break;
		if (!ok)
			continue;
		if (*n == cap) {
			rc = err_set(e, ERR_INVALID, "too many gift lines");
			break;
		}
		struct pline *l = &lines[*n];
		struct sale_line_input gi = {.product_id = res.gifts[g].product_id,
					     .quantity = res.gifts[g].quantity, .unit_price = -1};
		if ((rc = resolve_line(db, a, *n, &gi, l, e)) < 0 || (rc = err_fields_done(e)) < 0)
			break;
		if (money_mul_qty(l->unit_price, l->quantity, &l->gross) < 0) {
			rc = err_set(e, ERR_INVALID, "gift line overflows");
			break;
		}
		l->is_gift = 1;
		l->promotion_id = res.gifts[g].rule_id;
		rc = add_discount(l, "promotion", res.gifts[g].rule_id, l->gross, e);
		(*n)++;
	}
	promo_result_release(&res);
	return rc;
}

/* Applies the sale's coupon codes (coupon_sale_plan) on the lines so far:
 * each coupon's parts as "coupon" discounts, a gift coupon's product as a
 * gift line at 100% off. *out for sale_write's redeem. */
static int apply_coupons(struct db *db, struct arena *a, const struct sale_input *in,
			 int64_t store_id, int64_t at, struct pline *lines, int *n, int cap,
			 struct coupon_sale **out, struct err *e)
{
	struct coupon_sale_line *cl = arena_calloc(a, (size_t)*n, sizeof *cl);
	for (int i = 0; i < *n; i++) {
		int promoted = 0;
		for (int k = 0; k < lines[i].nd; k++)
			promoted |= strcmp(lines[i].d[k].source, "promotion") == 0;
		cl[i] = (struct coupon_sale_line){.category_id = lines[i].category_id,
						  .value = lines[i].gross - lines[i].discount,
						  .promoted = promoted, .is_gift = lines[i].is_gift};
	}
	int rc = coupon_sale_plan(db, a, in->coupon_codes, in->ncoupons, store_id, in->customer_id,
				  at, cl, *n, out, e);
	int nbefore = *n;
	for (int u = 0; rc == 0 && u < (*out)->n; u++) {
		struct coupon_use *cu = &(*out)->uses[u];
		for (int i = 0; cu->parts && i < nbefore && rc == 0; i++)
			rc = add_discount(&lines[i], "coupon", cu->coupon_id, cu->parts[i], e);
		if (!cu->gift_product_id || rc < 0)
			continue;
		if (*n == cap)
			return err_set(e, ERR_INVALID, "too many gift lines");
		struct pline *l = &lines[*n];
		struct sale_line_input gi = {.product_id = cu->gift_product_id, .quantity = QTY_SCALE,
					     .unit_price = -1};
		if ((rc = resolve_line(db, a, *n, &gi, l, e)) < 0 || (rc = err_fields_done(e)) < 0)
			break;
		if (money_mul_qty(l->unit_price, l->quantity, &l->gross) < 0)
			return err_set(e, ERR_INVALID, "gift line overflows");
		l->is_gift = 1;
		cu->discount = l->gross;
		rc = add_discount(l, "coupon", cu->coupon_id, l->gross, e);
		(*n)++;
	}
	return rc;
}

/* ---- the sale ---- */

static int check_input(const struct sale_input *in, struct err *e)
{
	if (in->nlines < 1 || in->nlines > SALE_MAX_LINES)
		err_field(e, "lines", "must hold 1 to %d lines", SALE_MAX_LINES);
	if (in->npayments > SALE_MAX_PAYMENTS)
		err_field(e, "payments", "must hold at most %d payments", SALE_MAX_PAYMENTS);
	for (int i = 0; i < in->nlines; i++) {
		const struct sale_line_input *l = &in->lines[i];
		char f[48];
		if (!l->product_id == !l->barcode) {
			snprintf(f, sizeof f, "lines[%d]", i);
			err_field(e, f, "needs product_id or barcode (one of them)");
		}
		if (l->quantity < 0 || (l->quantity == 0 && !l->barcode)) {
			snprintf(f, sizeof f, "lines[%d].quantity", i);
			err_field(e, f, "must be more than 0");
		}
		/* An offline till's price is checked once the product is known. */
		if (l->unit_price >= 0 && !in->may_override_price &&
		    !(in->skip_promotions && in->offline_at)) {
			snprintf(f, sizeof f, "lines[%d].unit_price", i);
			err_field(e, f, "needs the price_override permission");
		}
	}
	for (int i = 0; i < in->npayments; i++) {
		char f[48];
		const char *m = in->payments[i].method;
		if (m && strcmp(m, "points") == 0) {
			snprintf(f, sizeof f, "payments[%d].method", i);
			err_field(e, f, "use points_redeemed");
		}
		if (in->payments[i].amount <= 0) {
			snprintf(f, sizeof f, "payments[%d].amount", i);
			err_field(e, f, "must be more than 0");
		}
	}
	/* Coupons and points are the server's to check and spend: a till that
	 * could not reach it (apply_promotions false) does not take them. */
	if (in->skip_promotions && in->ncoupons)
		err_field(e, "coupon_codes", "needs apply_promotions: coupons are checked online");
	if (in->skip_promotions && in->points_redeemed > 0)
		err_field(e, "points_redeemed", "needs apply_promotions: points are spent online");
	if (in->manual_discount_bp < 0 || in->manual_discount_bp > 10000)
		err_field(e, "manual_discount_bp", "must be between 0 and 10000");
	return err_fields_done(e);
}

/* Approves a manual discount above the cashier's cap: the approver must be
 * an active store manager of this store (or hq/admin) with that password,
 * checked by session_approve (throttled and audited like a login). */
static int check_approval(struct db *db, struct arena *a, const struct actor *who,
			  const struct sale_input *in, int preview, int64_t *approved_by,
			  struct err *e)
{
	if (!in->approver_username || !in->approver_password) {
		err_field(e, "manual_discount_bp", "is above your limit: a store manager must approve");
		return err_fields_done(e);
	}
	struct user *u = NULL;
	int rc = (preview ? session_approve_preview : session_approve)(
		db, a, who, in->approver_username, in->approver_password, &u, e);
	if (rc < 0 && rc != ERR_UNAUTHORIZED)
		return rc;
	err_init(e);
	int ok = rc == 0 && (u->role & (ROLE_ADMIN | ROLE_HQ | ROLE_STORE_MANAGER)) &&
		 user_sees_store(u, in->store_id);
	if (!ok || manual_cap_bp(u->role) < in->manual_discount_bp) {
		err_field(e, "approver", "is not a store manager of this store with that password, "
					 "or may not approve this discount");
		return err_fields_done(e);
	}
	*approved_by = u->id;
	return 0;
}

/* The salesperson a sale is booked to (commission follows it) must be an
 * active user assigned to the sale's store. Only store-bound roles (sales,
 * store_manager) have stores, so admin, hq and service users are never a
 * sale's salesperson. Else field salesperson_id. One query per sale. */
static int check_salesperson(struct db *db, const struct sale_input *in, struct err *e)
{
	static const char sql[] =
		"SELECT 1 FROM users u JOIN user_stores us ON us.user_id = u.id "
		"WHERE u.id = ? AND u.active = 1 AND us.store_id = ?";
	if (!in->salesperson_id)
		return 0;
	struct db_stmt *st = db_query(db, e, sql, "ii", in->salesperson_id, in->store_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	db_reset(st);
	if (rc != DB_ROW)
		err_field(e, "salesperson_id", "is not an active user of this store");
	return 0;
}

/* The salespeople of a shared sale: 1..4, distinct, the shares all given
 * summing to 10000 or all omitted (even split, the remainder to the
 * first), each an active user of the sale's store (one query). Answers a
 * copy of in with the shares filled in and salesperson_id the first (a
 * different salesperson_id given is a field error); in itself when the
 * sale names no salespeople. Field errors are noted in e. */
static int check_salespeople(struct db *db, struct arena *a, const struct sale_input *in,
			     const struct sale_input **out, struct err *e)
{
	static const char sql[] =
		"SELECT u.id FROM users u JOIN user_stores us ON us.user_id = u.id "
		"WHERE u.id IN (?, ?, ?, ?) AND u.active = 1 AND us.store_id = ?";
	int n = in->nsalespeople;
	*out = in;
	if (!in->salespeople)
		return 0;
	if (n < 1 || n > SALE_MAX_SALESPEOPLE) {
		err_field(e, "salespeople", "must hold 1 to %d people", SALE_MAX_SALESPEOPLE);
		return 0;
	}
	struct sale_input *c = arena_alloc(a, sizeof *c);
	*c = *in;
	c->salespeople = arena_calloc(a, (size_t)n, sizeof *c->salespeople);
	memcpy(c->salespeople, in->salespeople, (size_t)n * sizeof *in->salespeople);
	int given = 0, bad = 0;
	int64_t sum = 0;
	char f[48];
	for (int i = 0; i < n; i++) {
		const struct sale_person_input *sp = &c->salespeople[i];
		if (sp->share_bp >= 0) {
			given++;
			sum += sp->share_bp;
		}
		for (int k = 0; k < i; k++)
			if (c->salespeople[k].user_id == sp->user_id) {
				snprintf(f, sizeof f, "salespeople[%d].user_id", i);
				err_field(e, f, "is named twice");
				bad = 1;
			}
	}
	if (given && (given != n || sum != 10000)) {
		err_field(e, "salespeople", "give every share_bp, summing to 10000, or none "
					    "(an even split)");
		bad = 1;
	}
	if (!given) {
		for (int i = 0; i < n; i++)
			c->salespeople[i].share_bp = 10000 / n;
		c->salespeople[0].share_bp += 10000 % n;
	}
	if (in->salesperson_id && in->salesperson_id != c->salespeople[0].user_id) {
		err_field(e, "salesperson_id", "must be the first of salespeople (or left out)");
		bad = 1;
	}
	c->salesperson_id = c->salespeople[0].user_id;
	*out = c;
	if (bad)
		return 0;
	int64_t id[SALE_MAX_SALESPEOPLE];
	for (int i = 0; i < SALE_MAX_SALESPEOPLE; i++)
		id[i] = c->salespeople[i < n ? i : 0].user_id;
	struct db_stmt *st = db_query(db, e, sql, "iiiii", id[0], id[1], id[2], id[3], in->store_id);
	if (!st)
		return db_fail(e);
	int found[SALE_MAX_SALESPEOPLE] = {0}, rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t u = db_col_int64(st, 0);
		for (int i = 0; i < n; i++)
			if (c->salespeople[i].user_id == u)
				found[i] = 1;
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	for (int i = 0; i < n; i++)
		if (!found[i]) {
			snprintf(f, sizeof f, "salespeople[%d].user_id", i);
			err_field(e, f, "is not an active user of this store");
		}
	return 0;
}

/* VAT contained in a price: total × rate / (10000 + rate), half-up. */
static int64_t vat_of(int64_t total, int64_t rate)
{
	__int128 num = (__int128)total * rate, den = 10000 + rate;
	return (int64_t)((num + den / 2) / den);
}

/* The receipt number <store code>-<YYYYMMDD>-<NNNN>, gapless per store and
 * day because the counter moves inside the sale's transaction. */
static int next_number(struct db *db, struct arena *a, const struct store *s, const char *day,
		       char **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO receipt_counters (store_id, day, last) VALUES (?, ?, 1) "
		"ON CONFLICT (store_id, day) DO UPDATE SET last = receipt_counters.last + 1 "
		"RETURNING last";
	struct db_stmt *st = db_query(db, e, sql, "it", s->id, day);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	*out = arena_printf(a, "%s-%.4s%.2s%.2s-%04lld", s->code, day, day + 5, day + 8,
			    (long long)n);
	return 0;
}

/* Payments against the total, with cash rounding (抹零): the cash still due
 * after the other tenders is rounded down to the store's unit, and the
 * difference becomes *rounding. Only cash may exceed what is due. */
static int settle(const struct sale_input *in, int64_t total, int64_t unit,
		  struct sale_totals *t, struct err *e)
{
	int64_t cash = 0, other = 0;
	int64_t *rounding = &t->rounding, *paid = &t->paid, *change = &t->change;
	for (int i = 0; i < in->npayments; i++) {
		int64_t *acc = strcmp(in->payments[i].method, "cash") == 0 ? &cash : &other;
		if (money_sum(acc, in->payments[i].amount) < 0) {
			err_field(e, "payments", "the payments add up to more than can be recorded");
			return err_fields_done(e);
		}
	}
	*rounding = 0;
	if (other > total) {
		err_field(e, "payments", "non-cash payments exceed the total");
		return err_fields_done(e);
	}
	int64_t due = total - other;
	if (cash > 0 && unit > 1)
		*rounding = due % unit;
	due -= *rounding;
	if (cash < due) {
		err_field(e, "payments", "the payments do not cover the total (%lld still due)",
			  (long long)(due - cash));
		return err_fields_done(e);
	}
	*change = cash - due;
	*paid = other + cash - *change;
	return 0;
}

/* Spreads an order-level discount over the lines by their remaining value. */
static int spread(struct pline *lines, int n, int64_t amount, const char *source,
		  int64_t source_id, struct err *e)
{
	int64_t *w = xcalloc((size_t)n, sizeof *w), *parts = xcalloc((size_t)n, sizeof *parts);
	for (int i = 0; i < n; i++)
		w[i] = lines[i].gross - lines[i].discount;
	int rc = money_prorate(amount, w, n, parts) < 0
			 ? err_set(e, ERR_INVALID, "the discount cannot be spread")
			 : 0;
	for (int i = 0; rc == 0 && i < n; i++)
		rc = add_discount(&lines[i], source, source_id, parts[i], e);
	free(w);
	free(parts);
	return rc;
}

/* Discounts every line by bp of what is left of it (a tier's discount). */
static int spread_bp(struct pline *lines, int n, int64_t bp, const char *source,
		     int64_t source_id, struct err *e)
{
	int64_t base = 0, amount;
	for (int i = 0; i < n; i++)
		if (money_sum(&base, lines[i].gross - lines[i].discount) < 0)
			return err_set(e, ERR_INVALID, "the sale's total is too large");
	if (money_mul_bp(base, bp, &amount) < 0)
		return err_set(e, ERR_INVALID, "the discount overflows");
	return spread(lines, n, amount, source, source_id, e);
}

static int insert_all(struct db *db, const struct actor *who, const struct sale_input *in,
		      const struct store *s, struct pline *lines, int n, int64_t shift_id,
		      const char *number, int64_t at, const char *day,
		      const struct sale_totals *t, int64_t approved_by,
		      const struct loyalty_sale *ls, int64_t *sale_id, struct err *e)
{
	static const char sql_sale[] =
		"INSERT INTO sales (number, store_id, shift_id, customer_id, cashier_id, "
		"salesperson_id, at, day, status, subtotal, discount_total, rounding, vat_total, "
		"total, paid, change_due, manual_discount_bp, approved_by, note, offline_at, "
		"points_earned, points_redeemed, utc_offset, promotions_applied) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id";
	static const char sql_line[] =
		"INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, list_price, "
		"unit_price, price_overridden, gross, discount, total, vat_rate, vat, unit_cost, "
		"promotion_id, is_gift, category_id) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	static const char sql_disc[] =
		"INSERT INTO sale_line_discounts (sale_line_id, source, source_id, amount) "
		"VALUES (?, ?, ?, ?)";
	static const char sql_pay[] =
		"INSERT INTO sale_payments (sale_id, method, amount, reference) VALUES (?, ?, ?, ?)";
	static const char sql_people[] =
		"INSERT INTO sale_salespeople (sale_id, user_id, share_bp) VALUES (?, ?, ?)";
	int64_t uid = who->user ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, sql_sale, "tiIIiIitiiiiiiiiItIiiii", number, s->id,
				      shift_id, in->customer_id, uid, in->salesperson_id, at, day,
				      t->subtotal, t->discount, t->rounding, t->vat, t->total, t->paid,
				      t->change,
				      in->manual_discount_bp, approved_by, in->note, in->offline_at,
				      ls->points_earned, ls->points_redeemed, ts_utc_offset(at),
				      (int64_t)!in->skip_promotions);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	*sale_id = db_col_int64(st, 0);
	db_reset(st);
	for (int i = 0; i < n; i++) {
		struct pline *l = &lines[i];
		st = db_query(db, e, sql_line, "iiiiiiiiiiiiIIiI", *sale_id, (int64_t)i + 1,
			      l->product_id, l->quantity, l->list_price, l->unit_price,
			      (int64_t)l->overridden, l->gross, l->discount, l->total, l->vat_rate,
			      l->vat, l->unit_cost < 0 ? 0 : l->unit_cost, l->promotion_id,
			      (int64_t)l->is_gift, l->category_id);
		if (!st || db_step(st, e) != DB_ROW)
			return db_fail(e);
		int64_t line_id = db_col_int64(st, 0);
		db_reset(st);
		for (int k = 0; k < l->nd; k++) {
			st = db_query(db, e, sql_disc, "itIi", line_id, l->d[k].source,
				      l->d[k].source_id, l->d[k].amount);
			if (!st || db_run(st, e) < 0)
				return db_fail(e);
		}
	}
	for (int i = 0; i < in->nsalespeople; i++) {
		st = db_query(db, e, sql_people, "iii", *sale_id, in->salespeople[i].user_id,
			      in->salespeople[i].share_bp);
		if (!st || db_run(st, e) < 0)
			return db_fail(e);
	}
	for (int i = 0; i < in->npayments; i++) {
		st = db_query(db, e, sql_pay, "itit", *sale_id, in->payments[i].method,
			      in->payments[i].amount, in->payments[i].reference);
		if (!st || db_run(st, e) < 0)
			return db_fail(e);
	}
	return 0;
}

/* Everything a sale needs, read and checked before it is written. */
struct sale_plan {
	const struct sale_input *in;
	struct store *s;
	struct pline *lines;
	int n;
	struct sale_totals tot;
	int64_t approved_by;
	struct coupon_sale *coupons; /* redeemed by sale_write */
	int64_t at;     /* when it is recorded (the offline time for offline sales) */
	int64_t now;
	char day[11];
	struct loyalty_sale loyalty; /* the customer's part */
};

/* The stock moves, rollups and journal record of the sale just inserted. */
static int write_effects(struct db *db, const struct actor *who, const struct sale_plan *p,
			 int64_t sale_id, const char *number, int *negative, struct err *e)
{
	const struct sale_input *in = p->in;
	const struct sale_totals *t = &p->tot;
	struct sale_effect_line *fl = xcalloc((size_t)p->n, sizeof *fl);
	for (int i = 0; i < p->n; i++) {
		const struct pline *l = &p->lines[i];
		fl[i] = (struct sale_effect_line){
			.product_id = l->product_id, .category_id = l->category_id,
			.quantity = l->quantity, .unit_cost = l->unit_cost, .total = l->total,
			.vat = l->vat, .cost = l->cost, .discount = l->discount, .line_no = i,
			.sku = l->sku, .name = l->name};
	}
	/* The journal record from memory (the verifier reads the same text
	 * back from the tables). */
	int64_t uid = who->user ? who->user->id : 0;
	struct buf jb;
	buf_init(&jb, 0);
	journal_fmt_sale(&jb, sale_id, number, p->s->id, uid, p->at, t->subtotal, t->discount,
			 t->rounding, t->vat, t->total);
	for (int i = 0; i < p->n; i++)
		journal_fmt_line(&jb, i + 1, p->lines[i].product_id, p->lines[i].quantity,
				 p->lines[i].unit_price, p->lines[i].discount, p->lines[i].total,
				 p->lines[i].vat);
	for (int i = 0; i < in->npayments; i++)
		journal_fmt_pay(&jb, in->payments[i].method, in->payments[i].amount);
	journal_fmt_points(&jb, p->loyalty.points_earned, p->loyalty.points_redeemed);
	journal_fmt_promotions(&jb, !in->skip_promotions);
	struct sale_effects fx = {
		.kind = SALE_FX_SALE, .store_id = p->s->id, .day = p->day,
		.staff_id = in->salesperson_id ? in->salesperson_id : uid,
		.customer_id = in->customer_id,
		.rounding = t->rounding, .doc_type = "sale", .doc_id = sale_id,
		.offline = in->offline_at != 0,
		.store_allows_negative = p->s->allow_negative_stock, .lines = fl, .n = p->n,
		.journal_kind = "sale", .journal_doc_id = sale_id, .journal_at = p->now,
		.journal_content = jb.data};
	int rc = sale_effects_apply(db, who, &fx, negative, e);
	buf_release(&jb);
	free(fl);
	return rc;
}


/* sale_plan; a preview (sale_preview) may come without payments and
 * audits no granted approval. */
static int plan(struct db *db, struct arena *a, const struct actor *who,
		const struct sale_input *in, int preview, struct sale_plan **out,
		struct err *e)
{
	/* Input checks only note fields: the product checks below add theirs,
	 * so that one answer lists every bad field. */
	check_input(in, e);
	int rc;

	struct store *s = NULL;
	if ((rc = store_get(db, a, in->store_id, &s, e)) == ERR_NOT_FOUND) {
		/* a field error, listed with the others */
		e->code = 0;
		e->msg[0] = 0;
		err_field(e, "store_id", "does not exist");
	} else if (rc < 0) {
		goto fail;
	} else if (!s->active) {
		err_field(e, "store_id", "the store is closed");
	}

	/* Shared credit: the first salesperson is the sale's salesperson (one
	 * query checks them all, so the single check is skipped). */
	if ((rc = check_salespeople(db, a, in, &in, e)) < 0 ||
	    (!in->salespeople && (rc = check_salesperson(db, in, e)) < 0))
		goto fail;
	struct loyalty_sale ls;
	if ((rc = loyalty_sale_load(db, who, in, &ls, e)) < 0)
		goto fail;

	int n = in->nlines, cap = in->nlines + SALE_MAX_GIFTS + COUPON_MAX_PER_SALE;
	struct pline *lines = arena_calloc(a, (size_t)cap, sizeof *lines);
	for (int i = 0; i < in->nlines; i++)
		if ((in->lines[i].product_id || in->lines[i].barcode) &&
		    (rc = resolve_line(db, a, i, &in->lines[i], &lines[i], e)) < 0)
			goto fail;
	if (err_fields_done(e) < 0)
		goto fail;

	/* Price each line: the catalog price, or a permitted override. */
	for (int i = 0; i < in->nlines; i++) {
		struct pline *l = &lines[i];
		if (in->lines[i].unit_price >= 0 && in->lines[i].unit_price != l->list_price) {
			/* An offline till rang the price it had cached: one that is
			 * no longer the catalog's stands without price_override only
			 * when it was the catalog's when the sale was made. */
			int64_t then = -1;
			if (!in->may_override_price &&
			    (rc = price_at(db, l->product_id, in->offline_at, &then, e)) < 0)
				goto fail;
			if (!in->may_override_price && then != in->lines[i].unit_price) {
				char f[48];
				snprintf(f, sizeof f, "lines[%d].unit_price", i);
				err_field(e, f, "was not the product's price when the sale was made: "
						"needs the price_override permission");
				continue;
			}
			l->unit_price = in->lines[i].unit_price;
			l->overridden = 1;
			l->gross = 0;
		}
		if ((l->gross == 0 && money_mul_qty(l->unit_price, l->quantity, &l->gross) < 0) ||
		    l->gross > MONEY_MAX) {
			char f[48];
			snprintf(f, sizeof f, "lines[%d].quantity", i);
			err_field(e, f, "the line's value is too large");
		}
	}
	if (e->nfields)
		goto fail_fields;

	struct sale_plan *p = arena_alloc(a, sizeof *p);
	p->now = ts_now_ms();
	p->at = in->offline_at ? in->offline_at : p->now;
	ts_day(p->at, p->day, sizeof p->day);
	/* An offline sale is recorded as it happened: the gift was given. */
	if (!in->skip_promotions &&
	    (rc = apply_promotions(db, a, s->id, s->allow_negative_stock || in->offline_at, p->at,
				   lines, &n, cap, e)) < 0)
		goto fail;
	/* The customer's tier discount, on what the promotions left (automatic
	 * too: not for a till that could not see it). */
	if (!in->skip_promotions && ls.tier_discount_bp > 0 &&
	    (rc = spread_bp(lines, n, ls.tier_discount_bp, "tier", ls.tier_id, e)) < 0)
		goto fail;

	/* Coupons: after the tier discount, before the manual discount. */
	p->coupons = NULL;
	if (in->ncoupons &&
	    (rc = apply_coupons(db, a, in, s->id, p->at, lines, &n, cap, &p->coupons, e)) < 0)
		goto fail;

	int64_t approved_by = 0;
	if (in->manual_discount_bp > 0) {
		if (in->manual_discount_bp > manual_cap_bp(who->user ? who->user->role : 0) &&
		    check_approval(db, a, who, in, preview, &approved_by, e) < 0)
			goto fail;
		int64_t base = 0, amount;
		for (int i = 0; i < n; i++) {
			if (money_sum(&base, lines[i].gross - lines[i].discount) < 0) {
				err_field(e, "lines", "the sale's total is too large");
				goto fail_fields;
			}
		}
		if (money_mul_bp(base, in->manual_discount_bp, &amount) < 0 ||
		    spread(lines, n, amount, "manual", 0, e) < 0) {
			if (!e->code)
				err_set(e, ERR_INVALID, "the discount overflows");
			goto fail;
		}
	}

	/* Totals are exactly the sums of the lines, each sum checked. */
	struct sale_totals *tot = &p->tot;
	*tot = (struct sale_totals){0};
	for (int i = 0; i < n; i++) {
		struct pline *l = &lines[i];
		l->total = l->gross - l->discount;
		l->vat = vat_of(l->total, l->vat_rate);
		if (l->unit_cost > 0 && money_mul_qty(l->unit_cost, l->quantity, &l->cost) < 0)
			l->cost = -1;
		if (l->cost < 0 || l->cost > MONEY_MAX || money_sum(&tot->subtotal, l->gross) < 0 ||
		    money_sum(&tot->discount, l->discount) < 0 ||
		    money_sum(&tot->vat, l->vat) < 0 || money_sum(&tot->total, l->total) < 0) {
			err_field(e, "lines", "the sale's total is too large");
			goto fail_fields;
		}
	}
	/* Points redeemed pay as a `points` tender after the client's. */
	int client_payments = in->npayments;
	if ((rc = loyalty_sale_redeem(&ls, tot->total, e)) < 0)
		goto fail;
	if (ls.points_value > 0) {
		struct sale_input *pin = arena_alloc(a, sizeof *pin);
		*pin = *in;
		pin->payments = arena_calloc(a, (size_t)in->npayments + 1, sizeof *pin->payments);
		if (in->npayments)
			memcpy(pin->payments, in->payments, (size_t)in->npayments * sizeof *in->payments);
		pin->payments[pin->npayments++] =
			(struct sale_payment_input){.method = "points", .amount = ls.points_value};
		in = pin;
	}
	if (preview && client_payments == 0) {
		/* Nothing tendered yet: nothing to settle. */
		tot->rounding = tot->change = 0;
		tot->paid = tot->total;
	} else if (settle(in, tot->total, s->cash_rounding, tot, e) < 0) {
		goto fail;
	}
	loyalty_sale_earn(&ls, tot->paid);
	p->loyalty = ls;
	p->in = in;
	p->s = s;
	p->lines = lines;
	p->n = n;
	p->approved_by = approved_by;
	*out = p;
	return 0;
fail_fields:
	return err_fields_done(e);
fail:
	return db_fail(e);
}

int sale_plan(struct db *db, struct arena *a, const struct actor *who,
	      const struct sale_input *in, struct sale_plan **out, struct err *e)
{
	return plan(db, a, who, in, 0, out, e);
}

/* The stock the plan would move, read only, in the order sale_effects_apply
 * moves it (by product): the first line that would take a product below
 * zero where that is refused gets the sale's own refusal
 * (sale_effects_refused); *negative is set when an allowed move would end
 * below zero (the sale's negative_stock). */
static int preview_stock(struct db *db, const struct sale_plan *p, int *negative, struct err *e)
{
	int allow = p->s->allow_negative_stock || p->in->offline_at;
	int *order = xcalloc((size_t)p->n, sizeof *order);
	int64_t left = 0;
	int rc = 0;
	*negative = 0;
	stock_order_by_product(&p->lines[0].product_id, sizeof p->lines[0], p->n, order);
	for (int k = 0; k < p->n; k++) {
		const struct pline *l = &p->lines[order[k]];
		if ((k == 0 || p->lines[order[k - 1]].product_id != l->product_id) &&
		    (rc = stock_on_hand(db, p->s->id, l->product_id, &left, e)) < 0)
			break;
		left -= l->quantity;
		if (left >= 0)
			continue;
		if (allow) {
			*negative = 1;
			continue;
		}
		struct sale_effect_line fl = {.line_no = order[k], .sku = l->sku, .name = l->name};
		rc = sale_effects_refused(&fl, e);
		break;
	}
	free(order);
	return rc < 0 ? db_fail(e) : 0;
}

/* The plan as sale_get renders a stored sale: what is not decided before
 * the write (id, number, shift, line ids) is 0, "" or null. */
static json_t *id_or_null(int64_t v);

/* {user_id, share_bp}: one person a sale is credited to. */
static json_t *person_json(int64_t user_id, int64_t share_bp)
{
	return json_pack("{s:I,s:I}", "user_id", (json_int_t)user_id, "share_bp",
			 (json_int_t)share_bp);
}

static json_t *plan_json(const struct actor *who, const struct sale_plan *p, int negative)
{
	const struct sale_input *in = p->in;
	struct sale_head h = {
		.store_id = p->s->id, .customer_id = in->customer_id,
		.cashier_id = who->user ? who->user->id : 0, .salesperson_id = in->salesperson_id,
		.at = p->at, .number = "", .day = p->day, .status = "completed",
		.subtotal = p->tot.subtotal, .discount_total = p->tot.discount,
		.rounding = p->tot.rounding, .vat_total = p->tot.vat, .total = p->tot.total,
		.paid = p->tot.paid, .change_due = p->tot.change,
		.points_earned = p->loyalty.points_earned,
		.points_redeemed = p->loyalty.points_redeemed,
		.manual_discount_bp = in->manual_discount_bp, .approved_by = p->approved_by,
		.offline_at = in->offline_at, .negative_stock = negative,
		.promotions_applied = !in->skip_promotions, .note = in->note};
	json_t *o = sale_head_to_json(&h);
	json_t *lines = json_array();
	for (int i = 0; i < p->n; i++) {
		const struct pline *l = &p->lines[i];
		json_t *d = json_array();
		for (int k = 0; k < l->nd; k++)
			json_array_append_new(d, json_pack("{s:s,s:o,s:I}", "source", l->d[k].source,
							   "source_id", id_or_null(l->d[k].source_id),
							   "amount", (json_int_t)l->d[k].amount));
		json_t *lo = json_pack("{s:i,s:I,s:s,s:s,s:o,s:I,s:I,s:b,s:I,s:I,s:I,s:I,s:I}",
				       "id", 0, "product_id", (json_int_t)l->product_id, "sku",
				       l->sku, "name", l->name, "quantity", jx_qty_value(l->quantity),
				       "list_price", (json_int_t)l->list_price, "unit_price",
				       (json_int_t)l->unit_price, "price_overridden", l->overridden,
				       "gross", (json_int_t)l->gross, "discount",
				       (json_int_t)l->discount, "total", (json_int_t)l->total,
				       "vat_rate", (json_int_t)l->vat_rate, "vat", (json_int_t)l->vat);
		json_object_set_new(lo, "promotion_id", id_or_null(l->promotion_id));
		json_object_set_new(lo, "is_gift", json_boolean(l->is_gift));
		json_object_set_new(lo, "returned_quantity", json_integer(0));
		json_object_set_new(lo, "refunded", json_integer(0));
		json_object_set_new(lo, "discounts", d);
		json_array_append_new(lines, lo);
	}
	json_object_set_new(o, "lines", lines);
	json_t *pays = json_array();
	for (int i = 0; i < in->npayments; i++)
		json_array_append_new(pays, json_pack("{s:s,s:I,s:o}", "method",
						      in->payments[i].method, "amount",
						      (json_int_t)in->payments[i].amount, "reference",
						      jx_strn(in->payments[i].reference)));
	json_object_set_new(o, "payments", pays);
	json_object_set_new(o, "returns", json_array());
	json_t *people = json_array();
	for (int i = 0; i < in->nsalespeople; i++)
		json_array_append_new(people, person_json(in->salespeople[i].user_id,
							  in->salespeople[i].share_bp));
	if (!in->nsalespeople)
		json_array_append_new(people, person_json(h.salesperson_id ? h.salesperson_id
									   : h.cashier_id, 10000));
	json_object_set_new(o, "salespeople", people);
	return o;
}

/* One code path for the figures: the preview is sale_plan itself — the
 * same pricing, promotions, tier, coupons, approval, points, rounding and
 * VAT as the sale — rendered from memory instead of written. sale_plan
 * writes nothing (the sale's writes all sit in sale_write), so no
 * transaction is opened or rolled back and no write lock is taken: the
 * till may call it on every cart change. The one check that the write
 * makes (stock, by its conditional update) is repeated here as a read. */
int sale_preview(struct db *db, struct arena *a, const struct actor *who,
		 const struct sale_input *in, json_t **out, struct err *e)
{
	struct sale_plan *p;
	int negative = 0;
	int rc = plan(db, a, who, in, 1, &p, e);
	if (rc < 0 || (rc = preview_stock(db, p, &negative, e)) < 0)
		return rc;
	*out = plan_json(who, p, negative);
	return 0;
}

int sale_replay(struct db *db, const struct actor *who, const char *key,
		const char *request_hash, int64_t *id, struct err *e)
{
	json_t *prior = NULL;
	int rc = idem_peek(db, who, key, request_hash, &prior, e);
	if (rc != 1)
		return rc;
	/* The stored answer names the sale; it is rendered afresh. */
	*id = json_integer_value(json_object_get(prior, "id"));
	json_decref(prior);
	return *id > 0 ? 1 : err_set(e, ERR_INTERNAL, "the stored answer has no sale id");
}

int sale_write(struct db *db, struct arena *a, const struct actor *who,
	       const char *key, const char *request_hash,
	       const struct sale_plan *p, int64_t *id, int *replayed,
	       struct err *e)
{
	static const char sql_flag[] = "UPDATE sales SET negative_stock = 1 WHERE id = ?";
	const struct sale_input *in = p->in;
	const struct store *s = p->s;
	struct pline *lines = p->lines;
	const struct sale_totals *tot = &p->tot;
	int n = p->n;
	int64_t shift_id = 0, sale_id = 0;
	*replayed = 0;
	json_t *prior = NULL;
	int rc = idem_claim(db, who, key, request_hash, &prior, e);
	if (rc != 0) {
		if (rc == 1) {
			/* Made meanwhile by a request with the same key. */
			*id = json_integer_value(json_object_get(prior, "id"));
			json_decref(prior);
			*replayed = 1;
			return *id > 0 ? 0 : err_set(e, ERR_INTERNAL, "the stored answer has no sale id");
		}
		return rc;
	}
	char *number = NULL;
	if ((rc = shift_current(db, who, s->id, in->register_id ? in->register_id : "1", 1,
				&shift_id, e)) < 0 ||
	    (rc = next_number(db, a, s, p->day, &number, e)) < 0 ||
	    (rc = insert_all(db, who, in, s, lines, n, shift_id, number, p->at, p->day, tot,
			     p->approved_by, &p->loyalty, &sale_id, e)) < 0 ||
	    (rc = coupon_sale_redeem(db, p->coupons, sale_id, s->id, p->now, e)) < 0)
		goto fail;
	int negative = 0;
	if ((rc = write_effects(db, who, p, sale_id, number, &negative, e)) < 0)
		goto fail;
	if (negative) {
		struct db_stmt *st = db_query(db, e, sql_flag, "i", sale_id);
		if (!st || db_run(st, e) < 0)
			goto fail;
	}
	if ((rc = loyalty_sale_write(db, &p->loyalty, sale_id, s->id, who->user ? who->user->id : 0,
				     p->at, tot->paid, e)) < 0)
		goto fail;
	json_t *summary = json_pack("{s:s,s:I,s:I,s:b}", "number", number, "total",
				    (json_int_t)tot->total, "rounding", (json_int_t)tot->rounding,
				    "price_override", 0);
	if (in->skip_promotions)
		json_object_set_new(summary, "apply_promotions", json_false());
	for (int i = 0; i < n; i++)
		if (lines[i].overridden)
			json_object_set_new(summary, "price_override", json_true());
	rc = audit_add(db, who, "create", "sale", sale_id, s->id, NULL, summary, e);
	json_decref(summary);
	if (rc < 0)
		goto fail;
	json_t *answer = json_pack("{s:I}", "id", (json_int_t)sale_id);
	rc = idem_store(db, who, key, answer, e);
	json_decref(answer);
	if (rc < 0)
		goto fail;
	*id = sale_id;
	return 0;
fail:
	return db_fail(e);
}

int sale_commit(struct db *db, struct arena *a, const struct actor *who,
		const char *key, const char *request_hash,
		const struct sale_plan *p, int64_t *id, int *replayed,
		struct err *e)
{
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = sale_write(db, a, who, key, request_hash, p, id, replayed, e)) < 0) {
		db_rollback(db);
		return rc;
	}
	rc = *replayed ? db_rollback(db) : db_commit(db, e);
	return rc < 0 ? db_fail(e) : 0;
}

/* ---- reading ---- */

#define SALE_COLS                                                              \
	"id, number, store_id, shift_id, customer_id, cashier_id, salesperson_id, at, day, "  \
	"status, subtotal, discount_total, rounding, vat_total, total, paid, change_due, "    \
	"points_earned, points_redeemed, manual_discount_bp, approved_by, note, offline_at, " \
	"negative_stock, refunded_total, voided_by, voided_at, void_reason, promotions_applied"
/* The columns of SALE_COLS, in order. */
enum sale_col {
	SC_ID, SC_NUMBER, SC_STORE_ID, SC_SHIFT_ID, SC_CUSTOMER_ID, SC_CASHIER_ID,
	SC_SALESPERSON_ID, SC_AT, SC_DAY, SC_STATUS, SC_SUBTOTAL, SC_DISCOUNT_TOTAL,
	SC_ROUNDING, SC_VAT_TOTAL, SC_TOTAL, SC_PAID, SC_CHANGE_DUE, SC_POINTS_EARNED,
	SC_POINTS_REDEEMED, SC_MANUAL_DISCOUNT_BP, SC_APPROVED_BY, SC_NOTE, SC_OFFLINE_AT,
	SC_NEGATIVE_STOCK, SC_REFUNDED_TOTAL, SC_VOIDED_BY, SC_VOIDED_AT, SC_VOID_REASON,
	SC_PROMOTIONS_APPLIED,
};

static json_t *opt_id(struct db_stmt *st, int c)
{
	return db_col_null(st, c) || db_col_int64(st, c) == 0 ? json_null()
							     : json_integer(db_col_int64(st, c));
}

/* Reads the SALE_COLS row of st into h, its texts copied into a. A NULL
 * id-like column (shift, customer, ...) reads as 0, as do NULL times. */
static void head_read(struct db_stmt *st, struct arena *a, struct sale_head *h)
{
	h->id = db_col_int64(st, SC_ID);
	h->number = arena_strdup(a, db_col_text(st, SC_NUMBER));
	h->store_id = db_col_int64(st, SC_STORE_ID);
	h->shift_id = db_col_int64(st, SC_SHIFT_ID);
	h->customer_id = db_col_int64(st, SC_CUSTOMER_ID);
	h->cashier_id = db_col_int64(st, SC_CASHIER_ID);
	h->salesperson_id = db_col_int64(st, SC_SALESPERSON_ID);
	h->at = db_col_int64(st, SC_AT);
	h->day = arena_strdup(a, db_col_text(st, SC_DAY));
	h->status = arena_strdup(a, db_col_text(st, SC_STATUS));
	h->subtotal = db_col_int64(st, SC_SUBTOTAL);
	h->discount_total = db_col_int64(st, SC_DISCOUNT_TOTAL);
	h->rounding = db_col_int64(st, SC_ROUNDING);
	h->vat_total = db_col_int64(st, SC_VAT_TOTAL);
	h->total = db_col_int64(st, SC_TOTAL);
	h->paid = db_col_int64(st, SC_PAID);
	h->change_due = db_col_int64(st, SC_CHANGE_DUE);
	h->points_earned = db_col_int64(st, SC_POINTS_EARNED);
	h->points_redeemed = db_col_int64(st, SC_POINTS_REDEEMED);
	h->manual_discount_bp = db_col_int64(st, SC_MANUAL_DISCOUNT_BP);
	h->approved_by = db_col_int64(st, SC_APPROVED_BY);
	h->note = arena_strdup(a, db_col_text(st, SC_NOTE));
	h->offline_at = db_col_null(st, SC_OFFLINE_AT) ? 0 : db_col_int64(st, SC_OFFLINE_AT);
	h->negative_stock = db_col_int64(st, SC_NEGATIVE_STOCK) != 0;
	h->refunded_total = db_col_int64(st, SC_REFUNDED_TOTAL);
	h->voided_by = db_col_int64(st, SC_VOIDED_BY);
	h->voided_at = db_col_null(st, SC_VOIDED_AT) ? 0 : db_col_int64(st, SC_VOIDED_AT);
	h->void_reason = arena_strdup(a, db_col_text(st, SC_VOID_REASON));
	h->promotions_applied = db_col_int64(st, SC_PROMOTIONS_APPLIED) != 0;
}

static json_t *id_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

json_t *sale_head_to_json(const struct sale_head *h)
{
	/* The integer fields rendered as they are. */
	static const struct {
		const char *name;
		size_t off;
	} amounts[] = {
		{"subtotal", offsetof(struct sale_head, subtotal)},
		{"discount_total", offsetof(struct sale_head, discount_total)},
		{"rounding", offsetof(struct sale_head, rounding)},
		{"vat_total", offsetof(struct sale_head, vat_total)},
		{"total", offsetof(struct sale_head, total)},
		{"paid", offsetof(struct sale_head, paid)},
		{"change_due", offsetof(struct sale_head, change_due)},
		{"points_earned", offsetof(struct sale_head, points_earned)},
		{"points_redeemed", offsetof(struct sale_head, points_redeemed)},
		{"manual_discount_bp", offsetof(struct sale_head, manual_discount_bp)},
	};
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(h->id));
	json_object_set_new(o, "number", json_string(h->number));
	json_object_set_new(o, "store_id", json_integer(h->store_id));
	json_object_set_new(o, "shift_id", id_or_null(h->shift_id));
	json_object_set_new(o, "customer_id", id_or_null(h->customer_id));
	json_object_set_new(o, "cashier_id", json_integer(h->cashier_id));
	json_object_set_new(o, "salesperson_id", id_or_null(h->salesperson_id));
	json_object_set_new(o, "at", jx_time(h->at));
	json_object_set_new(o, "day", json_string(h->day));
	json_object_set_new(o, "status", json_string(h->status));
	for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++)
		json_object_set_new(o, amounts[i].name,
				    json_integer(*(const int64_t *)((const char *)h +
								    amounts[i].off)));
	json_object_set_new(o, "approved_by", id_or_null(h->approved_by));
	json_object_set_new(o, "note", jx_strn(h->note));
	json_object_set_new(o, "offline_at", jx_time(h->offline_at));
	json_object_set_new(o, "negative_stock", json_boolean(h->negative_stock));
	json_object_set_new(o, "refunded_total", json_integer(h->refunded_total));
	json_object_set_new(o, "voided_by", id_or_null(h->voided_by));
	json_object_set_new(o, "voided_at", jx_time(h->voided_at));
	json_object_set_new(o, "void_reason", jx_strn(h->void_reason));
	json_object_set_new(o, "apply_promotions", json_boolean(h->promotions_applied));
	return o;
}

/* The array `key` of the object of list whose "id" is id; NULL when none.
 * sale_get hangs each child row (a discount, a returned line, a refund
 * tender) under its parent this way. */
static json_t *child_array(json_t *list, int64_t id, const char *key)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			return json_object_get(x, key);
	return NULL;
}

int sale_get(struct db *db, int64_t id, json_t **out, int64_t *store_id, struct err *e)
{
	/* The count of shared-credit rows rides along, so an unshared sale
	 * (most) costs no extra query. */
	static const char sql_sale[] =
		"SELECT " SALE_COLS ", (SELECT COUNT(*) FROM sale_salespeople sp "
		"WHERE sp.sale_id = sales.id) FROM sales WHERE id = ?";
	static const char sql_lines[] =
		"SELECT l.id, l.product_id, p.sku, p.name, l.quantity, l.list_price, l.unit_price, "
		"l.price_overridden, l.gross, l.discount, l.total, l.vat_rate, l.vat, "
		"l.promotion_id, l.is_gift, l.returned_quantity, l.refunded "
		"FROM sale_lines l JOIN products p ON p.id = l.product_id "
		"WHERE l.sale_id = ? ORDER BY l.line_no";
	/* The columns of sql_lines, in order. */
	enum {
		LC_ID, LC_PRODUCT_ID, LC_SKU, LC_NAME, LC_QUANTITY, LC_LIST_PRICE, LC_UNIT_PRICE,
		LC_PRICE_OVERRIDDEN, LC_GROSS, LC_DISCOUNT, LC_TOTAL, LC_VAT_RATE, LC_VAT,
		LC_PROMOTION_ID, LC_IS_GIFT, LC_RETURNED_QUANTITY, LC_REFUNDED
	};
	static const char sql_disc[] =
		"SELECT d.sale_line_id, d.source, d.source_id, d.amount FROM sale_line_discounts d "
		"JOIN sale_lines l ON l.id = d.sale_line_id WHERE l.sale_id = ? ORDER BY d.sale_line_id";
	static const char sql_pay[] =
		"SELECT method, amount, reference FROM sale_payments WHERE sale_id = ? ORDER BY id";
	static const char sql_ret[] =
		"SELECT id, kind, at, user_id, refund_total, refund_method, reason, points_reversed, "
		"refund_override FROM sale_returns WHERE sale_id = ? ORDER BY id";
	static const char sql_ret_tenders[] =
		"SELECT t.return_id, t.method, t.amount FROM sale_return_tenders t "
		"JOIN sale_returns r ON r.id = t.return_id WHERE r.sale_id = ? ORDER BY t.id";
	static const char sql_ret_lines[] =
		"SELECT rl.return_id, rl.sale_line_id, rl.product_id, rl.quantity, rl.refund "
		"FROM sale_return_lines rl JOIN sale_returns r ON r.id = rl.return_id "
		"WHERE r.sale_id = ? ORDER BY rl.id";
	static const char sql_people[] =
		"SELECT user_id, share_bp FROM sale_salespeople WHERE sale_id = ? "
		"ORDER BY CASE WHEN user_id = ? THEN 0 ELSE 1 END, user_id";
	struct db_stmt *st = db_query(db, e, sql_sale, "i", id);
	int rc = db_get_row(st, "sale", id, e);
	if (rc < 0)
		return rc;
	struct arena *ha = arena_new();
	struct sale_head h;
	head_read(st, ha, &h);
	int shared = db_col_int64(st, SC_PROMOTIONS_APPLIED + 1) > 0;
	db_reset(st);
	json_t *o = sale_head_to_json(&h);
	*store_id = h.store_id;
	arena_free(ha);

	json_t *lines = json_array();
	json_object_set_new(o, "lines", lines);
	if (!(st = db_query(db, e, sql_lines, "i", id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *l = json_object();
		json_object_set_new(l, "id", json_integer(db_col_int64(st, LC_ID)));
		json_object_set_new(l, "product_id", json_integer(db_col_int64(st, LC_PRODUCT_ID)));
		json_object_set_new(l, "sku", json_string(db_col_text(st, LC_SKU)));
		json_object_set_new(l, "name", json_string(db_col_text(st, LC_NAME)));
		json_object_set_new(l, "quantity", jx_qty_value(db_col_int64(st, LC_QUANTITY)));
		json_object_set_new(l, "list_price", json_integer(db_col_int64(st, LC_LIST_PRICE)));
		json_object_set_new(l, "unit_price", json_integer(db_col_int64(st, LC_UNIT_PRICE)));
		json_object_set_new(l, "price_overridden",
				    json_boolean(db_col_int64(st, LC_PRICE_OVERRIDDEN)));
		json_object_set_new(l, "gross", json_integer(db_col_int64(st, LC_GROSS)));
		json_object_set_new(l, "discount", json_integer(db_col_int64(st, LC_DISCOUNT)));
		json_object_set_new(l, "total", json_integer(db_col_int64(st, LC_TOTAL)));
		json_object_set_new(l, "vat_rate", json_integer(db_col_int64(st, LC_VAT_RATE)));
		json_object_set_new(l, "vat", json_integer(db_col_int64(st, LC_VAT)));
		json_object_set_new(l, "promotion_id", opt_id(st, LC_PROMOTION_ID));
		json_object_set_new(l, "is_gift", json_boolean(db_col_int64(st, LC_IS_GIFT)));
		json_object_set_new(l, "returned_quantity",
				    jx_qty_value(db_col_int64(st, LC_RETURNED_QUANTITY)));
		json_object_set_new(l, "refunded", json_integer(db_col_int64(st, LC_REFUNDED)));
		json_object_set_new(l, "discounts", json_array());
		json_array_append_new(lines, l);
	}
	if (rc < 0 || !(st = db_query(db, e, sql_disc, "i", id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *to = child_array(lines, db_col_int64(st, 0), "discounts");
		if (to)
			json_array_append_new(to, json_pack("{s:s,s:o,s:I}", "source",
							    db_col_text(st, 1), "source_id",
							    opt_id(st, 2), "amount",
							    (json_int_t)db_col_int64(st, 3)));
	}
	json_t *pays = json_array();
	json_object_set_new(o, "payments", pays);
	if (rc < 0 || !(st = db_query(db, e, sql_pay, "i", id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(pays, json_pack("{s:s,s:I,s:o}", "method", db_col_text(st, 0),
						      "amount", (json_int_t)db_col_int64(st, 1),
						      "reference", jx_strn(db_col_text(st, 2))));
	json_t *rets = json_array();
	json_object_set_new(o, "returns", rets);
	if (rc < 0 || !(st = db_query(db, e, sql_ret, "i", id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(rets, json_pack(
			"{s:I,s:s,s:o,s:I,s:I,s:s,s:o,s:I,s:b,s:[],s:[]}", "id",
			(json_int_t)db_col_int64(st, 0), "kind", db_col_text(st, 1), "at",
			jx_time(db_col_int64(st, 2)), "user_id", (json_int_t)db_col_int64(st, 3),
			"refund_total", (json_int_t)db_col_int64(st, 4), "refund_method",
			db_col_text(st, 5), "reason", jx_strn(db_col_text(st, 6)), "points_reversed",
			(json_int_t)db_col_int64(st, 7), "refund_override",
			(int)db_col_int64(st, 8), "refunds", "lines"));
	if (rc < 0 || !(st = db_query(db, e, sql_ret_lines, "i", id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *to = child_array(rets, db_col_int64(st, 0), "lines");
		if (to)
			json_array_append_new(to, json_pack("{s:I,s:I,s:o,s:I}", "line_id",
				(json_int_t)db_col_int64(st, 1), "product_id",
				(json_int_t)db_col_int64(st, 2), "quantity",
				jx_qty_value(db_col_int64(st, 3)), "refund",
				(json_int_t)db_col_int64(st, 4)));
	}
	/* A sale without returns (every fresh sale) reads no tenders. */
	if (rc < 0 || (json_array_size(rets) && !(st = db_query(db, e, sql_ret_tenders, "i", id))))
		goto fail;
	while (json_array_size(rets) && (rc = db_step(st, e)) == DB_ROW) {
		json_t *to = child_array(rets, db_col_int64(st, 0), "refunds");
		if (to)
			json_array_append_new(to, json_pack("{s:s,s:I}", "method",
							    db_col_text(st, 1), "amount",
							    (json_int_t)db_col_int64(st, 2)));
	}
	if (rc < 0)
		goto fail;
	/* Who the sale is credited to: its rows, the first salesperson first;
	 * without rows, wholly the salesperson (else the cashier). */
	json_t *people = json_array();
	json_object_set_new(o, "salespeople", people);
	if (shared && !(st = db_query(db, e, sql_people, "ii", id, h.salesperson_id)))
		goto fail;
	while (shared && (rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(people, person_json(db_col_int64(st, 0), db_col_int64(st, 1)));
	if (rc < 0)
		goto fail;
	if (!json_array_size(people))
		json_array_append_new(people, person_json(h.salesperson_id ? h.salesperson_id
									   : h.cashier_id, 10000));
	*out = o;
	return 0;
fail:
	json_decref(o);
	return db_fail(e);
}

int sale_list(struct db *db, struct arena *a, const struct sale_filter *f,
	      struct sale_head **out, int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " SALE_COLS " FROM sales WHERE id < ? "
		"AND (? = 0 OR store_id = ?) AND (? = 0 OR customer_id = ?) "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"AND at >= ? AND at < ? AND (CAST(? AS TEXT) IS NULL OR status = ?) "
		"ORDER BY id DESC LIMIT ?";
	/* One customer's sales through the customer index (sales_customer):
	 * the generic statement walks every sale from the newest. */
	static const char sql_customer[] =
		"SELECT " SALE_COLS " FROM sales WHERE customer_id = ? AND id < ? "
		"AND (? = 0 OR store_id = ?) "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"AND at >= ? AND at < ? AND (CAST(? AS TEXT) IS NULL OR status = ?) "
		"ORDER BY id DESC LIMIT ?";
	/* A receipt number names one sale (unique): its index, the other
	 * filters still applied. */
	static const char sql_number[] =
		"SELECT " SALE_COLS " FROM sales WHERE number = ? AND id < ? "
		"AND (? = 0 OR store_id = ?) AND (? = 0 OR customer_id = ?) "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"AND at >= ? AND at < ? AND (CAST(? AS TEXT) IS NULL OR status = ?) "
		"ORDER BY id DESC LIMIT ?";
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	int64_t to = f->to > 0 ? f->to : INT64_MAX;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct sale_head));
	struct db_stmt *st =
		f->number
			? db_query(db, e, sql_number, "tiiiiiiiiitti", f->number, before, f->store_id,
				   f->store_id, f->customer_id, f->customer_id, f->scope_user_id,
				   f->scope_user_id, f->from, to, f->status, f->status,
				   page_fetch(&pg))
		: f->customer_id
			? db_query(db, e, sql_customer, "iiiiiiiitti", f->customer_id, before,
				   f->store_id, f->store_id, f->scope_user_id, f->scope_user_id,
				   f->from, to, f->status, f->status, page_fetch(&pg))
			: db_query(db, e, sql, "iiiiiiiiitti", before, f->store_id, f->store_id,
				   f->customer_id, f->customer_id, f->scope_user_id,
				   f->scope_user_id, f->from, to, f->status, f->status,
				   page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		head_read(st, a, page_add(&pg));
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}
