/* h_saved_segments.c: saved customer segments (list, create, read with the
 * live count, change, delete, preview of an unsaved filter, members also as
 * CSV or XLSX) and a customer's personal recommendations. Store-bound
 * roles see their stores' segments and their customers only. */
#include <string.h>

#include "analytics/recommend_data.h"
#include "analytics/saved_segments.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"

#define Q_MAX 100

static const char *const create_fields[] = {"name", "description", "store_id", "filter", NULL};
static const char *const patch_fields[] = {"name", "description", "filter", NULL};
static const char *const preview_fields[] = {"store_id", "filter", NULL};

/* The body's fields into in (creating: every field; else those sent). */
static void read_input(struct req *r, json_t *in, int creating, struct saved_segment_input *si)
{
	struct err *e = &r->err;

	jx_no_unknown(in, creating ? create_fields : patch_fields, e);
	si->set_name = jx_str(in, "name", creating || jx_present(in, "name") ? JX_REQUIRED : 0,
			      SEG_NAME_MAX_CHARS, &si->name, e) || jx_present(in, "name");
	si->set_description = jx_str(in, "description", 0, SEG_DESCRIPTION_MAX_CHARS,
				     &si->description, e) || jx_present(in, "description");
	if (creating)
		jx_int(in, "store_id", 0, 1, INT64_MAX, &si->store_id, e);
	si->set_filter = creating || jx_present(in, "filter");
	seg_filter_read(json_object_get(in, "filter"), r->a, &si->filter, e);
}

int h_saved_segments_create(struct req *r)
{
	struct saved_segment_input si = {0};
	struct saved_segment *s;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_input(r, in, 1, &si);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = saved_segment_create(r->db, r->a, &r->actor, &si, &s, &r->err)) < 0)
		return rc;
	return reply_created(r, saved_segment_to_json(s), s->id);
}

int h_saved_segments_patch(struct req *r)
{
	struct saved_segment_input si = {0};
	struct saved_segment *s;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_input(r, in, 0, &si);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = saved_segment_update(r->db, r->a, &r->actor, r->ids[0], &si, &s, &r->err)) < 0)
		return rc;
	return reply_json(r, 200, saved_segment_to_json(s));
}

int h_saved_segments_delete(struct req *r)
{
	int rc = saved_segment_delete(r->db, &r->actor, r->ids[0], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

/* The segment with its live count. */
int h_saved_segments_get(struct req *r)
{
	struct seg_member *m;
	int64_t count;
	int n, more, rc;
	struct saved_segment *s;

	if ((rc = saved_segment_get(r->db, r->a, &r->actor, r->ids[0], &s, &r->err)) < 0)
		return rc;
	if ((rc = saved_segment_members(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), 0, 1, &m,
					&n, &more, &count, &r->err)) < 0)
		return rc;
	json_t *o = saved_segment_to_json(s);
	json_object_set_new(o, "count", json_integer(count));
	return reply_json(r, 200, o);
}

static json_t *segment_row(const void *rows, int i)
{
	return saved_segment_to_json(((struct saved_segment *const *)rows)[i]);
}

/* GET /segments?q= */
int h_saved_segments_list(struct req *r)
{
	struct saved_segment **list;
	int64_t cursor;
	int limit, n, more, rc;
	const char *q = req_query(r, "q");

	req_page(r, &limit, &cursor);
	if (q && strlen(q) > Q_MAX)
		err_field(&r->err, "q", "must be at most %d bytes", Q_MAX);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = saved_segment_list(r->db, r->a, &r->actor, q, cursor, limit, &list, &n, &more,
				&r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, segment_row);
}

static json_t *member_row(const void *rows, int i)
{
	return seg_member_to_json(&((const struct seg_member *)rows)[i]);
}

/* POST /segments/preview {filter, store_id}: the count and a sample. */
int h_saved_segments_preview(struct req *r)
{
	struct seg_filter f;
	struct seg_member *sample;
	int64_t count, store_id = 0;
	json_t *in;
	int n, rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, preview_fields, &r->err);
	jx_int(in, "store_id", 0, 1, INT64_MAX, &store_id, &r->err);
	seg_filter_read(json_object_get(in, "filter"), r->a, &f, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = saved_segment_check(r->db, &f, &r->err)) < 0)
		return rc;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	if ((rc = saved_segment_preview(r->db, r->a, &r->actor, store_id, &f, ts_now_ms(), &count,
					&sample, &n, &r->err)) < 0)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, member_row(sample, i));
	return reply_json(r, 200, json_pack("{s:I,s:o,s:o}", "count", (json_int_t)count,
					    "filter", seg_filter_to_json(&f), "sample", items));
}

/* GET /segments/{id}/members: a page with the count (JSON), or every
 * member as CSV/XLSX. */
int h_saved_segments_members(struct req *r)
{
	struct seg_member *list;
	int64_t cursor, count;
	int limit, n, more, rc;

	req_page(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = saved_segment_members(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), cursor, limit,
				   &list, &n, &more, &count, &r->err);
	if (rc < 0)
		return rc;
	rc = reply_page(r, list, n, more, n ? list[n - 1].id : 0, member_row);
	if (rc == 0 && r->out && json_is_object(r->out))
		json_object_set_new(r->out, "count", json_integer(count));
	return rc;
}

/* GET /customers/{id}/recommendations?limit= (1..50, default 10) */
int h_customers_recommendations(struct req *r)
{
	int64_t limit = 10;
	json_t *o;
	int rc;

	jx_qint(req_query(r, "limit"), "limit", 1, RECO_LIMIT_MAX, &limit, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = customer_recommendations(r->db, r->a, &r->actor, r->ids[0], (int)limit, ts_now_ms(),
				      &o, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}
