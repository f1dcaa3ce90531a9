/* h_counts.c: stock counts (stocktakes): open, scanner batches, review,
 * apply, cancel, list. */
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "domain/stock/stock_count.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const count_fields[] = {"store_id", "category_id", "note", NULL};
static const char *const batch_fields[] = {"lines", "mode", NULL};
static const char *const entry_fields[] = {"barcode", "product_id", "quantity", NULL};

int h_counts_create(struct req *r)
{
	json_t *in;
	struct count_input ci = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, count_fields, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &ci.store_id, &r->err);
	jx_int(in, "category_id", 0, 1, INT64_MAX, &ci.category_id, &r->err);
	jx_str(in, "note", 0, COUNT_NOTE_MAX, &ci.note, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	struct stock_count *c;
	int rc = count_create(r->db, r->a, &r->actor, &ci, &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, count_to_json(c), c->id);
}

/* Reads one scanned entry on its own err (field names without the
 * "lines[i]." prefix). */
static void read_entry(json_t *l, void *elem, void *ctx, struct err *le)
{
	struct count_entry *en = elem;
	const char *bc = NULL;
	en->quantity = -1;
	jx_no_unknown(l, entry_fields, le);
	int has_bc = jx_str(l, "barcode", JX_NONEMPTY, 64, &bc, le);
	int has_id = jx_int(l, "product_id", 0, 1, INT64_MAX, &en->product_id, le);
	jx_qty(l, "quantity", JX_REQUIRED, &en->quantity, le);
	json_t *jb = json_object_get(l, "barcode"), *ji = json_object_get(l, "product_id");
	int gave_bc = jb && !json_is_null(jb), gave_id = ji && !json_is_null(ji);
	if (gave_bc && gave_id)
		err_field(le, "product_id", "give barcode or product_id, not both");
	else if (!gave_bc && !gave_id)
		err_field(le, "barcode", "barcode or product_id is required");
	if (has_bc && !gave_id)
		en->barcode = bc;
	if (!has_id || gave_bc)
		en->product_id = 0;
}

int h_counts_lines(struct req *r)
{
	json_t *in;
	const char *mode = "add";
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, batch_fields, &r->err);
	jx_enum(in, "mode", 0, count_modes, &mode, &r->err);
	void *entries;
	int n = jx_objects(in, "lines", JX_REQUIRED, COUNT_MAX_BATCH, r->a,
			   sizeof(struct count_entry), &entries, read_entry, NULL, &r->err);
	if (n < 0)
		n = 0;
	if (req_bad_types(r))
		return r->err.code;
	struct stock_count *c;
	int rc = count_add_lines(r->db, r->a, &r->actor, r->ids[0], entries, n,
				 strcmp(mode, "set") == 0, &c, &r->err);
	if (rc < 0)
		return rc;
	json_t *out = count_to_json(c);
	json_object_set_new(out, "mode", json_string(mode));
	return reply_json(r, 200, out);
}

int h_counts_get(struct req *r)
{
	struct stock_count *c;
	int rc = count_get(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, count_to_json(c));
}

static json_t *count_row(const void *rows, int i)
{
	return count_to_json(((struct stock_count *const *)rows)[i]);
}

int h_counts_list(struct req *r)
{
	struct count_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	f.status = req_query_enum(r, "status", count_statuses);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct stock_count **list;
	int n, more;
	int rc = count_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, count_row);
}

int h_counts_apply(struct req *r)
{
	struct stock_count *c;
	int64_t moves, uncounted;
	int rc = count_apply(r->db, r->a, &r->actor, r->ids[0], &c, &moves, &uncounted,
			     &r->err);
	if (rc < 0)
		return rc;
	json_t *out = count_to_json(c);
	json_object_set_new(out, "moves", json_integer(moves));
	json_object_set_new(out, "uncounted", json_integer(uncounted));
	return reply_json(r, 200, out);
}

int h_counts_cancel(struct req *r)
{
	struct stock_count *c;
	int rc = count_cancel(r->db, r->a, &r->actor, r->ids[0], &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, count_to_json(c));
}
