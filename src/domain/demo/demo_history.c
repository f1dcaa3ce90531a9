/* demo_history.c: the demo company's customers and history — opening stock,
 * purchase orders, daily shifts, sales with promotions, manual discounts,
 * points and stored value, voids, returns and offline sales, each with its
 * stock moves and journal record — generated day by day in memory and
 * written in bulk, with every rollup summed as it goes (rollup_check in
 * tersa check-db compares them with the sales). */
#include "domain/demo/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/crm/customer.h"
#include "domain/crm/customer_text.h"
#include "domain/loyalty/coupon.h"
#include "domain/org/audit.h"
#include "domain/pos/journal.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define MIN_MS 60000LL
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- customers ---- */

/* A member's coupon of the demo's one template (满100减10, 30 days). */
#define COUPON_VALUE 1000
#define COUPON_MIN_SPEND 10000
struct coupon_row {
	int64_t id, issued_at, expires_at, sale_id, redeemed_at, store_id, discount;
	int cust;
};

/* A points ledger row kept until the end (lots change as points are spent). */
struct pent {
	int cust;
	const char *kind;
	int64_t at, points, balance_after, remaining, expires_at, sale_id, store_id, user_id;
	int next_lot;
};

struct sent {
	int cust;
	const char *kind, *method;
	int64_t at, amount, after, sale_id, store_id, shift_id, user_id;
};

/* ---- the generation state ---- */

/* One day's rollup amounts of a row. */
struct ramt {
	int64_t revenue, vat, cost, discount, orders, units, returns, refunded;
};

#define MAX_LEAVES 32
#define MAX_STAFF 5
#define MAX_TOPS 8
#define NMETHODS 6

/* The tender methods a demo sale uses, as the payment rollup keys them. */
static const char *const methods[NMETHODS] = {"alipay", "card",  "cash",
					      "points", "stored_value", "wechat"};

/* A customer's orders and revenue of the day in one store. */
struct crow {
	int s, cust;
	int64_t orders, revenue;
};

struct pending_return {
	int64_t sale_id, store_idx, day, customer, staff_id;
	int nlines;
	int64_t line_id[8], product_id[8], qty[8], refund[8], vat[8], cost[8], disc[8];
	const char *method;
};

struct gen {
	struct demo_co *c;
	struct bulk *sales, *lines, *ldisc, *pays, *moves, *journal, *shifts, *rets, *rlines,
		*rtenders, *counters, *pos, *polines;
	struct cust *cust;
	int ncust;
	int **pool; /* per store: customer indexes */
	int *npool;
	struct pent *pl;
	int npl, cappl;
	struct sent *sv;
	int nsv, capsv;
	int64_t *on_hand; /* [store * nproducts + product], -1 = not carried */
	double **cum;     /* per store: cumulative weights over carried products */
	int **carried;
	int *ncarried;
	int64_t next_sale, next_line, next_pay, next_move, next_journal, next_shift, next_ret,
		next_rline, next_po, next_poline;
	int64_t *seq;     /* per store: journal seq */
	char (*head)[65]; /* per store: last hash */
	struct pending_return *pend;
	int npend, cappend;
	int64_t promo_ids[4];
	/* The day's rollups, written at its end: by store, store x product,
	 * store x leaf category, store x staff member (manager first). */
	struct ramt *r_store, *r_prod, *r_cat, *r_staff;
	int64_t leaf_ids[MAX_LEAVES];
	struct bulk *ro_store, *ro_prod, *ro_cat, *ro_staff;
	/* The report rollups of the day, as rollup_report.c and
	 * rollup_customer.c add a sale up: store x top category (the category
	 * tree's inner rows; its leaf rows are r_cat's), store x brand, store x
	 * hour, store x tender method, and the customers' rows. The month and
	 * every-store product rows are summed from the day rows at the end. */
	struct ramt *r_top, *r_brand, *r_hour, *r_pay;
	int *brand_of; /* per product: its index in brands */
	const char **brands;
	int nbrands;
	struct crow *r_cust;
	int ncrow, capcrow;
	struct bulk *ro_tree, *ro_brand, *ro_hour, *ro_pay, *ro_cust;
	/* The month's rows of the product rollups and the category subtree,
	 * and the day's product rows of every store. */
	char month[8]; /* "YYYY-MM" being summed, "" before the first day */
	struct ramt *m_sp, *m_p, *m_tree, *d_p;
	struct bulk *ro_msp, *ro_mp, *ro_mtree, *ro_dp;
	int64_t last_days; /* the last day (days since 1970-01-01) */
	int64_t cust_base; /* customer i has id cust_base + i + 1 */
	struct coupon_row *coupons;
	int ncoupons, capcoupons;
	int64_t next_coupon, coupon_template;
	int64_t promo_from[4];
	struct buf jb;
	struct demo_campaign *camp;
};

static void *grow(void *p, int *cap, int need, size_t sz)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 1024;
	if (*cap < need)
		*cap = need;
	return xrealloc(p, (size_t)*cap * sz);
}

/* VAT contained in a price: total × rate / (10000 + rate), half up (as
 * the sale computes it). */
static int64_t vat_of(int64_t total, int64_t rate)
{
	__int128 num = (__int128)total * rate, den = 10000 + rate;
	return (int64_t)((num + den / 2) / den);
}

static void day_string(int64_t days, char *out)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, m, d);
}

/* Spring Festival (the first day of the lunar year) by year. */
static int64_t spring_festival(int64_t y)
{
	static const struct {
		int y, m, d;
	} sf[] = {{2019, 2, 5},  {2020, 1, 25}, {2021, 2, 12}, {2022, 2, 1},  {2023, 1, 22},
		  {2024, 2, 10}, {2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6},  {2028, 1, 26},
		  {2029, 2, 13}, {2030, 2, 3},  {2031, 1, 23}, {2032, 2, 11}, {2033, 1, 31},
		  {2034, 2, 19}, {2035, 2, 8}};
	for (size_t i = 0; i < sizeof sf / sizeof *sf; i++)
		if (sf[i].y == y)
			return tz_days_from_civil(y, sf[i].m, sf[i].d);
	return tz_days_from_civil(y, 2, 1);
}

/* How busy a day is against an ordinary one: weekday, month, holidays. */
static double day_factor(int64_t days, int online)
{
	static const double wd[7] = {1.25, 0.85, 0.85, 0.9, 0.95, 1.1, 1.35}; /* Sun..Sat */
	static const double mon[12] = {1.05, 0.95, 0.9, 0.92, 1.0, 1.05, 1.0, 1.0, 0.97, 1.05, 1.1, 1.15};
	int64_t y;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	double f = wd[((days % 7) + 11) % 7] * mon[m - 1];
	/* Spring Festival: the rush of the ten days before, quiet days after
	 * (the year's festival, or next year's for late January). */
	int64_t sf = spring_festival(y), off = days - sf;
	int64_t off2 = days - spring_festival(y + 1);
	if (off2 >= -10 && off2 < 0)
		off = off2;
	if (off >= -10 && off < 0)
		f *= 1.3 + 0.06 * (double)(10 + off);
	else if (off >= 0 && off <= 2)
		f *= online ? 0.5 : 0.3;
	else if (off > 2 && off <= 7)
		f *= 0.8;
	if (m == 6 && d <= 17)
		f *= online ? 1.4 : 1.1;
	else if (m == 6 && d == 18)
		f *= online ? 4.0 : 2.0;
	else if (m == 11 && d <= 10)
		f *= online ? 1.5 : 1.1;
	else if (m == 11 && d == 11)
		f *= online ? 5.0 : 2.4;
	else if (m == 10 && d <= 7)
		f *= 1.35;
	else if (m == 1 && d == 1)
		f *= 1.2;
	return f;
}

/* The promotion on a day for a top-level category: 0 none, else index. */
struct promo {
	const char *name;
	int top;  /* top-level category index, -1 = all */
	int64_t bp;
	int kind; /* 0 Spring Festival, 1 618, 2 Double 11, 3 National Day */
};
static const struct promo promos[4] = {
	{"年货节 食品9折", 0, 1000, 0},
	{"618 数码狂欢 85折", 4, 1500, 1},
	{"双十一 全场9折", -1, 1000, 2},
	{"国庆 家居88折", 3, 1200, 3},
};

static int promo_on(int64_t days, int64_t *from, int64_t *to)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	int64_t sf = spring_festival(y), sf2 = spring_festival(y + 1);
	if (days >= sf - 14 && days < sf) {
		*from = sf - 14, *to = sf - 1;
		return 0;
	}
	if (days >= sf2 - 14 && days < sf2) {
		*from = sf2 - 14, *to = sf2 - 1;
		return 0;
	}
	if (m == 6 && d >= 1 && d <= 18) {
		*from = tz_days_from_civil(y, 6, 1), *to = tz_days_from_civil(y, 6, 18);
		return 1;
	}
	if (m == 11 && d >= 1 && d <= 11) {
		*from = tz_days_from_civil(y, 11, 1), *to = tz_days_from_civil(y, 11, 11);
		return 2;
	}
	if (m == 10 && d <= 7) {
		*from = tz_days_from_civil(y, 10, 1), *to = tz_days_from_civil(y, 10, 7);
		return 3;
	}
	return -1;
}

/* ---- names ---- */

static const char surnames[] =
	"王w李l张z刘l陈c杨y黄h赵z吴w周z徐x孙s马m朱z胡h郭g何h高g林l罗l郑z梁l谢x宋s唐t许x韩h"
	"冯f邓d曹c彭p曾z肖x田t董d袁y潘p于y蒋j蔡c余y杜d叶y程c苏s魏w吕l丁d任r沈s姚y卢l姜j"
	"崔c钟z谭t陆l汪w范f金j石s廖l贾j夏x韦w付f方f白b邹z孟m熊x秦q邱q江j尹y薛x段d雷l";
static const char given[] =
	"伟w芳f娜n敏m静j丽l强q磊l军j洋y勇y艳y杰j娟j涛t明m超c秀x霞x平p刚g桂g英y华h玉y兰l萍p"
	"红h鹏p辉h建j文w国g宇y浩h子z涵h欣x怡y梓z轩x雨y晨c思s佳j俊j博b诗s琪q嘉j睿r一y宁n婷t"
	"雪x慧h琳l凯k斌b飞f志z海h春c晓x丹d亮l颖y倩q云y峰f新x蕾l昊h然r泽z瑶y航h悦y彤t";
#define NSUR ((int)(sizeof surnames - 1) / 4)
#define NGIVEN ((int)(sizeof given - 1) / 4)

/* A name and its pinyin initials: the surname weighted to the common ones. */
static void make_name(struct rng *r, char *name, char *initials)
{
	int s = (int)(rng_unit(r) * rng_unit(r) * NSUR);
	int ng = rng_below(r, 10) < 7 ? 2 : 1;
	int o = 0, k = 0;
	memcpy(name + o, surnames + 4 * s, 3);
	o += 3;
	initials[k++] = surnames[4 * s + 3];
	for (int i = 0; i < ng; i++) {
		int g = (int)rng_below(r, NGIVEN);
		memcpy(name + o, given + 4 * g, 3);
		o += 3;
		initials[k++] = given[4 * g + 3];
	}
	name[o] = 0;
	initials[k] = 0;
}

/* ---- bulk tables ---- */

static void open_bulks(struct gen *g)
{
	struct db *db = g->c->db;
	g->sales = bulk_new(db, "sales (id, number, store_id, shift_id, customer_id, cashier_id, "
			    "salesperson_id, at, day, status, subtotal, discount_total, rounding, "
			    "vat_total, total, paid, change_due, points_earned, points_redeemed, "
			    "manual_discount_bp, approved_by, note, offline_at, void_reason, voided_by, "
			    "voided_at, refunded_total, utc_offset)", 28);
	g->lines = bulk_new(db, "sale_lines (id, sale_id, line_no, product_id, quantity, list_price, "
			    "unit_price, gross, discount, total, vat_rate, vat, unit_cost, promotion_id, "
			    "returned_quantity, refunded, category_id)", 17);
	g->ldisc = bulk_new(db, "sale_line_discounts (sale_line_id, source, source_id, amount)", 4);
	g->pays = bulk_new(db, "sale_payments (id, sale_id, method, amount, reference)", 5);
	g->moves = bulk_new(db, "stock_moves (id, store_id, product_id, quantity, kind, doc_type, "
			    "doc_id, user_id, unit_cost, balance_after, at)", 11);
	g->journal = bulk_new(db, "journal (id, store_id, seq, kind, doc_id, at, content, prev_hash, "
			      "hash)", 9);
	g->shifts = bulk_new(db, "shifts (id, store_id, register, status, opened_by, opened_at, "
			     "opening_cash, closed_by, closed_at)", 9);
	g->rets = bulk_new(db, "sale_returns (id, sale_id, store_id, shift_id, kind, at, day, user_id, "
			   "refund_total, refund_method, reason, points_reversed, refund_override, "
			   "utc_offset)", 14);
	g->rlines = bulk_new(db, "sale_return_lines (id, return_id, sale_line_id, product_id, quantity, "
			     "refund, vat)", 7);
	g->rtenders = bulk_new(db, "sale_return_tenders (return_id, method, amount)", 3);
	g->counters = bulk_new(db, "receipt_counters (store_id, day, last)", 3);
	g->pos = bulk_new(db, "purchase_orders (id, supplier_id, store_id, status, expected_at, note, "
			  "total, created_by, created_at, sent_at, received_at, updated_at)", 12);
	g->polines = bulk_new(db, "purchase_order_lines (id, order_id, product_id, quantity, "
			      "received_quantity, unit_cost)", 6);
	g->ro_store = bulk_new(db, "rollup_day_store (day, store_id, revenue, vat, cost, discount, "
			       "orders, units, returns, refunded)", 10);
	g->ro_prod = bulk_new(db, "rollup_day_store_product (day, store_id, product_id, revenue, vat, "
			      "cost, discount, orders, units, returns, refunded)", 11);
	g->ro_cat = bulk_new(db, "rollup_day_store_category (day, store_id, category_id, revenue, vat, "
			     "cost, discount, orders, units, returns, refunded)", 11);
	g->ro_staff = bulk_new(db, "rollup_day_store_staff (day, store_id, user_id, revenue, vat, "
			       "cost, discount, orders, units, returns, refunded)", 11);
	g->ro_tree = bulk_new(db, "rollup_day_store_category_tree (day, store_id, category_id, "
			      "revenue, vat, cost, discount, orders, units, returns, refunded)", 11);
	g->ro_brand = bulk_new(db, "rollup_day_store_brand (day, store_id, brand, revenue, vat, cost, "
			       "discount, orders, units, returns, refunded)", 11);
	g->ro_hour = bulk_new(db, "rollup_day_store_hour (day, store_id, hour, revenue, vat, cost, "
			      "discount, orders, units, returns, refunded)", 11);
	g->ro_pay = bulk_new(db, "rollup_day_store_payment (day, store_id, method, revenue, orders, "
			     "returns, refunded)", 7);
	g->ro_cust = bulk_new(db, "rollup_day_store_customer (day, store_id, customer_id, orders, "
			      "revenue)", 5);
	g->ro_msp = bulk_new(db, "rollup_month_store_product (month, store_id, product_id, revenue, "
			     "vat, cost, discount, orders, units, returns, refunded)", 11);
	g->ro_mp = bulk_new(db, "rollup_month_product (month, product_id, revenue, vat, cost, "
			    "discount, orders, units, returns, refunded)", 10);
	g->ro_mtree = bulk_new(db, "rollup_month_store_category_tree (month, store_id, category_id, "
			       "revenue, vat, cost, discount, orders, units, returns, refunded)", 11);
	g->ro_dp = bulk_new(db, "rollup_day_product (day, product_id, revenue, vat, cost, discount, "
			    "orders, units, returns, refunded)", 10);
	struct bulk *all[] = {g->shifts, g->sales, g->lines, g->ldisc, g->pays, g->rets, g->rlines,
			      g->rtenders, g->moves, g->journal, g->counters, g->pos, g->polines};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		bulk_hold(all[i]);
}

static int flush_bulks(struct gen *g, struct err *e)
{
	struct bulk *all[] = {g->shifts, g->sales, g->lines, g->ldisc, g->pays, g->rets, g->rlines,
			      g->rtenders, g->moves, g->journal, g->counters, g->pos, g->polines,
			      g->ro_store, g->ro_prod, g->ro_cat, g->ro_staff, g->ro_tree,
			      g->ro_brand, g->ro_hour, g->ro_pay, g->ro_cust, g->ro_msp,
			      g->ro_mp, g->ro_mtree, g->ro_dp};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (bulk_flush(all[i], e) < 0)
			return e->code;
	return 0;
}

static void close_bulks(struct gen *g)
{
	struct bulk *all[] = {g->shifts, g->sales, g->lines, g->ldisc, g->pays, g->rets, g->rlines,
			      g->rtenders, g->moves, g->journal, g->counters, g->pos, g->polines,
			      g->ro_store, g->ro_prod, g->ro_cat, g->ro_staff, g->ro_tree,
			      g->ro_brand, g->ro_hour, g->ro_pay, g->ro_cust, g->ro_msp,
			      g->ro_mp, g->ro_mtree, g->ro_dp};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		bulk_free(all[i]);
}

static int move(struct gen *g, int s, int p, int64_t qty, const char *kind, const char *doc_type,
		int64_t doc_id, int64_t user, int64_t at, struct err *e)
{
	struct demo_co *c = g->c;
	int64_t *oh = &g->on_hand[(size_t)s * (size_t)c->nproducts + (size_t)p];
	if (*oh < 0)
		*oh = 0;
	*oh += qty;
	bulk_int(g->moves, g->next_move++);
	bulk_int(g->moves, c->stores[s].id);
	bulk_int(g->moves, c->products[p].id);
	bulk_int(g->moves, qty);
	bulk_text(g->moves, kind);
	bulk_text(g->moves, doc_type);
	bulk_opt_int(g->moves, doc_id);
	bulk_opt_int(g->moves, user);
	if (c->products[p].cost > 0)
		bulk_int(g->moves, c->products[p].cost);
	else
		bulk_null(g->moves);
	bulk_int(g->moves, *oh);
	bulk_int(g->moves, at);
	return bulk_row(g->moves, e);
}

static int journal_add(struct gen *g, int s, const char *kind, int64_t doc_id, int64_t at,
		       const char *content, struct err *e)
{
	char hash[65];
	journal_hash(g->head[s], content, hash);
	bulk_int(g->journal, g->next_journal++);
	bulk_int(g->journal, g->c->stores[s].id);
	bulk_int(g->journal, ++g->seq[s]);
	bulk_text(g->journal, kind);
	bulk_int(g->journal, doc_id);
	bulk_int(g->journal, at);
	bulk_text(g->journal, content);
	bulk_text(g->journal, g->head[s]);
	bulk_text(g->journal, hash);
	memcpy(g->head[s], hash, 65);
	return bulk_row(g->journal, e);
}

/* ---- points ---- */

static struct pent *pl_add(struct gen *g, int cust, const char *kind, int64_t at, int64_t points,
			   int64_t sale_id, int64_t store_id, int64_t user_id)
{
	g->pl = grow(g->pl, &g->cappl, g->npl + 1, sizeof *g->pl);
	struct cust *cu = &g->cust[cust];
	cu->points += points;
	struct pent *p = &g->pl[g->npl++];
	*p = (struct pent){.cust = cust, .kind = kind, .at = at, .points = points,
			   .balance_after = cu->points, .sale_id = sale_id, .store_id = store_id,
			   .user_id = user_id, .next_lot = -1};
	return p;
}

/* Lots that lapsed by `at` expire (as the daily job does). */
static void expire_lots(struct gen *g, int cust, int64_t at)
{
	struct cust *cu = &g->cust[cust];
	while (cu->lot_head >= 0 && g->pl[cu->lot_head].expires_at <= at) {
		int i = cu->lot_head;
		int64_t left = g->pl[i].remaining, when = g->pl[i].expires_at;
		g->pl[i].remaining = 0;
		cu->lot_head = g->pl[i].next_lot;
		if (cu->lot_head < 0)
			cu->lot_tail = -1;
		if (left > 0)
			pl_add(g, cust, "expire", when, -left, 0, 0, 0);
	}
}

static void earn(struct gen *g, int cust, int64_t at, int64_t points, int64_t sale_id,
		 int64_t store_id, int64_t user_id)
{
	if (points <= 0)
		return;
	struct pent *p = pl_add(g, cust, "earn", at, points, sale_id, store_id, user_id);
	p->remaining = points;
	p->expires_at = program_expiry(&g->c->prog, at);
	int i = g->npl - 1;
	struct cust *cu = &g->cust[cust];
	if (cu->lot_tail >= 0)
		g->pl[cu->lot_tail].next_lot = i;
	else
		cu->lot_head = i;
	cu->lot_tail = i;
}

/* Spends points first in, first out. */
static void redeem(struct gen *g, int cust, int64_t at, int64_t points, int64_t sale_id,
		   int64_t store_id, int64_t user_id)
{
	struct cust *cu = &g->cust[cust];
	int64_t left = points;
	while (left > 0 && cu->lot_head >= 0) {
		struct pent *l = &g->pl[cu->lot_head];
		int64_t take = l->remaining < left ? l->remaining : left;
		l->remaining -= take;
		left -= take;
		if (l->remaining == 0) {
			cu->lot_head = l->next_lot;
			if (cu->lot_head < 0)
				cu->lot_tail = -1;
		}
	}
	pl_add(g, cust, "redeem", at, -points, sale_id, store_id, user_id);
}

static void sv_add(struct gen *g, int cust, const char *kind, const char *method, int64_t at,
		   int64_t amount, int64_t sale_id, int64_t store_id, int64_t shift_id,
		   int64_t user_id)
{
	g->sv = grow(g->sv, &g->capsv, g->nsv + 1, sizeof *g->sv);
	struct cust *cu = &g->cust[cust];
	cu->sv += amount;
	g->sv[g->nsv++] = (struct sent){cust, kind, method, at, amount, cu->sv, sale_id, store_id,
					 shift_id, user_id};
}

/* ---- the day's rollups ---- */

static void ramt_add(struct ramt *r, int64_t sign, int64_t revenue, int64_t vat, int64_t cost,
		     int64_t discount, int64_t orders, int64_t units)
{
	r->revenue += sign * revenue;
	r->vat += sign * vat;
	r->cost += sign * cost;
	r->discount += sign * discount;
	r->orders += orders;
	r->units += sign * units;
}

/* The hour of day of an instant in the company zone (0 if it cannot be
 * converted, as rollup_report.c counts it). */
static int hour_of(int64_t at)
{
	char day[11];
	int wd = 0, minute = 0;
	if (ts_local(at, day, sizeof day, &wd, &minute) < 0)
		minute = 0;
	return minute / 60;
}

static int method_slot(const char *m)
{
	for (int i = 0; i < NMETHODS; i++)
		if (strcmp(methods[i], m) == 0)
			return i;
	return 0;
}

/* Line i's brand counts the document once: 1 unless an earlier line of
 * ln has the same brand. */
static int first_brand(const struct gen *g, const int *prods, int i)
{
	for (int k = 0; k < i; k++)
		if (g->brand_of[prods[k]] == g->brand_of[prods[i]])
			return 0;
	return 1;
}

static int staff_slot(const struct demo_store *st, int64_t user)
{
	if (user == st->manager_id)
		return 0;
	for (int i = 0; i < st->nstaff; i++)
		if (st->staff[i] == user)
			return i + 1;
	return 0;
}

static int ramt_zero(const struct ramt *r)
{
	return !r->revenue && !r->vat && !r->cost && !r->discount && !r->orders && !r->units &&
	       !r->returns && !r->refunded;
}

static void ramt_amounts(struct bulk *b, const struct ramt *r)
{
	bulk_int(b, r->revenue);
	bulk_int(b, r->vat);
	bulk_int(b, r->cost);
	bulk_int(b, r->discount);
	bulk_int(b, r->orders);
	bulk_int(b, r->units);
	bulk_int(b, r->returns);
	bulk_int(b, r->refunded);
}

static void ramt_put(struct bulk *b, const char *day, int64_t store, int64_t key,
		     const struct ramt *r)
{
	bulk_text(b, day);
	bulk_int(b, store);
	if (key >= 0)
		bulk_int(b, key);
	ramt_amounts(b, r);
}

static void ramt_sum(struct ramt *to, const struct ramt *r)
{
	to->revenue += r->revenue;
	to->vat += r->vat;
	to->cost += r->cost;
	to->discount += r->discount;
	to->orders += r->orders;
	to->units += r->units;
	to->returns += r->returns;
	to->refunded += r->refunded;
}

static int by_store_cust(const void *pa, const void *pb)
{
	const struct crow *x = pa, *y = pb;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->cust < y->cust ? -1 : x->cust > y->cust;
}

/* The day's report rollups (see struct gen), written and cleared. */
static int report_rollups_write(struct gen *g, const char *day, struct err *e)
{
	struct demo_co *c = g->c;
	int rc = 0;
	for (int s = 0; s < c->nstores && rc == 0; s++) {
		int64_t sid = c->stores[s].id;
		for (int k = 0; k < MAX_LEAVES && rc == 0; k++) {
			const struct ramt *r = &g->r_cat[s * MAX_LEAVES + k];
			if (ramt_zero(r))
				continue;
			ramt_sum(&g->m_tree[s * (MAX_LEAVES + MAX_TOPS) + k], r);
			ramt_put(g->ro_tree, day, sid, g->leaf_ids[k], r);
			rc = bulk_row(g->ro_tree, e);
		}
		for (int t = 0; t < c->ntop && t < MAX_TOPS && rc == 0; t++) {
			const struct ramt *r = &g->r_top[s * MAX_TOPS + t];
			if (ramt_zero(r))
				continue;
			ramt_sum(&g->m_tree[s * (MAX_LEAVES + MAX_TOPS) + MAX_LEAVES + t], r);
			ramt_put(g->ro_tree, day, sid, c->top_category_ids[t], r);
			rc = bulk_row(g->ro_tree, e);
		}
		for (int b = 0; b < g->nbrands && rc == 0; b++) {
			const struct ramt *r = &g->r_brand[s * g->nbrands + b];
			if (ramt_zero(r))
				continue;
			bulk_text(g->ro_brand, day);
			bulk_int(g->ro_brand, sid);
			bulk_text(g->ro_brand, g->brands[b]);
			ramt_amounts(g->ro_brand, r);
			rc = bulk_row(g->ro_brand, e);
		}
		for (int h = 0; h < 24 && rc == 0; h++) {
			const struct ramt *r = &g->r_hour[s * 24 + h];
			if (ramt_zero(r))
				continue;
			ramt_put(g->ro_hour, day, sid, h, r);
			rc = bulk_row(g->ro_hour, e);
		}
		for (int m = 0; m < NMETHODS && rc == 0; m++) {
			const struct ramt *r = &g->r_pay[s * NMETHODS + m];
			if (!r->revenue && !r->orders && !r->returns && !r->refunded)
				continue;
			bulk_text(g->ro_pay, day);
			bulk_int(g->ro_pay, sid);
			bulk_text(g->ro_pay, methods[m]);
			bulk_int(g->ro_pay, r->revenue);
			bulk_int(g->ro_pay, r->orders);
			bulk_int(g->ro_pay, r->returns);
			bulk_int(g->ro_pay, r->refunded);
			rc = bulk_row(g->ro_pay, e);
		}
	}
	if (g->ncrow > 1)
		qsort(g->r_cust, (size_t)g->ncrow, sizeof *g->r_cust, by_store_cust);
	for (int i = 0; i < g->ncrow && rc == 0;) {
		struct crow x = g->r_cust[i++];
		while (i < g->ncrow && g->r_cust[i].s == x.s && g->r_cust[i].cust == x.cust) {
			x.orders += g->r_cust[i].orders;
			x.revenue += g->r_cust[i++].revenue;
		}
		bulk_text(g->ro_cust, day);
		bulk_int(g->ro_cust, c->stores[x.s].id);
		bulk_int(g->ro_cust, g->cust_base + x.cust + 1);
		bulk_int(g->ro_cust, x.orders);
		bulk_int(g->ro_cust, x.revenue);
		rc = bulk_row(g->ro_cust, e);
	}
	g->ncrow = 0;
	size_t ns = (size_t)c->nstores;
	memset(g->r_top, 0, ns * MAX_TOPS * sizeof *g->r_top);
	memset(g->r_brand, 0, ns * (size_t)g->nbrands * sizeof *g->r_brand);
	memset(g->r_hour, 0, ns * 24 * sizeof *g->r_hour);
	memset(g->r_pay, 0, ns * NMETHODS * sizeof *g->r_pay);
	return rc;
}

/* Writes the month's rows (month x store x product, month x product, month
 * x store x category subtree) that are not all zero, and clears them. A
 * sale is on one day in one store, so the day rows add up to them. */
static int month_rollups_write(struct gen *g, struct err *e)
{
	struct demo_co *c = g->c;
	int rc = 0;
	if (!g->month[0])
		return 0;
	for (int s = 0; s < c->nstores && rc == 0; s++) {
		int64_t sid = c->stores[s].id;
		for (int p = 0; p < c->nproducts && rc == 0; p++) {
			const struct ramt *r = &g->m_sp[(size_t)s * (size_t)c->nproducts + (size_t)p];
			if (ramt_zero(r))
				continue;
			ramt_put(g->ro_msp, g->month, sid, c->products[p].id, r);
			rc = bulk_row(g->ro_msp, e);
		}
		for (int k = 0; k < MAX_LEAVES + MAX_TOPS && rc == 0; k++) {
			const struct ramt *r = &g->m_tree[s * (MAX_LEAVES + MAX_TOPS) + k];
			if (ramt_zero(r))
				continue;
			ramt_put(g->ro_mtree, g->month, sid,
				 k < MAX_LEAVES ? g->leaf_ids[k] : c->top_category_ids[k - MAX_LEAVES], r);
			rc = bulk_row(g->ro_mtree, e);
		}
	}
	for (int p = 0; p < c->nproducts && rc == 0; p++) {
		const struct ramt *r = &g->m_p[p];
		if (ramt_zero(r))
			continue;
		bulk_text(g->ro_mp, g->month);
		bulk_int(g->ro_mp, c->products[p].id);
		ramt_amounts(g->ro_mp, r);
		rc = bulk_row(g->ro_mp, e);
	}
	size_t ns = (size_t)c->nstores, np = (size_t)c->nproducts;
	memset(g->m_sp, 0, ns * np * sizeof *g->m_sp);
	memset(g->m_p, 0, np * sizeof *g->m_p);
	memset(g->m_tree, 0, ns * (MAX_LEAVES + MAX_TOPS) * sizeof *g->m_tree);
	g->month[0] = 0;
	return rc;
}

/* Writes the day's rows that are not all zero and clears them. */
static int rollups_write(struct gen *g, const char *day, struct err *e)
{
	struct demo_co *c = g->c;
	int rc = 0;
	if (g->month[0] && memcmp(g->month, day, 7) != 0)
		rc = month_rollups_write(g, e);
	memcpy(g->month, day, 7);
	g->month[7] = 0;
	for (int s = 0; s < c->nstores && rc == 0; s++) {
		const struct demo_store *st = &c->stores[s];
		struct ramt *r = &g->r_store[s];
		if (!ramt_zero(r)) {
			ramt_put(g->ro_store, day, st->id, -1, r);
			rc = bulk_row(g->ro_store, e);
		}
		for (int p = 0; p < c->nproducts && rc == 0; p++) {
			r = &g->r_prod[(size_t)s * (size_t)c->nproducts + (size_t)p];
			if (ramt_zero(r))
				continue;
			ramt_sum(&g->m_sp[(size_t)s * (size_t)c->nproducts + (size_t)p], r);
			ramt_sum(&g->d_p[p], r);
			ramt_sum(&g->m_p[p], r);
			ramt_put(g->ro_prod, day, st->id, c->products[p].id, r);
			rc = bulk_row(g->ro_prod, e);
		}
		for (int k = 0; k < MAX_LEAVES && rc == 0; k++) {
			r = &g->r_cat[s * MAX_LEAVES + k];
			if (ramt_zero(r))
				continue;
			ramt_put(g->ro_cat, day, st->id, g->leaf_ids[k], r);
			rc = bulk_row(g->ro_cat, e);
		}
		for (int k = 0; k < MAX_STAFF && rc == 0; k++) {
			r = &g->r_staff[s * MAX_STAFF + k];
			if (ramt_zero(r))
				continue;
			ramt_put(g->ro_staff, day, st->id, k ? st->staff[k - 1] : st->manager_id, r);
			rc = bulk_row(g->ro_staff, e);
		}
	}
	for (int p = 0; p < c->nproducts && rc == 0; p++) {
		const struct ramt *r = &g->d_p[p];
		if (ramt_zero(r))
			continue;
		bulk_text(g->ro_dp, day);
		bulk_int(g->ro_dp, c->products[p].id);
		ramt_amounts(g->ro_dp, r);
		rc = bulk_row(g->ro_dp, e);
	}
	memset(g->d_p, 0, (size_t)c->nproducts * sizeof *g->d_p);
	if (rc == 0)
		rc = report_rollups_write(g, day, e);
	memset(g->r_store, 0, (size_t)c->nstores * sizeof *g->r_store);
	memset(g->r_prod, 0, (size_t)c->nstores * (size_t)c->nproducts * sizeof *g->r_prod);
	memset(g->r_cat, 0, (size_t)c->nstores * MAX_LEAVES * sizeof *g->r_cat);
	memset(g->r_staff, 0, (size_t)c->nstores * MAX_STAFF * sizeof *g->r_staff);
	return rc;
}

/* ---- one sale ---- */

struct line {
	int p;
	int64_t qty, gross, disc, total, vat, cost, promo_disc, coupon_disc, manual_disc, promo_id;
};

static int pick_product(struct gen *g, int s)
{
	double *cum = g->cum[s];
	int n = g->ncarried[s];
	double u = rng_unit(&g->c->r) * cum[n - 1];
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return g->carried[s][lo];
}

/* Generates and writes one sale at `at` (and its void, and schedules its
 * return). */
static int one_sale(struct gen *g, int s, int64_t days, const char *day, int64_t at,
		    int64_t shift_id, int *counter, int promo, struct err *e)
{
	struct demo_co *c = g->c;
	struct rng *r = &c->r;
	struct demo_store *st = &c->stores[s];
	struct line ln[8];
	int n = 0;
	int want = 1;
	double u = rng_unit(r);
	want = u < 0.42 ? 1 : u < 0.67 ? 2 : u < 0.82 ? 3 : u < 0.91 ? 4 : 5 + (int)rng_below(r, 4);
	for (int tries = 0; n < want && tries < want * 3; tries++) {
		int p = pick_product(g, s), dup = 0;
		for (int k = 0; k < n; k++)
			dup |= ln[k].p == p;
		if (dup)
			continue;
		const struct demo_product *pr = &c->products[p];
		int64_t q;
		if (pr->weighed)
			q = 300 + rng_below(r, 440) * 5;
		else if (pr->price < 3000 && rng_below(r, 100) < 25)
			q = (2 + rng_below(r, rng_below(r, 4) == 0 ? 5 : 2)) * 1000;
		else
			q = 1000;
		int64_t oh = g->on_hand[(size_t)s * (size_t)c->nproducts + (size_t)p];
		if (oh < q)
			continue;
		struct line *l = &ln[n++];
		memset(l, 0, sizeof *l);
		l->p = p;
		l->qty = q;
		money_mul_qty(pr->price, q, &l->gross);
		if (promo >= 0 && (promos[promo].top < 0 || promos[promo].top == pr->top) &&
		    rng_below(r, 10) < 8) {
			money_mul_bp(l->gross, promos[promo].bp, &l->promo_disc);
			l->promo_id = g->promo_ids[promo];
		}
		l->disc = l->promo_disc;
	}
	if (n == 0)
		return 0;
	/* The customer: a member of this store's pool who had joined. */
	int cust = -1;
	if (g->npool[s] && rng_unit(r) < (st->online ? 0.6 : 0.38)) {
		int k = g->pool[s][rng_below(r, g->npool[s])];
		if (g->cust[k].created_at <= at)
			cust = k;
	}
	if (cust < 0)
		cust = demo_campaign_pick(g->camp, s, at);
	/* A member's coupon (after the promotions, before the manual
	 * discount, as the sale applies them), when the sale reaches its
	 * minimum spend: spread over the lines by what is left of them. */
	int coupon = -1;
	if (cust >= 0 && g->cust[cust].coupon >= 0) {
		struct coupon_row *cp = &g->coupons[g->cust[cust].coupon];
		int64_t base = 0, w[8], parts[8];
		for (int i = 0; i < n; i++)
			base += (w[i] = ln[i].gross - ln[i].disc);
		if (at >= cp->issued_at && at < cp->expires_at && base >= COUPON_MIN_SPEND &&
		    rng_below(r, 10) < 7) {
			int64_t d = COUPON_VALUE < base ? COUPON_VALUE : base;
			money_prorate(d, w, n, parts);
			for (int i = 0; i < n; i++) {
				ln[i].coupon_disc = parts[i];
				ln[i].disc += parts[i];
			}
			coupon = g->cust[cust].coupon;
			cp->discount = d;
			g->cust[cust].coupon = -1;
		}
	}
	/* A manual discount now and then, spread over what is left. */
	int64_t manual_bp = rng_below(r, 100) < 2 ? 500 : 0;
	if (manual_bp) {
		int64_t base = 0, amount, w[8], parts[8];
		for (int i = 0; i < n; i++)
			base += (w[i] = ln[i].gross - ln[i].disc);
		money_mul_bp(base, manual_bp, &amount);
		money_prorate(amount, w, n, parts);
		for (int i = 0; i < n; i++) {
			ln[i].manual_disc = parts[i];
			ln[i].disc += parts[i];
		}
	}
	int64_t subtotal = 0, discount = 0, vat = 0, total = 0, units = 0;
	for (int i = 0; i < n; i++) {
		struct line *l = &ln[i];
		const struct demo_product *pr = &c->products[l->p];
		l->total = l->gross - l->disc;
		l->vat = vat_of(l->total, pr->vat_rate);
		if (pr->cost > 0)
			money_mul_qty(pr->cost, l->qty, &l->cost);
		subtotal += l->gross;
		discount += l->disc;
		vat += l->vat;
		total += l->total;
		units += l->qty;
	}

	int64_t cashier = st->nstaff && rng_below(r, 10) ? st->staff[rng_below(r, st->nstaff)]
							 : st->manager_id;
	int64_t salesperson = st->nstaff && rng_below(r, 10) < 4 ? st->staff[rng_below(r, st->nstaff)] : 0;
	int64_t sale_id = g->next_sale++;

	/* Tenders: points and stored value for members, then one way to pay. */
	int64_t pts = 0, pts_value = 0, sv = 0;
	if (cust >= 0) {
		expire_lots(g, cust, at);
		struct cust *cu = &g->cust[cust];
		const struct loyalty_program *pg = &c->prog;
		if (cu->points >= 500 && pg->point_value > 0 && rng_below(r, 100) < 15) {
			int64_t cap = total * pg->max_redeem_bp / 10000 / pg->point_value;
			pts = cu->points < cap ? cu->points : cap;
			if (pg->max_redeem_points > 0 && pts > pg->max_redeem_points)
				pts = pg->max_redeem_points;
			if (pts < pg->min_redeem || pts <= 0)
				pts = 0;
			pts_value = pts * pg->point_value;
		}
		if (cu->sv > 0 && rng_below(r, 100) < 50) {
			int64_t due = total - pts_value;
			sv = cu->sv < due ? cu->sv : due;
		}
	}
	int64_t due = total - pts_value - sv, rounding = 0, cash = 0, change = 0;
	const char *method = NULL;
	if (due > 0) {
		int64_t m = rng_below(r, 100);
		method = !st->online && m < 15 ? "cash" : m < 58 ? "wechat" : m < 88 ? "alipay" : "card";
	}
	if (method && strcmp(method, "cash") == 0) {
		if (st->cash_rounding > 1)
			rounding = due % st->cash_rounding;
		int64_t d2 = due - rounding;
		static const int64_t notes[] = {1000, 2000, 5000, 10000};
		cash = d2;
		if (rng_below(r, 10) < 7) {
			int64_t unit = notes[rng_below(r, 4)];
			cash = (d2 + unit - 1) / unit * unit;
		}
		change = cash - d2;
	}
	int64_t paid = total - rounding;
	int64_t earned = 0;
	if (cust >= 0)
		earned = program_points_for(&c->prog, paid - pts_value - sv, 10000);

	/* Void (rarely, at once) or a return days later, for sales without a
	 * customer paid by one tender without rounding. */
	int voided = 0, ret = 0;
	if (cust < 0 && sv == 0 && pts == 0 && rounding == 0 && method) {
		int64_t x = rng_below(r, 1000);
		voided = x < 4;
		ret = !voided && x < 19;
	}
	int offline = !st->online && !voided && rng_below(r, 100) == 0;
	int64_t jat = offline ? at + (10 + rng_below(r, 50)) * MIN_MS : at;
	int64_t void_at = at + (1 + rng_below(r, 5)) * MIN_MS;

	/* The return, decided now so that the lines are written as they end. */
	int64_t ret_day = days + 1 + rng_below(r, 7);
	int ret_all = rng_below(r, 10) < 4, ret_line = (int)rng_below(r, n);
	if (ret_day > g->last_days)
		ret = 0;
	int64_t refunded_total = 0;
	int64_t line_ids[8];
	for (int i = 0; i < n; i++)
		line_ids[i] = g->next_line++;

	(*counter)++;
	char number[48];
	snprintf(number, sizeof number, "%s-%.4s%.2s%.2s-%04d", st->code, day, day + 5, day + 8,
		 *counter);

	/* Lines. */
	struct pending_return pr = {0};
	for (int i = 0; i < n; i++) {
		struct line *l = &ln[i];
		const struct demo_product *p = &c->products[l->p];
		int returned = ret && (ret_all || i == ret_line);
		bulk_int(g->lines, line_ids[i]);
		bulk_int(g->lines, sale_id);
		bulk_int(g->lines, i + 1);
		bulk_int(g->lines, p->id);
		bulk_int(g->lines, l->qty);
		bulk_int(g->lines, p->price);
		bulk_int(g->lines, p->price);
		bulk_int(g->lines, l->gross);
		bulk_int(g->lines, l->disc);
		bulk_int(g->lines, l->total);
		bulk_int(g->lines, p->vat_rate);
		bulk_int(g->lines, l->vat);
		bulk_int(g->lines, p->cost > 0 ? p->cost : 0);
		bulk_opt_int(g->lines, l->promo_id);
		bulk_int(g->lines, returned ? l->qty : 0);
		bulk_int(g->lines, returned ? l->total : 0);
		bulk_int(g->lines, p->category_id);
		if (bulk_row(g->lines, e) < 0)
			return e->code;
		if (l->promo_disc) {
			bulk_int(g->ldisc, line_ids[i]);
			bulk_text(g->ldisc, "promotion");
			bulk_int(g->ldisc, l->promo_id);
			bulk_int(g->ldisc, l->promo_disc);
			if (bulk_row(g->ldisc, e) < 0)
				return e->code;
		}
		if (l->coupon_disc) {
			bulk_int(g->ldisc, line_ids[i]);
			bulk_text(g->ldisc, "coupon");
			bulk_int(g->ldisc, g->coupons[coupon].id);
			bulk_int(g->ldisc, l->coupon_disc);
			if (bulk_row(g->ldisc, e) < 0)
				return e->code;
		}
		if (l->manual_disc) {
			bulk_int(g->ldisc, line_ids[i]);
			bulk_text(g->ldisc, "manual");
			bulk_null(g->ldisc);
			bulk_int(g->ldisc, l->manual_disc);
			if (bulk_row(g->ldisc, e) < 0)
				return e->code;
		}
		if (returned) {
			int k = pr.nlines++;
			pr.line_id[k] = line_ids[i];
			pr.product_id[k] = l->p;
			pr.qty[k] = l->qty;
			pr.refund[k] = l->total;
			pr.vat[k] = l->vat;
			pr.cost[k] = l->cost;
			pr.disc[k] = l->disc;
			refunded_total += l->total;
		}
	}
	const char *status = voided ? "voided" : !ret ? "completed"
				     : ret_all || n == 1 ? "returned" : "partially_returned";
	struct bulk *b = g->sales;
	bulk_int(b, sale_id);
	bulk_text(b, number);
	bulk_int(b, st->id);
	bulk_int(b, shift_id);
	if (cust >= 0)
		bulk_int(b, g->cust_base + cust + 1);
	else
		bulk_null(b);
	bulk_int(b, cashier);
	bulk_opt_int(b, salesperson);
	bulk_int(b, at);
	bulk_text(b, day);
	bulk_text(b, status);
	bulk_int(b, subtotal);
	bulk_int(b, discount);
	bulk_int(b, rounding);
	bulk_int(b, vat);
	bulk_int(b, total);
	bulk_int(b, paid);
	bulk_int(b, change);
	bulk_int(b, earned);
	bulk_int(b, pts);
	bulk_int(b, manual_bp);
	bulk_null(b);
	bulk_null(b);
	if (offline)
		bulk_int(b, at);
	else
		bulk_null(b);
	if (voided) {
		bulk_text(b, "顾客取消");
		bulk_int(b, st->manager_id);
		bulk_int(b, void_at);
	} else {
		bulk_null(b);
		bulk_null(b);
		bulk_null(b);
	}
	bulk_int(b, refunded_total);
	bulk_int(b, ts_utc_offset(at));
	if (bulk_row(b, e) < 0)
		return e->code;

	/* Payments in the sale's order: the client's tenders, then points. */
	struct tender {
		const char *m;
		int64_t amount;
	} pay[3];
	int np = 0;
	if (method)
		pay[np++] = (struct tender){method, cash ? cash : due};
	if (sv)
		pay[np++] = (struct tender){"stored_value", sv};
	if (pts_value)
		pay[np++] = (struct tender){"points", pts_value};
	for (int i = 0; i < np; i++) {
		bulk_int(g->pays, g->next_pay++);
		bulk_int(g->pays, sale_id);
		bulk_text(g->pays, pay[i].m);
		bulk_int(g->pays, pay[i].amount);
		bulk_null(g->pays);
		if (bulk_row(g->pays, e) < 0)
			return e->code;
	}

	/* Stock, then the journal record as the sale writes it. */
	for (int i = 0; i < n; i++)
		if (move(g, s, ln[i].p, -ln[i].qty, "sale", "sale", sale_id, cashier, at, e) < 0)
			return e->code;
	buf_reset(&g->jb);
	journal_fmt_sale(&g->jb, sale_id, number, st->id, cashier, at, subtotal, discount, rounding,
			 vat, total);
	for (int i = 0; i < n; i++)
		journal_fmt_line(&g->jb, i + 1, c->products[ln[i].p].id, ln[i].qty,
				 c->products[ln[i].p].price, ln[i].disc, ln[i].total, ln[i].vat);
	for (int i = 0; i < np; i++)
		journal_fmt_pay(&g->jb, pay[i].m, pay[i].amount);
	journal_fmt_points(&g->jb, earned, pts);
	if (journal_add(g, s, "sale", sale_id, jat, g->jb.data, e) < 0)
		return e->code;

	if (voided) {
		char *content = xstrdup(g->jb.data);
		buf_reset(&g->jb);
		buf_printf(&g->jb, "void|%lld|%lld|%lld|%s\n%s", (long long)sale_id,
			   (long long)void_at, (long long)st->manager_id, "顾客取消", content);
		free(content);
		for (int i = 0; i < n; i++)
			if (move(g, s, ln[i].p, ln[i].qty, "return", "sale_void", sale_id,
				 st->manager_id, void_at, e) < 0)
				return e->code;
		if (journal_add(g, s, "void", sale_id, void_at, g->jb.data, e) < 0)
			return e->code;
		c->stats->voids++;
	}
	if (!voided) {
		/* As sale_effects.c adds a sale up: lines by product (a sale once
		 * per product) and category (once per category); the store and
		 * staff rows see what was paid, the rounding as discount. */
		int64_t cost = 0;
		uint32_t seen = 0;
		for (int i = 0; i < n; i++) {
			const struct demo_product *p = &c->products[ln[i].p];
			cost += ln[i].cost;
			ramt_add(&g->r_prod[(size_t)s * (size_t)c->nproducts + (size_t)ln[i].p], 1,
				 ln[i].total, ln[i].vat, ln[i].cost, ln[i].disc, 1, ln[i].qty);
			ramt_add(&g->r_cat[s * MAX_LEAVES + p->leaf], 1, ln[i].total, ln[i].vat,
				 ln[i].cost, ln[i].disc, (seen >> p->leaf) & 1 ? 0 : 1, ln[i].qty);
			seen |= 1u << p->leaf;
		}
		ramt_add(&g->r_store[s], 1, paid, vat, cost, discount + rounding, 1, units);
		ramt_add(&g->r_staff[s * MAX_STAFF + staff_slot(st, salesperson ? salesperson : cashier)],
			 1, paid, vat, cost, discount + rounding, 1, units);
		/* The report rollups: top category and brand once per sale each,
		 * the store row at the sale's hour, each tender (cash less the
		 * change) once, the customer's row. */
		uint32_t seen_top = 0;
		int prods[8];
		for (int i = 0; i < n; i++) {
			const struct demo_product *p = &c->products[ln[i].p];
			prods[i] = ln[i].p;
			ramt_add(&g->r_top[s * MAX_TOPS + p->top], 1, ln[i].total, ln[i].vat,
				 ln[i].cost, ln[i].disc, (seen_top >> p->top) & 1 ? 0 : 1, ln[i].qty);
			seen_top |= 1u << p->top;
			ramt_add(&g->r_brand[s * g->nbrands + g->brand_of[ln[i].p]], 1, ln[i].total,
				 ln[i].vat, ln[i].cost, ln[i].disc, first_brand(g, prods, i), ln[i].qty);
		}
		ramt_add(&g->r_hour[s * 24 + hour_of(at)], 1, paid, vat, cost, discount + rounding, 1,
			 units);
		for (int i = 0; i < np; i++) {
			struct ramt *pm = &g->r_pay[s * NMETHODS + method_slot(pay[i].m)];
			pm->revenue += pay[i].amount - (strcmp(pay[i].m, "cash") == 0 ? change : 0);
			pm->orders++;
		}
		if (cust >= 0) {
			g->r_cust = grow(g->r_cust, &g->capcrow, g->ncrow + 1, sizeof *g->r_cust);
			g->r_cust[g->ncrow++] = (struct crow){s, cust, 1, paid};
		}
	}
	if (ret) {
		pr.staff_id = salesperson ? salesperson : cashier;
		pr.sale_id = sale_id;
		pr.store_idx = s;
		pr.day = ret_day;
		pr.method = method;
		g->pend = grow(g->pend, &g->cappend, g->npend + 1, sizeof *g->pend);
		g->pend[g->npend++] = pr;
	}

	/* The customer's part. */
	if (cust >= 0) {
		struct cust *cu = &g->cust[cust];
		if (pts)
			redeem(g, cust, at, pts, sale_id, st->id, cashier);
		if (sv)
			sv_add(g, cust, "spend", NULL, at, -sv, sale_id, st->id, shift_id, cashier);
		earn(g, cust, at, earned, sale_id, st->id, cashier);
		if (coupon >= 0) {
			g->coupons[coupon].sale_id = sale_id;
			g->coupons[coupon].redeemed_at = at;
			g->coupons[coupon].store_id = st->id;
		}
		cu->lifetime += paid;
		cu->orders++;
		if (!cu->first_at)
			cu->first_at = at;
		demo_campaign_bought(g->camp, cust, at);
		cu->last_at = at;
		if (at >= c->end_ms - 365 * DAY_MS)
			cu->spend12 += paid;
		cu->stores |= 1u << s;
	}
	c->stats->sales++;
	c->stats->lines += n;
	return 0;
}

/* ---- returns, stock, promotions ---- */

static int one_return(struct gen *g, const struct pending_return *pr, const char *day, int64_t at,
		      int64_t shift_id, struct err *e)
{
	static const char *const reasons[] = {"质量问题", "尺寸不合适", "顾客不想要了", "包装破损"};
	struct demo_co *c = g->c;
	int s = (int)pr->store_idx;
	struct demo_store *st = &c->stores[s];
	const char *reason = reasons[rng_below(&c->r, 4)];
	int64_t rid = g->next_ret++, total = 0, line_ids[8];
	for (int i = 0; i < pr->nlines; i++)
		total += pr->refund[i];
	bulk_int(g->rets, rid);
	bulk_int(g->rets, pr->sale_id);
	bulk_int(g->rets, st->id);
	bulk_int(g->rets, shift_id);
	bulk_text(g->rets, "return");
	bulk_int(g->rets, at);
	bulk_text(g->rets, day);
	bulk_int(g->rets, st->manager_id);
	bulk_int(g->rets, total);
	bulk_text(g->rets, pr->method);
	bulk_text(g->rets, reason);
	bulk_int(g->rets, 0);
	bulk_int(g->rets, 0);
	bulk_int(g->rets, ts_utc_offset(at));
	if (bulk_row(g->rets, e) < 0)
		return e->code;
	buf_reset(&g->jb);
	buf_printf(&g->jb, "return|%lld|%lld|%lld|%lld|%lld|%s|%s\n", (long long)rid,
		   (long long)pr->sale_id, (long long)at, (long long)st->manager_id, (long long)total,
		   pr->method, reason);
	for (int i = 0; i < pr->nlines; i++) {
		line_ids[i] = g->next_rline++;
		int64_t pid = c->products[pr->product_id[i]].id;
		bulk_int(g->rlines, line_ids[i]);
		bulk_int(g->rlines, rid);
		bulk_int(g->rlines, pr->line_id[i]);
		bulk_int(g->rlines, pid);
		bulk_int(g->rlines, pr->qty[i]);
		bulk_int(g->rlines, pr->refund[i]);
		bulk_int(g->rlines, pr->vat[i]);
		if (bulk_row(g->rlines, e) < 0)
			return e->code;
		buf_printf(&g->jb, "line|%lld|%lld|%lld|%lld|%lld\n", (long long)pr->line_id[i],
			   (long long)pid, (long long)pr->qty[i], (long long)pr->refund[i],
			   (long long)pr->vat[i]);
		if (move(g, s, (int)pr->product_id[i], pr->qty[i], "return", "sale_return", rid,
			 st->manager_id, at, e) < 0)
			return e->code;
	}
	/* The return's rollups, on its own day: the parts of whole lines; the
	 * return counts once per product, category, brand and row, refunding
	 * its lines' totals. */
	int64_t rvat = 0, rcost = 0, rdisc = 0, runits = 0;
	uint32_t seen_leaf = 0, seen_top = 0;
	int prods[8];
	for (int i = 0; i < pr->nlines; i++) {
		int p = (int)pr->product_id[i];
		const struct demo_product *dp = &c->products[p];
		struct ramt *rr = &g->r_prod[(size_t)s * (size_t)c->nproducts + (size_t)p];
		ramt_add(rr, -1, pr->refund[i], pr->vat[i], pr->cost[i], pr->disc[i], 0, pr->qty[i]);
		rr->returns++;
		rr->refunded += pr->refund[i];
		rr = &g->r_cat[s * MAX_LEAVES + dp->leaf];
		ramt_add(rr, -1, pr->refund[i], pr->vat[i], pr->cost[i], pr->disc[i], 0, pr->qty[i]);
		rr->returns += (seen_leaf >> dp->leaf) & 1 ? 0 : 1;
		rr->refunded += pr->refund[i];
		seen_leaf |= 1u << dp->leaf;
		rr = &g->r_top[s * MAX_TOPS + dp->top];
		ramt_add(rr, -1, pr->refund[i], pr->vat[i], pr->cost[i], pr->disc[i], 0, pr->qty[i]);
		rr->returns += (seen_top >> dp->top) & 1 ? 0 : 1;
		rr->refunded += pr->refund[i];
		seen_top |= 1u << dp->top;
		prods[i] = p;
		rr = &g->r_brand[s * g->nbrands + g->brand_of[p]];
		ramt_add(rr, -1, pr->refund[i], pr->vat[i], pr->cost[i], pr->disc[i], 0, pr->qty[i]);
		rr->returns += first_brand(g, prods, i);
		rr->refunded += pr->refund[i];
		rvat += pr->vat[i];
		rcost += pr->cost[i];
		rdisc += pr->disc[i];
		runits += pr->qty[i];
	}
	ramt_add(&g->r_store[s], -1, total, rvat, rcost, rdisc, 0, runits);
	g->r_store[s].returns++;
	g->r_store[s].refunded += total;
	struct ramt *rs = &g->r_staff[s * MAX_STAFF + staff_slot(st, pr->staff_id)];
	ramt_add(rs, -1, total, rvat, rcost, rdisc, 0, runits);
	rs->returns++;
	rs->refunded += total;
	rs = &g->r_hour[s * 24 + hour_of(at)];
	ramt_add(rs, -1, total, rvat, rcost, rdisc, 0, runits);
	rs->returns++;
	rs->refunded += total;
	rs = &g->r_pay[s * NMETHODS + method_slot(pr->method)];
	rs->revenue -= total;
	rs->returns++;
	rs->refunded += total;
	bulk_int(g->rtenders, rid);
	bulk_text(g->rtenders, pr->method);
	bulk_int(g->rtenders, total);
	if (bulk_row(g->rtenders, e) < 0)
		return e->code;
	c->stats->returns++;
	return journal_add(g, s, "return", rid, at, g->jb.data, e);
}

/* The units a store keeps of a product: about ten days of its sales. */
static int64_t target_qty(struct gen *g, int s, int p, double daily_sales)
{
	struct demo_co *c = g->c;
	double share = c->products[p].weight / g->cum[s][g->ncarried[s] - 1];
	double units = daily_sales * 2.1 * share * 1.3 * 10.0;
	int64_t u = (int64_t)units + 6;
	if (u > 400)
		u = 400;
	return u * 1000;
}

/* Morning deliveries: what fell below a third of its target is ordered
 * up to the target, one received purchase order per supplier. */
static int replenish(struct gen *g, int s, int64_t day_start, const char *day, double daily,
		     int opening, struct err *e)
{
	struct demo_co *c = g->c;
	struct demo_store *st = &c->stores[s];
	int64_t at = opening ? day_start - DAY_MS + 9 * HOUR_MS : day_start + 7 * HOUR_MS + 30 * MIN_MS;
	if (opening) {
		for (int k = 0; k < g->ncarried[s]; k++) {
			int p = g->carried[s][k];
			if (move(g, s, p, target_qty(g, s, p, daily), "receipt", "opening", 0, 0, at, e) < 0)
				return e->code;
		}
		return 0;
	}
	/* Suppliers are few: one pass per supplier. */
	int64_t sups[16];
	int nsup = 0;
	for (int k = 0; k < g->ncarried[s]; k++) {
		int p = g->carried[s][k];
		int64_t oh = g->on_hand[(size_t)s * (size_t)c->nproducts + (size_t)p];
		if (oh * 3 >= target_qty(g, s, p, daily))
			continue;
		int64_t sid = c->products[p].supplier_id, found = 0;
		for (int i = 0; i < nsup; i++)
			found |= sups[i] == sid;
		if (!found && nsup < 16)
			sups[nsup++] = sid;
	}
	for (int i = 0; i < nsup; i++) {
		int64_t po = g->next_po++, total = 0;
		for (int k = 0; k < g->ncarried[s]; k++) {
			int p = g->carried[s][k];
			const struct demo_product *pp = &c->products[p];
			if (pp->supplier_id != sups[i])
				continue;
			int64_t oh = g->on_hand[(size_t)s * (size_t)c->nproducts + (size_t)p];
			int64_t tq = target_qty(g, s, p, daily);
			if (oh * 3 >= tq)
				continue;
			int64_t q = (tq - oh) / 1000 * 1000, v;
			if (q <= 0)
				continue;
			money_mul_qty(pp->cost, q, &v);
			total += v;
			bulk_int(g->polines, g->next_poline++);
			bulk_int(g->polines, po);
			bulk_int(g->polines, pp->id);
			bulk_int(g->polines, q);
			bulk_int(g->polines, q);
			bulk_int(g->polines, pp->cost);
			if (bulk_row(g->polines, e) < 0 ||
			    move(g, s, p, q, "receipt", "purchase_order", po, st->manager_id, at, e) < 0)
				return e->code;
		}
		int64_t created = day_start - 3 * DAY_MS + 10 * HOUR_MS;
		bulk_int(g->pos, po);
		bulk_int(g->pos, sups[i]);
		bulk_int(g->pos, st->id);
		bulk_text(g->pos, "received");
		bulk_text(g->pos, day);
		bulk_text(g->pos, "自动补货");
		bulk_int(g->pos, total);
		bulk_int(g->pos, st->manager_id);
		bulk_int(g->pos, created);
		bulk_int(g->pos, created + HOUR_MS);
		bulk_int(g->pos, at);
		bulk_int(g->pos, at);
		if (bulk_row(g->pos, e) < 0)
			return e->code;
	}
	return 0;
}

static int promo_row(struct gen *g, int k, int64_t from, int64_t to, struct err *e)
{
	static const char sql[] =
		"INSERT INTO promotions (name, kind, params, category_ids, starts_on, ends_on, "
		"priority, exclusive, active, created_at, updated_at) "
		"VALUES (?, 'percent_off', ?, ?, ?, ?, 0, 0, 1, ?, ?) RETURNING id";
	char params[48], cats[48], f[11], t[11], name[96];
	int64_t y;
	int m, d;
	tz_civil_from_days(to, &y, &m, &d);
	snprintf(name, sizeof name, "%d %s", (int)y, promos[k].name);
	snprintf(params, sizeof params, "{\"percent\":%lld}", (long long)promos[k].bp);
	if (promos[k].top >= 0)
		snprintf(cats, sizeof cats, "[%lld]", (long long)g->c->top_category_ids[promos[k].top]);
	else
		snprintf(cats, sizeof cats, "[]");
	day_string(from, f);
	day_string(to, t);
	int64_t at = (from - 10) * DAY_MS;
	struct db_stmt *st = db_query(g->c->db, e, sql, "tttttii", name, params, cats, f, t, at, at);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	g->promo_ids[k] = db_col_int64(st, 0);
	g->promo_from[k] = from;
	db_reset(st);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* A time of day in the store's hours, busier at lunch and in the evening. */
static int64_t time_in_day(struct rng *r, int online)
{
	static const int shop[13] = {3, 5, 7, 9, 7, 5, 5, 6, 8, 10, 11, 9, 5}; /* 9:00..21:00 */
	static const int web[24] = {3, 2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5,
				    6, 5, 5, 5, 5, 5, 6, 7, 8, 9, 8, 6};
	const int *w = online ? web : shop;
	int n = online ? 24 : 13, sum = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	int x = (int)rng_below(r, sum), h = 0;
	while (x >= w[h])
		x -= w[h++];
	return (online ? h : 9 + h) * HOUR_MS + rng_below(r, HOUR_MS);
}

static int64_t next_id(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql, e);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t v = db_col_int64(st, 0);
	db_reset(st);
	return v;
}

/* ---- customers and the end ---- */

static void make_customers(struct gen *g, int64_t n)
{
	struct demo_co *c = g->c;
	g->ncust = (int)n;
	g->cust = xcalloc((size_t)(n > 0 ? n : 1), sizeof *g->cust);
	g->pool = xcalloc((size_t)c->nstores, sizeof *g->pool);
	g->npool = xcalloc((size_t)c->nstores, sizeof *g->npool);
	int *cap = xcalloc((size_t)c->nstores, sizeof *cap);
	double tot = 0;
	for (int s = 0; s < c->nstores; s++)
		tot += c->stores[s].size;
	for (int64_t i = 0; i < n; i++) {
		struct cust *cu = &g->cust[i];
		double u = rng_unit(&c->r) * tot;
		int home = 0;
		while (home < c->nstores - 1 && u >= c->stores[home].size)
			u -= c->stores[home++].size;
		cu->home = home;
		cu->lot_head = cu->lot_tail = -1;
		cu->coupon = -1;
		/* Drawn here, from their own stream, because the campaign plans
		 * with them before the customers are written. */
		struct rng br = {c->o->seed * 0x9E3779B97F4A7C15ull + 2 * (uint64_t)i + 1};
		cu->bucket = (int)rng_below(&br, 10000);
		cu->consent_sms = rng_below(&br, 100) < 40;
		cu->created_at = rng_below(&c->r, 100) < 55
					 ? c->start_ms - DAY_MS - rng_below(&c->r, 1000) * DAY_MS
					 : c->start_ms + rng_below(&c->r, c->end_ms - c->start_ms);
		int copies = 1 + (int)(rng_unit(&c->r) * rng_unit(&c->r) * 6);
		for (int k = 0; k < copies + 1; k++) {
			int s = k < copies ? home : c->nstores - 1;
			if (k == copies && (!c->stores[s].online || rng_below(&c->r, 10) >= 3))
				continue;
			g->pool[s] = grow(g->pool[s], &cap[s], g->npool[s] + 1, sizeof **g->pool);
			g->pool[s][g->npool[s]++] = (int)i;
		}
		/* Members from before the history bring the points they earned
		 * then (one lot, as if earned the day before). */
		if (cu->created_at < c->start_ms && rng_below(&c->r, 100) < 60)
			earn(g, (int)i, c->start_ms - DAY_MS + 12 * HOUR_MS, 100 + rng_below(&c->r, 3000),
			     0, 0, 0);
		/* A welcome coupon for those who join during the history, one
		 * for a few of the others at its start. */
		if (cu->created_at >= c->start_ms || rng_below(&c->r, 100) < 20) {
			int64_t at = cu->created_at >= c->start_ms ? cu->created_at : c->start_ms;
			g->coupons = grow(g->coupons, &g->capcoupons, g->ncoupons + 1, sizeof *g->coupons);
			g->coupons[g->ncoupons] = (struct coupon_row){
				.id = g->next_coupon++, .issued_at = at, .expires_at = at + 30 * DAY_MS,
				.cust = (int)i};
			cu->coupon = g->ncoupons++;
		}
		/* Some keep stored value, topped up when they joined. */
		if (rng_below(&c->r, 100) < 10) {
			static const int64_t amounts[] = {50000, 100000, 200000};
			int64_t at = cu->created_at < c->start_ms ? c->start_ms - DAY_MS + 10 * HOUR_MS
								   : cu->created_at;
			sv_add(g, (int)i, "top_up", rng_below(&c->r, 2) ? "wechat" : "alipay", at,
			       amounts[rng_below(&c->r, 3)], 0, c->stores[home].id, 0, 0);
		}
	}
	free(cap);
}

static int write_customers(struct gen *g, struct err *e)
{
	struct demo_co *c = g->c;
	static const char *const cities_of[] = {"上海", "杭州", "南京", "北京", "天津",
						"广州", "深圳", "成都", "重庆", "武汉"};
	struct bulk *bc = bulk_new(c->db, "customers (id, name, name_initials, phone, phone_last4, "
				   "birthday, birth_md, gender, city, home_store_id, member_code, "
				   "consent_sms, consent_wechat, bucket, tier_id, tier_since, "
				   "points_balance, sv_paid_balance, lifetime_spend, orders_count, "
				   "first_purchase_at, last_purchase_at, created_at, updated_at)", 24);
	struct bulk *bs = bulk_new(c->db, "customer_stores (customer_id, store_id)", 2);
	struct bulk *bt = bulk_new(c->db, "customer_tier_history (customer_id, from_tier_id, "
				   "to_tier_id, at, reason, spend_12m)", 6);
	bulk_hold(bs); /* after their customers */
	bulk_hold(bt);
	int rc = 0;
	static const int prefixes[] = {135, 136, 137, 138, 139, 150, 151, 152, 158, 159,
				       182, 183, 186, 187, 188, 130, 131, 132, 155, 156,
				       133, 153, 177, 180, 181, 189, 199, 176, 185, 166};
	for (int i = 0; i < g->ncust && rc == 0; i++) {
		struct cust *cu = &g->cust[i];
		struct rng r = {c->o->seed * 1000003u + (uint64_t)i};
		char name[32], ini[8], phone[16], last4[5], bday[11], code[MEMBER_CODE_LEN + 1];
		make_name(&r, name, ini);
		/* Unique by construction: an odd multiplier permutes 0..10^8-1. */
		uint64_t body = ((uint64_t)i * 48271u + 12345u) % 100000000u;
		snprintf(phone, sizeof phone, "%d%08llu", prefixes[i % 30], (unsigned long long)body);
		memcpy(last4, phone + 7, 5);
		int64_t age = 18 + (int64_t)(rng_unit(&r) * rng_unit(&r) * 55) + rng_below(&r, 8);
		int64_t bdays = c->end_ms / DAY_MS - age * 365 - rng_below(&r, 365);
		day_string(bdays, bday);
		char digits[MEMBER_CODE_LEN];
		snprintf(digits, sizeof digits, "8%010llu",
			 (unsigned long long)(((uint64_t)i * 7919u + 104729u) % 10000000000ull));
		snprintf(code, sizeof code, "%s%d", digits, member_code_check_digit(digits));
		int tier = cu->spend12 >= 2000000 ? 3 : cu->spend12 >= 800000 ? 2
			   : cu->spend12 >= 200000 ? 1 : 0;
		int64_t since = cu->last_at ? cu->last_at : cu->created_at, id = g->cust_base + i + 1;
		int64_t upd = cu->last_at > cu->created_at ? cu->last_at : cu->created_at;
		bulk_int(bc, id);
		bulk_text(bc, name);
		bulk_text(bc, ini);
		bulk_text(bc, phone);
		bulk_text(bc, last4);
		bulk_text(bc, bday);
		bulk_text(bc, bday + 5);
		bulk_text(bc, rng_below(&r, 100) < 58 ? "female" : "male");
		bulk_text(bc, cities_of[cu->home % 10]);
		bulk_int(bc, c->stores[cu->home].id);
		bulk_text(bc, code);
		/* consent_sms and the bucket were drawn with the customer; their
		 * draws from r are skipped so that every other field stays. */
		(void)rng_next(&r);
		bulk_int(bc, cu->consent_sms);
		bulk_int(bc, rng_below(&r, 100) < 60);
		(void)rng_next(&r);
		bulk_int(bc, cu->bucket);
		bulk_int(bc, c->tier_ids[tier]);
		bulk_int(bc, since);
		bulk_int(bc, cu->points);
		bulk_int(bc, cu->sv);
		bulk_int(bc, cu->lifetime);
		bulk_int(bc, cu->orders);
		if (cu->first_at) {
			bulk_int(bc, cu->first_at);
			bulk_int(bc, cu->last_at);
		} else {
			bulk_null(bc);
			bulk_null(bc);
		}
		bulk_int(bc, cu->created_at);
		bulk_int(bc, upd);
		rc = bulk_row(bc, e);
		uint32_t mask = cu->stores | 1u << cu->home;
		for (int s = 0; s < c->nstores && rc == 0; s++) {
			if (!(mask & (1u << s)))
				continue;
			bulk_int(bs, id);
			bulk_int(bs, c->stores[s].id);
			rc = bulk_row(bs, e);
		}
		if (rc == 0 && tier > 0) {
			bulk_int(bt, id);
			bulk_int(bt, c->tier_ids[0]);
			bulk_int(bt, c->tier_ids[tier]);
			bulk_int(bt, since);
			bulk_text(bt, "upgrade");
			bulk_int(bt, cu->spend12);
			rc = bulk_row(bt, e);
		}
	}
	if (rc == 0)
		rc = bulk_flush(bc, e);
	if (rc == 0)
		rc = bulk_flush(bs, e);
	if (rc == 0)
		rc = bulk_flush(bt, e);
	bulk_free(bc);
	bulk_free(bs);
	bulk_free(bt);
	if (rc < 0)
		return rc;

	struct bulk *bp = bulk_new(c->db, "points_ledger (customer_id, at, kind, points, "
				   "balance_after, remaining, expires_at, sale_id, store_id, user_id)", 10);
	for (int i = 0; i < g->npl && rc == 0; i++) {
		const struct pent *p = &g->pl[i];
		bulk_int(bp, g->cust_base + p->cust + 1);
		bulk_int(bp, p->at);
		bulk_text(bp, p->kind);
		bulk_int(bp, p->points);
		bulk_int(bp, p->balance_after);
		bulk_int(bp, p->remaining);
		bulk_opt_int(bp, p->expires_at);
		bulk_opt_int(bp, p->sale_id);
		bulk_opt_int(bp, p->store_id);
		bulk_opt_int(bp, p->user_id);
		rc = bulk_row(bp, e);
	}
	if (rc == 0)
		rc = bulk_flush(bp, e);
	bulk_free(bp);
	struct bulk *bv = bulk_new(c->db, "stored_value_ledger (customer_id, at, kind, paid_amount, "
				   "bonus_amount, paid_after, bonus_after, method, sale_id, store_id, "
				   "shift_id, user_id)", 12);
	for (int i = 0; i < g->nsv && rc == 0; i++) {
		const struct sent *v = &g->sv[i];
		bulk_int(bv, g->cust_base + v->cust + 1);
		bulk_int(bv, v->at);
		bulk_text(bv, v->kind);
		bulk_int(bv, v->amount);
		bulk_int(bv, 0);
		bulk_int(bv, v->after);
		bulk_int(bv, 0);
		bulk_text(bv, v->method);
		bulk_opt_int(bv, v->sale_id);
		bulk_opt_int(bv, v->store_id);
		bulk_opt_int(bv, v->shift_id);
		bulk_opt_int(bv, v->user_id);
		rc = bulk_row(bv, e);
	}
	if (rc == 0)
		rc = bulk_flush(bv, e);
	bulk_free(bv);
	/* Coupons: redeemed with their sale, else issued or (past their
	 * expiry, as the daily job leaves them) expired. */
	struct bulk *bq = bulk_new(c->db, "coupons (id, code, template_id, customer_id, status, "
				   "issued_at, expires_at, reason, sale_id, redeemed_at, store_id, "
				   "discount)", 12);
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* 31 */
	for (int i = 0; i < g->ncoupons && rc == 0; i++) {
		const struct coupon_row *q = &g->coupons[i];
		char code[COUPON_CODE_LEN + 1];
		uint64_t x = (uint64_t)q->id, y = rng_next(&c->r);
		for (int k = 0, pos = 0; k < 15; k++, pos++) {
			if (k == 5 || k == 10)
				code[pos++] = '-';
			uint64_t *src = k < 5 ? &x : &y; /* the id makes it unique */
			code[pos] = alphabet[*src % 31];
			*src /= 31;
		}
		code[COUPON_CODE_LEN] = 0;
		const char *status = q->sale_id ? "redeemed" : q->expires_at <= c->now_ms ? "expired" : "issued";
		bulk_int(bq, q->id);
		bulk_text(bq, code);
		bulk_int(bq, g->coupon_template);
		bulk_int(bq, g->cust_base + q->cust + 1);
		bulk_text(bq, status);
		bulk_int(bq, q->issued_at);
		bulk_int(bq, q->expires_at);
		bulk_text(bq, "新会员礼");
		if (q->sale_id) {
			bulk_int(bq, q->sale_id);
			bulk_int(bq, q->redeemed_at);
			bulk_int(bq, q->store_id);
		} else {
			bulk_null(bq);
			bulk_null(bq);
			bulk_null(bq);
		}
		bulk_int(bq, q->discount);
		rc = bulk_row(bq, e);
	}
	if (rc == 0)
		rc = bulk_flush(bq, e);
	bulk_free(bq);
	c->stats->customers = g->ncust;
	return rc;
}

/* Stock balances, journal heads, receipt counters of the last day, and
 * PostgreSQL's id sequences past the ids written. */
static int finish(struct gen *g, struct err *e)
{
	struct demo_co *c = g->c;
	struct bulk *bb = bulk_new(c->db, "stock_balances (store_id, product_id, on_hand, updated_at)", 4);
	int rc = 0;
	for (int s = 0; s < c->nstores && rc == 0; s++)
		for (int p = 0; p < c->nproducts && rc == 0; p++) {
			int64_t oh = g->on_hand[(size_t)s * (size_t)c->nproducts + (size_t)p];
			if (oh < 0)
				continue;
			bulk_int(bb, c->stores[s].id);
			bulk_int(bb, c->products[p].id);
			bulk_int(bb, oh);
			bulk_int(bb, c->now_ms);
			rc = bulk_row(bb, e);
		}
	if (rc == 0)
		rc = bulk_flush(bb, e);
	bulk_free(bb);
	static const char sql_head[] =
		"INSERT INTO journal_heads (store_id, seq, hash) VALUES (?, ?, ?)";
	for (int s = 0; s < c->nstores && rc == 0; s++) {
		if (!g->seq[s])
			continue;
		struct db_stmt *st = db_query(c->db, e, sql_head, "iit", c->stores[s].id, g->seq[s],
					      g->head[s]);
		if (!st || db_run(st, e) < 0)
			rc = db_fail(e);
	}
	if (rc == 0 && db_kind(c->db) == DB_PG) {
		static const char *const tables[] = {
			"sales", "sale_lines", "sale_payments", "stock_moves", "journal", "shifts",
			"sale_returns", "sale_return_lines", "purchase_orders",
			"purchase_order_lines", "customers", "coupons"};
		for (size_t i = 0; i < sizeof tables / sizeof *tables && rc == 0; i++) {
			char sql[256];
			snprintf(sql, sizeof sql,
				 "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
				 "GREATEST((SELECT COALESCE(MAX(id), 0) FROM %s), 1))",
				 tables[i], tables[i]);
			rc = db_exec(c->db, sql, e);
		}
	}
	return rc;
}

/* SQLite: the secondary indexes of the tables the history fills are
 * dropped for the load and made again after it (building an index from
 * the whole table is several times faster than growing it row by row);
 * those whose keys grow with the load, appended to cheaply, stay.
 * *saved gets the CREATE statements (malloc'd, NULL-terminated). */
static int drop_indexes(struct db *db, char ***saved, struct err *e)
{
	static const char sql[] =
		"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
		"AND tbl_name IN ('sales', 'sale_lines', 'sale_line_discounts', 'sale_payments', "
		"'stock_moves', 'sale_returns', 'sale_return_lines', 'shifts', 'purchase_orders', "
		"'purchase_order_lines', 'points_ledger', 'stored_value_ledger', 'customers', "
		"'customer_stores', 'rollup_day_store_product', 'rollup_day_store_customer', "
		"'rollup_day_store_category_tree') "
		"AND name NOT IN ('sale_lines_sale', 'sale_payments_sale', "
		"'sale_line_discounts_line', 'sales_shift', 'stock_moves_kind_at', "
		"'purchase_order_lines_order', 'sale_return_lines_return', 'sale_returns_shift') "
		"ORDER BY name";
	*saved = NULL;
	if (db_kind(db) != DB_SQLITE)
		return 0;
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		return db_fail(e);
	char **names = NULL, **sqls = NULL;
	int n = 0, cap = 0, rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int c2 = cap;
		names = grow(names, &c2, n + 2, sizeof *names);
		sqls = grow(sqls, &cap, n + 2, sizeof *sqls);
		names[n] = xstrdup(db_col_text(st, 0));
		sqls[n++] = xstrdup(db_col_text(st, 1));
	}
	db_reset(st);
	for (int i = 0; i < n && rc == 0; i++) {
		char drop[160];
		snprintf(drop, sizeof drop, "DROP INDEX \"%s\"", names[i]);
		rc = db_exec(db, drop, e);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (sqls)
		sqls[n] = NULL;
	*saved = sqls;
	return rc < 0 ? db_fail(e) : 0;
}

static int make_indexes(struct db *db, char **saved, struct err *e)
{
	int rc = 0;
	for (int i = 0; saved && saved[i]; i++) {
		if (rc == 0)
			rc = db_exec(db, saved[i], e);
		free(saved[i]);
	}
	free(saved);
	return rc;
}

int demo_history(struct demo_co *c, struct err *e)
{
	char **indexes = NULL;
	struct gen g = {.c = c};
	buf_init(&g.jb, 0);
	int rc = 0;
	c->now_ms = ts_now_ms();
	char today[11];
	ts_day(c->now_ms, today, sizeof today);
	const char *end = c->o->end_day ? c->o->end_day : today;
	int64_t ey = 0;
	int em = 0, ed = 0;
	if (!ts_day_valid(end) || sscanf(end, "%4lld-%2d-%2d", (long long *)&ey, &em, &ed) != 3)
		return err_set(e, ERR_INVALID, "the end day %s is not a day (YYYY-MM-DD)", end);
	c->ndays = c->o->scale == DEMO_FULL ? 730 : c->o->scale == DEMO_SMALL ? 30 : 0;
	g.last_days = tz_days_from_civil(ey, em, ed);
	int64_t first_days = g.last_days - (c->ndays ? c->ndays - 1 : 0);
	day_string(first_days, c->start_day);
	snprintf(c->end_day, sizeof c->end_day, "%s", end);
	ts_day_start(c->start_day, &c->start_ms);
	int64_t last_start;
	ts_day_start(c->end_day, &last_start);
	c->end_ms = last_start + DAY_MS;
	int64_t cutoff = strcmp(end, today) == 0 ? c->now_ms : c->end_ms;

	/* Assortment: flagships and the web shop carry everything, the others
	 * about two thirds. */
	int np = c->nproducts, ns = c->nstores;
	g.on_hand = xmalloc((size_t)ns * (size_t)np * sizeof *g.on_hand);
	g.cum = xcalloc((size_t)ns, sizeof *g.cum);
	g.carried = xcalloc((size_t)ns, sizeof *g.carried);
	g.ncarried = xcalloc((size_t)ns, sizeof *g.ncarried);
	g.seq = xcalloc((size_t)ns, sizeof *g.seq);
	g.head = xcalloc((size_t)ns, sizeof *g.head);
	for (int s = 0; s < ns; s++) {
		memcpy(g.head[s], GENESIS, 65);
		g.cum[s] = xcalloc((size_t)np, sizeof **g.cum);
		g.carried[s] = xcalloc((size_t)np, sizeof **g.carried);
		double acc = 0;
		int all = c->stores[s].size >= 1.4 || c->o->scale != DEMO_FULL;
		for (int p = 0; p < np; p++) {
			int has = all || rng_below(&c->r, 3) != 0;
			g.on_hand[(size_t)s * (size_t)np + (size_t)p] = has ? 0 : -1;
			if (!has)
				continue;
			acc += c->products[p].weight;
			g.cum[s][g.ncarried[s]] = acc;
			g.carried[s][g.ncarried[s]++] = p;
		}
	}

	g.r_store = xcalloc((size_t)ns, sizeof *g.r_store);
	g.r_prod = xcalloc((size_t)ns * (size_t)np, sizeof *g.r_prod);
	g.r_cat = xcalloc((size_t)ns * MAX_LEAVES, sizeof *g.r_cat);
	g.r_staff = xcalloc((size_t)ns * MAX_STAFF, sizeof *g.r_staff);
	g.brand_of = xcalloc((size_t)(np > 0 ? np : 1), sizeof *g.brand_of);
	g.brands = xcalloc((size_t)(np > 0 ? np : 1), sizeof *g.brands);
	for (int p = 0; p < np; p++) {
		const char *b = c->products[p].brand ? c->products[p].brand : "";
		int k = 0;
		while (k < g.nbrands && strcmp(g.brands[k], b) != 0)
			k++;
		if (k == g.nbrands)
			g.brands[g.nbrands++] = b;
		g.brand_of[p] = k;
	}
	g.r_top = xcalloc((size_t)ns * MAX_TOPS, sizeof *g.r_top);
	g.r_brand = xcalloc((size_t)ns * (size_t)(g.nbrands ? g.nbrands : 1), sizeof *g.r_brand);
	g.r_hour = xcalloc((size_t)ns * 24, sizeof *g.r_hour);
	g.r_pay = xcalloc((size_t)ns * NMETHODS, sizeof *g.r_pay);
	g.m_sp = xcalloc((size_t)ns * (size_t)np, sizeof *g.m_sp);
	g.m_p = xcalloc((size_t)(np > 0 ? np : 1), sizeof *g.m_p);
	g.d_p = xcalloc((size_t)(np > 0 ? np : 1), sizeof *g.d_p);
	g.m_tree = xcalloc((size_t)ns * (MAX_LEAVES + MAX_TOPS), sizeof *g.m_tree);
	for (int p = 0; p < np; p++)
		if (c->products[p].leaf < MAX_LEAVES)
			g.leaf_ids[c->products[p].leaf] = c->products[p].category_id;

	/* Sales per store and day: the target spread over the days by how
	 * busy each is, the stores by size, growing 10% a year. */
	int64_t target = c->o->scale == DEMO_FULL ? 1000000 : c->o->scale == DEMO_SMALL ? 3000 : 0;
	double wsum = 0;
	for (int d = 0; d < c->ndays; d++)
		for (int s = 0; s < ns; s++)
			wsum += c->stores[s].size * day_factor(first_days + d, c->stores[s].online) *
				(1.0 + 0.1 * d / 365.0);
	double k = wsum > 0 ? (double)target / wsum : 0;

	struct db *db = c->db;
	/* SQLite: a big page cache, sorting threads for the indexes, and no
	 * syncing until the load is done (a failed load is made again on a new
	 * database); the connection's mode is restored and the log checkpointed
	 * (synced) at the end. */
	int64_t sync_was = -1;
	if (db_kind(db) == DB_SQLITE) {
		sync_was = next_id(db, "PRAGMA synchronous", e);
		db_exec(db, "PRAGMA cache_size = -262144; PRAGMA threads = 2; "
			    "PRAGMA synchronous = OFF", e);
	}
	err_init(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	g.next_sale = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM sales", e);
	g.next_line = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM sale_lines", e);
	g.next_pay = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM sale_payments", e);
	g.next_move = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM stock_moves", e);
	g.next_journal = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM journal", e);
	g.next_shift = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM shifts", e);
	g.next_ret = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM sale_returns", e);
	g.next_rline = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM sale_return_lines", e);
	g.next_po = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM purchase_orders", e);
	g.next_poline = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM purchase_order_lines", e);
	g.cust_base = next_id(db, "SELECT COALESCE(MAX(id), 0) FROM customers", e);
	g.next_coupon = next_id(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM coupons", e);
	if (!e->code && c->ndays) {
		static const char sql_tpl[] =
			"INSERT INTO coupon_templates (name, kind, value, min_spend, valid_days, "
			"purpose, created_at, updated_at) VALUES ('新会员礼 满100减10', 'amount_off', ?, ?, "
			"30, 'welcome', ?, ?) RETURNING id";
		struct db_stmt *st = db_query(db, e, sql_tpl, "iiii", (int64_t)COUPON_VALUE,
					      (int64_t)COUPON_MIN_SPEND, c->start_ms, c->start_ms);
		if (st && db_step(st, e) == DB_ROW) {
			g.coupon_template = db_col_int64(st, 0);
			db_reset(st);
		} else {
			db_fail(e);
		}
	}
	if (!e->code && c->ndays)
		drop_indexes(db, &indexes, e);
	if (e->code) {
		rc = e->code;
		goto out;
	}
	open_bulks(&g);
	make_customers(&g, c->o->scale == DEMO_FULL ? 50000 : c->o->scale == DEMO_SMALL ? 1500 : 0);
	g.camp = demo_campaign_plan(c, g.cust, g.ncust, g.cust_base);
	for (int s = 0; s < ns && rc == 0; s++)
		rc = replenish(&g, s, c->start_ms, c->start_day, k * c->stores[s].size, 1, e);

	int64_t *times = NULL;
	int tcap = 0;
	struct pending_return *today_ret = NULL;
	int ntoday = 0, captoday = 0;
	for (int d = 0; d < c->ndays && rc == 0; d++) {
		int64_t days = first_days + d, day_start;
		char day[11];
		day_string(days, day);
		ts_day_start(day, &day_start);
		int64_t pfrom = 0, pto = 0;
		int promo = promo_on(days, &pfrom, &pto);
		if (promo >= 0 && g.promo_from[promo] != pfrom &&
		    (rc = promo_row(&g, promo, pfrom, pto, e)) < 0)
			break;
		/* The returns due today. */
		ntoday = 0;
		for (int i = 0; i < g.npend;) {
			if (g.pend[i].day == days) {
				today_ret = grow(today_ret, &captoday, ntoday + 1, sizeof *today_ret);
				today_ret[ntoday++] = g.pend[i];
				g.pend[i] = g.pend[--g.npend];
			} else {
				i++;
			}
		}
		for (int s = 0; s < ns && rc == 0; s++) {
			struct demo_store *st = &c->stores[s];
			double daily = k * st->size;
			if ((rc = replenish(&g, s, day_start, day, daily, 0, e)) < 0)
				break;
			double mean = daily * day_factor(days, st->online) * (1.0 + 0.1 * d / 365.0);
			int64_t n = (int64_t)(mean * (0.85 + 0.3 * rng_unit(&c->r)) + 0.5);
			int nret = 0;
			for (int i = 0; i < ntoday; i++)
				nret += today_ret[i].store_idx == s;
			times = grow(times, &tcap, (int)n + nret + 1, sizeof *times);
			int nt = 0;
			for (int64_t i = 0; i < n; i++) {
				int64_t at = day_start + time_in_day(&c->r, st->online);
				if (at <= cutoff)
					times[nt++] = at * 2; /* even: a sale */
			}
			for (int i = 0; i < ntoday; i++)
				if (today_ret[i].store_idx == s) {
					int64_t at = day_start + 10 * HOUR_MS + rng_below(&c->r, 10 * HOUR_MS);
					if (at > cutoff)
						at = cutoff;
					times[nt++] = at * 2 + 1; /* odd: a return, in list order */
				}
			qsort(times, (size_t)nt, sizeof *times, cmp_i64);
			/* The day's shift: opened before the first customer, closed at
			 * night (today's stays open while the day lasts). */
			int64_t shift_id = g.next_shift++;
			int64_t open_at = st->online ? day_start : day_start + 8 * HOUR_MS + 50 * MIN_MS;
			int64_t close_at = st->online ? day_start + DAY_MS - 1000
						      : day_start + 22 * HOUR_MS + 10 * MIN_MS;
			int open = close_at > cutoff;
			bulk_int(g.shifts, shift_id);
			bulk_int(g.shifts, st->id);
			bulk_text(g.shifts, "1");
			bulk_text(g.shifts, open ? "open" : "closed");
			bulk_int(g.shifts, st->manager_id);
			bulk_int(g.shifts, open_at);
			bulk_int(g.shifts, 50000);
			if (open) {
				bulk_null(g.shifts);
				bulk_null(g.shifts);
			} else {
				bulk_int(g.shifts, st->manager_id);
				bulk_int(g.shifts, close_at);
			}
			if ((rc = bulk_row(g.shifts, e)) < 0)
				break;
			int counter = 0, ri = 0;
			for (int i = 0; i < nt && rc == 0; i++) {
				int64_t at = times[i] / 2;
				if (times[i] % 2 == 0) {
					rc = one_sale(&g, s, days, day, at, shift_id, &counter, promo, e);
					continue;
				}
				while (today_ret[ri].store_idx != s)
					ri++;
				rc = one_return(&g, &today_ret[ri++], day, at, shift_id, e);
			}
			if (rc == 0 && counter) {
				bulk_int(g.counters, st->id);
				bulk_text(g.counters, day);
				bulk_int(g.counters, counter);
				rc = bulk_row(g.counters, e);
			}
		}
		if (rc == 0)
			rc = rollups_write(&g, day, e);
		/* Parents before children, once a day; a month per transaction
		 * keeps the write-ahead log small. */
		if (rc == 0)
			rc = flush_bulks(&g, e);
		demo_progress(c, "sales", d + 1, c->ndays);
		if (rc == 0 && d % 30 == 29 && d + 1 < c->ndays && (rc = db_commit(db, e)) == 0)
			rc = db_begin(db, 1, e);
	}
	free(times);
	free(today_ret);
	if (rc == 0)
		rc = month_rollups_write(&g, e);
	if (rc == 0)
		rc = flush_bulks(&g, e);
	for (int i = 0; i < g.ncust; i++)
		expire_lots(&g, i, c->now_ms);
	demo_progress(c, "customers", 0, 1);
	if (rc == 0)
		rc = write_customers(&g, e);
	if (rc == 0)
		rc = finish(&g, e);
	demo_progress(c, "indexes", 0, 1);
	if (rc == 0) {
		rc = make_indexes(db, indexes, e);
		indexes = NULL;
	}
	if (rc == 0)
		rc = demo_campaign_write(g.camp, e);
	if (rc == 0) {
		json_t *after = json_pack("{s:I,s:I,s:I,s:I,s:s,s:s}", "sales",
					  (json_int_t)c->stats->sales, "returns",
					  (json_int_t)c->stats->returns, "voids",
					  (json_int_t)c->stats->voids, "customers",
					  (json_int_t)g.ncust, "from", c->start_day, "to", c->end_day);
		rc = audit_add(db, NULL, "demo_history", "store", 0, 0, NULL, after, e);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, e);
	else
		db_rollback(db);
	if (sync_was >= 0) {
		char sql[96];
		struct err e2;
		err_init(&e2);
		snprintf(sql, sizeof sql, "PRAGMA synchronous = %d; PRAGMA cache_size = -2000",
			 (int)sync_was);
		if (db_exec(db, sql, &e2) < 0 || db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)", &e2) < 0)
			log_warn("demo: %s", e2.msg);
	}
	demo_progress(c, "done", 1, 1);
	close_bulks(&g);
out:
	if (indexes)
		for (int i = 0; indexes[i]; i++)
			free(indexes[i]);
	free(indexes);
	if (db_in_tx(db))
		db_rollback(db);
	for (int s = 0; s < ns; s++) {
		free(g.cum[s]);
		free(g.carried[s]);
		if (g.pool)
			free(g.pool[s]);
	}
	free(g.cum);
	free(g.carried);
	free(g.ncarried);
	free(g.seq);
	free(g.head);
	free(g.pool);
	free(g.npool);
	free(g.on_hand);
	free(g.r_store);
	free(g.r_prod);
	free(g.r_cat);
	free(g.r_staff);
	free(g.r_top);
	free(g.r_brand);
	free(g.r_hour);
	free(g.r_pay);
	free(g.r_cust);
	free(g.m_sp);
	free(g.m_p);
	free(g.d_p);
	free(g.m_tree);
	free(g.brand_of);
	free(g.brands);
	free(g.cust);
	demo_campaign_free(g.camp);
	free(g.pl);
	free(g.sv);
	free(g.pend);
	free(g.coupons);
	buf_release(&g.jb);
	return rc;
}
