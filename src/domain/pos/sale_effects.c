/* sale_effects.c: the stock moves, day rollups and journal record of a
 * sale, a return or a void, in the caller's transaction. */
#include "domain/pos/sale_effects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "domain/pos/journal.h"
#include "domain/pos/rollup.h"
#include "domain/pos/rollup_report.h"
#include "domain/pos/rollup_customer.h"
#include "domain/stock/stock.h"

/* qsort order of category rows: by category id. */
static int by_category(const void *a, const void *b)
{
	const struct rollup_delta *x = a, *y = b;
	return x->category_id < y->category_id ? -1 : x->category_id > y->category_id;
}

static int too_large(struct err *e)
{
	err_field(e, "lines", "the amounts add up to more than can be recorded");
	return err_fields_done(e);
}

int sale_effects_refused(const struct sale_effect_line *l, struct err *e)
{
	char f[48];
	const char *sku = l->sku ? l->sku : "", *name = l->name ? l->name : "";
	snprintf(f, sizeof f, "lines[%d].quantity", l->line_no);
	err_init(e);
	err_field(e, f, "more than the stock of %s %s", sku, name);
	return err_set(e, ERR_INSUFFICIENT_STOCK, "not enough stock of %s %s", sku, name);
}

/* Moves the stock of one line; maps a refusal to the line's field. */
static int move_line(struct db *db, const struct actor *who, const struct sale_effects *fx,
		     const struct sale_effect_line *l, int *negative, struct err *e)
{
	int sale = fx->kind == SALE_FX_SALE;
	struct stock_move_input mv = {
		.store_id = fx->store_id, .product_id = l->product_id,
		.quantity = sale ? -l->quantity : l->quantity,
		.kind = sale ? "sale" : "return", .doc_type = fx->doc_type, .doc_id = fx->doc_id,
		.unit_cost = l->unit_cost,
		.negative = sale && fx->offline ? STOCK_NEG_ALLOW : STOCK_NEG_STORE,
		.checked = sale, .store_allows_negative = fx->store_allows_negative};
	int64_t after = 0;
	int rc = stock_move_add(db, who, &mv, &after, NULL, e);
	if (rc == ERR_INSUFFICIENT_STOCK)
		return sale_effects_refused(l, e);
	if (rc < 0)
		return rc;
	if (after < 0 && negative)
		*negative = 1;
	return 0;
}

int sale_effects_apply(struct db *db, const struct actor *who, const struct sale_effects *fx,
		       int *negative, struct err *e)
{
	int n = fx->n, rc = 0;
	int64_t sign = fx->kind == SALE_FX_SALE ? 1 : -1;
	int64_t order_sign = fx->kind == SALE_FX_RETURN ? 0 : sign;
	struct rollup_delta sd = {.day = fx->day, .store_id = fx->store_id, .orders = order_sign};
	int64_t revenue = 0, vat = 0, cost = 0, discount = 0, units = 0;
	if (negative)
		*negative = 0;
	/* The sums first, checked, so that an overflow writes nothing. Units
	 * are thousandths, not money: only int64 bounds them. */
	for (int i = 0; i < n; i++) {
		const struct sale_effect_line *l = &fx->lines[i];
		if (money_sum(&revenue, l->total) < 0 || money_sum(&vat, l->vat) < 0 ||
		    money_sum(&cost, l->cost) < 0 || money_sum(&discount, l->discount) < 0 ||
		    money_add(units, l->quantity, &units) < 0)
			return too_large(e);
	}
	int64_t paid;
	if (money_sub(revenue, fx->rounding, &paid) < 0 || money_sum(&discount, fx->rounding) < 0)
		return too_large(e);

	int *order = xcalloc((size_t)(n > 0 ? n : 1), sizeof *order);
	struct rollup_delta *cats = xcalloc((size_t)(n > 0 ? n : 1), sizeof *cats);
	int ncats = 0;
	if (n > 0)
		stock_order_by_product(&fx->lines[0].product_id, sizeof fx->lines[0], n, order);
	for (int k = 0; k < n && rc == 0; k++) {
		const struct sale_effect_line *l = &fx->lines[order[k]];
		if ((rc = move_line(db, who, fx, l, negative, e)) < 0)
			break;
		/* Lines of one product count the order once in its row. */
		int first = k == 0 || fx->lines[order[k - 1]].product_id != l->product_id;
		struct rollup_delta d = {.day = fx->day, .store_id = fx->store_id,
					 .product_id = l->product_id,
					 .category_id = l->category_id, .revenue = sign * l->total,
					 .vat = sign * l->vat, .cost = sign * l->cost,
					 .discount = sign * l->discount, .units = sign * l->quantity,
					 .orders = first ? order_sign : 0,
					 .returns = fx->kind == SALE_FX_RETURN && first,
					 .refunded = fx->kind == SALE_FX_RETURN ? l->total : 0};
		if ((rc = rollup_product(db, &d, e)) < 0)
			break;
		d.orders = order_sign; /* once per category: the first row keeps it */
		d.returns = fx->kind == SALE_FX_RETURN;
		rollup_collect(cats, &ncats, &d);
	}
	free(order);
	if (rc == 0) {
		/* Category rows, like balance rows, are locked in one order. */
		qsort(cats, (size_t)ncats, sizeof *cats, by_category);
		rc = rollup_categories(db, cats, ncats, e);
	}
	free(cats);
	if (rc < 0)
		return rc;

	/* The store row: what was paid (or refunded); the rounding is discount. */
	sd.revenue = sign * paid;
	sd.vat = sign * vat;
	sd.cost = sign * cost;
	sd.discount = sign * discount;
	sd.units = sign * units;
	if (fx->kind == SALE_FX_RETURN) {
		sd.returns = 1;
		sd.refunded = paid;
	}
	if ((rc = rollup_store(db, &sd, e)) < 0 || (rc = rollup_report_apply(db, fx, &sd, e)) < 0)
		return rc;
	if (fx->customer_id && (rc = rollup_customer(db, &sd, fx->customer_id, e)) < 0)
		return rc;
	sd.staff_id = fx->staff_id;
	if (sd.staff_id && (rc = rollup_staff(db, &sd, e)) < 0)
		return rc;
	return journal_append(db, fx->store_id, fx->journal_kind, fx->journal_doc_id,
			      fx->journal_at, fx->journal_content, e);
}
