/* h_recognitions.c: recognition badges and notes over HTTP: parse and
 * check, call recognition.c, render. */
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/staff/recognition.h"
#include "http/handlers.h"
#include "http/req.h"

static json_t *recognition_row(const void *rows, int i)
{
	return recognition_to_json(((struct recognition *const *)rows)[i]);
}

/* GET /recognitions?user_id=&store_id=: newest first. */
int h_recognitions_list(struct req *r)
{
	struct recognition_filter f = {0};
	struct recognition **list;
	int n, more, rc;

	req_page(r, &f.limit, &f.before_id);
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &f.user_id, &r->err);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	rc = recognition_list(r->db, r->a, &r->actor, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, recognition_row);
}

/* POST /recognitions {user_id, badge, note} */
int h_recognitions_create(struct req *r)
{
	static const char *const fields[] = {"user_id", "badge", "note", NULL};
	const char *badge = NULL, *note = NULL;
	struct recognition *rec;
	int64_t user_id = 0;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "user_id", JX_REQUIRED, 1, INT64_MAX, &user_id, &r->err);
	jx_str(in, "badge", JX_REQUIRED, 0, &badge, &r->err);
	jx_str(in, "note", 0, 0, &note, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = recognition_give(r->db, r->a, &r->actor, user_id, badge, note, ts_now_ms(), &rec,
			      &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, recognition_to_json(rec), rec->id);
}

int h_recognitions_delete(struct req *r)
{
	int rc = recognition_delete(r->db, r->a, &r->actor, r->ids[0], &r->err);

	if (rc < 0)
		return rc;
	return reply_no_content(r);
}
