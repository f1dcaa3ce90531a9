/* crm_fx.h: the fixture of the CRM unit tests: a fresh migrated database,
 * SQLite in a temp file or, when TERSA_TEST_PG_URL is set, PostgreSQL in a
 * schema of its own; two stores (A, B), users (an admin, a manager and a
 * sales user of A, a sales user of B) with their actors, and a customer of
 * each store inserted directly. Include after cmocka.h. */
#ifndef TERSA_TEST_CRM_FX_H
#define TERSA_TEST_CRM_FX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"
#include "pgschema.h"
#include "tmpdb.h"

struct crm_user {
	struct user u;
	int64_t store;
	struct actor who;
};

struct fx {
	struct db *db;
	struct tmpdb tmp;
	int pg;
	struct pgschema schema;
	struct arena *a;
	struct err e;
	int64_t store_a, store_b, cust_a, cust_b;
	struct crm_user admin, manager_a, sales_a, sales_b;
};

static int64_t fx_id(struct fx *f, const char *sql, const char *types, int64_t a1, int64_t a2)
{
	struct err e;
	int64_t id = 0;
	err_init(&e);
	struct db_stmt *st = types[0] == '\0' ? db_query(f->db, &e, sql, "")
			     : types[1] == '\0' ? db_query(f->db, &e, sql, types, a1)
						: db_query(f->db, &e, sql, types, a1, a2);
	if (db_int(st, &id, &e) < 0) {
		fprintf(stderr, "fx_id: %s\n", e.msg);
		return -1;
	}
	return id;
}

static void fx_user(struct fx *f, struct crm_user *cu, const char *name, int role, int64_t store)
{
	static const char sql_user[] =
		"INSERT INTO users (username, password_hash, display_name, role, created_at,"
		" updated_at) VALUES (?, 'x', ?, ?, 1, 1) RETURNING id";
	static const char sql_store[] =
		"INSERT INTO user_stores (user_id, store_id) VALUES (?, ?) RETURNING user_id";
	struct err e;
	err_init(&e);
	db_int(db_query(f->db, &e, sql_user, "ttt", name, name, role_name(role)), &cu->u.id, &e);
	cu->u.username = cu->u.display_name = name;
	cu->u.role = role;
	cu->u.active = 1;
	if (store) {
		fx_id(f, sql_store, "ii", cu->u.id, store);
		cu->store = store;
		cu->u.store_ids = &cu->store;
		cu->u.nstores = 1;
	}
	cu->who.user = &cu->u;
	cu->who.ip = "127.0.0.1";
}

/* A customer with home store `store`, linked to it. */
static int64_t fx_customer(struct fx *f, int64_t store)
{
	static const char sql[] =
		"INSERT INTO customers (name, phone, member_code, home_store_id, created_at,"
		" updated_at) VALUES ('Wang Fang', NULL, 'M' || CAST(? AS TEXT), ?, 1, 1)"
		" RETURNING id";
	static const char link[] =
		"INSERT INTO customer_stores (customer_id, store_id) VALUES (?, ?)"
		" RETURNING customer_id";
	static int64_t seq;
	int64_t id = fx_id(f, sql, "ii", ++seq, store);
	fx_id(f, link, "ii", id, store);
	return id;
}

static int fx_seed(struct fx *f)
{
	static const char sql_store[] =
		"INSERT INTO stores (code, name, channel, created_at, updated_at)"
		" VALUES ('S' || CAST(? AS TEXT), 'Store ' || CAST(? AS TEXT), 'direct', 1, 1)"
		" RETURNING id";
	f->store_a = fx_id(f, sql_store, "ii", 1, 1);
	f->store_b = fx_id(f, sql_store, "ii", 2, 2);
	fx_user(f, &f->admin, "admin", ROLE_ADMIN, 0);
	fx_user(f, &f->manager_a, "manager_a", ROLE_STORE_MANAGER, f->store_a);
	fx_user(f, &f->sales_a, "sales_a", ROLE_SALES, f->store_a);
	fx_user(f, &f->sales_b, "sales_b", ROLE_SALES, f->store_b);
	f->cust_a = fx_customer(f, f->store_a);
	f->cust_b = fx_customer(f, f->store_b);
	f->a = arena_new();
	err_init(&f->e);
	return f->store_a > 0 && f->store_b > 0 && f->cust_b > 0 ? 0 : -1;
}

static int fx_setup_sqlite(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	*state = f;
	if (tmpdb_make(&f->tmp, "crm") < 0)
		return -1;
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return fx_seed(f);
}

static int fx_setup_pg(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	int rc = pgschema_open(&f->schema, "tersa_crm", &f->db);
	if (rc <= 0)
		return rc;
	f->pg = 1;
	return fx_seed(f);
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	if (f->db) {
		db_idle(f->db);
		if (f->pg)
			pgschema_drop(&f->schema, f->db);
		db_close(f->db);
		if (!f->pg)
			tmpdb_remove(&f->tmp);
	}
	if (f->a)
		arena_free(f->a);
	free(f);
	return 0;
}

/* The fixture of a test; skips the test when its engine is not set up. */
static struct fx *fx_get(void **state)
{
	struct fx *f = *state;
	if (!f->db)
		skip();
	err_init(&f->e);
	return f;
}

static const char *fx_field(const struct err *e, const char *field)
{
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].field, field) == 0)
			return e->fields[i].message;
	return NULL;
}

/* One integer from a query without parameters or with one; -1 on error. */
static int64_t fx_count(struct fx *f, const char *sql, int64_t arg)
{
	return fx_id(f, sql, strchr(sql, '?') ? "i" : "", arg, 0);
}

/* Runs both engines' groups of tests. */
#define FX_RUN(name, list)                                                      \
	do {                                                                    \
		const struct CMUnitTest sqlite_tests[] = {list(fx_setup_sqlite)}; \
		const struct CMUnitTest pg_tests[] = {list(fx_setup_pg)};         \
		int failed = cmocka_run_group_tests_name(name " (sqlite)", sqlite_tests, NULL, NULL); \
		failed += cmocka_run_group_tests_name(name " (postgresql)", pg_tests, NULL, NULL); \
		return failed;                                                  \
	} while (0)

#endif
