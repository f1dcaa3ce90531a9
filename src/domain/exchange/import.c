/* import.c: spreadsheet rows into products, customers, opening stock and
 * suppliers. Each row goes through the same create function as the API's
 * one-by-one create (same checks, same audit rows), all inside one held
 * transaction (db_hold) so that a bad row is undone alone and the whole
 * file commits or rolls back at once. */
#include "domain/exchange/import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "domain/catalog/category.h"
#include "domain/catalog/product.h"
#include "domain/crm/customer.h"
#include "domain/crm/customer_text.h"
#include "domain/org/audit.h"
#include "domain/purchasing/supplier.h"
#include "domain/stock/stock.h"

const char *const import_kind_names[] = {"products", "customers", "stock", "suppliers", NULL};

int import_kind_parse(const char *s)
{
	for (int i = 0; s && import_kind_names[i]; i++)
		if (strcmp(s, import_kind_names[i]) == 0)
			return i;
	return -1;
}

/* Field indexes per kind (the order of the tables below). */
enum { P_SKU, P_NAME, P_BARCODE, P_PRICE, P_COST, P_CATEGORY, P_BRAND, P_UNIT, P_VAT, P_N };
enum { C_NAME, C_PHONE, C_BIRTHDAY, C_GENDER, C_EMAIL, C_MEMBER_CODE, C_TAGS, C_HOME_STORE,
       C_CITY, C_N };
enum { S_STORE, S_SKU, S_BARCODE, S_QUANTITY, S_UNIT_COST, S_N };
enum { U_CODE, U_NAME, U_CONTACT, U_PHONE, U_EMAIL, U_TERMS, U_LEAD, U_N };

static const struct import_field product_fields[] = {
	{"sku", 1, {"sku", "货号", "商品编码", "编码", "商品编号", NULL}},
	{"name", 1, {"name", "名称", "商品名称", "品名", NULL}},
	{"barcode", 0, {"barcode", "条码", "条形码", "商品条码", "ean", NULL}},
	{"price", 1, {"price", "售价", "零售价", "单价", "retail price", NULL}},
	{"cost", 0, {"cost", "成本", "成本价", "进价", NULL}},
	{"category", 0, {"category", "分类", "类别", "商品分类", NULL}},
	{"brand", 0, {"brand", "品牌", NULL}},
	{"unit", 0, {"unit", "单位", NULL}},
	{"vat", 0, {"vat", "vat rate", "税率", "增值税率", NULL}},
};
static const struct import_field customer_fields[] = {
	{"name", 1, {"name", "姓名", "名字", "客户名称", "会员姓名", NULL}},
	{"phone", 0, {"phone", "mobile", "手机", "手机号", "手机号码", "电话", NULL}},
	{"birthday", 0, {"birthday", "生日", "出生日期", NULL}},
	{"gender", 0, {"gender", "性别", NULL}},
	{"email", 0, {"email", "e-mail", "邮箱", "电子邮箱", NULL}},
	{"member_code", 0, {"member code", "会员号", "会员卡号", "会员编码", NULL}},
	{"tags", 0, {"tags", "标签", NULL}},
	{"home_store", 0, {"home store", "home store code", "门店", "门店编码", "所属门店",
			   NULL}},
	{"city", 0, {"city", "城市", NULL}},
};
static const struct import_field stock_fields[] = {
	{"store", 1, {"store", "store code", "门店", "门店编码", "门店代码", NULL}},
	{"sku", 0, {"sku", "货号", "商品编码", "编码", NULL}},
	{"barcode", 0, {"barcode", "条码", "条形码", NULL}},
	{"quantity", 1, {"quantity", "qty", "数量", "库存", "期初数量", NULL}},
	{"unit_cost", 0, {"unit cost", "cost", "单位成本", "成本", "成本价", NULL}},
};
static const struct import_field supplier_fields[] = {
	{"code", 1, {"code", "supplier code", "编码", "供应商编码", "代码", NULL}},
	{"name", 1, {"name", "名称", "供应商名称", "供应商", NULL}},
	{"contact", 0, {"contact", "联系人", NULL}},
	{"phone", 0, {"phone", "电话", "手机", "联系电话", NULL}},
	{"email", 0, {"email", "e-mail", "邮箱", NULL}},
	{"payment_terms", 0, {"payment terms", "付款条件", "结算方式", "账期", NULL}},
	{"lead_time_days", 0, {"lead time days", "lead time", "交货期", "到货天数", NULL}},
};

const struct import_field *import_fields(int kind, int *n)
{
	switch (kind) {
	case IMPORT_PRODUCTS:
		*n = P_N;
		return product_fields;
	case IMPORT_CUSTOMERS:
		*n = C_N;
		return customer_fields;
	case IMPORT_STOCK:
		*n = S_N;
		return stock_fields;
	case IMPORT_SUPPLIERS:
		*n = U_N;
		return supplier_fields;
	}
	*n = 0;
	return NULL;
}

/* A header for comparison: ASCII lower-cased, spaces, '_', '-' and the
 * ideographic space dropped, a trailing "(...)" or "（...）" dropped
 * ("售价(元)" matches 售价), a leading '*' (a required marker) dropped. */
static void header_norm(const char *s, char *out, size_t n)
{
	size_t o = 0;
	while (*s == '*')
		s++;
	for (; *s && o + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '(' || strncmp(s, "\xEF\xBC\x88", 3) == 0)
			break;
		if (c == ' ' || c == '_' || c == '-' || c == '\t')
			continue;
		if (strncmp(s, "\xE3\x80\x80", 3) == 0) {
			s += 2;
			continue;
		}
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
}

static void add_error(struct arena *a, struct import_result *res, int line, const char *column,
		      const char *message)
{
	if (res->nerrors == res->caperrors) {
		int cap = res->caperrors ? res->caperrors * 2 : 64;
		struct import_error *n = arena_calloc(a, (size_t)cap, sizeof *n);
		if (res->nerrors)
			memcpy(n, res->errors, (size_t)res->nerrors * sizeof *n);
		res->errors = n;
		res->caperrors = cap;
	}
	res->errors[res->nerrors++] =
		(struct import_error){line, arena_strdup(a, column), arena_strdup(a, message)};
}

int import_match_header(int kind, const struct table_row *hdr, int *col, struct arena *a,
			struct import_result *res)
{
	int nf, before = res->nerrors;
	const struct import_field *f = import_fields(kind, &nf);
	for (int i = 0; i < nf; i++)
		col[i] = -1;
	for (int c = 0; hdr && c < hdr->ncells; c++) {
		char h[128], al[128];
		header_norm(hdr->cells[c], h, sizeof h);
		if (!h[0])
			continue;
		for (int i = 0; i < nf; i++) {
			int hit = 0;
			header_norm(f[i].name, al, sizeof al);
			hit = strcmp(h, al) == 0;
			for (int k = 0; !hit && f[i].aliases[k]; k++) {
				header_norm(f[i].aliases[k], al, sizeof al);
				hit = strcmp(h, al) == 0;
			}
			if (!hit)
				continue;
			if (col[i] >= 0)
				add_error(a, res, hdr->line, hdr->cells[c],
					  arena_printf(a, "a second column for %s (the first is "
						       "\"%s\")", f[i].name, hdr->cells[col[i]]));
			else
				col[i] = c;
			break;
		}
	}
	for (int i = 0; i < nf; i++)
		if (f[i].required && col[i] < 0)
			add_error(a, res, hdr ? hdr->line : 1, f[i].name,
				  "the column is missing");
	if (kind == IMPORT_STOCK && col[S_SKU] < 0 && col[S_BARCODE] < 0)
		add_error(a, res, hdr ? hdr->line : 1, "sku",
			  "a sku or a barcode column is needed");
	return res->nerrors - before;
}

/* ---- a small set of keys seen in the file (for duplicates inside it) */

struct seen {
	char **keys;
	int *lines;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The line that first held key, or 0 (and key remembered for line). */
static int seen_add(struct seen *s, const char *key, int line)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct seen o = *s;
		s->cap = o.cap ? o.cap * 2 : 1024;
		s->keys = xcalloc(s->cap, sizeof *s->keys);
		s->lines = xcalloc(s->cap, sizeof *s->lines);
		s->n = 0;
		for (size_t i = 0; i < o.cap; i++)
			if (o.keys[i])
				seen_add(s, o.keys[i], o.lines[i]), free(o.keys[i]);
		free(o.keys);
		free(o.lines);
	}
	size_t i = hash_str(key) & (s->cap - 1);
	while (s->keys[i]) {
		if (strcmp(s->keys[i], key) == 0)
			return s->lines[i];
		i = (i + 1) & (s->cap - 1);
	}
	s->keys[i] = xstrdup(key);
	s->lines[i] = line;
	s->n++;
	return 0;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->lines);
}

/* ---- one import */

struct run {
	struct db *db;
	struct arena *a;      /* the result's */
	const struct actor *who;
	struct import_result *res;
	const struct import_field *fields;
	const struct table_row *hdr;
	const int *col;
	int line;
	int bad;              /* the current row had an error */
	unsigned reported;    /* bit f: field f of this row has an error */
	struct seen seen[2];
};

/* The column a field's error is reported under: its header as written. */
static const char *col_name(struct run *r, int f)
{
	return f >= 0 && r->col[f] >= 0 ? table_cell(r->hdr, r->col[f]) : r->fields[f].name;
}

static void row_error(struct run *r, int f, const char *msg)
{
	if (f >= 0 && f < 32 && (r->reported & (1u << f)))
		return;
	add_error(r->a, r->res, r->line, col_name(r, f), msg);
	if (f >= 0 && f < 32)
		r->reported |= 1u << f;
	r->bad = 1;
}

/* A field's cell ("" when the column is absent). */
static const char *cell(struct run *r, const struct table_row *row, int f)
{
	return r->col[f] >= 0 ? table_cell(row, r->col[f]) : "";
}

/* The errors of a create call: each named field under its column (names
 * mapped through map: pairs of domain field, import field), else the
 * message under fallback's column. */
static void call_errors(struct run *r, const struct err *e, const char *const *map, int fallback)
{
	for (int i = 0; i < e->nfields; i++) {
		int f = fallback;
		for (int k = 0; map[k]; k += 2)
			if (strcmp(e->fields[i].field, map[k]) == 0) {
				for (int j = 0; j < IMPORT_MAX_FIELDS && r->fields[j].name; j++)
					if (strcmp(r->fields[j].name, map[k + 1]) == 0) {
						f = j;
						break;
					}
				break;
			}
		row_error(r, f, e->fields[i].message);
	}
	if (!e->nfields)
		row_error(r, fallback, e->msg[0] ? e->msg : "could not be written");
}

/* A row already found bad still goes through the create call, for the
 * reasons the create's own checks give (bad values, taken codes), inside a
 * savepoint undone afterwards. trial_begin returns 1 when it opened one. */
static int trial_begin(struct run *r, struct err *e)
{
	if (!r->bad)
		return 0;
	return db_savepoint(r->db, "import_row", e) < 0 ? -1 : 1;
}

static int trial_end(struct run *r, int trial, struct err *e)
{
	if (trial <= 0)
		return trial;
	if (db_rollback_to(r->db, "import_row", e) < 0 || db_release(r->db, "import_row", e) < 0)
		return db_fail(e);
	return 0;
}

/* Parses money in yuan ("12.99", "¥1,299.00") into minor units. */
static int parse_yuan(const char *s, int64_t *out)
{
	char b[64];
	size_t o = 0;
	if (strncmp(s, "\xC2\xA5", 2) == 0 || strncmp(s, "\xEF\xBF\xA5", 3) == 0)
		s += s[0] == '\xC2' ? 2 : 3;
	for (; *s && o + 1 < sizeof b; s++)
		if (*s != ',')
			b[o++] = *s;
	b[o] = '\0';
	return money_parse(b, out);
}

/* A VAT rate as "13", "13%" or "0.13" into basis points. */
static int parse_vat(const char *s, int64_t *out)
{
	char b[32];
	snprintf(b, sizeof b, "%s", s);
	size_t n = strlen(b);
	int pct = n && b[n - 1] == '%';
	if (pct)
		b[n - 1] = '\0';
	int64_t v;
	if (money_parse(b, &v) < 0 || v < 0)
		return -1;
	if (!pct && v < 100 && strchr(b, '.'))
		v *= 100; /* a ratio: 0.13 */
	*out = v;
	return 0;
}

static const char SQL_CAT_FIND[] =
	"SELECT id FROM categories WHERE COALESCE(parent_id, 0) = ? AND lower(name) = lower(?)";

/* The category at path "食品/零食" (also '>' or '／'), creating the missing
 * ones. 0 with *id, or negative (row error noted). */
static int category_path(struct run *r, const char *path, int64_t *id, struct err *e)
{
	int64_t parent = 0;
	char *p = arena_strdup(r->a, path);
	for (char *q = p; *q; q++)
		if (*q == '>' || *q == '\\')
			*q = '/';
	char *save = NULL;
	for (char *part = strtok_r(p, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		while (*part == ' ')
			part++;
		size_t l = strlen(part);
		while (l && part[l - 1] == ' ')
			part[--l] = '\0';
		if (!l)
			continue;
		int64_t found = 0;
		int rc = db_int(db_query(r->db, e, SQL_CAT_FIND, "it", parent, part), &found, e);
		if (rc < 0)
			return rc;
		if (!rc) {
			struct category_input in = {.name = part, .parent_id = parent,
						    .set_name = 1, .set_parent = 1};
			struct category *c;
			struct err ce;
			err_init(&ce);
			if (category_create(r->db, r->a, r->who, &in, &c, &ce) < 0) {
				static const char *const map[] = {"name", "category", NULL};
				call_errors(r, &ce, map, P_CATEGORY);
				return ce.code;
			}
			found = c->id;
		}
		parent = found;
	}
	*id = parent;
	return 0;
}

static int product_row(struct run *r, const struct table_row *row, struct arena *ra, struct err *e)
{
	struct product_input in = {.cost = -1, .vat_rate = 1300, .active = 1, .set_sku = 1,
				   .set_barcode = 1, .set_name = 1, .set_brand = 1,
				   .set_category = 1, .set_price = 1, .set_cost = 1, .set_vat = 1};
	in.sku = cell(r, row, P_SKU);
	in.name = cell(r, row, P_NAME);
	in.barcode = cell(r, row, P_BARCODE);
	in.brand = cell(r, row, P_BRAND);
	in.unit = *cell(r, row, P_UNIT) ? cell(r, row, P_UNIT) : NULL;
	const char *s;
	if (!*(s = cell(r, row, P_PRICE)))
		row_error(r, P_PRICE, "is required");
	else if (parse_yuan(s, &in.price) < 0)
		row_error(r, P_PRICE, "is not an amount in yuan (like 12.99)");
	if (*(s = cell(r, row, P_COST)) && parse_yuan(s, &in.cost) < 0)
		row_error(r, P_COST, "is not an amount in yuan (like 8.50)");
	if (*(s = cell(r, row, P_VAT)) && parse_vat(s, &in.vat_rate) < 0)
		row_error(r, P_VAT, "is not a rate (like 13%)");
	if (*in.sku) {
		int first = seen_add(&r->seen[0], in.sku, r->line);
		if (first)
			row_error(r, P_SKU, arena_printf(ra, "duplicates line %d", first));
	}
	if (*in.barcode) {
		int first = seen_add(&r->seen[1], in.barcode, r->line);
		if (first)
			row_error(r, P_BARCODE, arena_printf(ra, "duplicates line %d", first));
	}
	int trial = trial_begin(r, e);
	if (trial < 0)
		return db_fail(e);
	if (*(s = cell(r, row, P_CATEGORY))) {
		int rc = category_path(r, s, &in.category_id, e);
		if (rc == ERR_DB || rc == ERR_UNAVAILABLE)
			return rc;
		if (rc < 0)
			return trial_end(r, trial, e);
	}
	struct product *p;
	struct err pe;
	err_init(&pe);
	if (product_create(r->db, ra, r->who, &in, &p, &pe) < 0) {
		if (pe.code == ERR_DB || pe.code == ERR_UNAVAILABLE)
			return err_set(e, pe.code, "%s", pe.msg);
		static const char *const map[] = {"sku", "sku", "name", "name", "barcode", "barcode",
						  "price", "price", "cost", "cost", "category_id",
						  "category", "brand", "brand", "unit", "unit",
						  "vat_rate", "vat", NULL};
		call_errors(r, &pe, map, P_SKU);
	}
	return trial_end(r, trial, e);
}

static const char SQL_STORE_BY_CODE[] = "SELECT id FROM stores WHERE code = ?";

/* The store with this code visible to the actor: 1 with *id, 0 (row
 * error noted), or negative. */
static int store_by_code(struct run *r, int f, const char *code, int64_t *id, struct err *e)
{
	int rc = db_int(db_query(r->db, e, SQL_STORE_BY_CODE, "t", code), id, e);
	if (rc < 0)
		return rc;
	if (!rc || !actor_sees_store(r->who, *id)) {
		row_error(r, f, arena_printf(r->a, "no store with code %s among yours", code));
		return 0;
	}
	return 1;
}

/* Splits tags on , ; ， ； | and 、. */
static int split_tags(struct arena *a, const char *s, const char **tags, int max)
{
	int n = 0;
	char *p = arena_strdup(a, s);
	static const char *const seps[] = {",", ";", "|", "\xEF\xBC\x8C", "\xEF\xBC\x9B",
					   "\xE3\x80\x81", NULL};
	char *start = p;
	for (char *q = p;; q++) {
		size_t sl = 0;
		if (*q)
			for (int k = 0; seps[k]; k++)
				if (strncmp(q, seps[k], strlen(seps[k])) == 0) {
					sl = strlen(seps[k]);
					break;
				}
		if (!*q || sl) {
			char *end = q;
			int last = !*q;
			*q = '\0';
			while (*start == ' ')
				start++;
			while (end > start && end[-1] == ' ')
				*--end = '\0';
			if (*start && n < max)
				tags[n++] = start;
			else if (*start)
				n++;
			if (last)
				break;
			q += sl - 1;
			start = q + 1;
		}
	}
	return n;
}

static int customer_row(struct run *r, const struct table_row *row, struct arena *ra,
			struct err *e)
{
	struct customer_input in = {.consent_sms = -1, .consent_email = -1, .consent_wechat = -1,
				    .consent_source = "import"};
	const char *s;
	in.name = cell(r, row, C_NAME);
	in.phone = cell(r, row, C_PHONE);
	in.email = cell(r, row, C_EMAIL);
	in.city = cell(r, row, C_CITY);
	in.birthday = cell(r, row, C_BIRTHDAY);
	char day[16];
	if (*in.birthday && strchr(in.birthday, '/')) {
		/* 1990/5/17 as Excel shows dates */
		int y, m, d;
		char tail;
		if (sscanf(in.birthday, "%d/%d/%d%c", &y, &m, &d, &tail) == 3) {
			snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
			in.birthday = arena_strdup(ra, day);
		}
	} else if (*in.birthday && table_serial_day(in.birthday, day, sizeof day) == 0) {
		in.birthday = arena_strdup(ra, day);
	}
	s = cell(r, row, C_GENDER);
	if (!strcmp(s, "女") || !strcasecmp(s, "f") || !strcasecmp(s, "female"))
		in.gender = "female";
	else if (!strcmp(s, "男") || !strcasecmp(s, "m") || !strcasecmp(s, "male"))
		in.gender = "male";
	else if (!strcmp(s, "其他") || !strcasecmp(s, "other"))
		in.gender = "other";
	else
		in.gender = s;
	if (*(s = cell(r, row, C_MEMBER_CODE))) {
		in.member_code = s;
		in.set_member_code = 1;
		int first = seen_add(&r->seen[1], s, r->line);
		if (first)
			row_error(r, C_MEMBER_CODE, arena_printf(ra, "duplicates line %d", first));
	}
	if (*(s = cell(r, row, C_TAGS))) {
		const char **tags = arena_calloc(ra, CUSTOMER_TAGS_MAX + 1, sizeof *tags);
		in.ntags = split_tags(ra, s, tags, CUSTOMER_TAGS_MAX + 1);
		in.tags = tags;
	}
	char norm[PHONE_NORM_MAX];
	if (*in.phone && phone_normalize(in.phone, norm, sizeof norm) == 0) {
		int first = seen_add(&r->seen[0], norm, r->line);
		if (first)
			row_error(r, C_PHONE, arena_printf(ra, "duplicates line %d", first));
	}
	if (*(s = cell(r, row, C_HOME_STORE))) {
		int rc = store_by_code(r, C_HOME_STORE, s, &in.home_store_id, e);
		if (rc < 0)
			return rc;
	}
	int trial = trial_begin(r, e);
	if (trial < 0)
		return db_fail(e);
	struct customer *c;
	struct err ce;
	err_init(&ce);
	if (customer_create(r->db, ra, r->who, &in, &c, &ce) < 0) {
		if (ce.code == ERR_DB || ce.code == ERR_UNAVAILABLE)
			return err_set(e, ce.code, "%s", ce.msg);
		static const char *const map[] = {"name", "name", "phone", "phone", "email", "email",
						  "birthday", "birthday", "gender", "gender",
						  "member_code", "member_code", "tags", "tags",
						  "home_store_id", "home_store", "city", "city", NULL};
		call_errors(r, &ce, map, C_NAME);
	}
	return trial_end(r, trial, e);
}

static const char SQL_PRODUCT_BY_SKU[] = "SELECT id FROM products WHERE sku = ?";
static const char SQL_PRODUCT_BY_BARCODE[] = "SELECT id FROM products WHERE barcode = ?";

static int stock_row(struct run *r, const struct table_row *row, struct arena *ra, struct err *e)
{
	struct stock_move_input in = {.kind = "receipt", .unit_cost = -1,
				      .note = "opening stock (import)"};
	const char *s, *sku = cell(r, row, S_SKU), *bc = cell(r, row, S_BARCODE);
	int rc;
	if (!*(s = cell(r, row, S_STORE)))
		row_error(r, S_STORE, "is required");
	else if ((rc = store_by_code(r, S_STORE, s, &in.store_id, e)) < 0)
		return rc;
	if (!*sku && !*bc) {
		row_error(r, *sku || r->col[S_SKU] >= 0 ? S_SKU : S_BARCODE,
			  "a sku or a barcode is required");
	} else {
		int f = *sku ? S_SKU : S_BARCODE;
		rc = db_int(db_query(r->db, e, *sku ? SQL_PRODUCT_BY_SKU : SQL_PRODUCT_BY_BARCODE,
				     "t", *sku ? sku : bc),
			    &in.product_id, e);
		if (rc < 0)
			return rc;
		if (!rc)
			row_error(r, f, arena_printf(ra, "no product with this %s", r->fields[f].name));
	}
	if (!*(s = cell(r, row, S_QUANTITY)))
		row_error(r, S_QUANTITY, "is required");
	else if (qty_parse(s, &in.quantity) < 0 || in.quantity <= 0)
		row_error(r, S_QUANTITY, "must be a number above 0 with at most 3 decimals");
	if (*(s = cell(r, row, S_UNIT_COST))) {
		if (parse_yuan(s, &in.unit_cost) < 0 || in.unit_cost < 0)
			row_error(r, S_UNIT_COST, "is not an amount in yuan (like 8.50)");
		in.may_move_cost = !r->who->user || !(r->who->user->role & ROLE_STORE_BOUND);
	}
	if (!r->bad) {
		char key[64];
		snprintf(key, sizeof key, "%lld/%lld", (long long)in.store_id,
			 (long long)in.product_id);
		int first = seen_add(&r->seen[0], key, r->line);
		if (first)
			row_error(r, *sku ? S_SKU : S_BARCODE,
				  arena_printf(ra, "duplicates line %d (same store and product)",
					       first));
	}
	if (r->bad)
		return 0;
	struct stock_move *m;
	struct err se;
	err_init(&se);
	if (stock_move_manual(r->db, ra, r->who, &in, &m, &se) < 0) {
		if (se.code == ERR_DB || se.code == ERR_UNAVAILABLE)
			return err_set(e, se.code, "%s", se.msg);
		static const char *const map[] = {"store_id", "store", "product_id", "sku",
						  "quantity", "quantity", "unit_cost", "unit_cost",
						  NULL};
		call_errors(r, &se, map, S_QUANTITY);
	}
	return 0;
}

static int supplier_row(struct run *r, const struct table_row *row, struct arena *ra,
			struct err *e)
{
	struct supplier_input in = {.lead_time_days = -1, .active = 1, .set_code = 1,
				    .set_name = 1, .set_contact = 1, .set_phone = 1,
				    .set_email = 1, .set_payment_terms = 1};
	const char *s;
	in.code = cell(r, row, U_CODE);
	in.name = cell(r, row, U_NAME);
	in.contact = cell(r, row, U_CONTACT);
	in.phone = cell(r, row, U_PHONE);
	in.email = cell(r, row, U_EMAIL);
	in.payment_terms = cell(r, row, U_TERMS);
	if (*(s = cell(r, row, U_LEAD))) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end || v < 0 || v > SUPPLIER_LEAD_MAX)
			row_error(r, U_LEAD, arena_printf(ra, "must be a whole number of days, 0 to %d",
							  SUPPLIER_LEAD_MAX));
		in.lead_time_days = v;
	}
	if (*in.code) {
		int first = seen_add(&r->seen[0], in.code, r->line);
		if (first)
			row_error(r, U_CODE, arena_printf(ra, "duplicates line %d", first));
	}
	int trial = trial_begin(r, e);
	if (trial < 0)
		return db_fail(e);
	struct supplier *out;
	struct err ue;
	err_init(&ue);
	if (supplier_create(r->db, ra, r->who, &in, &out, &ue) < 0) {
		if (ue.code == ERR_DB || ue.code == ERR_UNAVAILABLE)
			return err_set(e, ue.code, "%s", ue.msg);
		static const char *const map[] = {"code", "code", "name", "name", "contact",
						  "contact", "phone", "phone", "email", "email",
						  "payment_terms", "payment_terms", "lead_time_days",
						  "lead_time_days", NULL};
		call_errors(r, &ue, map, U_CODE);
	}
	return trial_end(r, trial, e);
}

/* col[f] from the user's names (see import_run_mapped); the required
 * fields left out are errors of the header line in res. Returns 0, or
 * ERR_INVALID (field "columns") for a name that is no field of the kind,
 * a field named twice, or more names than the header has cells. */
static int map_columns(int kind, const struct table_row *hdr, const char *const *names,
		       int nnames, int *col, struct arena *a, struct import_result *res,
		       struct err *e)
{
	int nf;
	const struct import_field *f = import_fields(kind, &nf);
	for (int i = 0; i < nf; i++)
		col[i] = -1;
	if (nnames > hdr->ncells) {
		err_field(e, "columns", "names %d columns but the file has %d", nnames,
			  hdr->ncells);
		return err_fields_done(e);
	}
	for (int c = 0; c < nnames; c++) {
		if (!names[c][0])
			continue;
		int i = 0;
		while (i < nf && strcmp(f[i].name, names[c]) != 0)
			i++;
		if (i == nf)
			err_field(e, "columns", "\"%s\" is not a field of %s", names[c],
				  import_kind_names[kind]);
		else if (col[i] >= 0)
			err_field(e, "columns", "%s is named twice", names[c]);
		else
			col[i] = c;
	}
	if (err_fields_done(e))
		return e->code;
	for (int i = 0; i < nf; i++)
		if (f[i].required && col[i] < 0)
			add_error(a, res, hdr->line, f[i].name, "the column is missing");
	if (kind == IMPORT_STOCK && col[S_SKU] < 0 && col[S_BARCODE] < 0)
		add_error(a, res, hdr->line, "sku", "a sku or a barcode column is needed");
	return 0;
}

int import_run(struct db *db, struct arena *a, const struct actor *who, int kind,
	       const struct table *t, int dry_run, struct import_result *res, struct err *e)
{
	return import_run_mapped(db, a, who, kind, t, NULL, 0, dry_run, res, e);
}

int import_run_mapped(struct db *db, struct arena *a, const struct actor *who, int kind,
		      const struct table *t, const char *const *names, int nnames, int dry_run,
		      struct import_result *res, struct err *e)
{
	int *col = res->col, nf;
	*res = (struct import_result){0};
	res->rows = t->nrows > 0 ? t->nrows - 1 : 0;
	const struct import_field *fields = import_fields(kind, &nf);
	if (!fields)
		return err_set(e, ERR_INVALID, "unknown import kind");
	if (t->nrows == 0) {
		add_error(a, res, 1, "", "the file has no header row");
		return 0;
	}
	if (names) {
		int rc = map_columns(kind, &t->rows[0], names, nnames, col, a, res, e);
		if (rc < 0)
			return rc;
	} else {
		import_match_header(kind, &t->rows[0], col, a, res);
	}
	res->matched = 1;
	if (res->nerrors)
		return 0;
	int rc = db_hold(db, e);
	if (rc < 0)
		return rc;
	struct import_field fl[IMPORT_MAX_FIELDS + 1];
	memset(fl, 0, sizeof fl);
	memcpy(fl, fields, (size_t)nf * sizeof *fields);
	struct run r = {.db = db, .a = a, .who = who, .res = res, .fields = fl,
			.hdr = &t->rows[0], .col = col};
	struct arena *ra = arena_new();
	for (int i = 1; i < t->nrows && rc == 0; i++) {
		/* the rows' scratch memory, renewed every 256 rows */
		if (i % 256 == 0) {
			arena_free(ra);
			ra = arena_new();
		}
		r.line = t->rows[i].line;
		r.bad = 0;
		r.reported = 0;
		switch (kind) {
		case IMPORT_PRODUCTS:
			rc = product_row(&r, &t->rows[i], ra, e);
			break;
		case IMPORT_CUSTOMERS:
			rc = customer_row(&r, &t->rows[i], ra, e);
			break;
		case IMPORT_STOCK:
			rc = stock_row(&r, &t->rows[i], ra, e);
			break;
		case IMPORT_SUPPLIERS:
			rc = supplier_row(&r, &t->rows[i], ra, e);
			break;
		}
	}
	arena_free(ra);
	seen_free(&r.seen[0]);
	seen_free(&r.seen[1]);
	if (rc == 0 && !dry_run && res->nerrors == 0) {
		json_t *after = json_pack("{s:s,s:i}", "kind", import_kind_names[kind], "rows",
					  res->rows);
		rc = audit_add(db, who, "import", import_kind_names[kind], 0, 0, NULL, after, e);
		json_decref(after);
		if (rc == 0 && (rc = db_unhold(db, 1, e)) == 0)
			res->applied = 1;
		if (rc < 0)
			db_unhold(db, 0, e);
		return rc < 0 ? db_fail(e) : 0;
	}
	db_unhold(db, 0, e);
	return rc < 0 ? db_fail(e) : 0;
}
