/* demo.c: the demo company's master data — stores in several cities and
 * channels, staff, a category tree of products from brands that make them,
 * suppliers, tiers and promotions — and the entry point that runs the
 * parts (customers and sales are in demo_history.c). */
#include "domain/demo/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "domain/catalog/category.h"
#include "domain/org/audit.h"
#include "domain/org/session.h"
#include "domain/org/settings.h"
#include "domain/org/store.h"
#include "domain/org/user.h"
#include "domain/pos/rollup_rebuild.h"

static const struct {
	const char *city, *region;
} cities[] = {
	{"上海", "华东"}, {"杭州", "华东"}, {"南京", "华东"}, {"北京", "华北"},
	{"天津", "华北"}, {"广州", "华南"}, {"深圳", "华南"}, {"成都", "西南"},
	{"重庆", "西南"}, {"武汉", "华中"},
};
static const char *const districts[] = {"中心店", "万达店", "大学城店", "火车站店"};
static const char *const roads[] = {"南京", "中山", "人民", "解放", "建设", "长江", "黄河", "和平"};

/* A leaf category: brands that make its kind of product, nouns, sizes,
 * the price range in yuan and the VAT rate (basis points). */
struct leaf {
	const char *name;
	const char *brands[6];
	const char *nouns[5];
	const char *sizes[4];
	int lo, hi, vat, weighed;
	double pop;
};
static const struct top {
	const char *name;
	struct leaf leaves[6];
} tree[] = {
	{"食品", {
		{"休闲零食", {"三只松鼠", "良品铺子", "百草味", "旺旺", "乐事", "奥利奥"},
		 {"每日坚果", "夏威夷果", "牛肉干", "薯片", "饼干"}, {"30g", "100g", "260g", "礼盒装"},
		 5, 128, 1300, 0, 1.6},
		{"粮油调味", {"金龙鱼", "福临门", "鲁花", "海天", "李锦记", "太太乐"},
		 {"东北大米", "花生油", "生抽", "蚝油", "鸡精"}, {"500ml", "1.8L", "5L", "5kg"},
		 6, 159, 900, 0, 1.2},
		{"乳品", {"伊利", "蒙牛", "光明", "君乐宝", "三元", NULL},
		 {"纯牛奶", "酸奶", "低脂牛奶", "奶酪棒", NULL}, {"250ml", "1L", "12盒整箱", "家庭装"},
		 3, 89, 900, 0, 1.8},
		{"方便速食", {"康师傅", "统一", "今麦郎", "白象", "日清", NULL},
		 {"红烧牛肉面", "老坛酸菜面", "香辣牛肉面", "鲜虾鱼板面", NULL},
		 {"单包", "五连包", "桶装", "12桶整箱"}, 3, 69, 1300, 0, 1.5},
		{"生鲜果蔬", {"佳沃", "都乐", "百果园", "盒马", NULL, NULL},
		 {"苹果", "香蕉", "橙子", "猕猴桃", NULL}, {"散装", "精选", "有机", "礼盒"},
		 6, 59, 900, 1, 1.4},
	}},
	{"饮料酒水", {
		{"饮用水", {"农夫山泉", "怡宝", "百岁山", "娃哈哈", NULL, NULL},
		 {"饮用天然水", "纯净水", "天然矿泉水", NULL, NULL}, {"550ml", "1.5L", "4L", "550ml×24"},
		 2, 59, 1300, 0, 2.0},
		{"茶饮", {"康师傅", "统一", "三得利", "元气森林", "农夫山泉", NULL},
		 {"冰红茶", "绿茶", "乌龙茶", "无糖茶", NULL}, {"500ml", "900ml", "1.25L", "15瓶整箱"},
		 3, 79, 1300, 0, 1.8},
		{"咖啡", {"雀巢", "星巴克", "三顿半", "隅田川", NULL, NULL},
		 {"速溶咖啡", "即饮咖啡", "挂耳咖啡", "冻干咖啡粉", NULL}, {"单杯", "6杯装", "12杯装", "24杯装"},
		 6, 139, 1300, 0, 0.9},
		{"啤酒", {"青岛啤酒", "雪花", "燕京", "百威", NULL, NULL},
		 {"经典啤酒", "纯生啤酒", "精酿白啤", NULL, NULL}, {"330ml", "500ml", "500ml×12", "1L"},
		 4, 129, 1300, 0, 1.1},
		{"白酒", {"贵州茅台", "五粮液", "洋河", "汾酒", "泸州老窖", NULL},
		 {"浓香型白酒", "酱香型白酒", "清香型白酒", NULL, NULL}, {"100ml", "375ml", "500ml", "礼盒装"},
		 39, 2999, 1300, 0, 0.3},
	}},
	{"个护清洁", {
		{"洗发护发", {"海飞丝", "潘婷", "飘柔", "清扬", "沙宣", NULL},
		 {"去屑洗发水", "护发素", "柔顺洗发露", NULL, NULL}, {"200ml", "400ml", "750ml", "组合装"},
		 19, 99, 1300, 0, 0.8},
		{"口腔护理", {"高露洁", "佳洁士", "云南白药", "舒适达", "黑人", NULL},
		 {"美白牙膏", "防蛀牙膏", "软毛牙刷", "漱口水", NULL}, {"90g", "140g", "3支装", "家庭装"},
		 6, 69, 1300, 0, 1.0},
		{"身体护理", {"舒肤佳", "力士", "多芬", "妮维雅", NULL, NULL},
		 {"沐浴露", "香皂", "身体乳", "洗手液", NULL}, {"100g", "400ml", "720ml", "组合装"},
		 5, 89, 1300, 0, 0.9},
		{"纸品湿巾", {"维达", "清风", "心相印", "洁柔", "全棉时代", NULL},
		 {"抽纸", "卷纸", "湿巾", "手帕纸", "棉柔巾"}, {"单包", "6包装", "10卷装", "整箱"},
		 3, 79, 1300, 0, 1.5},
		{"衣物清洁", {"蓝月亮", "立白", "奥妙", "超能", NULL, NULL},
		 {"洗衣液", "洗衣粉", "柔顺剂", "洗衣凝珠", NULL}, {"500g", "1kg", "3kg", "组合装"},
		 9, 99, 1300, 0, 0.9},
	}},
	{"家居日用", {
		{"厨具", {"苏泊尔", "九阳", "爱仕达", "双立人", NULL, NULL},
		 {"不粘炒锅", "汤锅", "刀具套装", "保温杯", NULL}, {"小号", "中号", "大号", "套装"},
		 39, 899, 1300, 0, 0.3},
		{"收纳", {"天马", "禧天龙", "茶花", "乐扣乐扣", NULL, NULL},
		 {"收纳箱", "保鲜盒", "衣架", "置物架", NULL}, {"单个", "3件套", "5件套", "10只装"},
		 9, 199, 1300, 0, 0.4},
		{"床品毛巾", {"罗莱", "富安娜", "水星家纺", "洁丽雅", NULL, NULL},
		 {"纯棉四件套", "记忆枕", "夏凉被", "纯棉毛巾", NULL}, {"1.5m", "1.8m", "单条", "双条装"},
		 19, 999, 1300, 0, 0.3},
		{"灯具照明", {"欧普照明", "雷士照明", "飞利浦", NULL, NULL, NULL},
		 {"护眼台灯", "LED灯泡", "吸顶灯", "小夜灯", NULL}, {"5W", "9W", "24W", "智能款"},
		 9, 499, 1300, 0, 0.3},
		{"清洁工具", {"美丽雅", "妙洁", "3M思高", NULL, NULL, NULL},
		 {"平板拖把", "百洁布", "垃圾袋", "保鲜膜", NULL}, {"单个", "3只装", "100只", "家庭装"},
		 4, 129, 1300, 0, 0.8},
	}},
	{"数码配件", {
		{"充电设备", {"小米", "绿联", "Anker", "公牛", NULL, NULL},
		 {"充电宝", "快充充电头", "数据线", "插线板", NULL}, {"1m", "20W", "65W", "10000mAh"},
		 19, 299, 1300, 0, 0.5},
		{"耳机音箱", {"漫步者", "小米", "华为", "索尼", NULL, NULL},
		 {"蓝牙耳机", "有线耳机", "头戴耳机", "蓝牙音箱", NULL}, {"标准版", "青春版", "Pro", "降噪版"},
		 39, 1999, 1300, 0, 0.3},
		{"存储设备", {"闪迪", "金士顿", "三星", "铠侠", NULL, NULL},
		 {"U盘", "TF存储卡", "移动固态硬盘", NULL, NULL}, {"32GB", "64GB", "128GB", "1TB"},
		 29, 999, 1300, 0, 0.3},
		{"手机配件", {"绿联", "倍思", "品胜", NULL, NULL, NULL},
		 {"手机壳", "钢化膜", "手机支架", "车载支架", NULL}, {"iPhone 15", "iPhone 16", "华为Mate", "通用款"},
		 9, 129, 1300, 0, 0.6},
		{"电脑配件", {"罗技", "雷柏", "小米", NULL, NULL, NULL},
		 {"无线鼠标", "机械键盘", "鼠标垫", "扩展坞", NULL}, {"黑色", "白色", "静音版", "套装"},
		 19, 699, 1300, 0, 0.3},
	}},
};
#define NTOP ((int)(sizeof tree / sizeof *tree))

static const char *const staff_surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
static const char *const staff_given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
					  "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"};

/* The n-th UTF-8 character of s (3-byte CJK) into out[4]. */
static void cjk_at(const char *s, int n, char *out)
{
	memcpy(out, s + 3 * n, 3);
	out[3] = 0;
}

static int count_leaves(int t)
{
	int n = 0;
	while (n < 6 && tree[t].leaves[n].name)
		n++;
	return n;
}

void demo_ean13(int maker, int item, char *out)
{
	/* 690-699 are GS1 China; 4 maker digits, 5 item digits, check digit. */
	unsigned m = (unsigned)maker % 10000u, it = (unsigned)item % 100000u;
	snprintf(out, 14, "69%u%04u%05u", 2u + (unsigned)maker / 10000u % 8u, m, it);
	int sum = 0;
	for (int i = 0; i < 12; i++)
		sum += (out[i] - '0') * (i % 2 ? 3 : 1);
	out[12] = (char)('0' + (10 - sum % 10) % 10);
	out[13] = 0;
}

void demo_progress(struct demo_co *c, const char *stage, int64_t done, int64_t total)
{
	if (c->o->progress)
		c->o->progress(c->o->progress_arg, stage, done, total);
}

static int64_t count_stores(struct db *db, struct err *e)
{
	static const char sql[] = "SELECT COUNT(*) FROM stores";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

int demo_company_empty(struct db *db)
{
	struct err e;
	err_init(&e);
	int64_t n = count_stores(db, &e);
	return n < 0 ? (int)n : n == 0;
}

/* Stores through store_create (validated, audited). */
static int make_stores(struct demo_co *c, struct arena *a, struct err *e)
{
	int n = c->nstores;
	for (int i = 0; i < n; i++) {
		char code[16], name[96], addr[128];
		int ci = i % 10, online = i == n - 1;
		const char *channel = online	 ? "online"
				      : i < 12 ? "direct"
				      : i < 17 ? "franchise"
						 : "distributor";
		snprintf(code, sizeof code, "S%03d", i + 1);
		snprintf(name, sizeof name, "%s%s", cities[ci].city,
			 online ? "线上旗舰店" : districts[(i / 10 + (i % 3 == 0 ? 2 : 0)) % 4]);
		snprintf(addr, sizeof addr, "%s市%s路%d号", cities[ci].city,
			 roads[rng_below(&c->r, 8)], 1 + (int)rng_below(&c->r, 800));
		struct store_input si = {.code = code, .name = name, .channel = channel,
					 .region = cities[ci].region, .city = cities[ci].city,
					 .address = addr, .allow_negative_stock = 0,
					 .cash_rounding = i % 4 == 0 ? 10 : 1, .active = -1};
		struct store *s;
		int rc = store_create(c->db, a, NULL, &si, &s, e);
		if (rc < 0)
			return rc;
		struct demo_store *d = &c->stores[i];
		d->id = s->id;
		d->cash_rounding = s->cash_rounding;
		d->code = arena_strdup(a, s->code);
		d->online = online;
		d->size = online ? 1.4 : i == 0 || i == 3 || i == 5 ? 1.6 : i < 12 ? 1.0 : 0.7;
	}
	return 0;
}

/* Staff: a manager and two to four salespeople per store, head office and
 * after-sales service; one password hash shared (hashing is slow on purpose). */
static int make_users(struct demo_co *c, struct err *e)
{
	static const char sql_user[] =
		"INSERT INTO users (username, password_hash, display_name, role, active, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id";
	static const char sql_link[] = "INSERT INTO user_stores (user_id, store_id) VALUES (?, ?)";
	char hash[128];
	if (password_hash(DEMO_PASSWORD, hash) < 0)
		return err_set(e, ERR_INTERNAL, "cannot hash the demo password");
	int64_t now = ts_now_ms();
	int rc = db_begin(c->db, 1, e);
	for (int i = 0; i < c->nstores + 1 && rc == 0; i++) {
		struct demo_store *s = i < c->nstores ? &c->stores[i] : NULL;
		int nstaff = !s ? 2 : 1 + (s->size >= 1.4 ? 4 : s->size >= 1.0 ? 3 : 2);
		for (int k = 0; k < nstaff && rc == 0; k++) {
			char user[32], disp[64], sur[4];
			const char *role;
			if (!s) {
				snprintf(user, sizeof user, "%s", k == 0 ? "headoffice" : "service");
				snprintf(disp, sizeof disp, "%s", k == 0 ? "总部运营" : "售后客服");
				role = k == 0 ? "hq" : "service";
			} else {
				if (k == 0)
					snprintf(user, sizeof user, "manager%02d", i + 1);
				else if (k == 1)
					snprintf(user, sizeof user, "sales%02d", i + 1);
				else
					snprintf(user, sizeof user, "sales%02d_%d", i + 1, k);
				cjk_at(staff_surnames, (int)rng_below(&c->r, 20), sur);
				snprintf(disp, sizeof disp, "%s%s%s", sur,
					 staff_given[rng_below(&c->r, 20)], k == 0 ? "（店长）" : "");
				role = k == 0 ? "store_manager" : "sales";
			}
			struct db_stmt *st = db_query(c->db, e, sql_user, "ttttii", user, hash, disp,
						      role, now, now);
			if (!st || db_step(st, e) != DB_ROW) {
				rc = db_fail(e);
				break;
			}
			int64_t uid = db_col_int64(st, 0);
			db_reset(st);
			if (s) {
				if (k == 0)
					s->manager_id = uid;
				else
					s->staff[s->nstaff++] = uid;
				if (!(st = db_query(c->db, e, sql_link, "ii", uid, s->id)) ||
				    db_run(st, e) < 0)
					rc = db_fail(e);
			}
		}
	}
	if (rc == 0)
		rc = audit_add(c->db, NULL, "demo_staff", "user", 0, 0, NULL, NULL, e);
	if (rc == 0)
		return db_commit(c->db, e);
	db_rollback(c->db);
	return rc;
}

/* Categories through category_create; products in bulk, each leaf's brands
 * crossed with its nouns and sizes in a shuffled order. */
static int make_catalog(struct demo_co *c, struct arena *a, int nproducts, struct err *e)
{
	int64_t leaf_ids[NTOP][6];
	int nleaves = 0;
	for (int t = 0; t < NTOP; t++) {
		struct category_input ci = {.name = tree[t].name, .set_name = 1};
		struct category *top;
		int rc = category_create(c->db, a, NULL, &ci, &top, e);
		if (rc < 0)
			return rc;
		c->top_category_ids[c->ntop++] = top->id;
		for (int k = 0; k < 6 && tree[t].leaves[k].name; k++) {
			struct category_input cc = {.name = tree[t].leaves[k].name,
						    .parent_id = top->id, .set_name = 1,
						    .set_parent = 1};
			struct category *leaf;
			if ((rc = category_create(c->db, a, NULL, &cc, &leaf, e)) < 0)
				return rc;
			leaf_ids[t][k] = leaf->id;
			nleaves++;
		}
	}
	/* One supplier per top-level category and region of supply. */
	static const char *const sup_names[] = {"华润食品供应链", "中粮贸易", "康成饮品配送",
						"联合利华分销", "宝洁日化经销", "美的家居供应",
						"京东数码批发", "顺丰冷链生鲜", "苏宁电器批发",
						"百联日用品"};
	static const char sql_sup[] =
		"INSERT INTO suppliers (code, name, contact, phone, lead_time_days, payment_terms, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	int64_t sup_ids[10], now = ts_now_ms();
	int rc = db_begin(c->db, 1, e);
	for (int i = 0; i < 10 && rc == 0; i++) {
		char code[16], phone[16];
		snprintf(code, sizeof code, "SUP%03d", i + 1);
		snprintf(phone, sizeof phone, "021-%08d", 50000000 + (int)rng_below(&c->r, 40000000));
		struct db_stmt *st = db_query(c->db, e, sql_sup, "ttttitii", code, sup_names[i],
					      "业务经理", phone, (int64_t)(2 + i % 5), "月结30天",
					      now, now);
		if (!st || db_step(st, e) != DB_ROW) {
			rc = db_fail(e);
			break;
		}
		sup_ids[i] = db_col_int64(st, 0);
		db_reset(st);
	}
	struct bulk *bp = bulk_new(c->db, "products (id, sku, barcode, name, category_id, brand, unit, "
				   "price, cost, vat_rate, active, created_at, updated_at)", 13);
	struct bulk *bs = bulk_new(c->db, "product_suppliers (product_id, supplier_id, supplier_sku, "
				   "cost, min_order_qty, pack_size, preferred, created_at, updated_at)", 9);
	bulk_hold(bs); /* after the products */
	c->products = xcalloc((size_t)nproducts, sizeof *c->products);
	int64_t first_id = 1;
	{
		static const char sql_max[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM products";
		struct db_stmt *st = rc == 0 ? db_query(c->db, e, sql_max, "") : NULL;
		if (rc == 0 && (!st || db_step(st, e) != DB_ROW))
			rc = db_fail(e);
		if (rc == 0) {
			first_id = db_col_int64(st, 0);
			db_reset(st);
		}
	}
	/* Products per leaf by its popularity; combos in a shuffled order. */
	int made = 0, nleaves_before = 0;
	for (int t = 0; t < NTOP && rc == 0; nleaves_before += t < NTOP ? count_leaves(t) : 0, t++) {
		for (int k = 0; k < 6 && tree[t].leaves[k].name && rc == 0; k++) {
			const struct leaf *L = &tree[t].leaves[k];
			int nb = 0, nn = 0;
			while (nb < 6 && L->brands[nb])
				nb++;
			while (nn < 5 && L->nouns[nn])
				nn++;
			int combos = nb * nn * 4, li = t * 6 + k;
			int remaining_leaves = 0;
			for (int t2 = t; t2 < NTOP; t2++)
				for (int k2 = t2 == t ? k : 0; k2 < 6 && tree[t2].leaves[k2].name; k2++)
					remaining_leaves++;
			int share = (nproducts - made) / remaining_leaves;
			int *perm = xcalloc((size_t)combos, sizeof *perm);
			for (int i = 0; i < combos; i++)
				perm[i] = i;
			for (int i = combos - 1; i > 0; i--) {
				int j = (int)rng_below(&c->r, i + 1), x = perm[i];
				perm[i] = perm[j];
				perm[j] = x;
			}
			for (int q = 0; q < share && rc == 0; q++) {
				int combo = perm[q % combos], b = combo % nb, n = combo / nb % nn,
				    sz = combo / (nb * nn);
				struct demo_product *p = &c->products[made];
				char sku[24], ean[14], name[160];
				p->id = first_id + made;
				snprintf(sku, sizeof sku, "SKU%05d", made + 1);
				demo_ean13(100 + li * 10 + b, made + 1, ean);
				if (q >= combos)
					snprintf(name, sizeof name, "%s %s %s 第%d代", L->brands[b],
						 L->nouns[n], L->sizes[sz], q / combos + 1);
				else
					snprintf(name, sizeof name, "%s %s %s", L->brands[b], L->nouns[n],
						 L->sizes[sz]);
				/* Bigger sizes cost more; shelf prices end in .90 or 9.00. */
				double f = (sz + rng_unit(&c->r)) / 4.0;
				int64_t yuan = L->lo + (int64_t)((L->hi - L->lo) * f * f);
				p->price = yuan >= 100 ? (yuan / 10) * 1000 + 900 : yuan * 100 + 90;
				p->cost = p->price * (55 + rng_below(&c->r, 25)) / 100;
				p->category_id = leaf_ids[t][k];
				p->vat_rate = L->vat;
				p->brand = L->brands[b];
				p->top = t;
				p->leaf = nleaves_before + k;
				p->weighed = L->weighed;
				p->supplier_id = sup_ids[(t * 2 + (b % 2)) % 10];
				p->weight = L->pop * (0.2 + rng_unit(&c->r)) / (1.0 + (double)p->price / 3000.0);
				bulk_int(bp, p->id);
				bulk_text(bp, sku);
				bulk_text(bp, ean);
				bulk_text(bp, name);
				bulk_int(bp, p->category_id);
				bulk_text(bp, L->brands[b]);
				bulk_text(bp, p->weighed ? "kg" : "pcs");
				bulk_int(bp, p->price);
				bulk_int(bp, p->cost);
				bulk_int(bp, p->vat_rate);
				bulk_int(bp, 1);
				bulk_int(bp, now);
				bulk_int(bp, now);
				rc = bulk_row(bp, e);
				if (rc == 0) {
					char ssku[24];
					snprintf(ssku, sizeof ssku, "V%06d", made + 1);
					bulk_int(bs, p->id);
					bulk_int(bs, p->supplier_id);
					bulk_text(bs, ssku);
					bulk_int(bs, p->cost);
					bulk_int(bs, 1000);
					bulk_int(bs, p->weighed ? 1000 : 6000);
					bulk_int(bs, 1);
					bulk_int(bs, now);
					bulk_int(bs, now);
					rc = bulk_row(bs, e);
				}
				made++;
			}
			free(perm);
		}
	}
	c->nproducts = made;
	if (rc == 0)
		rc = bulk_flush(bp, e);
	if (rc == 0)
		rc = bulk_flush(bs, e);
	bulk_free(bp);
	bulk_free(bs);
	if (rc == 0) {
		json_t *after = json_pack("{s:i}", "products", made);
		rc = audit_add(c->db, NULL, "demo_catalog", "product", 0, 0, NULL, after, e);
		json_decref(after);
	}
	if (rc == 0 && db_kind(c->db) == DB_PG) {
		static const char sql_seq[] =
			"SELECT setval(pg_get_serial_sequence('products', 'id'), "
			"(SELECT MAX(id) FROM products))";
		struct db_stmt *st = db_query(c->db, e, sql_seq, "");
		if (!st || db_step(st, e) != DB_ROW)
			rc = db_fail(e);
		else
			db_reset(st);
	}
	if (rc == 0)
		return db_commit(c->db, e);
	db_rollback(c->db);
	return rc;
}

/* Tiers by the spend of the last twelve months. */
static int make_tiers(struct demo_co *c, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tiers (code, name, min_spend, discount_bp, points_multiplier_bp, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
	static const struct {
		const char *code, *name;
		int64_t min, disc, mult;
	} t[] = {{"normal", "普通会员", 0, 0, 10000}, {"silver", "银卡会员", 200000, 0, 12000},
		 {"gold", "金卡会员", 800000, 0, 15000}, {"diamond", "钻石会员", 2000000, 0, 20000}};
	int64_t now = ts_now_ms();
	for (int i = 0; i < 4; i++) {
		struct db_stmt *st = db_query(c->db, e, sql, "ttiiiii", t[i].code, t[i].name, t[i].min,
					      t[i].disc, t[i].mult, now, now);
		if (!st || db_step(st, e) != DB_ROW)
			return db_fail(e);
		c->tier_ids[i] = db_col_int64(st, 0);
		db_reset(st);
	}
	return 0;
}

int demo_generate(struct db *db, const struct demo_opts *o, struct demo_stats *out,
		  struct err *e)
{
	memset(out, 0, sizeof *out);
	int64_t have = count_stores(db, e);
	if (have != 0)
		return have < 0 ? (int)have : 0;
	struct demo_co c = {.db = db, .r = {o->seed * 0x2545F4914F6CDD1Dull + 1}, .o = o,
			    .stats = out};
	struct arena *a = arena_new();
	struct settings *set;
	int rc = settings_get(db, a, &set, e);
	if (rc == 0 && ts_set_zone(set->time_zone) < 0)
		log_warn("demo: unknown time zone %s; days are in %s", set->time_zone, ts_zone());
	c.nstores = o->scale == DEMO_SMALL ? 3 : 20;
	int nproducts = o->scale == DEMO_SMALL ? 300
			: o->scale == DEMO_FULL ? 2000
						: (o->nproducts > 0 ? o->nproducts : 2000);
	c.stores = arena_calloc(a, (size_t)c.nstores, sizeof *c.stores);
	demo_progress(&c, "stores and staff", 0, 1);
	if (rc == 0)
		rc = make_stores(&c, a, e);
	if (rc == 0)
		rc = make_users(&c, e);
	demo_progress(&c, "catalog", 0, 1);
	if (rc == 0)
		rc = make_catalog(&c, a, nproducts, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = db_begin(db, 1, e) < 0 ? e->code : make_tiers(&c, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = db_commit(db, e);
	else if (rc < 0 && db_in_tx(db))
		db_rollback(db);
	if (rc == 0 && (rc = program_get(db, &c.prog, e)) == 0)
		rc = demo_history(&c, e);
	if (rc == 0)
		rc = demo_holidays(db, o->end_day, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = demo_journeys(db, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = demo_staff_targets(db, o->end_day, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = demo_staff_training(db, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = demo_staff_commission(db, c.end_day, e);
	if (rc == 0 && o->scale != DEMO_MASTER)
		rc = demo_staff_evals(db, c.end_day, e);
	out->stores = c.nstores;
	out->products = c.nproducts;
	free(c.products);
	arena_free(a);
	if (rc == 0)
		log_info("demo company created: %lld stores, %lld products, %lld customers, "
			 "%lld sales; staff password %s", (long long)out->stores,
			 (long long)out->products, (long long)out->customers, (long long)out->sales,
			 DEMO_PASSWORD);
	return rc;
}
