/* demo_staff_commission.c: the demo company's commission — a few recent
 * sales shared 60/40 between two salespeople of their store, and an
 * approved plan for every store (bands by discount depth, a store pool,
 * attainment tiers) with the periods of the last three months, the older
 * two approved and closed. */
#include "domain/demo/demo_internal.h"

#include <stdio.h>
#include <string.h>

#include "domain/staff/commission.h"

#define SHARED_SALES 24

/* Recent sales of stores with a second salesperson become shared 60/40. */
static int share_sales(struct db *db, const char *from_day, struct err *e)
{
	static const char sql[] =
		"SELECT s.id, COALESCE(s.salesperson_id, s.cashier_id), "
		"(SELECT MIN(us.user_id) FROM user_stores us JOIN users u ON u.id = us.user_id "
		"WHERE us.store_id = s.store_id AND u.role = 'sales' "
		"AND us.user_id <> COALESCE(s.salesperson_id, s.cashier_id)) "
		"FROM sales s WHERE s.status = 'completed' AND s.day >= ? "
		"AND NOT EXISTS (SELECT 1 FROM sale_salespeople x WHERE x.sale_id = s.id) "
		"ORDER BY s.id DESC LIMIT 200";
	static const char sql_row[] =
		"INSERT INTO sale_salespeople (sale_id, user_id, share_bp) VALUES (?, ?, ?)";
	static const char sql_first[] =
		"UPDATE sales SET salesperson_id = ? WHERE id = ? AND salesperson_id IS NULL";
	int64_t rows[SHARED_SALES][3];
	int n = 0, rc;
	struct db_stmt *st = db_query(db, e, sql, "t", from_day);
	if (!st)
		return db_fail(e);
	/* Every eighth sale that has a second salesperson. */
	for (int k = 0; n < SHARED_SALES && (rc = db_step(st, e)) == DB_ROW; k++)
		if (!db_col_null(st, 2) && k % 8 == 0) {
			rows[n][0] = db_col_int64(st, 0);
			rows[n][1] = db_col_int64(st, 1);
			rows[n][2] = db_col_int64(st, 2);
			n++;
		}
	db_reset(st);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	for (int i = 0; i < n; i++)
		if (db_write(db, e, sql_row, "iii", rows[i][0], rows[i][1], (int64_t)6000) < 0 ||
		    db_write(db, e, sql_row, "iii", rows[i][0], rows[i][2], (int64_t)4000) < 0 ||
		    db_write(db, e, sql_first, "ii", rows[i][1], rows[i][0]) < 0) {
			db_rollback(db);
			return db_fail(e);
		}
	return db_commit(db, e) < 0 ? db_fail(e) : 0;
}

/* The label of the month `back` months before day's. */
static void month_back(const char *day, int back, char out[8])
{
	int y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
	int m = (day[5] - '0') * 10 + (day[6] - '0') - back;
	while (m < 1) {
		m += 12;
		y--;
	}
	snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

int demo_staff_commission(struct db *db, const char *end_day, struct err *e)
{
	static const char sql_stores[] = "SELECT id FROM stores ORDER BY id";
	static const char rules_text[] =
		"{\"base\":\"revenue\",\"discount_bands\":[{\"min_price_bp\":9000,\"rate_bp\":300},"
		"{\"min_price_bp\":7500,\"rate_bp\":200},{\"min_price_bp\":6000,\"rate_bp\":100}],"
		"\"margin_floor_bp\":500,\"tiers\":{\"mode\":\"brackets\",\"metric\":\"revenue\","
		"\"levels\":[{\"attainment_bp\":8000,\"amount\":20000},{\"attainment_bp\":9000,"
		"\"amount\":30000},{\"attainment_bp\":10000,\"amount\":50000}]},\"pool_bp\":2000,"
		"\"clawback_days\":30,\"require_training\":false}";
	static const struct actor system = {0};
	struct arena *a = arena_new();
	struct commission_member *members = NULL;
	json_t *plan = NULL, *rules = json_loads(rules_text, 0, NULL), *p = NULL;
	char first[8], from[11], to[11];
	int n = 0, rc;
	month_back(end_day, 2, first);
	commission_period_days("month", first, from, to);
	if ((rc = share_sales(db, from, e)) < 0)
		goto done;
	struct db_stmt *st = db_query(db, e, sql_stores, "");
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		members = xrealloc(members, (size_t)(n + 1) * sizeof *members);
		members[n++] = (struct commission_member){.kind = "store",
							  .member_id = db_col_int64(st, 0)};
	}
	if (rc < 0)
		goto done;
	struct commission_plan_input in = {
		.name = "门店销售提成 Store sales commission", .period_kind = "month", .rules = rules,
		.valid_from = from, .members = members, .nmembers = n};
	if ((rc = commission_plan_create(db, a, &system, &in, &plan, e)) < 0)
		goto done;
	int64_t plan_id = json_integer_value(json_object_get(plan, "id"));
	json_decref(plan);
	plan = NULL;
	if ((rc = commission_plan_transition(db, a, &system, plan_id, "approve", &plan, e)) < 0)
		goto done;
	for (int back = 2; back >= 0; back--) {
		char label[8];
		month_back(end_day, back, label);
		if ((rc = commission_period_open(db, a, &system, plan_id, label, &p, e)) < 0)
			goto done;
		int64_t id = json_integer_value(json_object_get(p, "id"));
		json_decref(p);
		p = NULL;
		if (back == 0)
			break;
		if ((rc = commission_period_transition(db, a, &system, id, "approve", &p, e)) < 0)
			goto done;
		json_decref(p);
		p = NULL;
		if ((rc = commission_period_transition(db, a, &system, id, "close", &p, e)) < 0)
			goto done;
		json_decref(p);
		p = NULL;
	}
	rc = 0;
done:
	json_decref(p);
	json_decref(plan);
	json_decref(rules);
	free(members);
	arena_free(a);
	return rc;
}
