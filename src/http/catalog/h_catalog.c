/* h_catalog.c: categories and products over HTTP: parse and check the
 * request, call catalog.c, render the JSON that API.md fixes. */
#include "base/jx.h"
#include "domain/catalog/category.h"
#include "domain/catalog/price_history.h"
#include "domain/catalog/product.h"
#include "http/handlers.h"
#include "http/req.h"

#define Q_MAX 200

/* Flags for a field that may not be null: required on create, and null is
 * refused whenever the key is sent. */
static int nonnull(json_t *obj, const char *key, int creating)
{
	return creating || jx_present(obj, key) ? JX_REQUIRED : 0;
}

/* Code points in UTF-8 text. */
static size_t text_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* ---- categories ------------------------------------------------------- */

static void category_read(struct req *r, json_t *in, int creating,
			  struct category_input *ci)
{
	ci->set_name = jx_str(in, "name", nonnull(in, "name", creating) | JX_NONEMPTY,
			      100, &ci->name, &r->err);
	ci->set_parent = jx_int_null(in, "parent_id", 1, INT64_MAX, 0, &ci->parent_id,
				     &r->err);
}

int h_categories_create(struct req *r)
{
	static const char *const allowed[] = {"name", "parent_id", NULL};
	struct category_input ci = {0};
	struct category *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	category_read(r, in, 1, &ci);
	if (req_bad_types(r))
		return r->err.code;
	rc = category_create(r->db, r->a, &r->actor, &ci, &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, category_to_json(c), c->id);
}

int h_categories_patch(struct req *r)
{
	static const char *const allowed[] = {"name", "parent_id", "required_course_id", NULL};
	struct category_input ci = {0};
	struct category *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	category_read(r, in, 0, &ci);
	ci.set_required_course = jx_int_null(in, "required_course_id", 1, INT64_MAX, 0,
					     &ci.required_course_id, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = category_update(r->db, r->a, &r->actor, r->ids[0], &ci, &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, category_to_json(c));
}

int h_categories_get(struct req *r)
{
	struct category *c;
	int rc = category_get(r->db, r->a, r->ids[0], &c, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, category_to_json(c));
}

int h_categories_delete(struct req *r)
{
	int rc = category_delete(r->db, &r->actor, r->ids[0], &r->err);

	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

/* GET /categories[?parent_id=N]: the whole tree ordered by path, or the
 * direct children of N (0: the top level). */
static json_t *category_row(const void *rows, int i)
{
	return category_to_json(((struct category *const *)rows)[i]);
}

int h_categories_list(struct req *r)
{
	struct category **list;
	int64_t parent = 0;
	int given, n, rc;

	given = jx_qint(req_query(r, "parent_id"), "parent_id", 0, INT64_MAX,
			&parent, &r->err) == 1;
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = category_list(r->db, r->a, parent, given, &list, &n, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, 0, 0, category_row);
}

/* ---- products --------------------------------------------------------- */

/* Reads the product fields; on create the required ones must be present.
 * Each set_* says the key was sent (null included for nullable fields). */
static void product_read(struct req *r, json_t *in, int creating,
			 struct product_input *pi)
{
	struct err *e = &r->err;

	pi->cost = -1;
	pi->active = -1;
	pi->set_sku = jx_str(in, "sku", nonnull(in, "sku", creating) | JX_NONEMPTY,
			     64, &pi->sku, e);
	pi->set_name = jx_str(in, "name", nonnull(in, "name", creating) | JX_NONEMPTY,
			      200, &pi->name, e);
	pi->set_unit = jx_str(in, "unit", (creating ? 0 : nonnull(in, "unit", 0)) | JX_NONEMPTY,
			      16, &pi->unit, e);
	pi->set_price = jx_money(in, "price", nonnull(in, "price", creating), 0,
				 &pi->price, e);
	pi->set_vat = jx_int(in, "vat_rate", nonnull(in, "vat_rate", creating),
			     0, 10000, &pi->vat_rate, e);
	/* Nullable: sent as null means "none". */
	if (jx_present(in, "barcode")) {
		pi->set_barcode = 1;
		jx_str(in, "barcode", 0, 64, &pi->barcode, e);
	}
	if (jx_present(in, "brand")) {
		pi->set_brand = 1;
		jx_str(in, "brand", 0, 100, &pi->brand, e);
	}
	pi->set_category = jx_int_null(in, "category_id", 1, INT64_MAX, 0, &pi->category_id, e);
	pi->set_cost = jx_money_null(in, "cost", -1, &pi->cost, e);
}

int h_products_create(struct req *r)
{
	static const char *const allowed[] = {"sku", "barcode", "name",
					      "category_id", "brand", "unit",
					      "price", "cost", "vat_rate", NULL};
	struct product_input pi = {0};
	struct product *p;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	product_read(r, in, 1, &pi);
	if (req_bad_types(r))
		return r->err.code;
	rc = product_create(r->db, r->a, &r->actor, &pi, &p, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, product_to_json(p), p->id);
}

int h_products_patch(struct req *r)
{
	static const char *const allowed[] = {"sku", "barcode", "name",
					      "category_id", "brand", "unit",
					      "price", "cost", "vat_rate",
					      "active", NULL};
	struct product_input pi = {0};
	struct product *p;
	json_t *in;
	int active, rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	product_read(r, in, 0, &pi);
	if (jx_bool(in, "active", nonnull(in, "active", 0), &active, &r->err))
		pi.active = active;
	if (req_bad_types(r))
		return r->err.code;
	rc = product_update(r->db, r->a, &r->actor, r->ids[0], &pi, &p, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, product_to_json(p));
}

int h_products_get(struct req *r)
{
	struct product *p;
	int rc = product_get(r->db, r->a, r->ids[0], &p, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, product_to_json(p));
}

/* 204 when deleted; 200 with the product when it had history and was
 * deactivated instead. */
int h_products_delete(struct req *r)
{
	struct product *p;
	int deactivated = 0;
	int rc = product_delete(r->db, &r->actor, r->ids[0], &deactivated, &r->err);

	if (rc < 0)
		return rc;
	if (!deactivated)
		return reply_no_content(r);
	if ((rc = product_get(r->db, r->a, r->ids[0], &p, &r->err)) < 0)
		return rc;
	return reply_json(r, 200, product_to_json(p));
}

/* GET /products?q=&barcode=&category_id=&active=true|false&limit=&cursor= */
static json_t *product_row(const void *rows, int i)
{
	return product_to_json(((struct product *const *)rows)[i]);
}

int h_products_list(struct req *r)
{
	struct product_filter f = {0};
	struct product **list;
	int64_t cursor = 0;
	int n, more, rc;

	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	f.q = req_query(r, "q");
	if (f.q && text_chars(f.q) > Q_MAX)
		err_field(&r->err, "q", "must be at most %d characters", Q_MAX);
	f.barcode = req_query(r, "barcode");
	jx_qint(req_query(r, "category_id"), "category_id", 1, INT64_MAX,
		&f.category_id, &r->err);
	f.active = req_query_bool(r, "active");
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = product_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, product_row);
}

/* GET /products/{id}/price-history?limit=&cursor= : newest first. */
static json_t *side_json(int changed, int64_t before, int64_t after)
{
	if (!changed)
		return json_null();
	return json_pack("{s:o,s:o}", "before", before >= 0 ? json_integer(before) : json_null(),
			 "after", after >= 0 ? json_integer(after) : json_null());
}

static json_t *price_change_row(const void *rows, int i)
{
	const struct price_change *c = &((const struct price_change *)rows)[i];

	return json_pack("{s:I,s:o,s:o,s:s,s:o,s:o}", "id", (json_int_t)c->id, "at",
			 jx_time(c->at), "username", jx_strn(c->username), "action", c->action,
			 "price", side_json(c->price_changed, c->price_before, c->price_after),
			 "cost", side_json(c->cost_changed, c->cost_before, c->cost_after));
}

int h_products_price_history(struct req *r)
{
	struct price_change *list;
	int64_t cursor = 0;
	const char *fmt = req_query(r, "format");
	int limit, n, more, rc;

	if (fmt && strcmp(fmt, "json") != 0) /* no file export of the history */
		err_field(&r->err, "format", "must be json");
	else
		req_page(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = product_price_history(r->db, r->a, r->ids[0], cursor, limit, &list, &n, &more,
				   &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, price_change_row);
}
