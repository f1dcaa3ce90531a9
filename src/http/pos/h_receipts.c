/* h_receipts.c: GET /sales/{id}/receipt — the receipt as a printable HTML
 * page or as plain text for 58 or 80 mm paper. */
#include <string.h>

#include "domain/pos/receipt.h"
#include "http/handlers.h"
#include "http/req.h"

int h_sales_receipt(struct req *r)
{
	const char *fmt = req_query(r, "format");
	enum receipt_format f = RECEIPT_HTML;
	int64_t width = 80;
	if (fmt && strcmp(fmt, "text") == 0)
		f = RECEIPT_TEXT;
	else if (fmt && strcmp(fmt, "html") != 0)
		err_field(&r->err, "format", "must be html or text");
	const char *w = req_query(r, "width");
	if (w && strcmp(w, "58") == 0)
		width = 58;
	else if (w && strcmp(w, "80") != 0)
		err_field(&r->err, "width", "must be 58 or 80 (mm of paper)");
	if (err_fields_done(&r->err))
		return r->err.code;
	char *out;
	size_t len;
	int rc = receipt_get(r->db, r->a, r->ids[0], r->user, f, (int)width, &out, &len, &r->err);
	if (rc < 0)
		return rc;
	r->raw = out;
	r->raw_len = len;
	r->content_type =
		f == RECEIPT_TEXT ? "text/plain; charset=utf-8" : "text/html; charset=utf-8";
	r->status = 200;
	return 0;
}
