/* commission_period.c: a plan's payout periods — opened, computed from the
 * credited sale lines and returns of their days, approved and closed
 * (frozen) — the clawback of a return whose sale was paid in a closed
 * period, the period's lines and each person's statement. */
#include "domain/staff/commission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/pos/sale.h"
#include "domain/staff/staff_scope.h"

/* A member of the plan being computed and their running figures. */
struct member {
	int64_t user_id, store_id;
	int64_t sales, target, commission, tier, pool, clawback;
	int64_t attainment_bp;
	int lines;
};

/* A member's credited sales in one store (the pool's weights). */
struct store_sales {
	int64_t store_id;
	int member;
	int64_t sales;
};

struct store_pool {
	int64_t store_id, pool;
};

struct cline {
	int64_t user_id, store_id;
	const char *kind;
	char day[11];
	int64_t sale_id, sale_line_id, return_id, base, rate_bp, amount;
	char *detail;
};

/* A course passed by a user, first at `at`. */
struct pass {
	int64_t user_id, course_id, at;
};

struct calc {
	struct arena *a;
	struct cc_rules rules;
	int64_t period_id, plan_id;
	char from[11], to[11];
	struct member *m;
	int nm;
	struct store_sales *ss;
	int nss, capss;
	struct store_pool *pools;
	int np, capp;
	struct cline *lines;
	int nl, capl;
	struct pass *passes;
	int npasses;
};

/* One credited line: a sale line (or the line a return line returns) with
 * the people it is credited to. */
struct credit {
	int64_t sale_id, store_id, at, line_id;
	char sale_day[11];
	struct cc_line line;
	int64_t course_id;
	int n;
	int64_t user_id[SALE_MAX_SALESPEOPLE], share_bp[SALE_MAX_SALESPEOPLE];
	/* a return line */
	int64_t return_id, return_line_id, refund, prior;
	char return_day[11];
	int64_t orig_line_id[SALE_MAX_SALESPEOPLE], orig_rate_bp[SALE_MAX_SALESPEOPLE];
	char orig_period[SALE_MAX_SALESPEOPLE][8];
};

static int overflow(struct err *e)
{
	return err_set(e, ERR_INVALID, "a commission sum overflows");
}

static int member_of(const struct calc *c, int64_t user_id)
{
	int lo = 0, hi = c->nm - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (c->m[mid].user_id == user_id)
			return mid;
		if (c->m[mid].user_id < user_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int pass_cmp(const void *x, const void *y)
{
	const struct pass *p = x, *q = y;
	if (p->user_id != q->user_id)
		return p->user_id < q->user_id ? -1 : 1;
	return p->course_id < q->course_id ? -1 : p->course_id > q->course_id;
}

/* The training gate: closed when the rules require training, the line's
 * category requires a course and user had not passed it by at. */
static int untrained(const struct calc *c, int64_t user_id, int64_t course_id, int64_t at)
{
	if (!c->rules.require_training || !course_id)
		return 0;
	struct pass key = {.user_id = user_id, .course_id = course_id};
	const struct pass *p = bsearch(&key, c->passes, (size_t)c->npasses, sizeof key, pass_cmp);
	return !p || p->at > at;
}

static struct cline *add_line(struct calc *c, int64_t user_id, int64_t store_id,
			      const char *kind, const char *day)
{
	if (c->nl == c->capl) {
		c->capl = c->capl ? c->capl * 2 : 256;
		c->lines = xrealloc(c->lines, (size_t)c->capl * sizeof *c->lines);
	}
	struct cline *l = &c->lines[c->nl++];
	memset(l, 0, sizeof *l);
	l->user_id = user_id;
	l->store_id = store_id;
	l->kind = kind;
	snprintf(l->day, sizeof l->day, "%s", day ? day : "");
	return l;
}

static int add_store_sales(struct calc *c, int64_t store_id, int member, int64_t v,
			   struct err *e)
{
	int i;
	for (i = 0; i < c->nss; i++)
		if (c->ss[i].store_id == store_id && c->ss[i].member == member)
			break;
	if (i == c->nss) {
		if (c->nss == c->capss) {
			c->capss = c->capss ? c->capss * 2 : 32;
			c->ss = xrealloc(c->ss, (size_t)c->capss * sizeof *c->ss);
		}
		c->ss[c->nss++] = (struct store_sales){.store_id = store_id, .member = member};
	}
	return money_sum(&c->ss[i].sales, v) < 0 ? overflow(e) : 0;
}

static int add_pool(struct calc *c, int64_t store_id, int64_t v, struct err *e)
{
	int i;
	for (i = 0; i < c->np; i++)
		if (c->pools[i].store_id == store_id)
			break;
	if (i == c->np) {
		if (c->np == c->capp) {
			c->capp = c->capp ? c->capp * 2 : 16;
			c->pools = xrealloc(c->pools, (size_t)c->capp * sizeof *c->pools);
		}
		c->pools[c->np++] = (struct store_pool){.store_id = store_id};
	}
	return money_sum(&c->pools[i].pool, v) < 0 ? overflow(e) : 0;
}

static char *detail_text(struct arena *a, json_t *d)
{
	char *t = json_dumps(d, JSON_COMPACT);
	char *s = arena_strdup(a, t);
	free(t);
	json_decref(d);
	return s;
}

/* The shares of cr's people, and part k of amount split by them. */
static int part_of(const struct credit *cr, int64_t amount, int k, int64_t *out, struct err *e)
{
	int64_t parts[SALE_MAX_SALESPEOPLE];
	int rc = cc_split(amount, cr->share_bp, cr->n, parts, e);
	if (rc < 0)
		return rc;
	*out = parts[k];
	return 0;
}

/* A sale line of the period: each member credited earns their share of
 * the line's commission (at the rate of their own training gate), and
 * their share of its pool part goes to the store's pool. */
static int credit_sale(struct calc *c, const struct credit *cr, struct err *e)
{
	for (int k = 0; k < cr->n; k++) {
		int mi = member_of(c, cr->user_id[k]);
		if (mi < 0)
			continue;
		struct member *m = &c->m[mi];
		struct cc_line l = cr->line;
		struct cc_line_result x;
		int64_t own = 0, pool = 0, credited = 0;
		l.untrained = untrained(c, m->user_id, cr->course_id, cr->at);
		if (cc_line(&c->rules, &l, &x, e) < 0 || part_of(cr, x.own, k, &own, e) < 0 ||
		    part_of(cr, x.pool, k, &pool, e) < 0 || part_of(cr, l.total, k, &credited, e) < 0)
			return e->code;
		struct cline *o = add_line(c, m->user_id, cr->store_id, "sale", cr->sale_day);
		o->sale_id = cr->sale_id;
		o->sale_line_id = cr->line_id;
		o->base = l.total;
		o->rate_bp = x.rate_bp;
		o->amount = own;
		o->detail = detail_text(c->a, json_pack(
			"{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "reason", cc_reason_names[x.reason],
			"price_bp", (json_int_t)x.price_bp, "margin_bp", (json_int_t)x.margin_bp,
			"share_bp", (json_int_t)cr->share_bp[k], "credited", (json_int_t)credited,
			"line_commission", (json_int_t)x.amount, "pool", (json_int_t)pool));
		m->lines++;
		if (money_sum(&m->sales, credited) < 0 || money_sum(&m->commission, own) < 0)
			return overflow(e);
		if (add_store_sales(c, cr->store_id, mi, credited, e) < 0 ||
		    add_pool(c, cr->store_id, pool, e) < 0)
			return e->code;
	}
	return 0;
}

/* A return line: negative at the rate the returned line earned (a
 * `return` in the period it happens; a `clawback` when the sale was paid
 * in a closed period, at that line's stored rate). */
static int credit_return(struct calc *c, const struct credit *cr, int clawback, struct err *e)
{
	for (int k = 0; k < cr->n; k++) {
		int mi = member_of(c, cr->user_id[k]);
		if (mi < 0 || (clawback && !cr->orig_line_id[k]))
			continue;
		struct member *m = &c->m[mi];
		int64_t rate, own = 0, pool = 0, credited = 0;
		struct cc_line_result x;
		if (clawback) {
			rate = cr->orig_rate_bp[k];
		} else {
			struct cc_line l = cr->line;
			l.untrained = untrained(c, m->user_id, cr->course_id, cr->at);
			if (cc_line(&c->rules, &l, &x, e) < 0)
				return e->code;
			rate = x.rate_bp;
		}
		if (cc_line_return(&c->rules, cr->refund, rate, &x, e) < 0 ||
		    part_of(cr, x.own, k, &own, e) < 0 || part_of(cr, x.pool, k, &pool, e) < 0 ||
		    part_of(cr, -cr->refund, k, &credited, e) < 0)
			return e->code;
		struct cline *o = add_line(c, m->user_id, cr->store_id, clawback ? "clawback" : "return",
					   cr->return_day);
		o->sale_id = cr->sale_id;
		o->sale_line_id = cr->line_id;
		o->return_id = cr->return_id;
		o->base = -cr->refund;
		o->rate_bp = rate;
		o->amount = own;
		json_t *d = json_pack("{s:s,s:s,s:I,s:I,s:I}", "reason", clawback ? "clawback" : "return",
				      "sale_day", cr->sale_day, "share_bp", (json_int_t)cr->share_bp[k],
				      "credited", (json_int_t)credited, "pool", (json_int_t)pool);
		if (clawback) {
			json_object_set_new(d, "original_line_id", json_integer(cr->orig_line_id[k]));
			json_object_set_new(d, "original_period", json_string(cr->orig_period[k]));
		}
		o->detail = detail_text(c->a, d);
		m->lines++;
		if (clawback ? money_sum(&m->clawback, own) < 0
			     : money_sum(&m->sales, credited) < 0 || money_sum(&m->commission, own) < 0)
			return overflow(e);
		if ((!clawback && add_store_sales(c, cr->store_id, mi, credited, e) < 0) ||
		    add_pool(c, cr->store_id, pool, e) < 0)
			return e->code;
	}
	return 0;
}

/* The plan's members: its users, and the salespeople and store managers of
 * its stores; each with their first store. */
static int load_members(struct db *db, struct calc *c, struct err *e)
{
	static const char sql[] =
		"SELECT u.id, COALESCE((SELECT MIN(store_id) FROM user_stores WHERE user_id = u.id), 0) "
		"FROM users u WHERE u.id IN (SELECT member_id FROM commission_plan_members "
		"WHERE plan_id = ? AND kind = 'user') "
		"OR (u.role IN ('sales', 'store_manager') AND u.id IN (SELECT us.user_id "
		"FROM user_stores us JOIN commission_plan_members m ON m.kind = 'store' "
		"AND m.member_id = us.store_id WHERE m.plan_id = ?)) ORDER BY u.id";
	struct db_stmt *st = db_query(db, e, sql, "ii", c->plan_id, c->plan_id);
	int rc, cap = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (c->nm == cap) {
			cap = cap ? cap * 2 : 64;
			struct member *n = arena_calloc(c->a, (size_t)cap, sizeof *n);
			if (c->nm)
				memcpy(n, c->m, (size_t)c->nm * sizeof *n);
			c->m = n;
		}
		c->m[c->nm++] = (struct member){.user_id = db_col_int64(st, 0),
						 .store_id = db_col_int64(st, 1)};
	}
	return rc < 0 ? db_fail(e) : 0;
}

static int load_passes(struct db *db, struct calc *c, struct err *e)
{
	static const char sql[] =
		"SELECT user_id, course_id, MIN(at) FROM course_attempts WHERE passed = 1 "
		"GROUP BY user_id, course_id ORDER BY user_id, course_id";
	struct db_stmt *st = db_query(db, e, sql, "");
	int rc, cap = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (c->npasses == cap) {
			cap = cap ? cap * 2 : 64;
			struct pass *n = arena_calloc(c->a, (size_t)cap, sizeof *n);
			if (c->npasses)
				memcpy(n, c->passes, (size_t)c->npasses * sizeof *n);
			c->passes = n;
		}
		c->passes[c->npasses++] = (struct pass){db_col_int64(st, 0), db_col_int64(st, 1),
							db_col_int64(st, 2)};
	}
	return rc < 0 ? db_fail(e) : 0;
}

/* The columns every credited-line query starts with, in this order. */
#define CREDIT_COLS                                                            \
	"s.id, s.store_id, s.day, s.at, l.id, l.quantity, l.list_price, l.total, l.vat, "  \
	"l.unit_cost, COALESCE(c.required_course_id, 0), "                               \
	"COALESCE(sp.user_id, s.salesperson_id, s.cashier_id), COALESCE(sp.share_bp, 10000)"
#define CREDIT_JOINS                                                           \
	" JOIN sales s ON s.id = l.sale_id LEFT JOIN sale_salespeople sp ON sp.sale_id = s.id" \
	" LEFT JOIN categories c ON c.id = l.category_id "
enum { CR_SALE, CR_STORE, CR_DAY, CR_AT, CR_LINE, CR_QTY, CR_LIST, CR_TOTAL, CR_VAT, CR_COST,
       CR_COURSE, CR_USER, CR_SHARE, CR_NEXT };

/* Reads the CREDIT_COLS of a row that starts a new line into cr. */
static int credit_read(struct db_stmt *st, struct credit *cr, struct err *e)
{
	memset(cr, 0, sizeof *cr);
	cr->sale_id = db_col_int64(st, CR_SALE);
	cr->store_id = db_col_int64(st, CR_STORE);
	snprintf(cr->sale_day, sizeof cr->sale_day, "%s", db_col_text(st, CR_DAY));
	cr->at = db_col_int64(st, CR_AT);
	cr->line_id = db_col_int64(st, CR_LINE);
	int64_t qty = db_col_int64(st, CR_QTY);
	cr->line.total = db_col_int64(st, CR_TOTAL);
	cr->line.vat = db_col_int64(st, CR_VAT);
	cr->course_id = db_col_int64(st, CR_COURSE);
	if (money_mul_qty(db_col_int64(st, CR_LIST), qty, &cr->line.list_amount) < 0 ||
	    money_mul_qty(db_col_int64(st, CR_COST), qty, &cr->line.cost) < 0)
		return overflow(e);
	return 0;
}

static void credit_person(struct db_stmt *st, struct credit *cr)
{
	if (cr->n < SALE_MAX_SALESPEOPLE) {
		cr->user_id[cr->n] = db_col_int64(st, CR_USER);
		cr->share_bp[cr->n] = db_col_int64(st, CR_SHARE);
		cr->n++;
	}
}

static int credit_sales(struct db *db, struct calc *c, struct err *e)
{
	static const char sql[] =
		"SELECT " CREDIT_COLS " FROM sale_lines l" CREDIT_JOINS
		"WHERE s.day >= ? AND s.day <= ? AND s.status <> 'voided' ORDER BY l.id, 12";
	struct db_stmt *st = db_query(db, e, sql, "tt", c->from, c->to);
	struct credit cr = {0};
	int rc, have = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (!have || db_col_int64(st, CR_LINE) != cr.line_id) {
			if (have && credit_sale(c, &cr, e) < 0)
				goto fail;
			if (credit_read(st, &cr, e) < 0)
				goto fail;
			have = 1;
		}
		credit_person(st, &cr);
	}
	if (rc < 0 || (have && credit_sale(c, &cr, e) < 0))
		goto fail;
	return 0;
fail:
	db_reset(st);
	return db_fail(e);
}

/* Returns in the period's days: a return of a line sold in the period, or
 * of one paid in another period of the plan that is not closed, counts
 * negative here; a line paid in a closed period is clawed back instead
 * (credit_clawbacks); a line never paid by the plan counts nothing. */
static int credit_returns(struct db *db, struct calc *c, struct err *e)
{
	static const char sql[] =
		"SELECT " CREDIT_COLS ", r.id, rl.id, rl.refund, r.day, "
		"COALESCE((SELECT MAX(CASE WHEN cp.status = 'closed' THEN 2 ELSE 1 END) "
		"FROM commission_lines cl JOIN commission_periods cp ON cp.id = cl.period_id "
		"WHERE cl.sale_line_id = l.id AND cl.kind = 'sale' AND cp.plan_id = ? "
		"AND cp.id <> ?), 0) "
		"FROM sale_returns r JOIN sale_return_lines rl ON rl.return_id = r.id "
		"JOIN sale_lines l ON l.id = rl.sale_line_id" CREDIT_JOINS
		"WHERE r.day >= ? AND r.day <= ? ORDER BY rl.id, 12";
	struct db_stmt *st = db_query(db, e, sql, "iitt", c->plan_id, c->period_id, c->from, c->to);
	struct credit cr = {0};
	int rc, have = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (!have || db_col_int64(st, CR_NEXT + 1) != cr.return_line_id) {
			if (have && (strcmp(cr.sale_day, c->from) >= 0 || cr.prior == 1) &&
			    cr.prior != 2 && credit_return(c, &cr, 0, e) < 0)
				goto fail;
			if (credit_read(st, &cr, e) < 0)
				goto fail;
			cr.return_id = db_col_int64(st, CR_NEXT);
			cr.return_line_id = db_col_int64(st, CR_NEXT + 1);
			cr.refund = db_col_int64(st, CR_NEXT + 2);
			snprintf(cr.return_day, sizeof cr.return_day, "%s", db_col_text(st, CR_NEXT + 3));
			cr.prior = db_col_int64(st, CR_NEXT + 4);
			have = 1;
		}
		credit_person(st, &cr);
	}
	if (rc < 0 || (have && (strcmp(cr.sale_day, c->from) >= 0 || cr.prior == 1) &&
		       cr.prior != 2 && credit_return(c, &cr, 0, e) < 0))
		goto fail;
	return 0;
fail:
	db_reset(st);
	return db_fail(e);
}

/* 1 when a return came within the clawback window of its sale. */
static int credit_window(const struct calc *c, const struct credit *cr)
{
	int64_t sold, returned;
	if (ts_day_number(cr->sale_day, &sold) < 0 || ts_day_number(cr->return_day, &returned) < 0)
		return 0;
	return returned - sold <= c->rules.clawback_days;
}

/* Returns of lines paid in a closed period of the plan whose next open
 * period is this one, not yet counted in another period, within the
 * clawback window of their sale: clawed back line by line, each against
 * the person's original commission line. */
static int credit_clawbacks(struct db *db, struct calc *c, struct err *e)
{
	static const char sql[] =
		"SELECT " CREDIT_COLS ", r.id, rl.id, rl.refund, r.day, cl.id, cl.rate_bp, cp.period "
		"FROM sale_returns r JOIN sale_return_lines rl ON rl.return_id = r.id "
		"JOIN sale_lines l ON l.id = rl.sale_line_id" CREDIT_JOINS
		"LEFT JOIN commission_lines cl ON cl.sale_line_id = l.id AND cl.kind = 'sale' "
		"AND cl.user_id = COALESCE(sp.user_id, s.salesperson_id, s.cashier_id) "
		"AND cl.period_id IN (SELECT id FROM commission_periods WHERE plan_id = ? "
		"AND status = 'closed') "
		"LEFT JOIN commission_periods cp ON cp.id = cl.period_id "
		"WHERE EXISTS (SELECT 1 FROM commission_lines ql "
		"JOIN commission_periods q ON q.id = ql.period_id "
		"WHERE ql.sale_line_id = l.id AND ql.kind = 'sale' AND q.plan_id = ? "
		"AND q.status = 'closed' AND q.to_day < ? "
		"AND NOT EXISTS (SELECT 1 FROM commission_periods o WHERE o.plan_id = q.plan_id "
		"AND o.status = 'open' AND o.from_day > q.to_day AND o.from_day < ?)) "
		"AND NOT EXISTS (SELECT 1 FROM commission_lines x "
		"JOIN commission_periods xp ON xp.id = x.period_id WHERE x.return_id = r.id "
		"AND x.sale_line_id = l.id AND xp.plan_id = ? AND x.period_id <> ?) "
		"ORDER BY rl.id, 12";
	struct db_stmt *st = db_query(db, e, sql, "iittii", c->plan_id, c->plan_id, c->from, c->from,
				      c->plan_id, c->period_id);
	struct credit cr = {0};
	int rc, have = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (!have || db_col_int64(st, CR_NEXT + 1) != cr.return_line_id) {
			if (have && credit_window(c, &cr) && credit_return(c, &cr, 1, e) < 0)
				goto fail;
			if (credit_read(st, &cr, e) < 0)
				goto fail;
			cr.return_id = db_col_int64(st, CR_NEXT);
			cr.return_line_id = db_col_int64(st, CR_NEXT + 1);
			cr.refund = db_col_int64(st, CR_NEXT + 2);
			snprintf(cr.return_day, sizeof cr.return_day, "%s", db_col_text(st, CR_NEXT + 3));
			have = 1;
		}
		if (cr.n < SALE_MAX_SALESPEOPLE && !db_col_null(st, CR_NEXT + 4)) {
			cr.orig_line_id[cr.n] = db_col_int64(st, CR_NEXT + 4);
			cr.orig_rate_bp[cr.n] = db_col_int64(st, CR_NEXT + 5);
			snprintf(cr.orig_period[cr.n], sizeof cr.orig_period[0], "%s",
				 db_col_text(st, CR_NEXT + 6));
		}
		credit_person(st, &cr);
	}
	if (rc < 0 || (have && credit_window(c, &cr) && credit_return(c, &cr, 1, e) < 0))
		goto fail;
	return 0;
fail:
	db_reset(st);
	return db_fail(e);
}

/* Each store's pool split among the members who sold there in the period,
 * by their credited sales there (nothing is paid from a store where no
 * member's credited sales are above 0). */
static int share_pools(struct calc *c, struct err *e)
{
	int64_t *w = arena_calloc(c->a, (size_t)(c->nss ? c->nss : 1), sizeof *w);
	int64_t *parts = arena_calloc(c->a, (size_t)(c->nss ? c->nss : 1), sizeof *parts);
	int *who = arena_calloc(c->a, (size_t)(c->nss ? c->nss : 1), sizeof *who);
	for (int p = 0; p < c->np; p++) {
		const struct store_pool *sp = &c->pools[p];
		int n = 0;
		int64_t store_sales = 0;
		if (!sp->pool)
			continue;
		for (int i = 0; i < c->nss; i++)
			if (c->ss[i].store_id == sp->store_id && c->ss[i].sales > 0) {
				w[n] = c->ss[i].sales;
				who[n++] = c->ss[i].member;
				if (money_sum(&store_sales, c->ss[i].sales) < 0)
					return overflow(e);
			}
		if (!n)
			continue;
		/* cc_split takes at most CC_MAX_PEOPLE weights: a larger store
		 * is split in the same way by hand. */
		if (n <= CC_MAX_PEOPLE) {
			if (cc_split(sp->pool, w, n, parts, e) < 0)
				return e->code;
		} else {
			int64_t left = sp->pool;
			for (int i = 0; i < n; i++) {
				parts[i] = (int64_t)((__int128)sp->pool * w[i] / store_sales);
				left -= parts[i];
			}
			for (int i = 0; left != 0; i = (i + 1) % n) {
				parts[i] += left > 0 ? 1 : -1;
				left += left > 0 ? -1 : 1;
			}
		}
		for (int i = 0; i < n; i++) {
			struct member *m = &c->m[who[i]];
			struct cline *o = add_line(c, m->user_id, sp->store_id, "pool", c->to);
			o->base = sp->pool;
			o->rate_bp = (int64_t)((__int128)w[i] * 10000 / store_sales);
			o->amount = parts[i];
			o->detail = detail_text(c->a, json_pack("{s:s,s:I,s:I,s:I}", "reason", "pool",
								 "store_pool", (json_int_t)sp->pool,
								 "sales", (json_int_t)w[i], "store_sales",
								 (json_int_t)store_sales));
			m->lines++;
			if (money_sum(&m->pool, parts[i]) < 0)
				return overflow(e);
		}
	}
	return 0;
}

/* Each member's revenue target for the period's months (the sum over
 * their stores of staff_targets, all categories) and the tier bonus it
 * earns. */
static int tiers(struct db *db, struct calc *c, struct err *e)
{
	static const char sql[] =
		"SELECT user_id, SUM(amount) FROM staff_targets WHERE metric = 'revenue' "
		"AND category_id = 0 AND user_id <> 0 AND month >= ? AND month <= ? GROUP BY user_id";
	char from[8], to[8];
	snprintf(from, sizeof from, "%.7s", c->from);
	snprintf(to, sizeof to, "%.7s", c->to);
	struct db_stmt *st = db_query(db, e, sql, "tt", from, to);
	int rc;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int mi = member_of(c, db_col_int64(st, 0));
		if (mi >= 0)
			c->m[mi].target = db_col_int64(st, 1);
	}
	if (rc < 0)
		return db_fail(e);
	for (int i = 0; i < c->nm; i++) {
		struct member *m = &c->m[i];
		if (cc_tier(&c->rules, m->sales, m->target, &m->attainment_bp, &m->tier, e) < 0)
			return e->code;
		if (!m->tier)
			continue;
		struct cline *o = add_line(c, m->user_id, m->store_id, "tier", c->to);
		o->base = m->sales;
		o->amount = m->tier;
		o->detail = detail_text(c->a, json_pack("{s:s,s:I,s:I}", "reason", "tier",
							 "attainment_bp", (json_int_t)m->attainment_bp,
							 "target", (json_int_t)m->target));
		m->lines++;
	}
	return 0;
}

/* A line's twelve values, the first at parameter k. */
static void bind_line(struct db_stmt *st, int k, int64_t period_id, const struct cline *l)
{
	const int64_t ids[] = {l->store_id, l->sale_id, l->sale_line_id, l->return_id};
	db_bind_int64(st, k, period_id);
	db_bind_int64(st, k + 1, l->user_id);
	db_bind_text(st, k + 3, l->kind);
	db_bind_text(st, k + 4, l->day[0] ? l->day : NULL);
	for (int i = 0; i < 4; i++) {
		int at = i == 0 ? k + 2 : k + 4 + i;
		if (ids[i])
			db_bind_int64(st, at, ids[i]);
		else
			db_bind_null(st, at);
	}
	db_bind_int64(st, k + 8, l->base);
	db_bind_int64(st, k + 9, l->rate_bp);
	db_bind_int64(st, k + 10, l->amount);
	db_bind_text(st, k + 11, l->detail);
}

#define LINE_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define LINE_ROWS4 LINE_ROW ", " LINE_ROW ", " LINE_ROW ", " LINE_ROW
#define LINE_ROWS16 LINE_ROWS4 ", " LINE_ROWS4 ", " LINE_ROWS4 ", " LINE_ROWS4
#define LINE_BATCH 32

/* The period's lines and payouts replaced by c's; the lines written
 * LINE_BATCH to a statement. */
static int write_calc(struct db *db, struct calc *c, int64_t now, int64_t *grand, struct err *e)
{
	static const char sql_lines[] =
		"INSERT INTO commission_lines (period_id, user_id, store_id, kind, day, sale_id, "
		"sale_line_id, return_id, base, rate_bp, amount, detail) VALUES "
		LINE_ROWS16 ", " LINE_ROWS16;
	static const char sql_del_lines[] = "DELETE FROM commission_lines WHERE period_id = ?";
	static const char sql_del_payouts[] = "DELETE FROM commission_payouts WHERE period_id = ?";
	static const char sql_line[] =
		"INSERT INTO commission_lines (period_id, user_id, store_id, kind, day, sale_id, "
		"sale_line_id, return_id, base, rate_bp, amount, detail) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char sql_payout[] =
		"INSERT INTO commission_payouts (period_id, user_id, store_id, sales, target, "
		"attainment_bp, commission, tier_bonus, pool, clawback, total) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char sql_done[] = "UPDATE commission_periods SET computed_at = ? WHERE id = ?";
	if (db_write(db, e, sql_del_lines, "i", c->period_id) < 0 ||
	    db_write(db, e, sql_del_payouts, "i", c->period_id) < 0)
		return db_fail(e);
	int i = 0;
	for (; i + LINE_BATCH <= c->nl; i += LINE_BATCH) {
		struct db_stmt *st = db_prepare(db, sql_lines, e);
		if (!st)
			return db_fail(e);
		for (int k = 0; k < LINE_BATCH; k++)
			bind_line(st, 1 + 12 * k, c->period_id, &c->lines[i + k]);
		if (db_run(st, e) < 0)
			return db_fail(e);
	}
	for (; i < c->nl; i++) {
		struct db_stmt *st = db_prepare(db, sql_line, e);
		if (!st)
			return db_fail(e);
		bind_line(st, 1, c->period_id, &c->lines[i]);
		if (db_run(st, e) < 0)
			return db_fail(e);
	}
	*grand = 0;
	for (i = 0; i < c->nm; i++) {
		const struct member *m = &c->m[i];
		int64_t total = 0;
		if (!m->lines && !m->target)
			continue;
		if (money_sum(&total, m->commission) < 0 || money_sum(&total, m->tier) < 0 ||
		    money_sum(&total, m->pool) < 0 || money_sum(&total, m->clawback) < 0 ||
		    money_sum(grand, total) < 0)
			return overflow(e);
		if (db_write(db, e, sql_payout, "iiIiiiiiiii", c->period_id, m->user_id, m->store_id,
			     m->sales, m->target, m->attainment_bp, m->commission, m->tier, m->pool,
			     m->clawback, total) < 0)
			return db_fail(e);
	}
	return db_write(db, e, sql_done, "ii", now, c->period_id) < 0 ? db_fail(e) : 0;
}

/* Computes open period id inside the caller's write transaction. */
static int compute(struct db *db, int64_t id, int64_t *grand, struct err *e)
{
	static const char sql[] =
		"SELECT cp.plan_id, cp.from_day, cp.to_day, cp.status, p.rules "
		"FROM commission_periods cp JOIN commission_plans p ON p.id = cp.plan_id "
		"WHERE cp.id = ?";
	struct calc c = {.period_id = id};
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "commission period", id, e);
	if (rc < 0)
		return rc;
	c.plan_id = db_col_int64(st, 0);
	snprintf(c.from, sizeof c.from, "%s", db_col_text(st, 1));
	snprintf(c.to, sizeof c.to, "%s", db_col_text(st, 2));
	int open = strcmp(db_col_text(st, 3), "open") == 0;
	json_t *rules = json_loads(db_col_text(st, 4), 0, NULL);
	db_reset(st);
	if (!open) {
		json_decref(rules);
		return err_set(e, ERR_STATE, "the period is not open: its lines are frozen");
	}
	err_init(e);
	cc_rules_read(rules, "rules", &c.rules, e);
	json_decref(rules);
	if (e->nfields || e->type_error)
		return err_set(e, ERR_INTERNAL, "the plan's stored rules do not read");
	c.a = arena_new();
	if ((rc = load_members(db, &c, e)) < 0 ||
	    (c.rules.require_training && (rc = load_passes(db, &c, e)) < 0) ||
	    (rc = credit_sales(db, &c, e)) < 0 || (rc = credit_returns(db, &c, e)) < 0 ||
	    (rc = credit_clawbacks(db, &c, e)) < 0 || (rc = share_pools(&c, e)) < 0 ||
	    (rc = tiers(db, &c, e)) < 0)
		goto done;
	rc = write_calc(db, &c, ts_now_ms(), grand, e);
done:
	free(c.lines);
	free(c.ss);
	free(c.pools);
	arena_free(c.a);
	return rc;
}

/* ---- reading ---- */

/* Who the actor sees among the people of a period: 0 everyone (admin, hq,
 * the system), 1 the people of their stores (a store manager), 2 only
 * themselves. Used as (?, ?, ?) in SEEN(col). */
static void seen_args(const struct actor *who, int64_t *mode, int64_t *me)
{
	*me = who && who->user ? who->user->id : 0;
	*mode = !who || !who->user || !(who->user->role & ROLE_STORE_BOUND)       ? 0
		: (who->user->role & ROLE_STORE_MANAGER)                          ? 1
											  : 2;
}
#define SEEN(col)                                                              \
	" (? = 0 OR " col " = ? OR (? = 1 AND " col " IN (SELECT us2.user_id "      \
	"FROM user_stores us1 JOIN user_stores us2 ON us2.store_id = us1.store_id " \
	"WHERE us1.user_id = ?))) "

#define PERIOD_COLS                                                            \
	"cp.id, cp.plan_id, p.name, cp.period, cp.from_day, cp.to_day, cp.status, "   \
	"cp.computed_at, cp.approved_at, cp.closed_at, cp.created_at"

static json_t *period_from_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "id",
			 (json_int_t)db_col_int64(st, 0), "plan_id", (json_int_t)db_col_int64(st, 1),
			 "plan_name", db_col_text(st, 2), "period", db_col_text(st, 3), "from_day",
			 db_col_text(st, 4), "to_day", db_col_text(st, 5), "status",
			 db_col_text(st, 6), "computed_at", jx_time(db_col_int64(st, 7)),
			 "approved_at", jx_time(db_col_int64(st, 8)), "closed_at",
			 jx_time(db_col_int64(st, 9)), "created_at", jx_time(db_col_int64(st, 10)));
}

/* A payout row's figures from column k on, into o. */
static void payout_figures(json_t *o, struct db_stmt *st, int k)
{
	static const char *const names[] = {"sales", "target", "attainment_bp", "commission",
					    "tier_bonus", "pool", "clawback", "total"};
	for (int i = 0; i < 8; i++)
		json_object_set_new(o, names[i], json_integer(db_col_int64(st, k + i)));
}
#define PAYOUT_FIGURES                                                         \
	"po.sales, po.target, po.attainment_bp, po.commission, po.tier_bonus, po.pool, " \
	"po.clawback, po.total"

int commission_period_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			  json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT " PERIOD_COLS " FROM commission_periods cp "
		"JOIN commission_plans p ON p.id = cp.plan_id WHERE cp.id = ?";
	static const char sql_payouts[] =
		"SELECT po.user_id, u.display_name, po.store_id, " PAYOUT_FIGURES
		" FROM commission_payouts po JOIN users u ON u.id = po.user_id "
		"WHERE po.period_id = ? AND" SEEN("po.user_id") "ORDER BY po.total DESC, po.user_id";
	int64_t mode, me, total = 0;
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "commission period", id, e);
	if (rc < 0)
		return rc;
	json_t *o = period_from_row(st), *list = json_array();
	db_reset(st);
	json_object_set_new(o, "payouts", list);
	seen_args(who, &mode, &me);
	if (!(st = db_query(db, e, sql_payouts, "iiiii", id, mode, me, mode, me)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *p = json_pack("{s:I,s:s,s:o}", "user_id", (json_int_t)db_col_int64(st, 0),
				      "user_name", db_col_text(st, 1), "store_id",
				      db_col_null(st, 2) ? json_null() : json_integer(db_col_int64(st, 2)));
		payout_figures(p, st, 3);
		total += db_col_int64(st, 10);
		json_array_append_new(list, p);
	}
	if (rc < 0)
		goto fail;
	json_object_set_new(o, "total", json_integer(total));
	*out = o;
	return 0;
fail:
	json_decref(o);
	return db_fail(e);
}

int commission_period_list(struct db *db, struct arena *a, const struct actor *who,
			   int64_t plan_id, const char *status, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT " PERIOD_COLS ", (SELECT COALESCE(SUM(po.total), 0) FROM commission_payouts po "
		"WHERE po.period_id = cp.id AND" SEEN("po.user_id") ") FROM commission_periods cp "
		"JOIN commission_plans p ON p.id = cp.plan_id "
		"WHERE (? = 0 OR cp.plan_id = ?) AND (CAST(? AS TEXT) IS NULL OR cp.status = ?) "
		"ORDER BY cp.from_day DESC, cp.id DESC LIMIT 500";
	int64_t mode, me;
	seen_args(who, &mode, &me);
	json_t *list = json_array();
	struct db_stmt *st = db_query(db, e, sql, "iiiiiitt", mode, me, mode, me, plan_id, plan_id,
				      status, status);
	int rc;
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *p = period_from_row(st);
		json_object_set_new(p, "total", json_integer(db_col_int64(st, 11)));
		json_array_append_new(list, p);
	}
	if (rc < 0)
		goto fail;
	*out = list;
	return 0;
fail:
	json_decref(list);
	return db_fail(e);
}

/* The lines of period_id (0: any) for user_id (0: any seen), or of
 * user_id in periods labelled period: JSON rows. */
static int lines_query(struct db *db, const struct actor *who, int64_t period_id,
		       int64_t user_id, json_t *list, struct err *e)
{
	static const char sql[] =
		"SELECT cl.id, cl.user_id, u.display_name, cl.store_id, cl.kind, cl.day, "
		"cl.sale_id, s.number, cl.sale_line_id, cl.return_id, cl.base, cl.rate_bp, "
		"cl.amount, cl.detail FROM commission_lines cl JOIN users u ON u.id = cl.user_id "
		"LEFT JOIN sales s ON s.id = cl.sale_id "
		"WHERE cl.period_id = ? AND (? = 0 OR cl.user_id = ?) AND" SEEN("cl.user_id")
		"ORDER BY cl.user_id, cl.day, cl.id";
	int64_t mode, me;
	seen_args(who, &mode, &me);
	struct db_stmt *st = db_query(db, e, sql, "iiiiiii", period_id, user_id, user_id, mode, me,
				      mode, me);
	int rc;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *d = json_loads(db_col_text(st, 13), 0, NULL);
		json_t *reason = json_object_get(d, "reason");
		json_t *orig = json_object_get(d, "original_line_id");
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(db_col_int64(st, 0)));
		json_object_set_new(o, "user_id", json_integer(db_col_int64(st, 1)));
		json_object_set_new(o, "user_name", json_string(db_col_text(st, 2)));
		json_object_set_new(o, "store_id", db_col_null(st, 3) ? json_null()
								       : json_integer(db_col_int64(st, 3)));
		json_object_set_new(o, "kind", json_string(db_col_text(st, 4)));
		json_object_set_new(o, "day", jx_strn(db_col_text(st, 5)));
		json_object_set_new(o, "sale_id", db_col_null(st, 6) ? json_null()
								      : json_integer(db_col_int64(st, 6)));
		json_object_set_new(o, "sale_number", jx_strn(db_col_text(st, 7)));
		json_object_set_new(o, "sale_line_id", db_col_null(st, 8)
								   ? json_null()
								   : json_integer(db_col_int64(st, 8)));
		json_object_set_new(o, "return_id", db_col_null(st, 9)
								? json_null()
								: json_integer(db_col_int64(st, 9)));
		json_object_set_new(o, "base", json_integer(db_col_int64(st, 10)));
		json_object_set_new(o, "rate_bp", json_integer(db_col_int64(st, 11)));
		json_object_set_new(o, "amount", json_integer(db_col_int64(st, 12)));
		json_object_set_new(o, "reason", reason ? json_incref(reason) : json_null());
		json_object_set_new(o, "original_line_id", orig ? json_incref(orig) : json_null());
		json_object_set_new(o, "detail", d ? d : json_object());
		json_array_append_new(list, o);
	}
	return rc < 0 ? db_fail(e) : 0;
}

int commission_period_lines(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			    int64_t user_id, json_t **out, struct err *e)
{
	static const char sql[] = "SELECT 1 FROM commission_periods WHERE id = ?";
	int rc = db_exists(db_query(db, e, sql, "i", id), e);
	if (rc < 0)
		return rc;
	if (!rc)
		return err_set(e, ERR_NOT_FOUND, "no commission period %lld", (long long)id);
	if (user_id && (rc = staff_person_check(db, who, user_id, e)) < 0)
		return rc;
	json_t *list = json_array();
	if ((rc = lines_query(db, who, id, user_id, list, e)) < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

int commission_statement(struct db *db, struct arena *a, const struct actor *who,
			 int64_t user_id, const char *period, json_t **out, struct err *e)
{
	static const char sql_user[] = "SELECT display_name FROM users WHERE id = ?";
	static const char sql[] =
		"SELECT cp.id, cp.plan_id, p.name, cp.period, cp.from_day, cp.to_day, cp.status, "
		PAYOUT_FIGURES " FROM commission_payouts po "
		"JOIN commission_periods cp ON cp.id = po.period_id "
		"JOIN commission_plans p ON p.id = cp.plan_id "
		"WHERE po.user_id = ? AND (CAST(? AS TEXT) IS NULL OR cp.period = ?) "
		"ORDER BY cp.from_day DESC, cp.id DESC LIMIT 36";
	char name[256] = "";
	int rc = staff_person_check(db, who, user_id, e);
	if (rc < 0 || (rc = db_text(db_query(db, e, sql_user, "i", user_id), name, sizeof name, e)) < 0)
		return rc;
	json_t *list = json_array();
	json_t *o = json_pack("{s:I,s:s,s:o,s:o}", "user_id", (json_int_t)user_id, "user_name", name,
			      "period", jx_strn(period), "payouts", list);
	struct db_stmt *st = db_query(db, e, sql, "itt", user_id, period, period);
	int64_t total = 0;
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *p = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "period_id",
				      (json_int_t)db_col_int64(st, 0), "plan_id",
				      (json_int_t)db_col_int64(st, 1), "plan_name", db_col_text(st, 2),
				      "period", db_col_text(st, 3), "from_day", db_col_text(st, 4),
				      "to_day", db_col_text(st, 5), "status", db_col_text(st, 6));
		payout_figures(p, st, 7);
		total += db_col_int64(st, 14);
		json_array_append_new(list, p);
	}
	if (rc < 0)
		goto fail;
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		json_t *lines = json_array();
		json_object_set_new(p, "lines", lines);
		if ((rc = lines_query(db, NULL, json_integer_value(json_object_get(p, "period_id")),
				      user_id, lines, e)) < 0)
			goto fail;
	}
	json_object_set_new(o, "total", json_integer(total));
	*out = o;
	return 0;
fail:
	json_decref(o);
	return db_fail(e);
}

/* ---- changes ---- */

int commission_period_open(struct db *db, struct arena *a, const struct actor *who,
			   int64_t plan_id, const char *period, json_t **out, struct err *e)
{
	static const char sql_plan[] =
		"SELECT period_kind, status FROM commission_plans WHERE id = ?";
	static const char sql[] =
		"INSERT INTO commission_periods (plan_id, period, from_day, to_day, status, "
		"created_at) VALUES (?, ?, ?, ?, 'open', ?) RETURNING id";
	char kind[16], status[16], from[11], to[11];
	int64_t id = 0, total = 0;
	struct db_stmt *st = db_query(db, e, sql_plan, "i", plan_id);
	int rc = db_get_row(st, "commission plan", plan_id, e);
	if (rc < 0)
		return rc;
	snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
	snprintf(status, sizeof status, "%s", db_col_text(st, 1));
	db_reset(st);
	if (strcmp(status, "approved") != 0)
		return err_set(e, ERR_STATE, "the plan is %s: periods open on an approved plan",
			       status);
	if (commission_period_days(kind, period, from, to) < 0) {
		err_field(e, "period", strcmp(kind, "month") == 0 ? "must be a month YYYY-MM"
								  : "must be a quarter YYYY-Qn");
		return err_fields_done(e);
	}
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	rc = db_int(db_query(db, e, sql, "ittti", plan_id, period, from, to, ts_now_ms()), &id, e);
	if (rc == ERR_DUPLICATE)
		err_set(e, ERR_DUPLICATE, "period %s of this plan is open already", period);
	if (rc <= 0 || (rc = compute(db, id, &total, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "commission_period", id, 0, NULL,
			       json_pack("{s:I,s:s,s:I}", "plan_id", (json_int_t)plan_id, "period",
					 period, "total", (json_int_t)total),
			       e)) < 0)
		goto fail;
	return commission_period_get(db, a, who, id, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int commission_period_recompute(struct db *db, struct arena *a, const struct actor *who,
				int64_t id, json_t **out, struct err *e)
{
	int64_t total = 0;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = compute(db, id, &total, e)) < 0 ||
	    (rc = audit_commit(db, who, "recompute", "commission_period", id, 0, NULL,
			       json_pack("{s:I}", "total", (json_int_t)total), e)) < 0)
		goto fail;
	return out ? commission_period_get(db, a, who, id, out, e) : 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int commission_period_transition(struct db *db, struct arena *a, const struct actor *who,
				 int64_t id, const char *action, json_t **out, struct err *e)
{
	static const char sql_status[] = "SELECT status FROM commission_periods WHERE id = ?";
	static const char sql_approve[] =
		"UPDATE commission_periods SET status = 'approved', approved_by = ?, approved_at = ? "
		"WHERE id = ? AND status = 'open'";
	static const char sql_close[] =
		"UPDATE commission_periods SET status = 'closed', closed_by = ?, closed_at = ? "
		"WHERE id = ? AND status = 'approved'";
	int approve = strcmp(action, "approve") == 0;
	const char *from = approve ? "open" : "approved", *to = approve ? "approved" : "closed";
	char status[16] = "";
	int64_t total = 0, me = who && who->user ? who->user->id : 0;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = db_text(db_query(db, e, sql_status, "i", id), status, sizeof status, e)) < 0)
		goto fail;
	if (!rc) {
		rc = err_set(e, ERR_NOT_FOUND, "no commission period %lld", (long long)id);
		goto fail;
	}
	if (strcmp(status, from) != 0) {
		rc = err_set(e, ERR_STATE, "the period is %s: only an %s period can be %s", status,
			     from, approve ? "approved" : "closed");
		goto fail;
	}
	/* The figures approved are the sales as they stand now. */
	if ((approve && (rc = compute(db, id, &total, e)) < 0) ||
	    db_write(db, e, approve ? sql_approve : sql_close, "Iii", me, ts_now_ms(), id) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, action, "commission_period", id, 0,
			       json_pack("{s:s}", "status", from), json_pack("{s:s}", "status", to),
			       e)) < 0)
		goto fail;
	return commission_period_get(db, a, who, id, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int commission_nightly(struct db *db, const char *day, int *opened, int *computed,
		       struct err *e)
{
	static const char sql_plans[] =
		"SELECT id, period_kind FROM commission_plans WHERE status = 'approved' "
		"AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) ORDER BY id";
	static const char sql_open[] =
		"INSERT INTO commission_periods (plan_id, period, from_day, to_day, status, "
		"created_at) VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (plan_id, period) DO NOTHING";
	static const char sql_periods[] =
		"SELECT id FROM commission_periods WHERE status = 'open' ORDER BY id";
	struct actor sys = {0};
	struct arena *a = arena_new();
	int64_t *ids = NULL, changed;
	int n = 0, rc;
	*opened = *computed = 0;
	struct db_stmt *st = db_query(db, e, sql_plans, "tt", day, day);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	/* The plans first (read), then a period opened for each. */
	int64_t *plans = NULL;
	char (*kinds)[16] = NULL;
	int np = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		plans = xrealloc(plans, (size_t)(np + 1) * sizeof *plans);
		kinds = xrealloc(kinds, (size_t)(np + 1) * sizeof *kinds);
		plans[np] = db_col_int64(st, 0);
		snprintf(kinds[np], sizeof kinds[0], "%s", db_col_text(st, 1));
		np++;
	}
	for (int i = 0; rc >= 0 && i < np; i++) {
		char label[8], from[11], to[11];
		commission_period_of(kinds[i], day, label);
		if (commission_period_days(kinds[i], label, from, to) < 0)
			continue;
		if ((rc = db_write_count(db, e, &changed, sql_open, "itttI", plans[i], label, from, to,
					 ts_now_ms())) < 0)
			break;
		*opened += (int)changed;
	}
	free(plans);
	free(kinds);
	if (rc < 0 || !(st = db_query(db, e, sql_periods, ""))) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		ids = xrealloc(ids, (size_t)(n + 1) * sizeof *ids);
		ids[n++] = db_col_int64(st, 0);
	}
	if (rc < 0)
		goto done;
	rc = 0;
	for (int i = 0; i < n; i++) {
		if ((rc = commission_period_recompute(db, a, &sys, ids[i], NULL, e)) < 0)
			break;
		(*computed)++;
	}
done:
	free(ids);
	arena_free(a);
	return rc < 0 ? rc : 0;
}
