/* staff_facts.c: credited sales and returns per day, store and person (see
 * staff_facts.h). */
#include "domain/staff/staff_facts.h"

#include <stdio.h>

#include "db/page.h"
#include "domain/pos/rollup_sql.h"

int64_t staff_x_round(int64_t x)
{
	return x >= 0 ? (x + 5000) / 10000 : -((-x + 5000) / 10000);
}

/* The person a row is credited to, and the share. */
#define CREDIT_USER "COALESCE(sp.user_id, s.salesperson_id, s.cashier_id)"
#define CREDIT_BP "COALESCE(sp.share_bp, 10000)"
#define RET_COST "CASE WHEN l.unit_cost > 0 THEN (l.unit_cost * rl.quantity + 500) / 1000 ELSE 0 END"

int staff_facts_load(struct db *db, struct arena *a, const char *from, const char *to,
		     int64_t store_id, int64_t category_id, int64_t user_id,
		     struct staff_fact **out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT day, store_id, user_id, CAST(SUM(rev) AS BIGINT), CAST(SUM(vat) AS BIGINT), "
		"CAST(SUM(cost) AS BIGINT), CAST(SUM(disc) AS BIGINT), CAST(SUM(gross) AS BIGINT), "
		"CAST(SUM(units) AS BIGINT), CAST(SUM(refunded) AS BIGINT), CAST(SUM(txns) AS BIGINT), "
		"CAST(SUM(txn_x) AS BIGINT), CAST(SUM(rets) AS BIGINT) FROM ("
		/* sales: first per sale and person, so a sale counts once */
		" SELECT day, store_id, user_id, SUM(rev) AS rev, SUM(vat) AS vat, SUM(cost) AS cost,"
		" SUM(disc) AS disc, SUM(gross) AS gross, SUM(units) AS units, 0 AS refunded,"
		" COUNT(*) AS txns, SUM(bp) AS txn_x, 0 AS rets FROM ("
		"  SELECT s.id, s.day, s.store_id, " CREDIT_USER " AS user_id, " CREDIT_BP " AS bp,"
		"  SUM(" CREDIT_BP " * l.total) AS rev, SUM(" CREDIT_BP " * l.vat) AS vat,"
		"  SUM(" CREDIT_BP " * (" RX_LINE_COST ")) AS cost, SUM(" CREDIT_BP " * l.discount) AS disc,"
		"  SUM(" CREDIT_BP " * l.gross) AS gross, SUM(" CREDIT_BP " * l.quantity) AS units"
		"  FROM sales s LEFT JOIN sale_salespeople sp ON sp.sale_id = s.id"
		"  JOIN sale_lines l ON l.sale_id = s.id"
		"  WHERE s.status <> 'voided' AND s.day >= ? AND s.day <= ? AND (? = 0 OR s.store_id = ?)"
		"  AND (? = 0 OR l.category_id = ?)"
		"  GROUP BY s.id, s.day, s.store_id, " CREDIT_USER ", " CREDIT_BP
		" ) x WHERE (? = 0 OR user_id = ?) GROUP BY day, store_id, user_id"
		" UNION ALL"
		/* returns: negative, on the return's day and store */
		" SELECT r.day, r.store_id, " CREDIT_USER ", -SUM(" CREDIT_BP " * rl.refund),"
		" -SUM(" CREDIT_BP " * rl.vat), -SUM(" CREDIT_BP " * (" RET_COST ")), 0, 0,"
		" -SUM(" CREDIT_BP " * rl.quantity), SUM(" CREDIT_BP " * rl.refund), 0, 0,"
		" COUNT(DISTINCT r.id)"
		" FROM sale_returns r JOIN sales s ON s.id = r.sale_id"
		" LEFT JOIN sale_salespeople sp ON sp.sale_id = s.id"
		" JOIN sale_return_lines rl ON rl.return_id = r.id"
		" JOIN sale_lines l ON l.id = rl.sale_line_id"
		" WHERE r.kind = 'return' AND r.day >= ? AND r.day <= ? AND (? = 0 OR r.store_id = ?)"
		" AND (? = 0 OR l.category_id = ?) AND (? = 0 OR " CREDIT_USER " = ?)"
		" GROUP BY r.day, r.store_id, " CREDIT_USER
		") f GROUP BY day, store_id, user_id ORDER BY day, store_id, user_id";
	struct page pg;
	page_init_all(&pg, a, sizeof(struct staff_fact));
	struct db_stmt *st = db_query(db, e, sql, "ttiiiiiittiiiiii", from, to, store_id, store_id,
				      category_id, category_id, user_id, user_id, from, to,
				      store_id, store_id, category_id, category_id, user_id,
				      user_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct staff_fact *f = page_add(&pg);
		snprintf(f->day, sizeof f->day, "%s", db_col_text(st, 0));
		f->store_id = db_col_int64(st, 1);
		f->user_id = db_col_int64(st, 2);
		f->revenue_x = db_col_int64(st, 3);
		f->vat_x = db_col_int64(st, 4);
		f->cost_x = db_col_int64(st, 5);
		f->discount_x = db_col_int64(st, 6);
		f->gross_x = db_col_int64(st, 7);
		f->units_x = db_col_int64(st, 8);
		f->refunded_x = db_col_int64(st, 9);
		f->txns = db_col_int64(st, 10);
		f->txn_x = db_col_int64(st, 11);
		f->returns = db_col_int64(st, 12);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}
