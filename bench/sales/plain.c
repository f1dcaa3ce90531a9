/* plain.c: the engine's own ceiling for a sale. It performs the writes of
 * one POST /api/v1/sales directly on SQLite — idempotency key, receipt
 * counter, sale, lines, payment, stock balance and move per line, the
 * rollups (day × store, product, category and staff; every store's day and
 * month per product, month × store × product, brand, hour, payment method,
 * customer), the journal head and record, the stored answer and the audit row —
 * one transaction per sale, in the same synchronous mode as the server, with
 * no HTTP, JSON or validation. Each sale is drawn as bench/sales/sale.lua
 * draws it: a random store, 1..MAXLINES distinct random products (product i
 * costs 100 + (i % 50) * 10), written in product order. With CUSTOMERS > 0
 * each sale also has a customer of 1..CUSTOMERS who earns points, written as
 * the server writes them: the customer, program and tier read, the account
 * read again under the write lock, the balance, the points ledger entry (a
 * lot with its expiry), the purchase aggregates, the store link, and the
 * tier check over the customer's sales of the last 365 days. Usage: plain DB
 * SALES STORES PRODUCTS MAXLINES [CUSTOMERS] (DB already migrated, with those
 * stores, products in stock and customers). Prints sales/s and latency
 * percentiles. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, "plain: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

/* Binds "i" int64 / "t" text arguments, steps to the end, resets; returns
 * the first column of the first row (or 0). */
static long long run(sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
		else
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	long long first = 0;
	int rc, row = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!row++)
			first = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE)
		die(sqlite3_sql(st));
	sqlite3_reset(st);
	return first;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

/* xorshift64*: the same sales on every run. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static long long price_of(long long product) { return 100 + (product % 50) * 10; }
/* VAT at 13% contained in a price, rounded half up. */
static long long vat_of(long long price) { return (price * 1300 + 5650) / 11300; }

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: plain DB SALES STORES PRODUCTS MAXLINES [CUSTOMERS]\n");
		return 2;
	}
	int n = (int)strtol(argv[2], NULL, 10), stores = (int)strtol(argv[3], NULL, 10);
	int products = (int)strtol(argv[4], NULL, 10), maxlines = (int)strtol(argv[5], NULL, 10);
	long long customers = argc == 7 ? strtoll(argv[6], NULL, 10) : 0;
	if (n < 1 || stores < 1 || maxlines < 1 || maxlines > 64 || products < maxlines) {
		fprintf(stderr, "plain: bad arguments\n");
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die("open");
	const char *sync = getenv("TERSA_SQLITE_SYNC") ? getenv("TERSA_SQLITE_SYNC") : "FULL";
	char pragma[128];
	snprintf(pragma, sizeof pragma,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON; "
		 "PRAGMA wal_autocheckpoint=8000;", sync);
	if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK)
		die("pragma");
	sqlite3_stmt *begin = prep("BEGIN IMMEDIATE"), *commit = prep("COMMIT");
	sqlite3_stmt *idem = prep("INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) "
				  "VALUES (1, ?, 'h', ?) ON CONFLICT (user_id, key) DO NOTHING");
	sqlite3_stmt *idem2 = prep("UPDATE idempotency_keys SET status = 201, response = ? "
				   "WHERE user_id = 1 AND key = ?");
	sqlite3_stmt *counter = prep("INSERT INTO receipt_counters (store_id, day, last) VALUES (?, ?, 1) "
				     "ON CONFLICT (store_id, day) DO UPDATE SET last = receipt_counters.last + 1 "
				     "RETURNING last");
	sqlite3_stmt *sale = prep("INSERT INTO sales (number, store_id, cashier_id, at, day, status, "
				  "subtotal, discount_total, vat_total, total, paid, change_due) "
				  "VALUES (?, ?, 1, ?, ?, 'completed', ?, 0, ?, ?, ?, 0) RETURNING id");
	sqlite3_stmt *line = prep("INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, "
				  "list_price, unit_price, gross, discount, total, vat_rate, vat) "
				  "VALUES (?, ?, ?, 1000, ?, ?, ?, 0, ?, 1300, ?)");
	sqlite3_stmt *pay = prep("INSERT INTO sale_payments (sale_id, method, amount) VALUES (?, 'card', ?)");
	sqlite3_stmt *bal = prep("UPDATE stock_balances SET on_hand = on_hand - 1000, updated_at = ? "
				 "WHERE store_id = ? AND product_id = ? AND on_hand >= 1000 RETURNING on_hand");
	sqlite3_stmt *move = prep("INSERT INTO stock_moves (store_id, product_id, quantity, kind, doc_type, "
				  "doc_id, user_id, balance_after, at) VALUES (?, ?, -1000, 'sale', 'sale', ?, 1, ?, ?)");
	sqlite3_stmt *rp = prep("INSERT INTO rollup_day_store_product (day, store_id, product_id, revenue, "
				"vat, cost, discount, orders, units) VALUES (?, ?, ?, ?, ?, 0, 0, 1, 1000) "
				"ON CONFLICT (day, store_id, product_id) DO UPDATE SET "
				"revenue = revenue + excluded.revenue, vat = vat + excluded.vat, "
				"units = units + excluded.units, orders = orders + 1");
	sqlite3_stmt *rs = prep("INSERT INTO rollup_day_store (day, store_id, revenue, orders, units) "
				"VALUES (?, ?, ?, 1, ?) ON CONFLICT (day, store_id) DO UPDATE SET "
				"revenue = revenue + excluded.revenue, orders = orders + 1, "
				"units = units + excluded.units");
	sqlite3_stmt *rc = prep("INSERT INTO rollup_day_store_category (day, store_id, category_id, revenue, "
				"vat, cost, discount, orders, units) VALUES (?, ?, 0, ?, ?, 0, 0, 1, ?) "
				"ON CONFLICT (day, store_id, category_id) DO UPDATE SET "
				"revenue = revenue + excluded.revenue, vat = vat + excluded.vat, "
				"orders = orders + 1, units = units + excluded.units");
	sqlite3_stmt *rst = prep("INSERT INTO rollup_day_store_staff (day, store_id, user_id, revenue, orders, "
				 "units) VALUES (?, ?, 1, ?, 1, ?) ON CONFLICT (day, store_id, user_id) DO UPDATE SET "
				 "revenue = revenue + excluded.revenue, orders = orders + 1, "
				 "units = units + excluded.units");
	/* The report rollups (0012) and the customer rollup (0013): every store's
	 * day and month rows per product, the month rows per store, the brand
	 * (products without one), the hour and the payment method. */
#define UPSERT_AMOUNTS "revenue = revenue + excluded.revenue, vat = vat + excluded.vat, " \
	"orders = orders + excluded.orders, units = units + excluded.units"
	sqlite3_stmt *rdp = prep("INSERT INTO rollup_day_product (day, product_id, revenue, vat, orders, "
				 "units) VALUES (?, ?, ?, ?, 1, 1000) ON CONFLICT (day, product_id) DO UPDATE SET "
				 UPSERT_AMOUNTS);
	sqlite3_stmt *rmsp = prep("INSERT INTO rollup_month_store_product (month, store_id, product_id, "
				  "revenue, vat, orders, units) VALUES (?, ?, ?, ?, ?, 1, 1000) "
				  "ON CONFLICT (month, store_id, product_id) DO UPDATE SET " UPSERT_AMOUNTS);
	sqlite3_stmt *rmp = prep("INSERT INTO rollup_month_product (month, product_id, revenue, vat, orders, "
				 "units) VALUES (?, ?, ?, ?, 1, 1000) ON CONFLICT (month, product_id) DO UPDATE SET "
				 UPSERT_AMOUNTS);
	sqlite3_stmt *rbr = prep("INSERT INTO rollup_day_store_brand (day, store_id, brand, revenue, vat, "
				 "orders, units) VALUES (?, ?, '', ?, ?, 1, ?) ON CONFLICT (day, store_id, brand) "
				 "DO UPDATE SET " UPSERT_AMOUNTS);
	sqlite3_stmt *rhr = prep("INSERT INTO rollup_day_store_hour (day, store_id, hour, revenue, vat, "
				 "orders, units) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (day, store_id, hour) "
				 "DO UPDATE SET " UPSERT_AMOUNTS);
	sqlite3_stmt *rpy = prep("INSERT INTO rollup_day_store_payment (day, store_id, method, revenue, "
				 "orders) VALUES (?, ?, 'card', ?, 1) ON CONFLICT (day, store_id, method) DO UPDATE SET "
				 "revenue = revenue + excluded.revenue, orders = orders + 1");
	sqlite3_stmt *rcu = prep("INSERT INTO rollup_day_store_customer (day, store_id, customer_id, orders, "
				 "revenue) VALUES (?, ?, ?, 1, ?) ON CONFLICT (day, store_id, customer_id) DO UPDATE "
				 "SET orders = orders + 1, revenue = revenue + excluded.revenue");
	sqlite3_stmt *jh = prep("INSERT INTO journal_heads (store_id, seq, hash) VALUES (?, 0, 'x') "
				"ON CONFLICT (store_id) DO NOTHING");
	sqlite3_stmt *jn = prep("UPDATE journal_heads SET seq = seq + 1 WHERE store_id = ? RETURNING seq");
	sqlite3_stmt *js = prep("UPDATE journal_heads SET hash = ? WHERE store_id = ?");
	sqlite3_stmt *ji = prep("INSERT INTO journal (store_id, seq, kind, doc_id, at, content, prev_hash, hash) "
				"VALUES (?, ?, 'sale', ?, ?, ?, 'p', 'h')");
	sqlite3_stmt *audit = prep("INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, "
				   "store_id, after_json) VALUES (?, 1, 'admin', 'create', 'sale', ?, ?, ?)");

	/* The customer's part, as src/domain/loyalty writes it. */
	sqlite3_stmt *c_read = prep("SELECT tier_id, points_balance, sv_paid_balance + sv_bonus_balance "
				    "FROM customers WHERE id = ?");
	sqlite3_stmt *c_prog = prep("SELECT points_per_yuan, point_value, expiry_days FROM loyalty_program "
				    "WHERE id = 1");
	sqlite3_stmt *c_tier = prep("SELECT id, min_spend, discount_bp, points_multiplier_bp FROM tiers "
				    "WHERE active = 1 ORDER BY min_spend, id LIMIT 1");
	sqlite3_stmt *c_lock = prep("SELECT points_balance, points_owed, sv_paid_balance, sv_bonus_balance "
				    "FROM customers WHERE id = ?");
	sqlite3_stmt *c_bal = prep("UPDATE customers SET points_balance = points_balance + ?, "
				   "points_owed = points_owed - ? WHERE id = ? AND points_owed >= ?");
	sqlite3_stmt *c_led = prep("INSERT INTO points_ledger (customer_id, at, kind, points, balance_after, "
				   "remaining, expires_at, sale_id, store_id, user_id) "
				   "VALUES (?, ?, 'earn', ?, ?, ?, ?, ?, ?, 1)");
	sqlite3_stmt *c_agg = prep("UPDATE customers SET lifetime_spend = lifetime_spend + ?, "
				   "orders_count = orders_count + 1, "
				   "first_purchase_at = CASE WHEN first_purchase_at IS NULL OR first_purchase_at > ? "
				   "THEN ? ELSE first_purchase_at END, "
				   "last_purchase_at = CASE WHEN last_purchase_at IS NULL OR last_purchase_at < ? "
				   "THEN ? ELSE last_purchase_at END WHERE id = ?");
	sqlite3_stmt *c_link = prep("INSERT INTO customer_stores (customer_id, store_id) VALUES (?, ?) "
				    "ON CONFLICT (customer_id, store_id) DO NOTHING");
	sqlite3_stmt *c_tid = prep("SELECT tier_id FROM customers WHERE id = ?");
	sqlite3_stmt *c_spend = prep("SELECT COALESCE(SUM(paid - refunded_total), 0) FROM sales "
				     "WHERE customer_id = ? AND at > ? AND at <= ? AND status <> 'voided'");
	sqlite3_stmt *c_reach = prep("SELECT id FROM tiers WHERE active = 1 AND min_spend <= ? "
				     "ORDER BY min_spend DESC, id DESC LIMIT 1");
	sqlite3_stmt *sale_c = prep("INSERT INTO sales (number, store_id, customer_id, cashier_id, at, day, "
				    "status, subtotal, discount_total, vat_total, total, paid, change_due, "
				    "points_earned) VALUES (?, ?, ?, 1, ?, ?, 'completed', ?, 0, ?, ?, ?, 0, ?) "
				    "RETURNING id");

	double *lat = calloc((size_t)n, sizeof *lat);
	char key[64], number[64], content[512];
	const char *day = "2026-11-27", *month = "2026-11";
	double t0 = now_ms();
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	for (int s = 0; s < n; s++) {
		/* Draw the sale first: a store and distinct products in order. */
		long long store = (long long)(next_rand(&rng) % (uint64_t)stores) + 1;
		int k = (int)(next_rand(&rng) % (uint64_t)maxlines) + 1;
		long long prod[64];
		for (int l = 0; l < k;) {
			long long p = (long long)(next_rand(&rng) % (uint64_t)products) + 1;
			int dup = 0;
			for (int j = 0; j < l; j++)
				dup |= prod[j] == p;
			if (!dup)
				prod[l++] = p;
		}
		qsort(prod, (size_t)k, sizeof prod[0], cmp_ll);
		long long cust = customers > 0 ? (long long)(next_rand(&rng) % (uint64_t)customers) + 1 : 0;
		long long total = 0, vat = 0;
		for (int l = 0; l < k; l++) {
			total += price_of(prod[l]);
			vat += vat_of(price_of(prod[l]));
		}

		double a = now_ms();
		long long at = (long long)time(NULL) * 1000;
		snprintf(key, sizeof key, "plain-%d-%lld", s, at);
		run(begin, "");
		run(idem, "ti", key, at);
		long long no = run(counter, "it", store, day);
		snprintf(number, sizeof number, "S%lld-20261127-%04lld", store, no);
		long long id, earned = total / 100; /* 1 point per yuan paid */
		if (cust) {
			run(c_read, "i", cust);
			run(c_prog, "");
			run(c_tier, "");
			id = run(sale_c, "tiiitiiiii", number, store, cust, at, day, total, vat, total, total,
				 earned);
		} else {
			id = run(sale, "tiitiiii", number, store, at, day, total, vat, total, total);
		}
		for (int l = 0; l < k; l++) {
			long long pr = price_of(prod[l]), v = vat_of(pr);
			run(line, "iiiiiiii", id, (long long)l + 1, prod[l], pr, pr, pr, pr, v);
			long long left = run(bal, "iii", at, store, prod[l]);
			run(move, "iiiii", store, prod[l], id, left, at);
			run(rp, "tiiii", day, store, prod[l], pr, v);
			run(rdp, "tiii", day, prod[l], pr, v);
			run(rmsp, "tiiii", month, store, prod[l], pr, v);
			run(rmp, "tiii", month, prod[l], pr, v);
		}
		run(rbr, "tiiii", day, store, total, vat, 1000LL * k);
		run(rhr, "tiiiii", day, store, (at / 3600000 + 8) % 24, total, vat, 1000LL * k);
		run(rpy, "tii", day, store, total);
		run(pay, "ii", id, total);
		run(rc, "tiiii", day, store, total, vat, 1000LL * k);
		run(rs, "tiii", day, store, total, 1000LL * k);
		run(rst, "tiii", day, store, total, 1000LL * k);
		run(jh, "i", store);
		long long seq = run(jn, "i", store);
		run(js, "ti", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", store);
		snprintf(content, sizeof content, "sale|%lld|%s|%lld|1|%lld|%lld|%lld|0|0|%lld|%lld\n", id,
			 number, store, at, total, vat, total, total);
		run(ji, "iiiit", store, seq, id, at, content);
		run(idem2, "tt", "{\"id\":1,\"number\":\"S1-20261127-0001\",\"lines\":[]}", key);
		if (cust) {
			long long balance = run(c_lock, "i", cust);
			run(c_bal, "iiii", earned, 0LL, cust, 0LL);
			run(c_led, "iiiiiiii", cust, at, earned, balance + earned, earned,
			    at + 365LL * 86400000, id, store);
			run(c_agg, "iiiiii", total, at, at, at, at, cust);
			run(c_link, "ii", cust, store);
			run(rcu, "tiii", day, store, cust, total);
			run(c_tid, "i", cust);
			run(c_tier, "");
			long long spend = run(c_spend, "iii", cust, at - 365LL * 86400000, at);
			run(c_reach, "i", spend);
		}
		run(audit, "iiit", at, id, store, "{\"number\":\"x\",\"total\":1}");
		run(commit, "");
		lat[s] = now_ms() - a;
	}
	double secs = (now_ms() - t0) / 1e3;
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	printf("plain %d sales of 1-%d lines in %d stores%s sync=%s: %.0f sales/s p50 %.2f ms p99 %.2f ms\n", n,
	       maxlines, stores, customers ? " with customers" : "", sync,
	       n / secs, lat[n / 2], lat[(int)(n * 0.99)]);
	free(lat);
	sqlite3_close(db);
	return 0;
}
