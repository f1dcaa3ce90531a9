/* replenish.c: replenishment suggestions: the pure order-quantity rule and
 * grouping by supplier, the store's suggestions read from reorder rules,
 * balances, open purchase orders and preferred suppliers, and the draft
 * purchase order made from one supplier's suggestions. */
#include "domain/purchasing/replenish.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "db/page.h"
#include "domain/purchasing/purchase.h"

/* ---- the rule (pure) -------------------------------------------------- */

/* Formats a quantity into buf (32 bytes) and returns it. */
static const char *qfmt(char *buf, int64_t q)
{
	qty_format(q, buf, 32);
	return buf;
}
/* The i-th of four scratch buffers of the calling function, for one message. */
#define qf0(q) qfmt(fb[0], (q))
#define qf1(q) qfmt(fb[1], (q))
#define qf2(q) qfmt(fb[2], (q))
#define qf3(q) qfmt(fb[3], (q))

int replenish_suggest(const struct replenish_rule *rule, int64_t on_hand,
		      int64_t on_order, const struct replenish_terms *terms,
		      int64_t *qty, char *reason, size_t reason_size)
{
	int64_t avail, q, r;
	int64_t pack = terms ? terms->pack_size : 0;
	int64_t moq = terms ? terms->min_order_qty : 0;
	char fb[4][32];

	*qty = 0;
	if (reason_size)
		reason[0] = '\0';
	if (__builtin_add_overflow(on_hand, on_order, &avail)) {
		text_catf(reason, reason_size, "stock figures out of range");
		return -1;
	}
	if (avail > rule->min) {
		text_catf(reason, reason_size, "on hand %s + on order %s = %s is above min %s",
		    qf0(on_hand), qf1(on_order), qf2(avail), qf3(rule->min));
		return 0;
	}
	text_catf(reason, reason_size, "on hand %s + on order %s = %s is at or below min %s",
	    qf0(on_hand), qf1(on_order), qf2(avail), qf3(rule->min));
	if (__builtin_sub_overflow(rule->max, avail, &q)) {
		text_catf(reason, reason_size, ": quantity out of range");
		return -1;
	}
	if (q <= 0) {
		text_catf(reason, reason_size, ", but max %s leaves nothing to order",
		    qf0(rule->max));
		return 0;
	}
	text_catf(reason, reason_size, ": up to max %s needs %s", qf0(rule->max), qf1(q));
	if (qty_round_up(q, rule->order_multiple, &r) < 0)
		return -1;
	if (r != q)
		text_catf(reason, reason_size, ", rounded up to a multiple of %s: %s",
		    qf0(rule->order_multiple), qf1(r));
	q = r;
	if (qty_round_up(q, pack, &r) < 0)
		return -1;
	if (r != q)
		text_catf(reason, reason_size, ", in packs of %s: %s", qf0(pack), qf1(r));
	q = r;
	if (moq > 0 && q < moq) {
		if (qty_round_up(moq, pack, &r) < 0)
			return -1;
		if (r != moq)
			text_catf(reason, reason_size,
			    ", raised to the minimum order %s in packs of %s: %s",
			    qf0(moq), qf1(pack), qf2(r));
		else
			text_catf(reason, reason_size, ", raised to the minimum order: %s",
			    qf0(r));
		q = r;
	}
	if (on_hand < rule->safety_stock)
		text_catf(reason, reason_size, "; urgent: on hand is below the safety stock %s",
		    qf0(rule->safety_stock));
	*qty = q;
	return 0;
}

/* ---- grouping (pure) -------------------------------------------------- */

static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int line_cmp(const void *pa, const void *pb)
{
	const struct replenish_line *x = pa, *y = pb;
	int c;

	if ((x->supplier_id == 0) != (y->supplier_id == 0))
		return x->supplier_id == 0 ? -1 : 1;
	if ((c = str_cmp(x->supplier_name, y->supplier_name)) != 0)
		return c;
	if (x->supplier_id != y->supplier_id)
		return x->supplier_id < y->supplier_id ? -1 : 1;
	if ((c = str_cmp(x->sku, y->sku)) != 0)
		return c;
	if (x->product_id != y->product_id)
		return x->product_id < y->product_id ? -1 : 1;
	return 0;
}

int replenish_group(struct replenish_line *lines, int n,
		    struct replenish_group *groups,
		    struct replenish_line **unassigned, int *nunassigned)
{
	int ng = 0, i = 0;

	if (n > 0)
		qsort(lines, (size_t)n, sizeof *lines, line_cmp);
	*unassigned = lines;
	while (i < n && lines[i].supplier_id == 0)
		i++;
	*nunassigned = i;
	while (i < n) {
		struct replenish_group *g = &groups[ng++];

		g->supplier_id = lines[i].supplier_id;
		g->supplier_name = lines[i].supplier_name;
		g->lines = &lines[i];
		g->nlines = 0;
		g->total = 0;
		for (; i < n && lines[i].supplier_id == g->supplier_id; i++) {
			g->nlines++;
			if (lines[i].total > 0 && money_add(g->total, lines[i].total, &g->total) < 0)
				return -1;
		}
	}
	return ng;
}

/* ---- JSON ------------------------------------------------------------- */

json_t *replenish_line_to_json(const struct replenish_line *l)
{
	json_t *o = json_object();

	json_object_set_new(o, "product_id", json_integer(l->product_id));
	json_object_set_new(o, "sku", jx_strn(l->sku));
	json_object_set_new(o, "name", jx_strn(l->name));
	json_object_set_new(o, "on_hand", jx_qty_value(l->on_hand));
	json_object_set_new(o, "on_order", jx_qty_value(l->on_order));
	json_object_set_new(o, "min", jx_qty_value(l->min));
	json_object_set_new(o, "max", jx_qty_value(l->max));
	json_object_set_new(o, "quantity", jx_qty_value(l->quantity));
	json_object_set_new(o, "unit_cost",
			    l->unit_cost >= 0 ? json_integer(l->unit_cost) : json_null());
	json_object_set_new(o, "total", l->total >= 0 ? json_integer(l->total) : json_null());
	json_object_set_new(o, "reason", jx_strn(l->reason));
	json_object_set_new(o, "rule", json_string(l->rule ? l->rule : "manual"));
	json_object_set_new(o, "safety_stock", jx_qty_value(l->safety_stock));
	if (l->forecast) {
		const struct replenish_forecast *f = l->forecast;

		json_object_set_new(o, "forecast", json_pack(
			"{s:I,s:I,s:o,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			"lead_time_days", (json_int_t)f->lead_time_days,
			"review_days", (json_int_t)f->review_days,
			"service_level", jx_qty_value(f->service_level),
			"z", round(f->z * 1e4) / 1e4,
			"lead_time_demand", jx_qty_value(f->lead_time_demand),
			"sigma_lead_time", jx_qty_value(f->sigma_lead_time),
			"safety_stock", jx_qty_value(f->safety_stock),
			"reorder_point", jx_qty_value(f->reorder_point),
			"order_up_to", jx_qty_value(f->order_up_to),
			"position", jx_qty_value(f->position),
			"model", jx_strn(f->model), "fitted_at", jx_time(f->fitted_at)));
	} else {
		json_object_set_new(o, "forecast", json_null());
	}
	return o;
}

json_t *replenish_to_json(const struct replenish_report *r)
{
	json_t *groups = json_array(), *un = json_array();

	for (int i = 0; i < r->ngroups; i++) {
		const struct replenish_group *g = &r->groups[i];
		json_t *lines = json_array();

		for (int j = 0; j < g->nlines; j++)
			json_array_append_new(lines, replenish_line_to_json(&g->lines[j]));
		json_array_append_new(groups, json_pack(
			"{s:I,s:o,s:o,s:I}", "supplier_id", (json_int_t)g->supplier_id,
			"supplier_name", jx_strn(g->supplier_name), "lines", lines,
			"total", (json_int_t)g->total));
	}
	for (int i = 0; i < r->nunassigned; i++)
		json_array_append_new(un, replenish_line_to_json(&r->unassigned[i]));
	return json_pack("{s:I,s:o,s:o}", "store_id", (json_int_t)r->store_id,
			 "groups", groups, "unassigned", un);
}

/* ---- the store's suggestions ------------------------------------------ */

/* Every rule of the store with its product, balance, what open orders still
 * expect, and the active preferred supplier's terms. */
static const char SQL_SUGGEST[] =
	"SELECT r.product_id, p.sku, p.name, p.cost, r.min_qty, r.max_qty,"
	" r.safety_stock, r.order_multiple, COALESCE(b.on_hand, 0),"
	" COALESCE(oo.qty, 0), s.id, s.name, ps.cost, ps.pack_size, ps.min_order_qty"
	" FROM reorder_rules r"
	" JOIN products p ON p.id = r.product_id"
	" LEFT JOIN stock_balances b ON b.store_id = r.store_id AND b.product_id = r.product_id"
	" LEFT JOIN (SELECT l.product_id, SUM(l.quantity - l.received_quantity) AS qty"
	"   FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.order_id"
	"   WHERE o.store_id = ? AND o.status IN ('draft', 'sent', 'partially_received')"
	"   AND l.received_quantity < l.quantity GROUP BY l.product_id) oo"
	"   ON oo.product_id = r.product_id"
	" LEFT JOIN product_suppliers ps ON ps.product_id = r.product_id AND ps.preferred = 1"
	" LEFT JOIN suppliers s ON s.id = ps.supplier_id AND s.active = 1"
	" WHERE r.store_id = ? AND p.active = 1"
	" ORDER BY r.product_id, s.id";
static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";

int replenish_suggestions(struct db *db, struct arena *a, int64_t store_id,
			  struct replenish_report *out, struct err *e)
{
	return replenish_suggestions_with(db, a, store_id, NULL, out, e);
}

int replenish_suggestions_with(struct db *db, struct arena *a, int64_t store_id,
			       replenish_more_fn more, struct replenish_report *out,
			       struct err *e)
{
	struct db_stmt *st;
	struct page pg;
	int rc;
	int64_t last = 0;
	char reason[REPLENISH_REASON_MAX];

	memset(out, 0, sizeof *out);
	out->store_id = store_id;
	if ((rc = db_exists(db_query(db, e, SQL_STORE_EXISTS, "i", store_id), e)) < 0)
		return rc;
	if (!rc)
		return err_set(e, ERR_NOT_FOUND, "no store %lld", (long long)store_id);
	if (!(st = db_query(db, e, SQL_SUGGEST, "ii", store_id, store_id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct replenish_line));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct replenish_rule rule;
		struct replenish_terms terms = {0};
		struct replenish_line *l;
		int64_t pid = db_col_int64(st, 0), qty, own_cost;
		int has_supplier = !db_col_null(st, 10);

		/* Two preferred links (never written so) count once. */
		if (pid == last)
			continue;
		last = pid;
		rule.min = db_col_int64(st, 4);
		rule.max = db_col_int64(st, 5);
		rule.safety_stock = db_col_int64(st, 6);
		rule.order_multiple = db_col_int64(st, 7);
		if (has_supplier) {
			terms.pack_size = db_col_int64(st, 13);
			terms.min_order_qty = db_col_int64(st, 14);
		}
		if (replenish_suggest(&rule, db_col_int64(st, 8), db_col_int64(st, 9),
				      has_supplier ? &terms : NULL, &qty, reason,
				      sizeof reason) < 0) {
			db_reset(st);
			return err_set(e, ERR_INTERNAL, "replenishment for product %lld is out of range",
				       (long long)pid);
		}
		if (qty <= 0)
			continue;
		l = page_add(&pg);
		l->product_id = pid;
		l->sku = arena_strdup(a, db_col_text(st, 1));
		l->name = arena_strdup(a, db_col_text(st, 2));
		own_cost = db_col_null(st, 3) ? -1 : db_col_int64(st, 3);
		l->min = rule.min;
		l->max = rule.max;
		l->on_hand = db_col_int64(st, 8);
		l->on_order = db_col_int64(st, 9);
		l->quantity = qty;
		l->supplier_id = has_supplier ? db_col_int64(st, 10) : 0;
		l->supplier_name = has_supplier ? arena_strdup(a, db_col_text(st, 11)) : NULL;
		l->unit_cost = has_supplier ? db_col_int64(st, 12) : own_cost;
		l->total = -1;
		if (l->unit_cost >= 0 && money_mul_qty(l->unit_cost, qty, &l->total) < 0)
			l->total = -1;
		l->reason = arena_strdup(a, reason);
		l->rule = "manual";
		l->safety_stock = rule.safety_stock;
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	struct replenish_line *lines = pg.rows;
	int n = pg.n;
	if (more) {
		struct replenish_line *extra = NULL;
		int nextra = 0;

		if ((rc = more(db, a, store_id, &extra, &nextra, e)) < 0)
			return rc;
		if (nextra > 0) {
			struct replenish_line *all =
				arena_calloc(a, (size_t)(n + nextra), sizeof *all);

			if (n)
				memcpy(all, lines, (size_t)n * sizeof *all);
			memcpy(all + n, extra, (size_t)nextra * sizeof *all);
			lines = all;
			n += nextra;
		}
	}
	out->groups = arena_calloc(a, (size_t)(n ? n : 1), sizeof *out->groups);
	rc = replenish_group(lines, n, out->groups, &out->unassigned, &out->nunassigned);
	if (rc < 0)
		return err_set(e, ERR_INTERNAL, "replenishment total out of range");
	out->ngroups = rc;
	return 0;
}

/* Locks the store row (no key update) so that two orders made from the
 * same suggestions wait for each other; 0 changes: no such store. */
static const char SQL_STORE_LOCK[] =
	"UPDATE stores SET updated_at = updated_at WHERE id = ?";
static const char SQL_SUPPLIER_EXISTS[] = "SELECT 1 FROM suppliers WHERE id = ?";

int replenish_order(struct db *db, struct arena *a, const struct actor *who,
		    int64_t store_id, int64_t supplier_id,
		    struct purchase_order **out, struct err *e)
{
	return replenish_order_with(db, a, who, store_id, supplier_id, NULL, out, e);
}

int replenish_order_with(struct db *db, struct arena *a, const struct actor *who,
			 int64_t store_id, int64_t supplier_id, replenish_more_fn more,
			 struct purchase_order **out, struct err *e)
{
	struct replenish_report rep;
	struct purchase_input in = {0};
	const struct replenish_group *g = NULL;
	struct db_stmt *st;
	int64_t id;
	int rc;

	if (store_id > 0 && !actor_sees_store(who, store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
			       (long long)store_id);
	if (store_id <= 0)
		err_field(e, "store_id", "is required");
	if (supplier_id <= 0)
		err_field(e, "supplier_id", "is required");
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (!(st = db_query(db, e, SQL_STORE_LOCK, "i", store_id)) || db_run(st, e) < 0)
		goto fail;
	if (db_changes(st) == 0) {
		err_field(e, "store_id", "does not exist");
		err_fields_done(e);
		goto fail;
	}
	if (replenish_suggestions_with(db, a, store_id, more, &rep, e) < 0)
		goto fail;
	for (int i = 0; i < rep.ngroups && !g; i++)
		if (rep.groups[i].supplier_id == supplier_id)
			g = &rep.groups[i];
	if (!g) {
		if ((rc = db_exists(db_query(db, e, SQL_SUPPLIER_EXISTS, "i", supplier_id), e)) < 0)
			goto fail;
		err_field(e, "supplier_id", rc
			  ? "has no suggestions to order for this store"
			  : "does not exist");
		err_set(e, ERR_INVALID, "nothing to order from supplier %lld for store %lld",
			(long long)supplier_id, (long long)store_id);
		goto fail;
	}
	in.store_id = store_id;
	in.supplier_id = supplier_id;
	in.note = "From replenishment suggestions";
	in.set_lines = 1;
	in.may_name_cost = 1; /* the suggestions' costs are the supplier's */
	in.nlines = g->nlines;
	in.lines = arena_calloc(a, (size_t)g->nlines, sizeof *in.lines);
	for (int i = 0; i < g->nlines; i++) {
		in.lines[i].product_id = g->lines[i].product_id;
		in.lines[i].quantity = g->lines[i].quantity;
		in.lines[i].unit_cost = g->lines[i].unit_cost;
	}
	if (purchase_insert(db, a, who, &in, &id, e) < 0 ||
	    purchase_get(db, a, who, id, out, e) < 0 || db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
