/* outbox.c: the queue of messages to customers (see outbox.h). */
#include "domain/loyalty/outbox.h"

#include "base/jx.h"
#include "db/page.h"

const char *const outbox_channels[] = {"sms", "email", "wechat", NULL};
const char *const outbox_statuses[] = {"queued", "sent", "failed", "cancelled", NULL};

#define OUTBOX_COLS                                                                        \
	"id, customer_id, channel, recipient, subject, body, status, source, source_id, " \
	"created_at, sent_at, error"

int outbox_queue(struct db *db, int64_t customer_id, const char *channel, const char *recipient,
		 const char *subject, const char *body, const char *source, int64_t source_id,
		 int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO outbox (customer_id, channel, recipient, subject, body, status, source, "
		"source_id, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)";
	struct db_stmt *st = db_query(db, e, sql, "ItttttIi", customer_id, channel, recipient,
				      subject, body, source, source_id, now);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	return 0;
}

int outbox_list(struct db *db, struct arena *a, const struct outbox_filter *f,
		struct outbox_msg **out, int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " OUTBOX_COLS " FROM outbox WHERE id > ? "
		"AND (CAST(? AS TEXT) IS NULL OR status = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR channel = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR source = ?) "
		"AND (? = 0 OR customer_id = ?) ORDER BY id LIMIT ?";
	struct page pg;
	int rc;
	page_init(&pg, a, f->limit, sizeof(struct outbox_msg));
	struct db_stmt *st = db_query(db, e, sql, "ittttttiii", f->after_id, f->status, f->status,
				      f->channel, f->channel, f->source, f->source, f->customer_id,
				      f->customer_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct outbox_msg *m = page_add(&pg);
		m->id = db_col_int64(st, 0);
		m->customer_id = db_col_int64(st, 1);
		m->channel = arena_strdup(a, db_col_text(st, 2));
		m->recipient = arena_strdup(a, db_col_text(st, 3));
		m->subject = arena_strdup(a, db_col_text(st, 4));
		m->body = arena_strdup(a, db_col_text(st, 5));
		m->status = arena_strdup(a, db_col_text(st, 6));
		m->source = arena_strdup(a, db_col_text(st, 7));
		m->source_id = db_col_int64(st, 8);
		m->created_at = db_col_int64(st, 9);
		m->sent_at = db_col_int64(st, 10);
		m->error = arena_strdup(a, db_col_text(st, 11));
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

json_t *outbox_to_json(const struct outbox_msg *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "customer_id", m->customer_id ? json_integer(m->customer_id)
							     : json_null());
	json_object_set_new(o, "channel", jx_strn(m->channel));
	json_object_set_new(o, "recipient", jx_strn(m->recipient));
	json_object_set_new(o, "subject", jx_strn(m->subject));
	json_object_set_new(o, "body", jx_strn(m->body));
	json_object_set_new(o, "status", jx_strn(m->status));
	json_object_set_new(o, "source", jx_strn(m->source));
	json_object_set_new(o, "source_id", m->source_id ? json_integer(m->source_id) : json_null());
	json_object_set_new(o, "created_at", jx_time(m->created_at));
	json_object_set_new(o, "sent_at", jx_time(m->sent_at));
	json_object_set_new(o, "error", jx_strn(m->error));
	return o;
}

int outbox_queue_once(struct db *db, const struct outbox_new *m, int64_t now, int64_t *id,
		      struct err *e)
{
	static const char sql[] =
		"INSERT INTO outbox (customer_id, channel, recipient, subject, body, status, source,"
		" source_id, created_at, updated_at, lang, dedup_key, error)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING id";
	static const char sql_old[] = "SELECT id FROM outbox WHERE dedup_key = ?";
	int rc = db_int(db_query(db, e, sql, "IttttttIiittt", m->customer_id, m->channel,
				 m->recipient ? m->recipient : "", m->subject, m->body,
				 m->status ? m->status : "queued", m->source, m->source_id, now, now,
				 m->lang, m->dedup_key, m->reason),
			id, e);
	if (rc != 0)
		return rc < 0 ? db_fail(e) : 1;
	rc = db_int(db_query(db, e, sql_old, "t", m->dedup_key), id, e);
	return rc < 0 ? db_fail(e) : 0;
}
