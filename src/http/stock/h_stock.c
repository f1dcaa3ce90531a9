/* h_stock.c: the stock ledger over HTTP: manual moves, balances, moves, stock
 * value, reorder rules. Store-bound users see and change only their stores. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/stock/reorder_rule.h"
#include "domain/stock/stock.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/router.h"

static const char *const move_fields[] = {
	"store_id", "product_id", "quantity", "reason", "note", "unit_cost", NULL};

int h_stock_moves_create(struct req *r)
{
	json_t *in;
	struct stock_move_input mi = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, move_fields, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &mi.store_id, &r->err);
	jx_int(in, "product_id", JX_REQUIRED, 1, INT64_MAX, &mi.product_id, &r->err);
	jx_qty(in, "quantity", JX_REQUIRED, &mi.quantity, &r->err);
	jx_enum(in, "reason", JX_REQUIRED, stock_manual_kinds, &mi.kind, &r->err);
	jx_str(in, "note", 0, 500, &mi.note, &r->err);
	mi.unit_cost = -1;
	jx_money(in, "unit_cost", 0, 0, &mi.unit_cost, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (mi.store_id > 0 && !req_store_writable(r, mi.store_id))
		return r->err.code;
	mi.negative = STOCK_NEG_STORE;
	/* The product's cost is company-wide: a store's receipt records its
	 * cost, only the catalog's keepers move the average with it. */
	mi.may_move_cost = perm_allows(PERM_CATALOG_WRITE, r->user->role);
	struct stock_move *m;
	int rc = stock_move_manual(r->db, r->a, &r->actor, &mi, &m, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 201, stock_move_to_json(m));
}

/* An optional ?name= id: a positive integer. */
static int64_t id_param(struct req *r, const char *name)
{
	int64_t v = 0;
	jx_qint(req_query(r, name), name, 1, INT64_MAX, &v, &r->err);
	return v;
}

static json_t *stock_move_row(const void *rows, int i)
{
	return stock_move_to_json(((struct stock_move *const *)rows)[i]);
}

int h_stock_moves_list(struct req *r)
{
	struct stock_move_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.before_id = cursor;
	f.store_id = id_param(r, "store_id");
	f.product_id = id_param(r, "product_id");
	f.kind = req_query(r, "kind");
	if (f.kind) {
		int ok = 0;
		for (int i = 0; stock_kinds[i]; i++)
			ok |= strcmp(f.kind, stock_kinds[i]) == 0;
		if (!ok)
			err_field(&r->err, "kind", "is not a known move kind");
	}
	req_time_range(r, &f.from, &f.to);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct stock_move **list;
	int n, more;
	int rc = stock_move_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, stock_move_row);
}

/* ?cursor=<store id>:<product id> for lists ordered by store then product. */
static void pair_cursor(struct req *r, const char *text, int64_t *store, int64_t *product)
{
	*store = *product = 0;
	if (text && jx_cursor_pair(text, 0, 0, store, product) < 0)
		err_field(&r->err, "cursor", "must be a cursor from a previous page");
}

static const char *pair_next(struct req *r, int more, int64_t store, int64_t product)
{
	return more ? arena_printf(r->a, "%lld:%lld", (long long)store, (long long)product) : NULL;
}

static json_t *stock_item_row(const void *rows, int i)
{
	return stock_item_to_json(((struct stock_item *const *)rows)[i]);
}

int h_stock_list(struct req *r)
{
	struct stock_filter f = {0};
	const char *cursor, *below, *level;
	req_page_text(r, &f.limit, &cursor);
	pair_cursor(r, cursor, &f.after_store, &f.after_product);
	f.store_id = id_param(r, "store_id");
	f.product_id = id_param(r, "product_id");
	f.category_id = id_param(r, "category_id");
	f.q = req_query(r, "q");
	if ((below = req_query(r, "below_min"))) {
		if (strcmp(below, "true") == 0)
			f.below_min = 1;
		else if (strcmp(below, "false") != 0)
			err_field(&r->err, "below_min", "must be true or false");
	}
	/* low is below_min=true; negative and none look at the balance. */
	if ((level = req_query(r, "level"))) {
		if (strcmp(level, "low") == 0)
			f.below_min = 1;
		else if (strcmp(level, "negative") == 0)
			f.level = STOCK_LEVEL_NEGATIVE;
		else if (strcmp(level, "none") == 0)
			f.level = STOCK_LEVEL_NONE;
		else
			err_field(&r->err, "level", "must be low, negative or none");
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct stock_item **list;
	int n, more;
	int rc = stock_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page_cursor(r, list, n, pair_next(r, more && n, n ? list[n - 1]->store_id : 0,
						     n ? list[n - 1]->product_id : 0), stock_item_row);
}

int h_stock_value(struct req *r)
{
	int64_t store_id = id_param(r, "store_id");
	const char *by = req_query(r, "group_by");
	int by_category = 0;
	if (by && strcmp(by, "category") == 0)
		by_category = 1;
	else if (by && strcmp(by, "store") != 0)
		err_field(&r->err, "group_by", "must be store or category");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	struct stock_value_row *rows;
	int n;
	int rc = stock_value(r->db, r->a, r->user, store_id, by_category, &rows, &n, &r->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	int64_t qty = 0, value = 0;
	for (int i = 0; i < n; i++) {
		struct stock_value_row *v = &rows[i];
		json_array_append_new(items, json_pack("{s:o,s:o,s:o,s:I}",
			"key", v->key ? json_integer(v->key) : json_null(),
			"label", jx_strn(v->label), "quantity", jx_qty_value(v->quantity),
			"value", (json_int_t)v->value));
		qty += v->quantity;
		value += v->value;
	}
	return reply_json(r, 200, json_pack("{s:s,s:o,s:{s:o,s:I}}",
		"group_by", by_category ? "category" : "store", "items", items,
		"totals", "quantity", jx_qty_value(qty), "value", (json_int_t)value));
}

static const char *const rule_fields[] = {
	"min", "max", "safety_stock", "lead_time_days", "order_multiple", NULL};

int h_reorder_rules_put(struct req *r)
{
	json_t *in;
	struct reorder_input ri = {.lead_time_days = -1, .order_multiple = 1000};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, rule_fields, &r->err);
	int has_min = jx_qty(in, "min", 0, &ri.min_qty, &r->err) || jx_present(in, "min");
	int has_max = jx_qty(in, "max", 0, &ri.max_qty, &r->err) || jx_present(in, "max");
	jx_qty(in, "safety_stock", 0, &ri.safety_stock, &r->err);
	jx_int(in, "lead_time_days", 0, 0, 3650, &ri.lead_time_days, &r->err);
	jx_qty(in, "order_multiple", 0, &ri.order_multiple, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (!req_store_writable(r, r->ids[0]))
		return r->err.code;
	/* a null min/max is "absent": reorder_check says it is required */
	if (jx_null(in, "min"))
		has_min = 0;
	if (jx_null(in, "max"))
		has_max = 0;
	reorder_check(&ri, has_min, has_max, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	struct reorder_rule *rule;
	int created;
	int rc = reorder_put(r->db, r->a, &r->actor, r->ids[0], r->ids[1], &ri, &rule, &created,
			     &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, created ? 201 : 200, reorder_to_json(rule));
}

int h_reorder_rules_delete(struct req *r)
{
	if (!req_store_writable(r, r->ids[0]))
		return r->err.code;
	int rc = reorder_delete(r->db, &r->actor, r->ids[0], r->ids[1], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

static json_t *reorder_row(const void *rows, int i)
{
	return reorder_to_json(((struct reorder_rule *const *)rows)[i]);
}

int h_reorder_rules_list(struct req *r)
{
	struct reorder_filter f = {0};
	const char *cursor;
	req_page_text(r, &f.limit, &cursor);
	pair_cursor(r, cursor, &f.after_store, &f.after_product);
	f.store_id = id_param(r, "store_id");
	f.product_id = id_param(r, "product_id");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct reorder_rule **list;
	int n, more;
	int rc = reorder_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page_cursor(r, list, n, pair_next(r, more && n, n ? list[n - 1]->store_id : 0,
						     n ? list[n - 1]->product_id : 0), reorder_row);
}
