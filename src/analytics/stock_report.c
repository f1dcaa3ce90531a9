/* stock_report.c: GET /reports/stock-value, /reports/turnover and
 * /reports/sell-through over the stock balances, the stock ledger from the
 * period's start on and the day rollups, inside one read snapshot. */
#include "analytics/stock_report.h"

#include <string.h>

#include "analytics/insight.h"
#include "analytics/sales_report.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/stock/stock.h"

enum sgroup { SG_STORE, SG_CATEGORY, SG_PRODUCT };

/* Sums of the accumulator entries, by report. */
enum { V_VALUE, V_QTY, V_SKUS, V_NEG, V_ZERO, V_UNCOSTED };
enum { T_COST, T_OPEN, T_CLOSE };
enum { S_SOLD, S_RECEIVED, S_ONHAND };

int64_t stock_avg_value(int64_t opening, int64_t closing)
{
	__int128 s = (__int128)opening + closing, m = s < 0 ? -s : s;
	int64_t h = (int64_t)((m + 1) / 2); /* half away from zero */
	return s < 0 ? -h : h;
}

int stock_turnover_x100(int64_t cost, int64_t avg_value, int64_t *out)
{
	return insight_ratio(cost, 100, avg_value, out);
}

int stock_cover_x100(int64_t closing_value, int days, int64_t cost, int64_t *out)
{
	if (days <= 0 || closing_value > INT64_MAX / days || closing_value < INT64_MIN / days)
		return -1;
	return insight_ratio(closing_value * days, 100, cost, out);
}

/* group_by among names (NULL-ended; NULL or "" = the first) into *g. */
static void check_group(const char *group_by, const char *const *names, int *g,
			struct err *e)
{
	const char *s = group_by && *group_by ? group_by : names[0];
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0) {
			*g = i;
			return;
		}
	if (names[1] && names[2])
		err_field(e, "group_by", "must be one of %s, %s, %s", names[0], names[1], names[2]);
	else
		err_field(e, "group_by", "must be one of %s, %s", names[0], names[1]);
}

/* The entry of a row whose first columns are store id, store name, product
 * id, product name and category id, by store, category bucket or product;
 * NULL when the row's category is outside the asked subtree. */
static struct ins_entry *entry_of(struct db *db, struct arena *a, struct ins_acc *acc,
				  const struct cat_tree *t, enum sgroup g, struct db_stmt *st)
{
	int64_t store_id = db_col_int64(st, 0), product_id = db_col_int64(st, 2);
	int64_t category_id = db_col_int64(st, 4);
	const char *store_name = db_col_text(st, 1), *product_name = db_col_text(st, 3);
	int64_t b = cat_bucket(t, category_id);
	if (b < 0)
		return NULL;
	int64_t key = g == SG_STORE ? store_id : g == SG_PRODUCT ? product_id
				       : b == 0	       ? INSIGHT_NULL_KEY
							 : b;
	struct ins_entry *x = ins_get(acc, key);
	if (!x->label)
		x->label = g == SG_STORE     ? arena_strdup(a, store_name ? store_name : "")
			   : g == SG_PRODUCT ? arena_strdup(a, product_name ? product_name : "")
					     : cat_label(db, a, b);
	return x;
}

static void sum_entries(const struct ins_acc *acc, struct ins_entry *tot)
{
	memset(tot, 0, sizeof *tot);
	tot->key = INSIGHT_NULL_KEY;
	tot->label = "Total";
	for (int i = 0; i < acc->n; i++)
		for (int k = 0; k < INSIGHT_SUMS; k++)
			tot->v[k] += acc->e[i].v[k];
}

static json_t *report_head(const char *group, int64_t category_id, const char *from,
			   const char *to)
{
	json_t *o = json_object();
	if (from) {
		json_object_set_new(o, "from", json_string(from));
		json_object_set_new(o, "to", json_string(to));
	}
	if (group)
		json_object_set_new(o, "group_by", json_string(group));
	json_object_set_new(o, "category_id", category_id ? json_integer(category_id) : json_null());
	return o;
}

/* ---- stock value ---- */

static const char SQL_BALANCES[] =
	"SELECT b.store_id, s.name, b.product_id, p.name, COALESCE(p.category_id, 0), p.cost, "
	"b.on_hand FROM stock_balances b JOIN products p ON p.id = b.product_id "
	"JOIN stores s ON s.id = b.store_id WHERE" INSIGHT_SCOPE("b");

static json_t *value_json(const struct ins_entry *x)
{
	json_t *o = json_object();
	json_object_set_new(o, "key", ins_key_json(x->key));
	json_object_set_new(o, "label", json_string(x->label));
	json_object_set_new(o, "value", json_integer(stock_round_value(x->v[V_VALUE])));
	json_object_set_new(o, "quantity", jx_qty_value(x->v[V_QTY]));
	json_object_set_new(o, "skus", json_integer(x->v[V_SKUS]));
	json_object_set_new(o, "negative_skus", json_integer(x->v[V_NEG]));
	json_object_set_new(o, "zero_skus", json_integer(x->v[V_ZERO]));
	json_object_set_new(o, "uncosted_skus", json_integer(x->v[V_UNCOSTED]));
	json_object_set_new(o, "negative_rate", insight_rate_json(x->v[V_NEG], x->v[V_SKUS]));
	json_object_set_new(o, "zero_rate", insight_rate_json(x->v[V_ZERO], x->v[V_SKUS]));
	return o;
}

static const char *const value_groups[] = {"store", "category", NULL};

int report_stock_value(struct db *db, struct arena *a, const struct stock_report_query *q,
		       json_t **out, struct err *e)
{
	int g = 0;
	check_group(q->group_by, value_groups, &g, e);
	if (err_fields_done(e))
		return e->code;
	enum sgroup grp = g == 0 ? SG_STORE : SG_CATEGORY;
	struct cat_tree t;
	struct ins_acc acc = {0};
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		return rc;
	if ((rc = cat_tree_load(db, q->category_id, &t, e)) < 0)
		goto done;
	struct db_stmt *st = db_query(db, e, SQL_BALANCES, "iiii", q->store_id, q->store_id,
				      q->scope_user_id, q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct ins_entry *x = entry_of(db, a, &acc, &t, grp, st);
		if (!x)
			continue;
		int64_t cost = db_col_null(st, 5) ? -1 : db_col_int64(st, 5);
		int64_t on_hand = db_col_int64(st, 6);
		x->v[V_VALUE] += insight_value(on_hand, cost);
		x->v[V_QTY] += on_hand;
		x->v[V_SKUS]++;
		x->v[V_NEG] += on_hand < 0;
		x->v[V_ZERO] += on_hand == 0;
		x->v[V_UNCOSTED] += cost < 0;
	}
	db_reset(st);
	rc = rc < 0 ? db_fail(e) : 0;
	if (rc == 0) {
		ins_sort(&acc, V_VALUE);
		json_t *items = json_array();
		for (int i = 0; i < acc.n; i++)
			json_array_append_new(items, value_json(&acc.e[i]));
		struct ins_entry tot;
		sum_entries(&acc, &tot);
		*out = report_head(value_groups[g], q->category_id, NULL, NULL);
		json_object_set_new(*out, "items", items);
		json_object_set_new(*out, "totals", value_json(&tot));
	}
done:
	db_rollback(db);
	cat_tree_free(&t);
	ins_free(&acc);
	return rc;
}

/* ---- the ledger over a period ---- */

/* Every balance in scope with the moves after the period's start (the
 * opening quantity is on_hand less them), after its end (closing), and
 * the receipts and transfers in during the period. Binds end, end, start,
 * then the scope. Grouping by store_id + 0 keeps SQLite from walking the
 * whole ledger in (store, product) index order instead of reading the
 * moves since start through stock_moves_at. */
static const char SQL_LEDGER[] =
	"SELECT b.store_id, s.name, b.product_id, p.name, COALESCE(p.category_id, 0), p.cost, "
	"b.on_hand, COALESCE(m.after_start, 0), COALESCE(m.after_end, 0), "
	"COALESCE(m.received, 0) FROM stock_balances b JOIN products p ON p.id = b.product_id "
	"JOIN stores s ON s.id = b.store_id LEFT JOIN (SELECT store_id + 0 AS store_id, product_id, "
	"SUM(quantity) AS after_start, SUM(CASE WHEN at >= ? THEN quantity ELSE 0 END) AS after_end, "
	"SUM(CASE WHEN at < ? AND kind IN ('receipt', 'transfer_in') THEN quantity ELSE 0 END) "
	"AS received FROM stock_moves WHERE at >= ? GROUP BY store_id + 0, product_id) m "
	"ON m.store_id = b.store_id AND m.product_id = b.product_id WHERE" INSIGHT_SCOPE("b");

/* What sold over the period: cost and units by store and category as sold,
 * or by product. */
static const char SQL_SOLD_CATEGORY[] =
	"SELECT r.store_id, s.name, 0, '', r.category_id, SUM(r.cost), SUM(r.units) "
	"FROM rollup_day_store_category r JOIN stores s ON s.id = r.store_id "
	"WHERE r.day >= ? AND r.day <= ? AND" INSIGHT_SCOPE("r")
	"GROUP BY r.store_id, s.name, r.category_id";
static const char SQL_SOLD_PRODUCT[] =
	"SELECT 0, '', r.product_id, p.name, COALESCE(p.category_id, 0), SUM(r.cost), "
	"SUM(r.units) FROM rollup_day_store_product r JOIN products p ON p.id = r.product_id "
	"WHERE r.day >= ? AND r.day <= ? AND" INSIGHT_SCOPE("r")
	"GROUP BY r.product_id, p.name, p.category_id";

struct period {
	char from[11], to[11];
	int days;
	int64_t start_ms, end_ms;
};

static int check_period(const struct stock_report_query *q, struct period *p, struct err *e)
{
	if (insight_period(q->from, q->to, 30, p->from, p->to, &p->days, e) < 0)
		return -1;
	char next[11];
	report_day_add(p->to, 1, next);
	if (ts_day_start(p->from, &p->start_ms) < 0 || ts_day_start(next, &p->end_ms) < 0) {
		err_field(e, "from", "is out of range");
		return -1;
	}
	return 0;
}

/* Adds the ledger's opening and closing value (turnover) or the closing
 * quantity and receipts (sell-through) of each balance to its entry. */
static int scan_ledger(struct db *db, struct arena *a, const struct stock_report_query *q,
		       const struct period *p, const struct cat_tree *t, enum sgroup grp,
		       int turnover, struct ins_acc *acc, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_LEDGER, "iiiiiii", p->end_ms, p->end_ms,
				      p->start_ms, q->store_id, q->store_id, q->scope_user_id,
				      q->scope_user_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct ins_entry *x = entry_of(db, a, acc, t, grp, st);
		if (!x)
			continue;
		int64_t cost = db_col_null(st, 5) ? -1 : db_col_int64(st, 5);
		int64_t on_hand = db_col_int64(st, 6);
		int64_t opening = on_hand - db_col_int64(st, 7);
		int64_t closing = on_hand - db_col_int64(st, 8);
		if (turnover) {
			x->v[T_OPEN] += insight_value(opening, cost);
			x->v[T_CLOSE] += insight_value(closing, cost);
		} else {
			x->v[S_ONHAND] += closing;
			x->v[S_RECEIVED] += db_col_int64(st, 9);
		}
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

/* Adds what sold over the period (cost for turnover, units for
 * sell-through) to the entries. */
static int scan_sold(struct db *db, struct arena *a, const struct stock_report_query *q,
		     const struct period *p, const struct cat_tree *t, enum sgroup grp,
		     int turnover, struct ins_acc *acc, struct err *e)
{
	const char *sql = grp == SG_PRODUCT ? SQL_SOLD_PRODUCT : SQL_SOLD_CATEGORY;
	struct db_stmt *st = db_query(db, e, sql, "ttiiii", p->from, p->to, q->store_id,
				      q->store_id, q->scope_user_id, q->scope_user_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct ins_entry *x = entry_of(db, a, acc, t, grp, st);
		if (!x)
			continue;
		if (turnover)
			x->v[T_COST] += db_col_int64(st, 5);
		else
			x->v[S_SOLD] += db_col_int64(st, 6);
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

static json_t *turnover_json(const struct ins_entry *x, int days)
{
	int64_t open = stock_round_value(x->v[T_OPEN]), close = stock_round_value(x->v[T_CLOSE]);
	int64_t avg = stock_avg_value(open, close), tv = 0, cv = 0;
	int tok = stock_turnover_x100(x->v[T_COST], avg, &tv) == 0;
	int cok = stock_cover_x100(close, days, x->v[T_COST], &cv) == 0;
	json_t *o = json_object();
	json_object_set_new(o, "key", ins_key_json(x->key));
	json_object_set_new(o, "label", json_string(x->label));
	json_object_set_new(o, "cost", json_integer(x->v[T_COST]));
	json_object_set_new(o, "opening_value", json_integer(open));
	json_object_set_new(o, "closing_value", json_integer(close));
	json_object_set_new(o, "avg_value", json_integer(avg));
	json_object_set_new(o, "turnover", insight_hundredths_json(tok, tv));
	json_object_set_new(o, "days_of_cover", insight_hundredths_json(cok, cv));
	return o;
}

static json_t *sell_through_json(const struct ins_entry *x, int days)
{
	int64_t sold = x->v[S_SOLD], left = x->v[S_ONHAND] > 0 ? x->v[S_ONHAND] : 0;
	json_t *o = json_object();
	json_object_set_new(o, "key", ins_key_json(x->key));
	json_object_set_new(o, "label", json_string(x->label));
	json_object_set_new(o, "units_sold", jx_qty_value(sold));
	json_object_set_new(o, "units_received", jx_qty_value(x->v[S_RECEIVED]));
	json_object_set_new(o, "on_hand", jx_qty_value(x->v[S_ONHAND]));
	json_object_set_new(o, "sell_through_rate", insight_rate_json(sold, sold + left));
	return o;
}

static const char *const turnover_groups[] = {"store", "category", "product", NULL};
static const char *const sell_through_groups[] = {"category", NULL};

/* The turnover (turnover 1) or sell-through (0) report. */
static int period_report(struct db *db, struct arena *a, const struct stock_report_query *q,
			 int turnover, json_t **out, struct err *e)
{
	int g = 0;
	struct period p;
	if (turnover)
		check_group(q->group_by, turnover_groups, &g, e);
	else
		g = 1; /* per category */
	check_period(q, &p, e);
	if (err_fields_done(e))
		return e->code;
	enum sgroup grp = (enum sgroup)g;
	struct cat_tree t;
	struct ins_acc acc = {0};
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		return rc;
	if ((rc = cat_tree_load(db, q->category_id, &t, e)) < 0 ||
	    (rc = scan_ledger(db, a, q, &p, &t, grp, turnover, &acc, e)) < 0 ||
	    (rc = scan_sold(db, a, q, &p, &t, grp, turnover, &acc, e)) < 0)
		goto done;
	ins_sort(&acc, turnover ? T_COST : S_SOLD);
	json_t *(*row)(const struct ins_entry *, int) = turnover ? turnover_json : sell_through_json;
	json_t *items = json_array();
	for (int i = 0; i < acc.n; i++)
		json_array_append_new(items, row(&acc.e[i], p.days));
	struct ins_entry tot;
	sum_entries(&acc, &tot);
	*out = report_head(turnover ? turnover_groups[g] : sell_through_groups[0], q->category_id,
			   p.from, p.to);
	json_object_set_new(*out, "days", json_integer(p.days));
	json_object_set_new(*out, "items", items);
	json_object_set_new(*out, "totals", row(&tot, p.days));
done:
	db_rollback(db);
	cat_tree_free(&t);
	ins_free(&acc);
	return rc;
}

int report_turnover(struct db *db, struct arena *a, const struct stock_report_query *q,
		    json_t **out, struct err *e)
{
	return period_report(db, a, q, 1, out, e);
}

int report_sell_through(struct db *db, struct arena *a, const struct stock_report_query *q,
			json_t **out, struct err *e)
{
	if (q->group_by && *q->group_by && strcmp(q->group_by, "category") != 0) {
		err_field(e, "group_by", "must be category");
		return err_fields_done(e);
	}
	return period_report(db, a, q, 0, out, e);
}
