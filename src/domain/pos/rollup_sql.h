/* rollup_sql.h: SQL text shared by the rollups' recompute SELECTs
 * (rollup_rebuild.c, rollup_report.c): the parts of returned lines. */
#ifndef TERSA_ROLLUP_SQL_H
#define TERSA_ROLLUP_SQL_H

/* A line's cost as the sale counted it: a known positive unit cost × units,
 * rounded half up (money_mul_qty). */
#define RX_LINE_COST "CASE WHEN l.unit_cost > 0 THEN (l.unit_cost * l.quantity + 500) / 1000 ELSE 0 END"

/* The share of `a` that goes with `d` of n units, half up (cumulative() in
 * sale_return.c), and the part of one return: the cumulative share after
 * it less the share before it (b units returned earlier). */
#define RX_CUM(a, d) "(CASE WHEN (" d ") >= n THEN (" a ") ELSE (2 * (" a ") * (" d ") + n) / (2 * n) END)"
#define RX_PART(a) "(" RX_CUM(a, "b + q") " - " RX_CUM(a, "b") ")"

/* Returned lines with their parts. lr: each line's share of its sale's cash
 * rounding (refund_rounding_shares: the floor of the pro-rata share, then one
 * unit more to the largest remainders, earlier lines first), only for sales
 * with a rounding and a return. rp: a return line, the units of its sale
 * line returned before it (b) and the sale line's amounts. rx: the parts. */
#define ROLLUP_RETURN_PARTS                                                                        \
	"rsale AS (SELECT DISTINCT r.sale_id FROM sale_returns r JOIN sales s "        \
	"ON s.id = r.sale_id WHERE s.rounding > 0), "                                       \
	"lsum AS (SELECT l.sale_id, CAST(SUM(l.total) AS BIGINT) AS s FROM sale_lines l "                   \
	"WHERE l.sale_id IN (SELECT sale_id FROM rsale) GROUP BY l.sale_id), "              \
	"lx AS (SELECT l.id, l.sale_id, s.rounding, s.rounding * l.total / t.s AS base, "   \
	"ROW_NUMBER() OVER (PARTITION BY l.sale_id ORDER BY s.rounding * l.total % t.s DESC, " \
	"l.line_no) AS rn, s.rounding * l.total % t.s AS rem "                              \
	"FROM lsum t JOIN sales s ON s.id = t.sale_id JOIN sale_lines l ON l.sale_id = s.id " \
	"WHERE t.s > 0), "                                                                  \
	"lr AS (SELECT id, base + CASE WHEN rem > 0 AND rn <= rounding - "                  \
	"CAST(SUM(base) OVER (PARTITION BY sale_id) AS BIGINT) THEN 1 ELSE 0 END AS rs FROM lx), "          \
	"rb AS (SELECT o.id, o.return_id, o.sale_line_id, o.quantity AS q, "                \
	"CAST(COALESCE(SUM(o.quantity) OVER (PARTITION BY o.sale_line_id ORDER BY o.id "    \
	"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS b "             \
	"FROM sale_return_lines o), "                                                       \
	"rp AS (SELECT r.id AS return_id, r.day, r.store_id, "                              \
	"COALESCE(s.salesperson_id, s.cashier_id) AS staff_id, l.product_id, "              \
	"COALESCE(l.category_id, 0) AS category_id, rb.q, rb.b, l.quantity AS n, "          \
	"l.total AS lt, COALESCE(lr.rs, 0) AS rs, l.discount AS ld, l.vat AS lv, "          \
	RX_LINE_COST " AS lc FROM sale_returns r JOIN rb ON rb.return_id = r.id "              \
	"JOIN sale_lines l ON l.id = rb.sale_line_id JOIN sales s ON s.id = r.sale_id "     \
	"LEFT JOIN lr ON lr.id = l.id WHERE r.kind = 'return'), "                           \
	"rx AS (SELECT return_id, day, store_id, staff_id, product_id, category_id, q, "   \
	RX_PART("lt - rs") " + " RX_PART("rs") " AS t, " RX_PART("rs") " AS rnd, " RX_PART("ld")        \
	" AS disc, " RX_PART("lv") " AS vat, " RX_PART("lc") " AS cost FROM rp)"

#endif
