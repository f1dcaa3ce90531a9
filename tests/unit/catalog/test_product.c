/* test_product.c: barcode check digits and products on a fresh migrated
 * SQLite database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_fx.h"

/* ---- barcodes --------------------------------------------------------- */

static void test_barcode_valid(void **state)
{
	assert_true(barcode_valid("6901234567892"));  /* EAN-13 */
	assert_true(barcode_valid("4006381333931"));  /* EAN-13 */
	assert_true(barcode_valid("96385074"));       /* EAN-8 */
	assert_true(barcode_valid("036000291452"));   /* UPC-A */
	assert_true(barcode_valid("0000000000000"));  /* check digit 0 */
}

static void test_barcode_invalid(void **state)
{
	/* one off in the check digit */
	assert_false(barcode_valid("6901234567893"));
	assert_false(barcode_valid("4006381333930"));
	assert_false(barcode_valid("96385075"));
	assert_false(barcode_valid("036000291453"));
	/* a swapped pair of digits the weights catch */
	assert_false(barcode_valid("6901234567829"));
	/* letters and other characters */
	assert_false(barcode_valid("69012345678A2"));
	assert_false(barcode_valid("9638507A"));
	assert_false(barcode_valid(" 96385074"));
	assert_false(barcode_valid("96385074 "));
	assert_false(barcode_valid("-6385074"));
	/* lengths other than 8, 12, 13 */
	assert_false(barcode_valid("9638507"));
	assert_false(barcode_valid("963850740"));
	assert_false(barcode_valid("03600029145"));
	assert_false(barcode_valid("69012345678920"));
	assert_false(barcode_valid("0"));
	assert_false(barcode_valid(""));
	assert_false(barcode_valid(NULL));
}

/* ---- products --------------------------------------------------------- */

static void test_product_create(void **state)
{
	struct fx *f = *state;
	struct product_input in = pin("MILK-1", "6901234567892", "纯牛奶 250ml", 1299);
	struct product *p, *g;

	in.brand = "蒙牛";
	in.cost = 800;
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e), 0);
	assert_true(p->id > 0);
	assert_string_equal(p->sku, "MILK-1");
	assert_string_equal(p->barcode, "6901234567892");
	assert_string_equal(p->name, "纯牛奶 250ml");
	assert_string_equal(p->brand, "蒙牛");
	assert_string_equal(p->unit, "pcs"); /* default */
	assert_int_equal(p->price, 1299);
	assert_int_equal(p->cost, 800);
	assert_int_equal(p->vat_rate, 1300);
	assert_int_equal(p->active, 1);
	assert_int_equal(p->category_id, 0);
	assert_true(p->created_at > 0 && p->updated_at == p->created_at);
	assert_int_equal(audit_count(f, "product"), 1);

	assert_int_equal(product_get(f->db, f->a, p->id, &g, &f->e), 0);
	assert_string_equal(g->name, "纯牛奶 250ml");
	assert_int_equal(g->cost, 800);

	/* no barcode, no brand, unknown cost, "" taken as absent */
	in = pin("BREAD", "", "Bread", 0);
	in.brand = "";
	in.unit = "kg";
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e), 0);
	assert_null(p->barcode);
	assert_null(p->brand);
	assert_int_equal(p->cost, -1);
	assert_int_equal(p->price, 0);
	assert_string_equal(p->unit, "kg");

	err_init(&f->e);
	assert_int_equal(product_get(f->db, f->a, 9999, &g, &f->e), ERR_NOT_FOUND);
}

static void test_product_validation(void **state)
{
	struct fx *f = *state;
	struct product_input in = {0};
	struct product *p = NULL;
	char longsku[80];

	/* every problem at once */
	in.barcode = "6901234567893";
	in.cost = -5;
	in.active = -1;
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e),
			 ERR_INVALID);
	assert_non_null(field_msg(&f->e, "sku"));
	assert_non_null(field_msg(&f->e, "name"));
	assert_non_null(field_msg(&f->e, "price"));
	assert_non_null(field_msg(&f->e, "vat_rate"));
	assert_non_null(field_msg(&f->e, "barcode"));
	assert_non_null(field_msg(&f->e, "cost"));
	assert_int_equal(f->e.nfields, 6);

	/* ranges */
	in = pin("X", NULL, "X", -1);
	in.vat_rate = 10001;
	memset(longsku, 'a', 65);
	longsku[65] = '\0';
	in.sku = longsku;
	in.unit = "";
	err_init(&f->e);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e),
			 ERR_INVALID);
	assert_non_null(field_msg(&f->e, "price"));
	assert_non_null(field_msg(&f->e, "vat_rate"));
	assert_non_null(field_msg(&f->e, "sku"));
	assert_non_null(field_msg(&f->e, "unit"));
	assert_null(field_msg(&f->e, "name"));

	/* 64 characters is fine, 200 Chinese characters too */
	longsku[64] = '\0';
	in = pin(longsku, NULL, "X", 0);
	err_init(&f->e);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e), 0);

	/* a category that does not exist */
	in = pin("Y", NULL, "Y", 1);
	in.category_id = 42;
	err_init(&f->e);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e),
			 ERR_INVALID);
	assert_string_equal(field_msg(&f->e, "category_id"), "does not exist");
	assert_int_equal(audit_count(f, "product"), 1);
}

static void test_product_duplicate(void **state)
{
	struct fx *f = *state;
	struct product_input in;
	struct product *p = NULL, *q;

	mk_product(f, "A-1", "6901234567892", "One", 0);
	q = mk_product(f, "A-2", NULL, "Two", 0);

	in = pin("A-1", NULL, "Again", 1);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e),
			 ERR_DUPLICATE);
	assert_non_null(field_msg(&f->e, "sku"));
	assert_null(field_msg(&f->e, "barcode"));

	in = pin("A-3", "6901234567892", "Again", 1);
	err_init(&f->e);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e),
			 ERR_DUPLICATE);
	assert_non_null(field_msg(&f->e, "barcode"));
	assert_null(field_msg(&f->e, "sku"));

	/* via update */
	in = (struct product_input){0};
	in.active = -1;
	in.cost = -1;
	in.barcode = "6901234567892";
	in.set_barcode = 1;
	err_init(&f->e);
	assert_int_equal(product_update(f->db, f->a, &f->who, q->id, &in, &p, &f->e),
			 ERR_DUPLICATE);
	assert_non_null(field_msg(&f->e, "barcode"));
	assert_int_equal(audit_count(f, "product"), 2);
}

static void test_product_update(void **state)
{
	struct fx *f = *state;
	struct category *c = mk_category(f, "Food", 0);
	struct product *p = mk_product(f, "U-1", "96385074", "Tea", 0), *u;
	struct product_input in = {0};

	in.active = -1;
	in.cost = -1;
	in.price = 2500;
	in.set_price = 1;
	in.category_id = c->id;
	in.set_category = 1;
	assert_int_equal(product_update(f->db, f->a, &f->who, p->id, &in, &u, &f->e), 0);
	assert_int_equal(u->price, 2500);
	assert_int_equal(u->category_id, c->id);
	assert_string_equal(u->sku, "U-1");
	assert_string_equal(u->barcode, "96385074");
	assert_string_equal(u->name, "Tea");
	assert_int_equal(u->vat_rate, 1300);
	assert_int_equal(audit_count(f, "product"), 2);

	/* clear the barcode, set a cost, deactivate */
	in = (struct product_input){0};
	in.set_barcode = 1;
	in.cost = 0;
	in.set_cost = 1;
	in.active = 0;
	assert_int_equal(product_update(f->db, f->a, &f->who, p->id, &in, &u, &f->e), 0);
	assert_null(u->barcode);
	assert_int_equal(u->cost, 0);
	assert_int_equal(u->active, 0);
	assert_int_equal(u->price, 2500);

	/* required fields cannot be unset */
	in = (struct product_input){0};
	in.active = -1;
	in.set_name = 1;
	in.set_sku = 1;
	err_init(&f->e);
	assert_int_equal(product_update(f->db, f->a, &f->who, p->id, &in, &u, &f->e),
			 ERR_INVALID);
	assert_non_null(field_msg(&f->e, "name"));
	assert_non_null(field_msg(&f->e, "sku"));

	in = (struct product_input){0};
	in.active = -1;
	err_init(&f->e);
	assert_int_equal(product_update(f->db, f->a, &f->who, 777, &in, &u, &f->e),
			 ERR_NOT_FOUND);
}

static int list_n(struct fx *f, struct product_filter pf, int *more)
{
	struct product **out;
	int n = -1, m = -1;

	err_init(&f->e);
	assert_int_equal(product_list(f->db, f->a, &pf, &out, &n, &m, &f->e), 0);
	if (more)
		*more = m;
	return n;
}

static void test_product_search(void **state)
{
	struct fx *f = *state;
	struct category *food = mk_category(f, "Food", 0);
	struct category *dairy = mk_category(f, "Dairy", food->id);
	struct category *milk = mk_category(f, "Milk", dairy->id);
	struct category *tools = mk_category(f, "Tools", 0);
	struct product_filter pf = {0};
	struct product_input in = {0};
	struct product *p, **out;
	int n, more;

	mk_product(f, "MILK-FULL", "6901234567892", "Whole Milk", milk->id);
	mk_product(f, "cheese_1", NULL, "Cheddar 100%", dairy->id);
	mk_product(f, "BREAD", "96385074", "Bread", food->id);
	p = mk_product(f, "HAMMER", "036000291452", "Hammer", tools->id);
	mk_product(f, "FREE", NULL, "牛奶 milk", 0);

	pf.active = -1;
	pf.limit = 50;
	assert_int_equal(list_n(f, pf, &more), 5);
	assert_int_equal(more, 0);

	/* case-insensitive over name, sku and barcode */
	pf.q = "milk";
	assert_int_equal(list_n(f, pf, NULL), 2);
	pf.q = "MILK-f";
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = "63850";
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = "牛奶";
	assert_int_equal(list_n(f, pf, NULL), 1);
	/* LIKE metacharacters are literal */
	pf.q = "%";
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = "_";
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = "e_1";
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = "\\";
	assert_int_equal(list_n(f, pf, NULL), 0);
	pf.q = "' OR 1=1 --";
	assert_int_equal(list_n(f, pf, NULL), 0);
	pf.q = NULL;

	/* exact barcode */
	pf.barcode = "036000291452";
	err_init(&f->e);
	assert_int_equal(product_list(f->db, f->a, &pf, &out, &n, &more, &f->e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0]->id, p->id);
	pf.barcode = "03600029145";
	assert_int_equal(list_n(f, pf, NULL), 0);
	pf.barcode = NULL;

	/* a category includes its descendants */
	pf.category_id = food->id;
	assert_int_equal(list_n(f, pf, NULL), 3);
	pf.category_id = dairy->id;
	assert_int_equal(list_n(f, pf, NULL), 2);
	pf.category_id = milk->id;
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = "bread";
	pf.category_id = food->id;
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.q = NULL;
	pf.category_id = 0;

	/* active */
	in.active = 0;
	in.cost = -1;
	assert_int_equal(product_update(f->db, f->a, &f->who, p->id, &in, &p, &f->e), 0);
	pf.active = 1;
	assert_int_equal(list_n(f, pf, NULL), 4);
	pf.active = 0;
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.barcode = "036000291452";
	assert_int_equal(list_n(f, pf, NULL), 1);
	pf.active = 1;
	assert_int_equal(list_n(f, pf, NULL), 0);
	pf.barcode = NULL;
	pf.active = -1;

	/* keyset pages of 2 */
	pf.limit = 2;
	err_init(&f->e);
	assert_int_equal(product_list(f->db, f->a, &pf, &out, &n, &more, &f->e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(more, 1);
	pf.after_id = out[1]->id;
	assert_int_equal(product_list(f->db, f->a, &pf, &out, &n, &more, &f->e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(more, 1);
	pf.after_id = out[1]->id;
	assert_int_equal(product_list(f->db, f->a, &pf, &out, &n, &more, &f->e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 0);
	assert_string_equal(out[0]->sku, "FREE");
}

static void test_product_delete(void **state)
{
	struct fx *f = *state;
	struct product *p = mk_product(f, "D-1", NULL, "Gone", 0), *g;
	int deactivated = -1;

	assert_int_equal(product_delete(f->db, &f->who, p->id, &deactivated, &f->e), 0);
	assert_int_equal(deactivated, 0); /* no history yet: really deleted */
	assert_int_equal(product_get(f->db, f->a, p->id, &g, &f->e), ERR_NOT_FOUND);
	assert_int_equal(audit_count(f, "product"), 2);
	err_init(&f->e);
	assert_int_equal(product_delete(f->db, &f->who, p->id, &deactivated, &f->e),
			 ERR_NOT_FOUND);
}


#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

static int fx_setup(void **state)
{
	return fx_setup_named(state, "product");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_barcode_valid),
		cmocka_unit_test(test_barcode_invalid),
		DBT(test_product_create),
		DBT(test_product_validation),
		DBT(test_product_duplicate),
		DBT(test_product_update),
		DBT(test_product_search),
		DBT(test_product_delete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
