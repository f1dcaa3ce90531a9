/* rollup_report.h: the report rollups (hour of day, payment method, brand,
 * category with its subtree, month × product) that every sale, return and
 * void keeps current beside the day rollups, and their recomputation from
 * the stored sales. */
#ifndef TERSA_ROLLUP_REPORT_H
#define TERSA_ROLLUP_REPORT_H

#include "base/err.h"
#include "db/db.h"
#include "domain/pos/rollup.h"
#include "domain/pos/sale_effects.h"

/* Adds fx to the report rollups inside the caller's write transaction:
 * month × store × product, day and month × product (every store), day × store ×
 * brand and day and month × store × category subtree
 * from fx's lines (a sale once per product, brand and category node; rows
 * locked in ascending key order), day × store × hour from store_row (the
 * store row's delta: what was paid, the rounding as discount) at the hour
 * of the document's time, and day × store × payment method from the sale's
 * payments (net of change) or the return's refund tenders, read back by
 * fx->doc_id. 0 or negative (e filled). */
int rollup_report_apply(struct db *db, const struct sale_effects *fx,
			const struct rollup_delta *store_row, struct err *e);

/* The recomputation of each report rollup from sales, sale_lines,
 * sale_payments, sale_returns, sale_return_lines, sale_return_tenders,
 * products and categories: a SELECT yielding exactly the table's columns
 * in order, for rollup_defs[] (rollup_rebuild, rollup_check). The hour's
 * takes 3 parameters, each the company zone's UTC offset in seconds (exact
 * for zones without daylight saving time, such as Asia/Shanghai); the
 * others none. */
extern const char rollup_recompute_hour[];         /* rollup_day_store_hour */
extern const char rollup_recompute_payment[];      /* rollup_day_store_payment */
extern const char rollup_recompute_brand[];        /* rollup_day_store_brand */
extern const char rollup_recompute_category_tree[]; /* rollup_day_store_category_tree */
extern const char rollup_recompute_month_store_product[];
extern const char rollup_recompute_month_category_tree[];
extern const char rollup_recompute_month_product[];
extern const char rollup_recompute_day_product[];

#endif
