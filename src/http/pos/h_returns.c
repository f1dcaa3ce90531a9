/* h_returns.c: POST /sales/{id}/returns (per API.md, optionally idempotent)
 * and POST /sales/{id}/void. The sale is the object: another store's sale
 * answers 404. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "domain/pos/sale.h"
#include "domain/pos/sale_return.h"
#include "domain/pos/sale_void.h"
#include "http/events.h"
#include "http/handlers.h"
#include "http/router.h"
#include "http/req.h"

/* The sale's store must be visible to the user: else 404, as for reads. */
static int sale_visible(struct req *r, int64_t sale_id)
{
	int64_t store_id;
	int rc = sale_return_store_of(r->db, sale_id, &store_id, &r->err);
	if (rc < 0)
		return rc;
	if (!req_store_visible(r, store_id))
		return err_set(&r->err, ERR_NOT_FOUND, "no sale %lld", (long long)sale_id);
	return 0;
}

/* Value errors are noted here and by the domain; a field is named once. */
static void read_line(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"line_id", "quantity", NULL};
	struct sale_return_line_input *l = elem;
	jx_no_unknown(o, fields, le);
	jx_int(o, "line_id", JX_REQUIRED, 1, INT64_MAX, &l->line_id, le);
	jx_qty(o, "quantity", JX_REQUIRED, &l->quantity, le);
}

/* SHA-256 over the kind of request, the sale and the body: a key used for
 * another request (a sale, a return of another sale) conflicts. */
static void request_hash(struct req *r, int64_t sale_id, char hash[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char head[48];
	int hl = snprintf(head, sizeof head, "sale_return|%lld|", (long long)sale_id);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)head, (unsigned long long)hl);
	if (r->body)
		crypto_hash_sha256_update(&st, (const unsigned char *)r->body, r->body_len);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hash, 65, h, sizeof h);
}

int h_sales_returns_create(struct req *r)
{
	static const char *const allowed[] = {"lines", "refund_method", "reason", "register", NULL};
	int64_t sale_id = r->ids[0];
	const char *key = req_header(r, "Idempotency-Key");
	if (key && (strlen(key) < 1 || strlen(key) > 64)) {
		err_field(&r->err, "Idempotency-Key", "must be 1 to 64 characters");
		return err_set(&r->err, ERR_BAD_REQUEST, "a bad Idempotency-Key header");
	}
	json_t *in;
	if (req_json(r, &in) < 0)
		return r->err.code;
	if (sale_visible(r, sale_id) < 0)
		return r->err.code;
	struct sale_return_input ri = {0};
	jx_no_unknown(in, allowed, &r->err);
	void *lines;
	int n = jx_objects(in, "lines", JX_REQUIRED, SIZE_MAX, r->a, sizeof *ri.lines, &lines,
			   read_line, NULL, &r->err);
	if (n >= 0) {
		ri.lines = lines;
		ri.nlines = n;
	}
	jx_enum(in, "refund_method", 0, sale_payment_methods, &ri.refund_method,
		&r->err);
	jx_str(in, "reason", JX_REQUIRED | JX_NONEMPTY, 200, &ri.reason, &r->err);
	jx_str(in, "register", JX_NONEMPTY, 32, &ri.register_id, &r->err);
	if (req_bad_types(r))
		return r->err.code;

	ri.may_override_refund = perm_allows(PERM_REFUND_OVERRIDE, r->user->role);

	char hash[65];
	request_hash(r, sale_id, hash);
	json_t *sale;
	int replayed = 0;
	int rc = sale_return_create(r->db, r->a, &r->actor, sale_id, key, hash, &ri, &sale,
				    &replayed, &r->err);
	if (rc < 0)
		return rc;
	if (replayed)
		reply_header(r, "Idempotent-Replayed", "true");
	else
		events_return(r, sale);
	reply_header(r, "Location", arena_printf(r->a, "/api/v1/sales/%lld", (long long)sale_id));
	return reply_json(r, 201, sale);
}

int h_sales_void(struct req *r)
{
	static const char *const allowed[] = {"reason", NULL};
	json_t *in;
	if (req_json(r, &in) < 0)
		return r->err.code;
	if (sale_visible(r, r->ids[0]) < 0)
		return r->err.code;
	const char *reason = NULL;
	jx_no_unknown(in, allowed, &r->err);
	jx_str(in, "reason", JX_REQUIRED | JX_NONEMPTY, 200, &reason, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	json_t *sale;
	int rc = sale_void(r->db, r->a, &r->actor, r->ids[0], reason, &sale, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, sale);
}
