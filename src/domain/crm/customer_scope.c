/* customer_scope.c: the store scoping of customers (see customer_scope.h). */
#include "domain/crm/customer_scope.h"

int customer_visible(struct db *db, const struct actor *who, int64_t customer_id,
		     struct err *e)
{
	static const char sql_any[] =
		"SELECT 1 FROM customers WHERE id = ? AND erased_at IS NULL";
	static const char sql_scoped[] =
		"SELECT 1 FROM customers c WHERE c.id = ? AND c.erased_at IS NULL AND EXISTS "
		"(SELECT 1 FROM customer_stores cs JOIN user_stores us ON us.store_id = cs.store_id "
		"WHERE cs.customer_id = c.id AND us.user_id = ?)";
	int scoped = who->user && (who->user->role & ROLE_STORE_BOUND);
	struct db_stmt *st = scoped ? db_query(db, e, sql_scoped, "ii", customer_id, who->user->id)
				    : db_query(db, e, sql_any, "i", customer_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	db_reset(st);
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "customer %lld not found", (long long)customer_id);
	return 0;
}

int customer_link_store(struct db *db, int64_t customer_id, int64_t store_id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO customer_stores (customer_id, store_id) VALUES (?, ?) "
		"ON CONFLICT (customer_id, store_id) DO NOTHING";
	struct db_stmt *st = db_query(db, e, sql, "ii", customer_id, store_id);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	return 0;
}
