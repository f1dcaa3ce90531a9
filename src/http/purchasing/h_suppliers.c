/* h_suppliers.c: suppliers and the product–supplier links over HTTP:
 * parse and check the request, call supplier.c, render. */
#include <string.h>

#include "base/jx.h"
#include "domain/purchasing/supplier.h"
#include "http/handlers.h"
#include "http/req.h"

#define Q_MAX 200

static const char *const supplier_fields[] = {
	"code", "name", "contact", "phone", "email", "lead_time_days",
	"payment_terms", "active", NULL};

/* Reads a supplier body; `creating` makes code and name required. Optional
 * text may be null (cleared). */
static void read_supplier(struct req *r, json_t *in, int creating,
			  struct supplier_input *si)
{
	int fl = creating || json_object_get(in, "code") ? JX_REQUIRED | JX_NONEMPTY : 0;
	int b;
	int64_t v;

	jx_no_unknown(in, supplier_fields, &r->err);
	si->set_code = jx_str(in, "code", fl, 32, &si->code, &r->err);
	fl = creating || json_object_get(in, "name") ? JX_REQUIRED | JX_NONEMPTY : 0;
	si->set_name = jx_str(in, "name", fl, 100, &si->name, &r->err);
	si->set_contact = jx_str(in, "contact", 0, 100, &si->contact, &r->err) ||
			  json_object_get(in, "contact");
	si->set_phone = jx_str(in, "phone", 0, 32, &si->phone, &r->err) ||
			json_object_get(in, "phone");
	si->set_email = jx_str(in, "email", 0, 254, &si->email, &r->err) ||
			json_object_get(in, "email");
	si->set_payment_terms = jx_str(in, "payment_terms", 0, 100, &si->payment_terms,
				       &r->err) || json_object_get(in, "payment_terms");
	si->lead_time_days = -1;
	if (jx_int(in, "lead_time_days", json_object_get(in, "lead_time_days") ? JX_REQUIRED : 0,
		   0, SUPPLIER_LEAD_MAX, &v, &r->err))
		si->lead_time_days = v;
	si->active = creating ? 1 : -1;
	if (jx_bool(in, "active", json_object_get(in, "active") ? JX_REQUIRED : 0, &b,
		    &r->err))
		si->active = b;
}

int h_suppliers_create(struct req *r)
{
	struct supplier_input si = {0};
	struct supplier *s;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_supplier(r, in, 1, &si);
	if (req_bad_types(r))
		return r->err.code;
	rc = supplier_create(r->db, r->a, &r->actor, &si, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, supplier_to_json(s), s->id);
}

int h_suppliers_patch(struct req *r)
{
	struct supplier_input si = {0};
	struct supplier *s;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_supplier(r, in, 0, &si);
	if (req_bad_types(r))
		return r->err.code;
	rc = supplier_update(r->db, r->a, &r->actor, r->ids[0], &si, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, supplier_to_json(s));
}

int h_suppliers_get(struct req *r)
{
	struct supplier *s;
	int rc = supplier_get(r->db, r->a, r->ids[0], &s, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, supplier_to_json(s));
}

/* GET /suppliers?q=&active=true|false&limit=&cursor= */
static json_t *supplier_row(const void *rows, int i)
{
	return supplier_to_json(((struct supplier *const *)rows)[i]);
}

int h_suppliers_list(struct req *r)
{
	struct supplier_filter f = {0};
	struct supplier **list;
	int64_t cursor;
	int n, more, rc;

	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	f.q = req_query(r, "q");
	if (f.q && strlen(f.q) > Q_MAX)
		err_field(&r->err, "q", "must be at most %d bytes", Q_MAX);
	f.active = req_query_bool(r, "active");
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = supplier_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, supplier_row);
}

/* ---- links ------------------------------------------------------------ */

static json_t *product_supplier_row(const void *rows, int i)
{
	return product_supplier_to_json(((struct product_supplier *const *)rows)[i]);
}

int h_product_suppliers_list(struct req *r)
{
	struct product_supplier **list;
	int n, rc;

	rc = product_supplier_list(r->db, r->a, r->ids[0], &list, &n, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, 0, 0, product_supplier_row);
}

/* PUT /products/{id}/suppliers/{id}: the whole link; 201 when new. */
int h_product_suppliers_put(struct req *r)
{
	static const char *const allowed[] = {
		"supplier_sku", "cost", "min_order_qty", "pack_size",
		"lead_time_days", "preferred", NULL};
	struct product_supplier_input li = {.cost = -1, .lead_time_days = -1};
	struct product_supplier *l;
	json_t *in;
	int64_t v;
	int created, b, rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	jx_str(in, "supplier_sku", 0, 64, &li.supplier_sku, &r->err);
	if (jx_money(in, "cost", JX_REQUIRED, 0, &v, &r->err))
		li.cost = v;
	if (jx_qty(in, "min_order_qty", 0, &v, &r->err))
		li.min_order_qty = v > 0 ? v : -1;
	if (jx_qty(in, "pack_size", 0, &v, &r->err))
		li.pack_size = v > 0 ? v : -1;
	if (jx_int(in, "lead_time_days", 0, 0, SUPPLIER_LEAD_MAX, &v, &r->err))
		li.lead_time_days = v;
	if (jx_bool(in, "preferred", 0, &b, &r->err))
		li.preferred = b;
	if (req_bad_types(r))
		return r->err.code;
	rc = product_supplier_put(r->db, r->a, &r->actor, r->ids[0], r->ids[1], &li, &l,
				  &created, &r->err);
	if (rc < 0)
		return rc;
	if (created) {
		reply_header(r, "Location", r->path);
		return reply_json(r, 201, product_supplier_to_json(l));
	}
	return reply_json(r, 200, product_supplier_to_json(l));
}

int h_product_suppliers_delete(struct req *r)
{
	int rc = product_supplier_delete(r->db, &r->actor, r->ids[0], r->ids[1],
					 &r->err);

	if (rc < 0)
		return rc;
	return reply_no_content(r);
}
