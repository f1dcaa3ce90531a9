/* test_staff_facts.c: the crediting of sales to salespeople (shared sales by
 * share_bp without losing a fen, the cashier when nobody else, a return
 * negative on its own day and store) and who sees whom, on SQLite and
 * PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "crm/crm_fx.h"
#include "domain/staff/staff_facts.h"
#include "domain/staff/staff_scope.h"

static int64_t product(struct fx *f)
{
	static const char sql[] =
		"INSERT INTO products (sku, name, unit, price, cost, vat_rate, created_at, updated_at)"
		" VALUES ('SKU' || CAST(? AS TEXT), 'Item', 'pcs', 1001, 500, 1300, 1, 1) RETURNING id";
	static int64_t seq;
	return fx_id(f, sql, "i", ++seq, 0);
}

/* A sale of one line (quantity 1, total 1001, VAT 115, unit cost 500). */
static int64_t sale(struct fx *f, int64_t store, int64_t cashier, int64_t salesperson,
		    const char *day, int64_t prod, int64_t *line)
{
	static const char sql_sale[] =
		"INSERT INTO sales (number, store_id, cashier_id, salesperson_id, at, day, status,"
		" subtotal, discount_total, vat_total, total, paid, change_due) VALUES"
		" ('N' || CAST(? AS TEXT), ?, ?, ?, 1, ?, 'completed', 1001, 0, 115, 1001, 1001, 0)"
		" RETURNING id";
	static const char sql_line[] =
		"INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, list_price, unit_price,"
		" gross, discount, total, vat_rate, vat, unit_cost) VALUES"
		" (?, 1, ?, 1000, 1101, 1001, 1101, 100, 1001, 1300, 115, 500) RETURNING id";
	static int64_t seq;
	struct err e;
	int64_t id = 0;
	err_init(&e);
	assert_int_equal(db_int(db_query(f->db, &e, sql_sale, "iiiIt", ++seq, store, cashier,
					 salesperson, day),
				&id, &e),
			 1);
	*line = fx_id(f, sql_line, "ii", id, prod);
	return id;
}

static void share(struct fx *f, int64_t sale_id, int64_t user, int64_t bp)
{
	static const char sql[] =
		"INSERT INTO sale_salespeople (sale_id, user_id, share_bp) VALUES (?, ?, ?)";
	struct err e;
	err_init(&e);
	assert_int_equal(db_run(db_query(f->db, &e, sql, "iii", sale_id, user, bp), &e), 0);
}

static const struct staff_fact *find(const struct staff_fact *v, int n, const char *day,
				     int64_t user)
{
	for (int i = 0; i < n; i++)
		if (v[i].user_id == user && strcmp(v[i].day, day) == 0)
			return &v[i];
	return NULL;
}

static void test_shared_sale_and_return(void **state)
{
	struct fx *f = fx_get(state);
	int64_t p = product(f), l1, l2;
	/* shared 60/40 between sales_a and the manager, rung by the admin */
	int64_t s1 = sale(f, f->store_a, f->admin.u.id, f->sales_a.u.id, "2026-11-02", p, &l1);
	share(f, s1, f->sales_a.u.id, 6000);
	share(f, s1, f->manager_a.u.id, 4000);
	/* nobody but the cashier */
	sale(f, f->store_a, f->admin.u.id, 0, "2026-11-02", p, &l2);
	struct staff_fact *v;
	int n;
	assert_int_equal(staff_facts_load(f->db, f->a, "2026-11-01", "2026-11-30", 0, 0, 0, &v, &n,
					  &f->e),
			 0);
	assert_int_equal(n, 3);
	const struct staff_fact *a = find(v, n, "2026-11-02", f->sales_a.u.id);
	const struct staff_fact *m = find(v, n, "2026-11-02", f->manager_a.u.id);
	const struct staff_fact *c = find(v, n, "2026-11-02", f->admin.u.id);
	assert_non_null(a);
	assert_non_null(m);
	assert_non_null(c);
	assert_int_equal(a->revenue_x, 6000 * 1001);
	assert_int_equal(staff_x_round(a->revenue_x), 601);
	assert_int_equal(staff_x_round(m->revenue_x), 400);
	assert_int_equal(staff_x_round(a->revenue_x + m->revenue_x), 1001);
	assert_int_equal(a->txns, 1);
	assert_int_equal(m->txns, 1);
	assert_int_equal(a->txn_x + m->txn_x, 10000);
	assert_int_equal(a->units_x, 6000 * 1000);
	assert_int_equal(a->cost_x, 6000 * 500);
	assert_int_equal(c->revenue_x, 10000 * 1001);
	assert_int_equal(c->txns, 1);

	/* the shared sale returned whole, later and in store B */
	static const char sql_ret[] =
		"INSERT INTO sale_returns (sale_id, store_id, kind, at, day, user_id, refund_total,"
		" refund_method) VALUES (?, ?, 'return', 2, '2026-11-09', ?, 1001, 'cash') RETURNING id";
	static const char sql_rl[] =
		"INSERT INTO sale_return_lines (return_id, sale_line_id, product_id, quantity, refund,"
		" vat) VALUES (?, ?, ?, 1000, 1001, 115) RETURNING id";
	struct err e;
	err_init(&e);
	int64_t r = 0, rl = 0;
	assert_int_equal(db_int(db_query(f->db, &e, sql_ret, "iii", s1, f->store_b, f->admin.u.id),
				&r, &e),
			 1);
	assert_int_equal(db_int(db_query(f->db, &e, sql_rl, "iii", r, l1, p), &rl, &e), 1);
	assert_int_equal(staff_facts_load(f->db, f->a, "2026-11-01", "2026-11-30", 0, 0, 0, &v, &n,
					  &f->e),
			 0);
	assert_int_equal(n, 5);
	const struct staff_fact *ra = find(v, n, "2026-11-09", f->sales_a.u.id);
	const struct staff_fact *rm = find(v, n, "2026-11-09", f->manager_a.u.id);
	assert_non_null(ra);
	assert_non_null(rm);
	assert_int_equal(ra->store_id, f->store_b);
	assert_int_equal(ra->revenue_x, -6000 * 1001);
	assert_int_equal(rm->revenue_x, -4000 * 1001);
	assert_int_equal(ra->refunded_x, 6000 * 1001);
	assert_int_equal(ra->vat_x, -6000 * 115);
	assert_int_equal(ra->returns, 1);
	assert_int_equal(ra->txns, 0);
	/* the sale's day keeps its figures */
	a = find(v, n, "2026-11-02", f->sales_a.u.id);
	assert_int_equal(a->revenue_x, 6000 * 1001);
	/* filters: one person, one store, a range without the return */
	assert_int_equal(staff_facts_load(f->db, f->a, "2026-11-01", "2026-11-30", f->store_b, 0, 0,
					  &v, &n, &f->e),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(staff_facts_load(f->db, f->a, "2026-11-01", "2026-11-05", 0, 0,
					  f->sales_a.u.id, &v, &n, &f->e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].user_id, f->sales_a.u.id);
	/* a voided sale counts nowhere */
	static const char sql_void[] = "UPDATE sales SET status = 'voided' WHERE id = ? RETURNING id";
	assert_true(fx_id(f, sql_void, "i", s1, 0) > 0);
	assert_int_equal(staff_facts_load(f->db, f->a, "2026-11-02", "2026-11-02", 0, 0, 0, &v, &n,
					  &f->e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].user_id, f->admin.u.id);
}

static void test_who_sees_whom(void **state)
{
	struct fx *f = fx_get(state);
	struct actor sys = {0};
	assert_int_equal(staff_person_seen(f->db, &f->admin.who, f->sales_b.u.id, &f->e), 1);
	assert_int_equal(staff_person_seen(f->db, &sys, f->sales_b.u.id, &f->e), 1);
	assert_int_equal(staff_person_seen(f->db, &f->manager_a.who, f->sales_a.u.id, &f->e), 1);
	assert_int_equal(staff_person_seen(f->db, &f->manager_a.who, f->sales_b.u.id, &f->e), 0);
	assert_int_equal(staff_person_seen(f->db, &f->manager_a.who, f->admin.u.id, &f->e), 0);
	assert_int_equal(staff_person_seen(f->db, &f->sales_a.who, f->sales_a.u.id, &f->e), 1);
	assert_int_equal(staff_person_seen(f->db, &f->sales_a.who, f->manager_a.u.id, &f->e), 0);
	assert_int_equal(staff_person_seen(f->db, &f->admin.who, 987654, &f->e), 0);
	assert_int_equal(staff_person_check(f->db, &f->sales_a.who, f->manager_a.u.id, &f->e),
			 ERR_NOT_FOUND);
	struct staff_person *ps;
	int n, more;
	assert_int_equal(staff_people_list(f->db, f->a, &f->manager_a.who, 0, NULL, NULL, 0, 50, &ps,
					   &n, &more, &f->e),
			 0);
	assert_int_equal(n, 2); /* the manager and sales_a */
	assert_int_equal(ps[0].nstores, 1);
	assert_int_equal(ps[0].store_ids[0], f->store_a);
	assert_int_equal(staff_people_list(f->db, f->a, &f->admin.who, 0, "SALES", "sales", 0, 50,
					   &ps, &n, &more, &f->e),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(staff_people_list(f->db, f->a, &f->admin.who, 0, NULL, NULL, 0, 1, &ps, &n,
					   &more, &f->e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 1);
	(void)fx_field;
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM user_stores WHERE store_id = ?", f->store_a), 2);
}

#define TESTS(setup_fn)                                                               \
	cmocka_unit_test_setup_teardown(test_shared_sale_and_return, setup_fn, fx_teardown), \
	cmocka_unit_test_setup_teardown(test_who_sees_whom, setup_fn, fx_teardown)

int main(void)
{
	FX_RUN("staff facts", TESTS);
}
