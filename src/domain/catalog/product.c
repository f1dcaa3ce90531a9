/* product.c: products (SKU, check-digit barcodes, price, cost, VAT), every
 * change audited in its own write transaction. */
#include "domain/catalog/product.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

#define SKU_MAX 64
#define PRODUCT_NAME_MAX 200
#define UNIT_MAX 16
#define BRAND_MAX 100
#define VAT_MAX 10000

int barcode_valid(const char *s)
{
	size_t n, i;
	int sum = 0, w = 3;

	if (!s)
		return 0;
	n = strlen(s);
	if (n != 8 && n != 12 && n != 13)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	/* Weights 3, 1, 3, ... from the digit left of the check digit. */
	for (i = n - 1; i-- > 0;) {
		sum += (s[i] - '0') * w;
		w = 4 - w;
	}
	return (10 - sum % 10) % 10 == s[n - 1] - '0';
}

#define PRODUCT_COLS                                                           \
	"id, sku, barcode, name, category_id, brand, unit, price, cost,"      \
	" vat_rate, active, created_at, updated_at"

static struct product *product_row(struct db_stmt *st, struct arena *a)
{
	struct product *p = arena_alloc(a, sizeof(*p));

	p->id = db_col_int64(st, 0);
	p->sku = arena_strdup(a, db_col_text(st, 1));
	p->barcode = arena_strdup(a, db_col_text(st, 2));
	p->name = arena_strdup(a, db_col_text(st, 3));
	p->category_id = db_col_int64(st, 4);
	p->brand = arena_strdup(a, db_col_text(st, 5));
	p->unit = arena_strdup(a, db_col_text(st, 6));
	p->price = db_col_int64(st, 7);
	p->cost = db_col_null(st, 8) ? -1 : db_col_int64(st, 8);
	p->vat_rate = db_col_int64(st, 9);
	p->active = db_col_int64(st, 10) != 0;
	p->created_at = db_col_int64(st, 11);
	p->updated_at = db_col_int64(st, 12);
	return p;
}

json_t *product_to_json(const struct product *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "sku", jx_strn(p->sku));
	json_object_set_new(o, "barcode", jx_strn(p->barcode));
	json_object_set_new(o, "name", jx_strn(p->name));
	json_object_set_new(o, "category_id",
			    p->category_id ? json_integer(p->category_id) : json_null());
	json_object_set_new(o, "brand", jx_strn(p->brand));
	json_object_set_new(o, "unit", jx_strn(p->unit));
	json_object_set_new(o, "price", json_integer(p->price));
	json_object_set_new(o, "cost", p->cost >= 0 ? json_integer(p->cost) : json_null());
	json_object_set_new(o, "vat_rate", json_integer(p->vat_rate));
	json_object_set_new(o, "active", json_boolean(p->active));
	json_object_set_new(o, "created_at", jx_time(p->created_at));
	json_object_set_new(o, "updated_at", jx_time(p->updated_at));
	return o;
}

static const char SQL_PRODUCT_GET[] =
	"SELECT " PRODUCT_COLS " FROM products WHERE id = ?";

int product_get(struct db *db, struct arena *a, int64_t id,
		struct product **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_PRODUCT_GET, "i", id);
	int rc = db_get_row(st, "product", id, e);

	if (rc < 0)
		return rc;
	*out = product_row(st, a);
	db_reset(st);
	return 0;
}

/* Checks the values being set (all of them when creating); notes each bad
 * field in e. */
static void product_check(const struct product_input *in, int creating,
			  struct err *e)
{
	if (creating || in->set_sku)
		text_check(e, "sku", in->sku, 1, SKU_MAX);
	if (creating || in->set_name)
		text_check(e, "name", in->name, 1, PRODUCT_NAME_MAX);
	if (in->set_unit || (creating && in->unit))
		text_check(e, "unit", in->unit, 1, UNIT_MAX);
	if (creating || in->set_brand)
		text_check(e, "brand", text_or_null(in->brand), 0, BRAND_MAX);
	if ((creating || in->set_barcode) && text_or_null(in->barcode) &&
	    !barcode_valid(in->barcode))
		err_field(e, "barcode",
			  "is not a valid EAN-13, EAN-8 or UPC-A barcode");
	if (creating && !in->set_price)
		err_field(e, "price", "is required");
	else if (in->set_price && (in->price < 0 || in->price > MONEY_MAX))
		err_field(e, "price", "must be between 0 and %lld",
			  (long long)MONEY_MAX);
	if ((creating || in->set_cost) && in->cost != -1 &&
	    (in->cost < 0 || in->cost > MONEY_MAX))
		err_field(e, "cost", "must be between 0 and %lld",
			  (long long)MONEY_MAX);
	if (creating && !in->set_vat)
		err_field(e, "vat_rate", "is required");
	else if (in->set_vat && (in->vat_rate < 0 || in->vat_rate > VAT_MAX))
		err_field(e, "vat_rate", "must be between 0 and %d", VAT_MAX);
	if ((creating || in->set_category) && in->category_id < 0)
		err_field(e, "category_id", "does not exist");
}

static const char SQL_CAT_EXISTS[] = "SELECT 1 FROM categories WHERE id = ?";

/* Before the write: notes a category_id that does not exist, so that it is
 * reported with the other field errors. 0 or a db error. */
static int product_check_category(struct db *db, const struct product_input *in,
				  int creating, struct err *e)
{
	int rc;

	if (!(creating || in->set_category) || in->category_id <= 0)
		return 0;
	rc = db_exists(db_query(db, e, SQL_CAT_EXISTS, "i", in->category_id), e);
	if (rc == 0)
		err_field(e, "category_id", "does not exist");
	return rc < 0 ? rc : 0;
}
static const char SQL_SKU_TAKEN[] =
	"SELECT 1 FROM products WHERE sku = ? AND id <> ?";
static const char SQL_BARCODE_TAKEN[] =
	"SELECT 1 FROM products WHERE barcode = ? AND id <> ?";

/* Inside the write transaction: the category must exist, sku and barcode
 * must be free (self_id excluded). check_* say which to look at. 0, or
 * ERR_INVALID / ERR_DUPLICATE with the fields, or a db error. */
static int product_check_db(struct db *db, const struct product *p,
			    int64_t self_id, int check_cat, int check_sku,
			    int check_barcode, struct err *e)
{
	int rc, dup = 0;

	if (check_cat && p->category_id) {
		rc = db_exists(db_query(db, e, SQL_CAT_EXISTS, "i",
					   p->category_id), e);
		if (rc < 0)
			return rc;
		if (!rc)
			err_field(e, "category_id", "does not exist");
	}
	if (err_fields_done(e))
		return e->code;
	if (check_sku) {
		rc = db_exists(db_query(db, e, SQL_SKU_TAKEN, "ti", p->sku,
					   self_id), e);
		if (rc < 0)
			return rc;
		if (rc) {
			err_field(e, "sku", "already exists");
			dup = 1;
		}
	}
	if (check_barcode && p->barcode) {
		rc = db_exists(db_query(db, e, SQL_BARCODE_TAKEN, "ti",
					   p->barcode, self_id), e);
		if (rc < 0)
			return rc;
		if (rc) {
			err_field(e, "barcode", "already exists");
			dup = 1;
		}
	}
	if (dup)
		return err_set(e, ERR_DUPLICATE, "%s",
			       e->nfields > 1 ? "sku and barcode already exist"
			       : strcmp(e->fields[0].field, "sku") == 0
				       ? "sku already exists"
				       : "barcode already exists");
	return 0;
}

/* A unique violation from the database (a race past the SELECT checks):
 * names the field from the constraint text. */
static int product_dup_from_db(struct err *e)
{
	const char *f = strstr(e->msg, "barcode") ? "barcode" : "sku";

	e->nfields = 0;
	err_field(e, f, "already exists");
	return err_set(e, ERR_DUPLICATE, "%s already exists", f);
}

static const char SQL_PRODUCT_INSERT[] =
	"INSERT INTO products (sku, barcode, name, category_id, brand, unit,"
	" price, cost, vat_rate, active, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id";

int product_create(struct db *db, struct arena *a, const struct actor *who,
		   const struct product_input *in, struct product **out,
		   struct err *e)
{
	struct product p = {0}, *res;
	int64_t now = ts_now_ms();
	json_t *after;
	int rc;

	product_check(in, 1, e);
	if ((rc = product_check_category(db, in, 1, e)) < 0)
		return rc;
	if (err_fields_done(e))
		return e->code;
	p.sku = in->sku;
	p.barcode = text_or_null(in->barcode);
	p.name = in->name;
	p.category_id = in->category_id;
	p.brand = text_or_null(in->brand);
	p.unit = in->unit ? in->unit : "pcs";
	p.price = in->price;
	p.cost = in->cost;
	p.vat_rate = in->vat_rate;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = product_check_db(db, &p, 0, 1, 1, 1, e)) < 0)
		goto fail;
	rc = db_int(db_query(db, e, SQL_PRODUCT_INSERT, "tttIttiMiii", p.sku, p.barcode, p.name,
			     p.category_id, p.brand, p.unit, p.price, p.cost, p.vat_rate, now, now),
		    &p.id, e);
	if (rc < 0)
		goto fail;
	if ((rc = product_get(db, a, p.id, &res, e)) < 0)
		goto fail;
	after = product_to_json(res);
	rc = audit_commit(db, who, "create", "product", res->id, 0, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = res;
	return 0;
fail:
	db_rollback(db);
	if (rc == ERR_DUPLICATE && !e->nfields)
		rc = product_dup_from_db(e);
	return rc;
}

static const char SQL_PRODUCT_UPDATE[] =
	"UPDATE products SET sku = ?, barcode = ?, name = ?, category_id = ?,"
	" brand = ?, unit = ?, price = ?, cost = ?, vat_rate = ?, active = ?,"
	" updated_at = ? WHERE id = ?";

int product_update(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, const struct product_input *in,
		   struct product **out, struct err *e)
{
	struct product *cur, *res, p;
	json_t *before, *after;
	int rc;

	product_check(in, 0, e);
	if ((rc = product_check_category(db, in, 0, e)) < 0)
		return rc;
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = product_get(db, a, id, &cur, e)) < 0)
		goto fail;
	p = *cur;
	if (in->set_sku)
		p.sku = in->sku;
	if (in->set_barcode)
		p.barcode = text_or_null(in->barcode);
	if (in->set_name)
		p.name = in->name;
	if (in->set_category)
		p.category_id = in->category_id;
	if (in->set_brand)
		p.brand = text_or_null(in->brand);
	if (in->set_unit)
		p.unit = in->unit;
	if (in->set_price)
		p.price = in->price;
	if (in->set_cost)
		p.cost = in->cost;
	if (in->set_vat)
		p.vat_rate = in->vat_rate;
	if (in->active >= 0)
		p.active = in->active != 0;
	before = product_to_json(cur);
	after = product_to_json(&p);
	if (json_equal(before, after)) { /* nothing changes: no write, no audit */
		json_decref(before);
		json_decref(after);
		db_rollback(db);
		*out = cur;
		return 0;
	}
	json_decref(before);
	json_decref(after);
	rc = product_check_db(
		db, &p, id, p.category_id != cur->category_id,
		strcmp(p.sku, cur->sku) != 0,
		p.barcode && (!cur->barcode || strcmp(p.barcode, cur->barcode)),
		e);
	if (rc < 0)
		goto fail;
	rc = db_run(db_query(db, e, SQL_PRODUCT_UPDATE, "tttIttiMiiii", p.sku, p.barcode,
			     p.name, p.category_id, p.brand, p.unit, p.price, p.cost,
			     p.vat_rate, (int64_t)p.active, ts_now_ms(), id), e);
	if (rc < 0)
		goto fail;
	if ((rc = product_get(db, a, id, &res, e)) < 0)
		goto fail;
	before = product_to_json(cur);
	after = product_to_json(res);
	rc = audit_commit(db, who, "update", "product", id, 0, before, after, e);
	if (rc < 0)
		goto fail;
	*out = res;
	return 0;
fail:
	db_rollback(db);
	if (rc == ERR_DUPLICATE && !e->nfields)
		rc = product_dup_from_db(e);
	return rc;
}

/* What counts as a product's history: rows in tables that reference
 * products. Add one query per such table as it is created (stock_moves,
 * sale_lines, purchase lines, ...); each gets the product id as its only
 * parameter and returns a row if there is history. */
static const char *const PRODUCT_HISTORY_SQL[] = {
	"SELECT 1 FROM stock_moves WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM sale_lines WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM transfer_lines WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM stock_count_lines WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM purchase_order_lines WHERE product_id = ? LIMIT 1",
	/* Not history, but rows that point at the product: keep it too. */
	"SELECT 1 FROM stock_balances WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM product_suppliers WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM reorder_rules WHERE product_id = ? LIMIT 1",
	"SELECT 1 FROM alerts WHERE product_id = ? LIMIT 1",
	NULL
};

/* 1 if the product has history (so it must be kept), 0 if not, or a
 * negative error. */
static int product_has_history(struct db *db, int64_t id, struct err *e)
{
	int i, rc;

	for (i = 0; PRODUCT_HISTORY_SQL[i]; i++) {
		rc = db_exists(db_query(db, e, PRODUCT_HISTORY_SQL[i], "i", id),
				  e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static const char SQL_PRODUCT_DEACTIVATE[] =
	"UPDATE products SET active = 0, updated_at = ? WHERE id = ?";
static const char SQL_PRODUCT_DELETE[] = "DELETE FROM products WHERE id = ?";

int product_delete(struct db *db, const struct actor *who, int64_t id,
		   int *deactivated, struct err *e)
{
	struct arena *a = arena_new();
	struct product *cur, *res;
	json_t *before, *after = NULL;
	int rc, hist;

	*deactivated = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if ((rc = product_get(db, a, id, &cur, e)) < 0)
		goto fail;
	if ((rc = hist = product_has_history(db, id, e)) < 0)
		goto fail;
	if (hist) {
		rc = db_run(db_query(db, e, SQL_PRODUCT_DEACTIVATE, "ii",
				     ts_now_ms(), id), e);
		if (rc < 0 || (rc = product_get(db, a, id, &res, e)) < 0)
			goto fail;
		after = product_to_json(res);
	} else {
		rc = db_run(db_query(db, e, SQL_PRODUCT_DELETE, "i", id), e);
		if (rc < 0)
			goto fail;
	}
	before = product_to_json(cur);
	rc = audit_commit(db, who, hist ? "deactivate" : "delete", "product", id,
		       0, before, after, e);
	if (rc < 0)
		goto fail;
	*deactivated = hist;
	goto out;
fail:
	db_rollback(db);
out:
	arena_free(a);
	return rc;
}

/* The general search. Each optional filter is "CAST(? AS type) IS NULL OR
 * ...", so one statement serves every combination. */
static const char SQL_PRODUCT_LIST[] =
	"WITH RECURSIVE sub(id, depth) AS ("
	" SELECT id, 0 FROM categories WHERE id = CAST(? AS BIGINT)"
	" UNION ALL"
	" SELECT c.id, sub.depth + 1 FROM categories c"
	" JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 1000)"
	" SELECT " PRODUCT_COLS " FROM products"
	" WHERE id > ?"
	" AND (CAST(? AS BIGINT) IS NULL OR category_id IN (SELECT id FROM sub))"
	" AND (CAST(? AS TEXT) IS NULL"
	"  OR lower(name) LIKE lower(?) ESCAPE '\\'"
	"  OR lower(sku) LIKE lower(?) ESCAPE '\\'"
	"  OR lower(barcode) LIKE lower(?) ESCAPE '\\')"
	" AND (CAST(? AS TEXT) IS NULL OR barcode = ?)"
	" AND (CAST(? AS BIGINT) IS NULL OR active = ?)"
	" ORDER BY id LIMIT ?";
/* The scanner's lookup, kept separate so the unique index is used. */
static const char SQL_PRODUCT_BY_BARCODE[] =
	"SELECT " PRODUCT_COLS " FROM products WHERE barcode = ? AND id > ?"
	" AND (CAST(? AS BIGINT) IS NULL OR active = ?) ORDER BY id LIMIT ?";

int product_list(struct db *db, struct arena *a, const struct product_filter *f,
		 struct product ***out, int *n, int *more, struct err *e)
{
	const char *q = f->q && *f->q ? f->q : NULL;
	const char *bc = f->barcode && *f->barcode ? f->barcode : NULL;
	/* active: -1 any (NULL), else 0 or 1 */
	int64_t active = f->active < 0 ? -1 : f->active != 0;
	struct db_stmt *st;
	struct page pg;
	int rc;

	page_init(&pg, a, f->limit, sizeof(struct product *));
	if (bc && !q && !f->category_id) {
		st = db_query(db, e, SQL_PRODUCT_BY_BARCODE, "tiMMi", bc, f->after_id,
			      active, active, page_fetch(&pg));
	} else {
		const char *pat = db_like_pattern(a, q);

		st = db_query(db, e, SQL_PRODUCT_LIST, "IiIttttttMMi", f->category_id,
			      f->after_id, f->category_id, pat, pat, pat, pat, bc, bc,
			      active, active, page_fetch(&pg));
	}
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct product **)page_add(&pg) = product_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
