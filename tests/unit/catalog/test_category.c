/* test_category.c: the category tree on a fresh migrated SQLite database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_fx.h"

/* ---- categories ------------------------------------------------------- */

static void test_category_tree(void **state)
{
	struct fx *f = *state;
	struct category *food = mk_category(f, "Food", 0);
	struct category *dairy = mk_category(f, "Dairy", food->id);
	struct category *milk = mk_category(f, "牛奶", dairy->id);
	struct category *drinks = mk_category(f, "Drinks", 0);
	struct category_input in = {0};
	struct category *c, **list;
	int n;

	assert_string_equal(milk->path, "Food / Dairy / 牛奶");
	assert_int_equal(milk->parent_id, dairy->id);
	assert_string_equal(food->path, "Food");

	/* ordered by path, whole tree */
	assert_int_equal(category_list(f->db, f->a, 0, 0, &list, &n, &f->e), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0]->path, "Drinks");
	assert_string_equal(list[1]->path, "Food");
	assert_string_equal(list[2]->path, "Food / Dairy");
	assert_string_equal(list[3]->path, "Food / Dairy / 牛奶");
	/* top level only, children of food */
	assert_int_equal(category_list(f->db, f->a, 0, 1, &list, &n, &f->e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(category_list(f->db, f->a, food->id, 1, &list, &n, &f->e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0]->id, dairy->id);

	/* sibling names are unique (case-insensitive), cousins may repeat */
	in.name = "dairy";
	in.parent_id = food->id;
	in.set_name = in.set_parent = 1;
	assert_int_equal(category_create(f->db, f->a, &f->who, &in, &c, &f->e),
			 ERR_DUPLICATE);
	assert_non_null(field_msg(&f->e, "name"));
	in.parent_id = drinks->id;
	err_init(&f->e);
	assert_int_equal(category_create(f->db, f->a, &f->who, &in, &c, &f->e), 0);
	assert_string_equal(c->path, "Drinks / dairy");

	/* a parent that does not exist */
	in.name = "X";
	in.parent_id = 999;
	err_init(&f->e);
	assert_int_equal(category_create(f->db, f->a, &f->who, &in, &c, &f->e),
			 ERR_INVALID);
	assert_string_equal(field_msg(&f->e, "parent_id"), "does not exist");

	/* cycles: itself, or one of its descendants */
	in = (struct category_input){0};
	in.set_parent = 1;
	in.parent_id = food->id;
	err_init(&f->e);
	assert_int_equal(category_update(f->db, f->a, &f->who, food->id, &in, &c, &f->e),
			 ERR_INVALID);
	assert_string_equal(field_msg(&f->e, "parent_id"), "would create a cycle");
	in.parent_id = milk->id;
	err_init(&f->e);
	assert_int_equal(category_update(f->db, f->a, &f->who, food->id, &in, &c, &f->e),
			 ERR_INVALID);
	assert_string_equal(field_msg(&f->e, "parent_id"), "would create a cycle");

	/* a move: Dairy under Drinks, then rename it */
	in.parent_id = drinks->id;
	err_init(&f->e);
	assert_int_equal(category_update(f->db, f->a, &f->who, dairy->id, &in, &c, &f->e),
			 ERR_DUPLICATE); /* Drinks already has "dairy" */
	in.set_name = 1;
	in.name = "Milk products";
	err_init(&f->e);
	assert_int_equal(category_update(f->db, f->a, &f->who, dairy->id, &in, &c, &f->e), 0);
	assert_string_equal(c->path, "Drinks / Milk products");
	assert_int_equal(category_get(f->db, f->a, milk->id, &c, &f->e), 0);
	assert_string_equal(c->path, "Drinks / Milk products / 牛奶");
	/* to the top level */
	in = (struct category_input){0};
	in.set_parent = 1;
	assert_int_equal(category_update(f->db, f->a, &f->who, milk->id, &in, &c, &f->e), 0);
	assert_string_equal(c->path, "牛奶");
	assert_int_equal(c->parent_id, 0);
}

static void test_category_delete(void **state)
{
	struct fx *f = *state;
	struct category *food = mk_category(f, "Food", 0);
	struct category *dairy = mk_category(f, "Dairy", food->id);
	struct category *c;
	struct product *p = mk_product(f, "P", NULL, "P", dairy->id);
	int deactivated;
	int64_t audits = audit_count(f, "category");

	assert_int_equal(category_delete(f->db, &f->who, food->id, &f->e), ERR_STATE);
	err_init(&f->e);
	assert_int_equal(category_delete(f->db, &f->who, dairy->id, &f->e), ERR_STATE);
	assert_int_equal(audit_count(f, "category"), audits);
	err_init(&f->e);
	assert_int_equal(product_delete(f->db, &f->who, p->id, &deactivated, &f->e), 0);
	assert_int_equal(category_delete(f->db, &f->who, dairy->id, &f->e), 0);
	assert_int_equal(category_delete(f->db, &f->who, food->id, &f->e), 0);
	assert_int_equal(audit_count(f, "category"), audits + 2);
	assert_int_equal(category_get(f->db, f->a, food->id, &c, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(category_delete(f->db, &f->who, food->id, &f->e), ERR_NOT_FOUND);
}


#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

static int fx_setup(void **state)
{
	return fx_setup_named(state, "category");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DBT(test_category_tree),
		DBT(test_category_delete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
