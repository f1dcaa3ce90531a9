/* customer_rfm.c: the nightly RFM scoring (see customer_rfm.h); the
 * buckets come from ntile() in customer_text.c. */
#include "domain/crm/customer_rfm.h"

#include <stdlib.h>

#include "domain/crm/customer_text.h"

#define DAY_MS 86400000LL

struct rfm_row {
	int64_t id, last, orders, spend;
	int r, f, m;
};

static int by_last(const void *x, const void *y)
{
	const struct rfm_row *a = *(struct rfm_row *const *)x, *b = *(struct rfm_row *const *)y;
	if (a->last != b->last)
		return a->last < b->last ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int by_orders(const void *x, const void *y)
{
	const struct rfm_row *a = *(struct rfm_row *const *)x, *b = *(struct rfm_row *const *)y;
	if (a->orders != b->orders)
		return a->orders < b->orders ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int by_spend(const void *x, const void *y)
{
	const struct rfm_row *a = *(struct rfm_row *const *)x, *b = *(struct rfm_row *const *)y;
	if (a->spend != b->spend)
		return a->spend < b->spend ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static const char SQL_RFM_BASE[] =
	"SELECT s.customer_id, MAX(s.at), COUNT(*), SUM(s.total) FROM sales s"
	" JOIN customers c ON c.id = s.customer_id"
	" WHERE s.customer_id IS NOT NULL AND s.status <> 'voided' AND s.at > ? AND s.at <= ?"
	" GROUP BY s.customer_id";
static const char SQL_RFM_CLEAR[] =
	"UPDATE customers SET rfm_r = NULL, rfm_f = NULL, rfm_m = NULL, rfm_at = NULL"
	" WHERE rfm_r IS NOT NULL OR rfm_at IS NOT NULL";
static const char SQL_RFM_SET[] =
	"UPDATE customers SET rfm_r = ?, rfm_f = ?, rfm_m = ?, rfm_at = ? WHERE id = ?";

int customer_rfm_run(struct db *db, int64_t now, int64_t *scored, struct err *e)
{
	struct rfm_row *rows = NULL, **order = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st;
	int rc;

	if (scored)
		*scored = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	st = db_query(db, e, SQL_RFM_BASE, "ii", now - RFM_WINDOW_DAYS * DAY_MS, now);
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			rows = realloc(rows, cap * sizeof *rows);
			if (!rows)
				abort();
		}
		rows[n].id = db_col_int64(st, 0);
		rows[n].last = db_col_int64(st, 1);
		rows[n].orders = db_col_int64(st, 2);
		rows[n].spend = db_col_int64(st, 3);
		n++;
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	order = malloc((n ? n : 1) * sizeof *order);
	if (!order)
		abort();
	for (size_t i = 0; i < n; i++)
		order[i] = &rows[i];
	qsort(order, n, sizeof *order, by_last);
	for (size_t i = 0; i < n; i++)
		order[i]->r = ntile((int64_t)i, (int64_t)n, 5);
	qsort(order, n, sizeof *order, by_orders);
	for (size_t i = 0; i < n; i++)
		order[i]->f = ntile((int64_t)i, (int64_t)n, 5);
	qsort(order, n, sizeof *order, by_spend);
	for (size_t i = 0; i < n; i++)
		order[i]->m = ntile((int64_t)i, (int64_t)n, 5);
	if (db_run(db_query(db, e, SQL_RFM_CLEAR, ""), e) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (db_run(db_query(db, e, SQL_RFM_SET, "iiiii", (int64_t)rows[i].r,
				    (int64_t)rows[i].f, (int64_t)rows[i].m, now, rows[i].id), e) < 0)
			goto fail;
	if (db_commit(db, e) < 0)
		goto fail;
	if (scored)
		*scored = (int64_t)n;
	free(rows);
	free(order);
	return 0;
fail:
	db_rollback(db);
	free(rows);
	free(order);
	return db_fail(e);
}
