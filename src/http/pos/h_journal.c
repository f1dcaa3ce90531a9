/* h_journal.c: GET /journal/verify — walks the tamper-evident journal of
 * one store (or all) and names the first broken record. */
#include "analytics/sales_report.h"
#include "base/jx.h"
#include "domain/org/store.h"
#include "http/handlers.h"
#include "http/req.h"

int h_journal_verify(struct req *r)
{
	int64_t store_id = 0;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id) {
		int rc = store_exists(r->db, store_id, &r->err);
		if (rc < 0)
			return rc;
		if (rc == 0 || !req_store_visible(r, store_id))
			return err_set(&r->err, ERR_NOT_FOUND, "no store %lld",
				       (long long)store_id);
	}
	struct journal_report rep;
	int rc = report_journal(r->db, r->a, store_id, &rep, &r->err);
	if (rc < 0)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "ok", json_boolean(!rep.bad_seq));
	json_object_set_new(o, "records", json_integer(rep.records));
	/* The store asked for; else the broken one; null: every store, intact. */
	int64_t sid = store_id ? store_id : rep.bad_seq ? rep.store_id : 0;
	json_object_set_new(o, "store_id", sid ? json_integer(sid) : json_null());
	json_object_set_new(o, "first_broken_seq",
			    rep.bad_seq ? json_integer(rep.bad_seq) : json_null());
	json_object_set_new(o, "problem", jx_strn(rep.problem));
	return reply_json(r, 200, o);
}
