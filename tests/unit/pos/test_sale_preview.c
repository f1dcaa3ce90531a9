/* test_sale_preview.c: the sale preview is the sale — the same figures as
 * the sale written from the same input — and writes nothing; its stock
 * refusal matches the write's; scanned codes decode as a sale line's
 * barcode; apply_promotions false refuses coupons and points. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dbfx.h"
#include "dbone.h"
#include "domain/pos/sale.h"

/* An EAN-13: the twelve digits given and their check digit. */
static void ean13(const char *twelve, char out[14])
{
	int sum = 0;
	for (int i = 0; i < 12; i++)
		sum += (twelve[i] - '0') * (i % 2 ? 3 : 1);
	memcpy(out, twelve, 12);
	out[12] = (char)('0' + (10 - sum % 10) % 10);
	out[13] = 0;
}

struct ids {
	int64_t store, milk, apples, free;
};

static struct ids seed(struct fx *f, int allow_negative)
{
	struct ids s;
	s.store = db_one(f->db,
			 "INSERT INTO stores (code, name, channel, allow_negative_stock, cash_rounding, "
			 "created_at, updated_at) VALUES ('S1', 'Store', 'direct', ?, 10, 1, 1) "
			 "RETURNING id",
			 "i", (int64_t)allow_negative);
	s.milk = db_one(f->db,
			"INSERT INTO products (sku, barcode, name, unit, price, cost, vat_rate, "
			"created_at, updated_at) VALUES ('MILK', '6901234567892', 'Milk', 'pcs', 1299, "
			"800, 1300, 1, 1) RETURNING id",
			"");
	s.apples = db_one(f->db,
			  "INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
			  "updated_at) VALUES ('01234', 'Apples', 'kg', 1200, 900, 1, 1) RETURNING id",
			  "");
	s.free = db_one(f->db,
			"INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
			"updated_at) VALUES ('04321', 'Bag', 'pcs', 0, 1300, 1, 1) RETURNING id",
			"");
	int64_t ps[] = {s.milk, s.apples};
	for (int i = 0; i < 2; i++)
		db_one(f->db,
		       "INSERT INTO stock_balances (store_id, product_id, on_hand, updated_at) "
		       "VALUES (?, ?, 5000, 1) RETURNING on_hand",
		       "ii", s.store, ps[i]);
	return s;
}

/* Rows in every table a sale writes, summed. */
static int64_t written(struct fx *f)
{
	return db_one(f->db,
		      "SELECT (SELECT COUNT(*) FROM sales) + (SELECT COUNT(*) FROM sale_lines) + "
		      "(SELECT COUNT(*) FROM stock_moves) + (SELECT COUNT(*) FROM audit_log) + "
		      "(SELECT COUNT(*) FROM journal) + (SELECT COUNT(*) FROM receipt_counters) + "
		      "(SELECT COUNT(*) FROM shifts) + (SELECT COALESCE(SUM(on_hand), 0) FROM "
		      "stock_balances)",
		      "");
}

/* What only the write decides, taken out of a sale's JSON. */
static void strip(json_t *s)
{
	const char *keys[] = {"id", "number", "at", "shift_id"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_del(s, keys[i]);
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(s, "lines"), i, l)
		json_object_del(l, "id");
}

static int setup(void **state)
{
	return fx_setup_named(state, "sale_preview");
}

static void test_preview_is_the_sale(void **state)
{
	struct fx *f = *state;
	struct ids s = seed(f, 0);
	char weight[14];
	ean13("200123401250", weight); /* 1.250 kg of apples */
	struct sale_line_input lines[] = {
		{.product_id = s.milk, .quantity = 2000, .unit_price = -1},
		{.barcode = weight, .unit_price = -1},
	};
	struct sale_payment_input pays[] = {{.method = "card", .amount = 1003},
					    {.method = "cash", .amount = 5000}};
	struct sale_input in = {.store_id = s.store, .lines = lines, .nlines = 2,
				.payments = pays, .npayments = 2, .manual_discount_bp = 500};
	int64_t before = written(f);
	json_t *pv = NULL;
	assert_int_equal(sale_preview(f->db, f->a, &f->who, &in, &pv, &f->e), 0);
	assert_int_equal(written(f), before);
	assert_int_equal(json_integer_value(json_object_get(pv, "id")), 0);
	assert_string_equal(json_string_value(json_object_get(pv, "number")), "");
	assert_true(json_is_null(json_object_get(pv, "shift_id")));
	/* 2598 + 1500 = 4098, 5% off = 205: 3893; cash due 2890 after 1003 by card. */
	assert_int_equal(json_integer_value(json_object_get(pv, "total")), 3893);
	assert_int_equal(json_integer_value(json_object_get(pv, "rounding")), 0);

	struct sale_plan *p;
	int64_t id;
	int replayed;
	json_t *sale;
	int64_t store;
	assert_int_equal(sale_plan(f->db, f->a, &f->who, &in, &p, &f->e), 0);
	assert_int_equal(sale_commit(f->db, f->a, &f->who, "k1", "h1", p, &id, &replayed, &f->e), 0);
	assert_int_equal(sale_get(f->db, id, &sale, &store, &f->e), 0);
	strip(pv);
	strip(sale);
	if (!json_equal(pv, sale)) {
		char *a = json_dumps(pv, JSON_SORT_KEYS), *b = json_dumps(sale, JSON_SORT_KEYS);
		fprintf(stderr, "preview %s\nsale    %s\n", a, b);
		free(a);
		free(b);
	}
	assert_true(json_equal(pv, sale));
	json_decref(pv);
	json_decref(sale);

	/* Without payments nothing is settled; the real sale needs them. */
	in.npayments = 0;
	assert_int_equal(sale_preview(f->db, f->a, &f->who, &in, &pv, &f->e), 0);
	assert_int_equal(json_integer_value(json_object_get(pv, "paid")), 3893);
	assert_int_equal(json_integer_value(json_object_get(pv, "change_due")), 0);
	json_decref(pv);
	err_init(&f->e);
	assert_int_equal(sale_plan(f->db, f->a, &f->who, &in, &p, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "payments"));
}

static void test_preview_stock(void **state)
{
	struct fx *f = *state;
	struct ids s = seed(f, 0);
	/* 5 on hand: two lines of 3 refuse the second one moved. */
	struct sale_line_input lines[] = {
		{.product_id = s.milk, .quantity = 3000, .unit_price = -1},
		{.product_id = s.milk, .quantity = 3000, .unit_price = -1},
	};
	struct sale_payment_input cash = {.method = "cash", .amount = 100000};
	struct sale_input in = {.store_id = s.store, .lines = lines, .nlines = 2,
				.payments = &cash, .npayments = 1};
	json_t *pv = NULL;
	assert_int_equal(sale_preview(f->db, f->a, &f->who, &in, &pv, &f->e),
			 ERR_INSUFFICIENT_STOCK);
	assert_non_null(field_msg(&f->e, "lines[1].quantity"));
	struct err pe = f->e;
	err_init(&f->e);
	struct sale_plan *p;
	int64_t id;
	int replayed;
	assert_int_equal(sale_plan(f->db, f->a, &f->who, &in, &p, &f->e), 0);
	assert_int_equal(sale_commit(f->db, f->a, &f->who, "k2", "h2", p, &id, &replayed, &f->e),
			 ERR_INSUFFICIENT_STOCK);
	assert_string_equal(f->e.fields[0].field, pe.fields[0].field);
	assert_string_equal(f->e.msg, pe.msg);
	/* An offline sale goes through, flagged. */
	err_init(&f->e);
	in.offline_at = 1000;
	assert_int_equal(sale_preview(f->db, f->a, &f->who, &in, &pv, &f->e), 0);
	assert_true(json_is_true(json_object_get(pv, "negative_stock")));
	json_decref(pv);
}

static void test_scan(void **state)
{
	struct fx *f = *state;
	struct ids s = seed(f, 0);
	struct sale_scan sc;
	char code[14];
	assert_int_equal(sale_scan(f->db, f->a, "6901234567892", &sc, &f->e), 0);
	assert_int_equal(sc.product_id, s.milk);
	assert_int_equal(sc.kind, SALE_SCAN_BARCODE);
	assert_int_equal(sc.quantity, 0);
	ean13("230123400500", code); /* 500 g */
	assert_int_equal(sale_scan(f->db, f->a, code, &sc, &f->e), 0);
	assert_int_equal(sc.product_id, s.apples);
	assert_int_equal(sc.kind, SALE_SCAN_SCALE_WEIGHT);
	assert_int_equal(sc.quantity, 500);
	ean13("250123400999", code); /* ¥9.99 at ¥12.00/kg: 0.8325 -> 0.833 kg */
	assert_int_equal(sale_scan(f->db, f->a, code, &sc, &f->e), 0);
	assert_int_equal(sc.kind, SALE_SCAN_SCALE_PRICE);
	assert_int_equal(sc.amount, 999);
	assert_int_equal(sc.quantity, 833);
	/* A label with a bad check digit is no label; an unknown item code. */
	assert_int_equal(sale_scan(f->db, f->a, "2501234009990", &sc, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	ean13("259999900999", code);
	assert_int_equal(sale_scan(f->db, f->a, code, &sc, &f->e), ERR_NOT_FOUND);
	/* A price label of an item without a shelf price carries no quantity. */
	err_init(&f->e);
	ean13("250432100100", code);
	assert_int_equal(sale_scan(f->db, f->a, code, &sc, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "code"));
}

static void test_no_promotions_refuses_coupons_and_points(void **state)
{
	struct fx *f = *state;
	struct ids s = seed(f, 0);
	struct sale_line_input line = {.product_id = s.milk, .quantity = 1000, .unit_price = -1};
	const char *codes[] = {"ABCD-EFGH"};
	struct sale_payment_input cash = {.method = "cash", .amount = 100000};
	struct sale_input in = {.store_id = s.store, .lines = &line, .nlines = 1,
				.payments = &cash, .npayments = 1, .coupon_codes = codes,
				.ncoupons = 1, .points_redeemed = 10, .customer_id = 0,
				.skip_promotions = 1};
	struct sale_plan *p;
	assert_int_equal(sale_plan(f->db, f->a, &f->who, &in, &p, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "coupon_codes"));
	assert_non_null(field_msg(&f->e, "points_redeemed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_preview_is_the_sale, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_preview_stock, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scan, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_promotions_refuses_coupons_and_points,
						setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
