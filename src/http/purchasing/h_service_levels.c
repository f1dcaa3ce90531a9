/* h_service_levels.c: the service levels (per store and/or category) that
 * set the safety stock of reorder points from the forecast. */
#include "base/jx.h"
#include "domain/purchasing/service_level.h"
#include "http/handlers.h"
#include "http/req.h"

/* GET /service-levels -> {items, default} (every row the user sees) */
int h_service_levels_list(struct req *r)
{
	struct service_level *rows;
	json_t *items;
	int n, rc;

	rc = service_level_list(r->db, r->a, r->user, &rows, &n, &r->err);
	if (rc < 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, service_level_to_json(&rows[i]));
	return reply_json(r, 200, json_pack("{s:o,s:o}", "items", items, "default",
					    jx_qty_value(SERVICE_LEVEL_DEFAULT)));
}

/* PUT /service-levels {store_id, category_id, level} -> 201 new / 200 */
int h_service_levels_put(struct req *r)
{
	static const char *const fields[] = {"store_id", "category_id", "level", NULL};
	struct service_level in = {0}, *out;
	json_t *body;
	int created, rc;

	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, fields, &r->err);
	jx_int(body, "store_id", JX_REQUIRED, 0, INT64_MAX, &in.store_id, &r->err);
	jx_int(body, "category_id", JX_REQUIRED, 0, INT64_MAX, &in.category_id, &r->err);
	jx_qty(body, "level", JX_REQUIRED, &in.level, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = service_level_put(r->db, r->a, &r->actor, &in, &out, &created, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, created ? 201 : 200, service_level_to_json(out));
}

/* DELETE /service-levels?store_id=&category_id= (both required, 0 = every) */
int h_service_levels_delete(struct req *r)
{
	int64_t store_id = -1, category_id = -1;

	if (jx_qint(req_query(r, "store_id"), "store_id", 0, INT64_MAX, &store_id,
		    &r->err) == 0)
		err_field(&r->err, "store_id", "is required");
	if (jx_qint(req_query(r, "category_id"), "category_id", 0, INT64_MAX, &category_id,
		    &r->err) == 0)
		err_field(&r->err, "category_id", "is required");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (service_level_delete(r->db, &r->actor, store_id, category_id, &r->err) < 0)
		return r->err.code;
	return reply_no_content(r);
}
