/* shift_close.c: times closing a shift (the Z-report) and reading its
 * running totals, for shifts of N sales put straight into a fresh database
 * (SQLite file or PostgreSQL URL). Built and run by bench/shift.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/pos/shift.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what, const struct err *e)
{
	fprintf(stderr, "shift_close: %s: %s\n", what, e->msg);
	exit(1);
}

/* Runs one statement with int64 parameters; column 0 of its first row. */
static int64_t run(struct db *db, const char *sql, int n, int64_t a, int64_t b)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_prepare(db, sql, &e);
	if (!st)
		die(sql, &e);
	if (n > 0)
		db_bind_int64(st, 1, a);
	if (n > 1)
		db_bind_int64(st, 2, b);
	int rc = db_step(st, &e);
	if (rc < 0)
		die(sql, &e);
	int64_t v = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	return v;
}

/* A shift of n sales: 3 lines each, paid in cash (with change) or by card,
 * every 100th voided, every 20th partly returned in cash. */
static int64_t fixture(struct db *db, int64_t store, int64_t product, int k, int64_t n)
{
	static const char sql_shift[] =
	    "INSERT INTO shifts (store_id, register, status, opened_by, opened_at, opening_cash) "
	    "VALUES (?, 'bench-' || CAST(? AS TEXT), 'open', 0, 1000, 50000) RETURNING id";
	static const char sql_sales[] =
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
	    "INSERT INTO sales (number, store_id, shift_id, cashier_id, at, day, status, "
	    "subtotal, discount_total, rounding, vat_total, total, paid, change_due) "
	    "SELECT 'B' || CAST(s.id AS TEXT) || '-' || CAST(i AS TEXT), s.store_id, s.id, 1, "
	    "2000 + i, '2026-11-27', CASE WHEN i % 100 = 0 THEN 'voided' ELSE 'completed' END, "
	    "900, i % 3, 0, 104, 900 - i % 3, 900 - i % 3, "
	    "CASE WHEN i % 2 = 0 THEN 100 ELSE 0 END FROM n CROSS JOIN shifts s WHERE s.id = ?";
	static const char sql_lines[] =
	    "INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, list_price, "
	    "unit_price, gross, discount, total, vat_rate, vat) "
	    "SELECT s.id, k.k, ?, 1000, 300, 300, 300, 0, 300, 1300, 35 FROM sales s "
	    "CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k "
	    "WHERE s.shift_id = ?";
	static const char sql_pays[] =
	    "INSERT INTO sale_payments (sale_id, method, amount) "
	    "SELECT id, CASE WHEN change_due > 0 THEN 'cash' ELSE 'card' END, paid + change_due "
	    "FROM sales WHERE shift_id = ?";
	static const char sql_rets[] =
	    "INSERT INTO sale_returns (sale_id, store_id, shift_id, kind, at, day, user_id, "
	    "refund_total, refund_method) SELECT id, store_id, shift_id, 'return', 3000, "
	    "'2026-11-27', 1, 300, 'cash' FROM sales WHERE shift_id = ? AND id % 20 = 7";
	struct err e;
	err_init(&e);
	if (db_begin(db, 1, &e) < 0)
		die("begin", &e);
	int64_t shift = run(db, sql_shift, 2, store, k);
	run(db, sql_sales, 2, n, shift);
	run(db, sql_lines, 2, product, shift);
	run(db, sql_pays, 1, shift, 0);
	run(db, sql_rets, 1, shift, 0);
	if (db_commit(db, &e) < 0)
		die("commit", &e);
	return shift;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
		        "usage: shift_close <sqlite file | postgresql://url> [sales] [rounds]\n");
		return 2;
	}
	int64_t n = argc > 2 ? strtoll(argv[2], NULL, 10) : 10000;
	int rounds = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 5;
	if (n < 1 || rounds < 1 || rounds > 100)
		return 2;
	struct db *db;
	struct err e;
	err_init(&e);
	if (db_open(argv[1], &db, &e) < 0 || db_migrate(db, NULL, &e) < 0)
		die("open", &e);
	int64_t store = run(db,
	                    "INSERT INTO stores (code, name, channel, created_at, updated_at) "
	                    "VALUES ('BENCH', 'Bench', 'direct', 1, 1) RETURNING id",
	                    0, 0, 0);
	int64_t product =
	    run(db,
	        "INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
	        "updated_at) VALUES ('BENCH', 'Bench', 'pcs', 300, 1300, 1, 1) RETURNING id",
	        0, 0, 0);
	double *tclose = calloc((size_t)rounds, sizeof *tclose);
	double *tget = calloc((size_t)rounds, sizeof *tget);
	double tfix = 0;
	struct actor sys = {0};
	struct shift_counted counted = {
	    .cash = 50000, .card = -1, .wechat = -1, .alipay = -1, .voucher = -1};
	for (int k = 0; k < rounds; k++) {
		double t0 = now_ms();
		int64_t shift = fixture(db, store, product, k, n);
		tfix += now_ms() - t0;
		json_t *out;
		int64_t sid;
		t0 = now_ms();
		if (shift_get(db, shift, &out, &sid, &e) < 0)
			die("shift_get", &e);
		tget[k] = now_ms() - t0;
		json_decref(out);
		t0 = now_ms();
		if (shift_close(db, &sys, shift, &counted, &out, &e) < 0)
			die("shift_close", &e);
		tclose[k] = now_ms() - t0;
		json_t *sales = json_object_get(out, "sales");
		if (json_integer_value(json_object_get(sales, "count")) != n - n / 100) {
			fprintf(stderr, "shift_close: wrong sales count\n");
			return 1;
		}
		json_decref(out);
	}
	qsort(tclose, (size_t)rounds, sizeof *tclose, cmp);
	qsort(tget, (size_t)rounds, sizeof *tget, cmp);
	printf("engine %s, %lld sales per shift (3 lines each), %d shifts, %lld sales in the table "
	       "at the end\n",
	       db_kind_name(db), (long long)n, rounds,
	       (long long)run(db, "SELECT COUNT(*) FROM sales", 0, 0, 0));
	printf("fixture: %.0f ms per shift (direct SQL inserts)\n", tfix / rounds);
	printf("GET totals (open shift): min %.1f ms, median %.1f ms, max %.1f ms\n", tget[0],
	       tget[rounds / 2], tget[rounds - 1]);
	printf("close (Z-report):        min %.1f ms, median %.1f ms, max %.1f ms\n", tclose[0],
	       tclose[rounds / 2], tclose[rounds - 1]);
	int ok = tclose[rounds - 1] < 1000.0;
	printf("goal: close < 1000 ms: %s\n", ok ? "met" : "MISSED");
	free(tclose);
	free(tget);
	db_close(db);
	return ok ? 0 : 1;
}
