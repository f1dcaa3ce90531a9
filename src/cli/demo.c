/* demo.c: a demo company made through the domain functions (so it is
 * validated and audited like real data): 20 stores, a category tree, about
 * 2,000 products and the staff that run the stores. */
#include "cli/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "domain/org/user.h"
#include "domain/catalog/category.h"
#include "domain/catalog/product.h"
#include "domain/org/audit.h"
#include "domain/stock/stock.h"
#include "domain/org/store.h"

static unsigned rnd_state;
static unsigned rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) & 0xFFFFFF;
}

static const struct {
	const char *city, *region;
} cities[] = {
	{"上海", "华东"}, {"杭州", "华东"}, {"南京", "华东"}, {"北京", "华北"},
	{"天津", "华北"}, {"广州", "华南"}, {"深圳", "华南"}, {"成都", "西南"},
	{"重庆", "西南"}, {"武汉", "华中"},
};
static const char *const districts[] = {"中心店", "万达店", "大学城店", "火车站店"};

/* Top-level category, its children, price range (fen), VAT (bp) and nouns. */
static const struct {
	const char *name;
	const char *children[5];
	int64_t lo, hi, vat;
	const char *nouns[4];
} tree[] = {
	{"食品", {"休闲零食", "粮油调味", "乳品", "冷冻食品", "方便速食"}, 290, 8900, 900,
	 {"坚果礼盒", "薯片", "挂面", "酸奶"}},
	{"饮料", {"饮用水", "茶饮", "果汁", "咖啡", "酒类"}, 200, 29900, 1300,
	 {"矿泉水", "乌龙茶", "橙汁", "冷萃咖啡"}},
	{"个护清洁", {"洗发护发", "口腔护理", "身体护理", "纸品", "衣物清洁"}, 590, 15900, 1300,
	 {"洗发水", "牙膏", "沐浴露", "抽纸"}},
	{"家居", {"厨具", "收纳", "床品", "灯具", "清洁工具"}, 990, 59900, 1300,
	 {"不粘锅", "收纳箱", "四件套", "台灯"}},
	{"数码配件", {"充电", "耳机", "存储", "手机配件", "电脑配件"}, 1990, 99900, 1300,
	 {"充电宝", "蓝牙耳机", "U盘", "数据线"}},
};
static const char *const brands[] = {"良品", "农夫", "康师傅", "蓝月", "佳洁", "苏泊尔",
				     "小米", "绿联", "安踏", "全棉时代", "三只松鼠", "伊利"};
static const char *const sizes[] = {"小号", "中号", "大号", "家庭装", "便携装", "礼盒装",
				    "经典款", "升级款"};

/* An EAN-13 with the 690 prefix and a correct check digit; out[14]. */
static void make_ean13(int64_t n, char *out)
{
	snprintf(out, 14, "690%09lld", (long long)(n % 1000000000));
	int sum = 0;
	for (int i = 0; i < 12; i++)
		sum += (out[i] - '0') * (i % 2 ? 3 : 1);
	out[12] = (char)('0' + (10 - sum % 10) % 10);
	out[13] = 0;
}

static int64_t store_count(struct db *db, struct err *e)
{
	static const char sql[] = "SELECT COUNT(*) FROM stores";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st || db_step(st, e) < 0)
		return -1;
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

static int add_user(struct db *db, struct arena *a, const char *username,
		    const char *display, int role, int64_t store_id, struct err *e)
{
	struct user_input in = {.username = username, .password = DEMO_PASSWORD,
				.display_name = display, .role = role, .active = -1};
	if (store_id) {
		in.store_ids = &store_id;
		in.nstores = 1;
		in.has_store_ids = 1;
	}
	struct user *u;
	return user_create(db, a, NULL, &in, &u, e);
}

/* Opening stock: each store receives a share of the range (every product
 * in the flagship stores), one transaction and one audit row per store. */
static int demo_stock(struct db *db, const int64_t *stores, const int64_t *products,
		      int nproducts, struct err *e)
{
	static const struct actor system = {NULL, NULL};
	for (int si = 0; si < 20; si++) {
		int64_t store = stores[si];
		int rc = db_begin(db, 1, e);
		if (rc < 0)
			return rc;
		int64_t moves = 0;
		for (int p = 0; p < nproducts && rc == 0; p++) {
			if (si >= 2 && rnd() % 3 != 0)
				continue;
			struct stock_move_input in = {
				.store_id = store, .product_id = products[p],
				.quantity = (int64_t)(5 + rnd() % 60) * 1000, .kind = "receipt",
				.doc_type = "opening", .unit_cost = -1, .negative = STOCK_NEG_REFUSE};
			rc = stock_move_add(db, &system, &in, NULL, NULL, e);
			moves++;
		}
		json_t *after = json_pack("{s:I}", "receipts", (json_int_t)moves);
		if (rc == 0)
			rc = audit_add(db, &system, "opening_stock", "store", store, store, NULL, after, e);
		json_decref(after);
		if (rc == 0)
			rc = db_commit(db, e);
		if (rc < 0) {
			db_rollback(db);
			return rc;
		}
	}
	return 0;
}

int demo_generate(struct db *db, unsigned seed, int nproducts, struct err *e)
{
	int64_t have = store_count(db, e);
	if (have != 0)
		return have < 0 ? e->code : 0;
	rnd_state = seed;
	struct arena *a = arena_new();
	int rc = 0;
	char code[32], name[128], user[32], disp[160];
	int64_t store_ids[20];
	int64_t *product_ids = xcalloc((size_t)nproducts, sizeof *product_ids);

	for (int i = 0; i < 20 && rc == 0; i++) {
		int c = i % 10;
		const char *channel = i < 12 ? "direct" : i < 17 ? "franchise" : i < 19 ? "distributor" : "online";
		snprintf(code, sizeof code, "S%03d", i + 1);
		snprintf(name, sizeof name, "%s%s", cities[c].city,
			 i == 19 ? "线上旗舰店" : districts[i / 10 + (i % 3 == 0 ? 2 : 0)]);
		char addr[128];
		snprintf(addr, sizeof addr, "%s市%s路%d号", cities[c].city,
			 brands[rnd() % 12], 1 + (int)(rnd() % 800));
		struct store_input si = {.code = code, .name = name, .channel = channel,
					 .region = cities[c].region, .city = cities[c].city,
					 .address = addr, .allow_negative_stock = 0,
					 .cash_rounding = i % 4 == 0 ? 10 : 1, .active = -1};
		struct store *s;
		if ((rc = store_create(db, a, NULL, &si, &s, e)) < 0)
			break;
		store_ids[i] = s->id;
		snprintf(user, sizeof user, "manager%02d", i + 1);
		snprintf(disp, sizeof disp, "%s 店长", name);
		if ((rc = add_user(db, a, user, disp, ROLE_STORE_MANAGER, s->id, e)) < 0)
			break;
		snprintf(user, sizeof user, "sales%02d", i + 1);
		snprintf(disp, sizeof disp, "%s 导购", name);
		rc = add_user(db, a, user, disp, ROLE_SALES, s->id, e);
	}
	if (rc == 0)
		rc = add_user(db, a, "headoffice", "总部运营", ROLE_HQ, 0, e);
	if (rc == 0)
		rc = add_user(db, a, "service", "售后客服", ROLE_SERVICE, 0, e);

	int64_t leaves[25];
	int nleaves = 0;
	for (size_t t = 0; t < sizeof tree / sizeof *tree && rc == 0; t++) {
		struct category_input ci = {.name = tree[t].name, .set_name = 1};
		struct category *top;
		if ((rc = category_create(db, a, NULL, &ci, &top, e)) < 0)
			break;
		for (int k = 0; k < 5 && rc == 0; k++) {
			struct category_input cc = {.name = tree[t].children[k], .parent_id = top->id,
						    .set_name = 1, .set_parent = 1};
			struct category *leaf;
			if ((rc = category_create(db, a, NULL, &cc, &leaf, e)) == 0)
				leaves[nleaves++] = leaf->id;
		}
	}

	for (int i = 0; i < nproducts && rc == 0; i++) {
		int leaf = (int)(rnd() % (unsigned)nleaves), t = leaf / 5;
		char sku[24], ean[14];
		snprintf(sku, sizeof sku, "SKU%05d", i + 1);
		make_ean13(100000 + i, ean);
		const char *brand = brands[rnd() % 12];
		snprintf(name, sizeof name, "%s %s %s", brand, tree[t].nouns[rnd() % 4],
			 sizes[rnd() % 8]);
		int64_t span = tree[t].hi - tree[t].lo;
		/* Prices end in 0 or 9 fen, as shelf prices do. */
		int64_t price = (tree[t].lo + (int64_t)(rnd() % (unsigned)span)) / 10 * 10 + 9;
		int64_t cost = price * (55 + (int64_t)(rnd() % 20)) / 100;
		struct product_input pi = {
			.sku = sku, .barcode = ean, .name = name, .brand = brand,
			.unit = t == 0 && i % 7 == 0 ? "kg" : "pcs",
			.category_id = leaves[leaf], .price = price, .cost = cost,
			.vat_rate = tree[t].vat, .active = -1,
			.set_sku = 1, .set_barcode = 1, .set_name = 1, .set_brand = 1,
			.set_unit = 1, .set_category = 1, .set_price = 1, .set_cost = 1,
			.set_vat = 1};
		struct product *p;
		rc = product_create(db, a, NULL, &pi, &p, e);
		if (rc == 0)
			product_ids[i] = p->id;
		if (i % 256 == 255) {
			arena_free(a);
			a = arena_new();
		}
	}
	arena_free(a);
	if (rc == 0)
		rc = demo_stock(db, store_ids, product_ids, nproducts, e);
	free(product_ids);
	if (rc == 0)
		log_info("demo company created: 20 stores, %d products, staff password %s",
			 nproducts, DEMO_PASSWORD);
	return rc;
}
