/* shift.c: finding and opening shifts. */
#include "shift.h"

#include "../base/timeutil.h"

int shift_current(struct db *db, const struct actor *who, int64_t store_id,
		  const char *register_id, int autoopen, int64_t *id, struct err *e)
{
	static const char sql_find[] =
		"SELECT id FROM shifts WHERE store_id = ? AND register = ? AND status = 'open'";
	static const char sql_open[] =
		"INSERT INTO shifts (store_id, register, status, opened_by, opened_at, opening_cash) "
		"VALUES (?, ?, 'open', ?, ?, 0) RETURNING id";
	*id = 0;
	struct db_stmt *st = db_query(db, e, sql_find, "it", store_id, register_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		db_reset(st);
		return 0;
	}
	if (!autoopen)
		return 0;
	int64_t uid = who && who->user ? who->user->id : 0;
	if (!(st = db_query(db, e, sql_open, "itii", store_id, register_id, uid, ts_now_ms())) ||
	    db_step(st, e) != DB_ROW)
		return db_fail(e);
	*id = db_col_int64(st, 0);
	db_reset(st);
	return 0;
}
