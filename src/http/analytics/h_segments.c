/* h_segments.c: GET /segments/rfm (named RFM segments, also as CSV or
 * XLSX), /segments/clusters (k-means) and /customers/{id}/value (lifetime
 * value). Store-bound roles see only their stores and customers. */
#include <string.h>

#include "analytics/segments_data.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"

/* Reads store_id (and k when with_k) into q; format into *export. 0, or
 * the error to answer: 422 naming every bad field, 404 for a store the
 * user does not see. */
static int parse(struct req *r, int with_k, struct segments_query *q, int *export)
{
	int64_t k = 0;
	memset(q, 0, sizeof *q);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q->store_id, &r->err);
	if (with_k)
		jx_qint(req_query(r, "k"), "k", 2, 8, &k, &r->err);
	q->k = (int)k;
	const char *fmt = req_query(r, "format");
	*export = fmt && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "xlsx") == 0);
	if (fmt && *fmt && !*export && strcmp(fmt, "json") != 0)
		err_field(&r->err, "format", "must be one of: json, csv, xlsx");
	if (r->err.nfields)
		return err_fields_done(&r->err);
	if (q->store_id && !req_store_visible(r, q->store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		q->scope_user_id = r->user->id;
	return 0;
}

/* The answer as JSON, or the rows named by key as a file. */
static int render(struct req *r, int export, json_t *rep, const char *key)
{
	if (export) {
		json_t *items = json_incref(json_object_get(rep, key));
		json_decref(rep);
		return reply_list(r, items, 0, 0);
	}
	return reply_json(r, 200, rep);
}

int h_segments_rfm(struct req *r)
{
	struct segments_query q;
	json_t *rep;
	int export, rc = parse(r, 0, &q, &export);
	if (rc < 0)
		return rc;
	if ((rc = segments_rfm(r->db, r->a, &q, ts_now_ms(), &rep, &r->err)) < 0)
		return rc;
	return render(r, export, rep, "items");
}

/* As a file: one row per cluster with its centroid's spend, frequency and
 * recency (the category mix stays in the JSON answer). */
static json_t *cluster_rows(const json_t *clusters)
{
	json_t *rows = json_array(), *c;
	size_t i;
	json_array_foreach(clusters, i, c)
	{
		const json_t *cen = json_object_get(c, "centroid");
		json_t *o = json_object();
		static const char *const keys[] = {"cluster", "label", "size", "revenue",
						   "revenue_share"};
		for (size_t j = 0; j < sizeof keys / sizeof *keys; j++)
			json_object_set(o, keys[j], json_object_get(c, keys[j]));
		json_object_set(o, "spend", json_object_get(cen, "spend"));
		json_object_set(o, "frequency", json_object_get(cen, "frequency"));
		json_object_set(o, "recency_days", json_object_get(cen, "recency_days"));
		json_array_append_new(rows, o);
	}
	return rows;
}

int h_segments_clusters(struct req *r)
{
	struct segments_query q;
	json_t *rep;
	int export, rc = parse(r, 1, &q, &export);
	if (rc < 0)
		return rc;
	if ((rc = segments_clusters(r->db, r->a, &q, ts_now_ms(), &rep, &r->err)) < 0)
		return rc;
	if (export) {
		json_t *rows = cluster_rows(json_object_get(rep, "clusters"));
		json_decref(rep);
		return reply_list(r, rows, 0, 0);
	}
	return reply_json(r, 200, rep);
}

int h_customers_value(struct req *r)
{
	json_t *o;
	int rc = segments_customer_value(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &o,
					 &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}
