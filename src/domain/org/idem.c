/* idem.c: claiming idempotency keys and storing their answers. */
#include "domain/org/idem.h"

#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"

/* The stored answer for user × key: 1 (*out set), 0 when the key is
 * unknown, ERR_IDEMPOTENCY_CONFLICT for another request hash. */
int idem_peek(struct db *db, const struct actor *who, const char *key,
	      const char *hash, json_t **out, struct err *e)
{
	static const char sql_get[] =
		"SELECT request_hash, response FROM idempotency_keys WHERE user_id = ? AND key = ?";
	int64_t uid = who->user ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, sql_get, "it", uid, key);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc == DB_DONE)
		return 0;
	int same = strcmp(db_col_text(st, 0), hash) == 0;
	const char *resp = db_col_text(st, 1);
	json_t *v = same && resp ? json_loads(resp, 0, NULL) : NULL;
	db_reset(st);
	if (!same)
		return err_set(e, ERR_IDEMPOTENCY_CONFLICT,
			       "this Idempotency-Key was used for another request");
	if (!v)
		return err_set(e, ERR_INTERNAL, "the stored answer for this key is unreadable");
	*out = v;
	return 1;
}

int idem_claim(struct db *db, const struct actor *who, const char *key,
	       const char *hash, json_t **out, struct err *e)
{
	static const char sql_claim[] =
		"INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) "
		"VALUES (?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING RETURNING user_id";
	int64_t uid = who->user ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, sql_claim, "itti", uid, key, hash, ts_now_ms());
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	/* Taken: in this transaction's view the row is there. */
	rc = idem_peek(db, who, key, hash, out, e);
	return rc == 0 ? err_set(e, ERR_INTERNAL, "the idempotency key vanished") : rc;
}

int idem_store(struct db *db, const struct actor *who, const char *key, json_t *resp,
	       struct err *e)
{
	static const char sql[] =
		"UPDATE idempotency_keys SET status = 201, response = ? WHERE user_id = ? AND key = ?";
	char *s = json_dumps(resp, JSON_COMPACT | JSON_REAL_PRECISION(15));
	struct db_stmt *st = db_query(db, e, sql, "tit", s, who->user ? who->user->id : 0, key);
	int rc = st ? db_run(st, e) : db_fail(e);
	free(s);
	return rc < 0 ? db_fail(e) : 0;
}

int idem_prune(struct db *db, int64_t before, int limit, int64_t *deleted, struct err *e)
{
	static const char sql[] =
		"DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key "
		"FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)";
	return db_write_count(db, e, deleted, sql, "ii", before, (int64_t)limit);
}
