/* h_scan.c: GET /products/scan — what a code scanned at the till stands
 * for: the product, and the weight or price a scale label carries. */
#include <string.h>

#include "base/jx.h"
#include "domain/catalog/product.h"
#include "domain/pos/sale.h"
#include "http/handlers.h"
#include "http/req.h"

int h_products_scan(struct req *r)
{
	static const char *const kinds[] = {"barcode", "scale_weight", "scale_price"};
	const char *code = req_query(r, "code");
	if (!code || !*code)
		err_field(&r->err, "code", "is required: the scanned code");
	else if (strlen(code) > 32)
		err_field(&r->err, "code", "must be at most 32 characters");
	if (err_fields_done(&r->err))
		return r->err.code;
	struct sale_scan sc;
	struct product *p;
	int rc = sale_scan(r->db, r->a, code, &sc, &r->err);
	if (rc < 0 || (rc = product_get(r->db, r->a, sc.product_id, &p, &r->err)) < 0)
		return rc;
	json_t *o = json_pack("{s:s,s:s,s:o}", "code", code, "kind", kinds[sc.kind], "product",
			      product_to_json(p));
	json_object_set_new(o, "quantity", sc.quantity ? jx_qty_value(sc.quantity) : json_null());
	json_object_set_new(o, "amount", sc.amount ? json_integer(sc.amount) : json_null());
	return reply_json(r, 200, o);
}
