/* h_opportunities.c: opportunities and the pipeline report over HTTP:
 * parse and check, call opportunity.c or pipeline_report.c, render. */

#include "analytics/pipeline_report.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/crm/opportunity.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"

/* Reads a body; `creating` also takes store_id (a PATCH may not move an
 * opportunity to another store). */
static void read_opportunity(struct req *r, json_t *in, int creating,
			     struct opportunity_input *oi)
{
	static const char *const create_fields[] = {
		"name", "customer_id", "store_id", "owner_id", "stage", "amount",
		"probability_bp", "expected_close", "lost_reason", "note", NULL};
	static const char *const patch_fields[] = {
		"name", "customer_id", "owner_id", "stage", "amount", "probability_bp",
		"expected_close", "lost_reason", "note", NULL};
	int64_t v;

	jx_no_unknown(in, creating ? create_fields : patch_fields, &r->err);
	oi->amount = oi->probability_bp = -1;
	oi->set_name = jx_present(in, "name");
	crm_text(in, "name", &oi->name, &r->err);
	oi->set_note = jx_present(in, "note");
	crm_text(in, "note", &oi->note, &r->err);
	oi->set_lost_reason = jx_present(in, "lost_reason");
	crm_text(in, "lost_reason", &oi->lost_reason, &r->err);
	oi->set_stage = jx_present(in, "stage");
	jx_str(in, "stage", 0, 0, &oi->stage, &r->err);
	oi->set_expected_close = jx_present(in, "expected_close");
	jx_day(in, "expected_close", 0, &oi->expected_close, &r->err);
	oi->set_customer_id = jx_present(in, "customer_id");
	crm_id(in, "customer_id", &oi->customer_id, &r->err);
	oi->set_owner_id = jx_present(in, "owner_id");
	crm_id(in, "owner_id", &oi->owner_id, &r->err);
	if (creating)
		crm_id(in, "store_id", &oi->store_id, &r->err);
	if (jx_money(in, "amount", 0, 0, &v, &r->err)) {
		oi->amount = v;
		oi->set_amount = 1;
	}
	if (jx_int(in, "probability_bp", 0, 0, 10000, &v, &r->err)) {
		oi->probability_bp = v;
		oi->set_probability_bp = 1;
	}
}

int h_opportunities_create(struct req *r)
{
	struct opportunity_input oi = {0};
	struct opportunity *o;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_opportunity(r, in, 1, &oi);
	if (req_bad_types(r))
		return r->err.code;
	rc = opportunity_create(r->db, r->a, &r->actor, &oi, ts_now_ms(), &o, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, opportunity_to_json(o), o->id);
}

int h_opportunities_patch(struct req *r)
{
	struct opportunity_input oi = {0};
	struct opportunity *o;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_opportunity(r, in, 0, &oi);
	if (req_bad_types(r))
		return r->err.code;
	rc = opportunity_update(r->db, r->a, &r->actor, r->ids[0], &oi, ts_now_ms(), &o,
				&r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, opportunity_to_json(o));
}

int h_opportunities_get(struct req *r)
{
	struct opportunity *o;
	int rc = opportunity_get(r->db, r->a, &r->actor, r->ids[0], &o, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, opportunity_to_json(o));
}

static json_t *opportunity_row(const void *rows, int i)
{
	return opportunity_to_json(((struct opportunity *const *)rows)[i]);
}

/* GET /opportunities?stage=&owner_id=&store_id=&customer_id= (newest first) */
int h_opportunities_list(struct req *r)
{
	struct opportunity_filter f = {0};
	struct opportunity **list;
	int64_t cursor;
	int n, more, rc;

	req_page(r, &f.limit, &cursor);
	f.before_id = cursor;
	f.stage = req_query_enum(r, "stage", opportunity_stages);
	jx_qint(req_query(r, "owner_id"), "owner_id", 1, INT64_MAX, &f.owner_id, &r->err);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &f.customer_id,
		&r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	rc = opportunity_list(r->db, r->a, &r->actor, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, opportunity_row);
}

/* GET /reports/pipeline?store_id=&owner_id=&from=&to=&format= */
int h_reports_pipeline(struct req *r)
{
	struct pipeline_query q = {0};
	int export = req_export_asked(r);
	json_t *rep;
	int rc;

	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	jx_qint(req_query(r, "owner_id"), "owner_id", 1, INT64_MAX, &q.owner_id, &r->err);
	req_time_range(r, &q.from, &q.to);
	if (q.from && q.to && q.to <= q.from)
		err_field(&r->err, "to", "must be after from");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (q.store_id && !req_store_visible(r, q.store_id))
		return r->err.code;
	rc = pipeline_report(r->db, &r->actor, &q, &rep, &r->err);
	if (rc < 0)
		return rc;
	if (export) {
		json_t *rows = pipeline_rows(rep);
		json_decref(rep);
		return reply_list(r, rows, 0, 0);
	}
	return reply_json(r, 200, rep);
}
