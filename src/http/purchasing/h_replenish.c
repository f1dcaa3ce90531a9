/* h_replenish.c: replenishment suggestions of a store, grouped by preferred
 * supplier, and the draft purchase order made from one supplier's. */
#include <string.h>

#include "analytics/reorder_store.h"
#include "base/jx.h"
#include "domain/purchasing/purchase.h"
#include "domain/purchasing/replenish.h"
#include "http/handlers.h"
#include "http/req.h"

/* The suggestions as rows (supplier first) for ?format=csv|xlsx. */
static json_t *flat_rows(const struct replenish_report *rep)
{
	json_t *items = json_array();

	for (int i = 0; i < rep->nunassigned; i++) {
		json_t *line = replenish_line_to_json(&rep->unassigned[i]);
		json_t *o = json_pack("{s:n,s:n}", "supplier_id", "supplier_name");

		json_object_del(line, "forecast");
		json_object_update(o, line);
		json_decref(line);
		json_array_append_new(items, o);
	}
	for (int g = 0; g < rep->ngroups; g++) {
		for (int i = 0; i < rep->groups[g].nlines; i++) {
			json_t *line = replenish_line_to_json(&rep->groups[g].lines[i]);
			json_t *o = json_pack("{s:I,s:o}", "supplier_id",
					      (json_int_t)rep->groups[g].supplier_id,
					      "supplier_name",
					      jx_strn(rep->groups[g].supplier_name));

			json_object_del(line, "forecast");
			json_object_update(o, line);
			json_decref(line);
			json_array_append_new(items, o);
		}
	}
	return items;
}

/* GET /replenishment?store_id= (required) [&format=csv|xlsx] */
int h_replenishment_get(struct req *r)
{
	struct replenish_report rep;
	const char *fmt = req_query(r, "format");
	int64_t store_id = 0;
	int rc;

	if (jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id,
		    &r->err) == 0)
		err_field(&r->err, "store_id", "is required");
	if (fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 &&
	    strcmp(fmt, "xlsx") != 0)
		err_field(&r->err, "format", "must be one of: json, csv, xlsx");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (!req_store_visible(r, store_id))
		return r->err.code;
	rc = replenish_suggestions_with(r->db, r->a, store_id, reorder_forecast_lines, &rep,
					&r->err);
	if (rc < 0)
		return rc;
	if (fmt && strcmp(fmt, "json") != 0)
		return reply_list(r, flat_rows(&rep), 0, 0);
	return reply_json(r, 200, replenish_to_json(&rep));
}

/* POST /replenishment/orders {store_id, supplier_id} -> 201 draft order */
int h_replenishment_order(struct req *r)
{
	static const char *const fields[] = {"store_id", "supplier_id", NULL};
	struct purchase_order *po;
	int64_t store_id = 0, supplier_id = 0;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &store_id, &r->err);
	jx_int(in, "supplier_id", JX_REQUIRED, 1, INT64_MAX, &supplier_id, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = replenish_order_with(r->db, r->a, &r->actor, store_id, supplier_id,
				  reorder_forecast_lines, &po, &r->err);
	if (rc < 0)
		return rc;
	reply_header(r, "Location", arena_printf(r->a, "/api/v1/purchase-orders/%lld",
						 (long long)po->id));
	return reply_json(r, 201, purchase_to_json(po));
}
