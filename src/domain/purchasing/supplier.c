/* supplier.c: suppliers (unique code, checked e-mail, lead time) and the
 * product–supplier links, with every change audited in its own write
 * transaction. */
#include "domain/purchasing/supplier.h"

#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

#define CODE_MAX 32
#define NAME_MAX_CHARS 100
#define EMAIL_MAX 254
#define DEFAULT_LEAD_DAYS 7

#define SUPPLIER_COLS                                                          \
	"id, code, name, contact, phone, email, lead_time_days, payment_terms, " \
	"active, created_at, updated_at"

int supplier_email_valid(const char *s)
{
	const char *at, *dot;
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n < 3 || n > EMAIL_MAX)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == ',' || *p == ';' ||
		    *p == '<' || *p == '>' || *p == '"')
			return 0;
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	/* The domain: labels separated by dots, at least two, none empty. */
	dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0' || strstr(at + 1, ".."))
		return 0;
	return at[1] != '.' && at[1] != '-';
}

static struct supplier *supplier_from_row(struct db_stmt *st, struct arena *a)
{
	struct supplier *s = arena_alloc(a, sizeof *s);

	s->id = db_col_int64(st, 0);
	s->code = arena_strdup(a, db_col_text(st, 1));
	s->name = arena_strdup(a, db_col_text(st, 2));
	s->contact = arena_strdup(a, db_col_text(st, 3));
	s->phone = arena_strdup(a, db_col_text(st, 4));
	s->email = arena_strdup(a, db_col_text(st, 5));
	s->lead_time_days = db_col_int64(st, 6);
	s->payment_terms = arena_strdup(a, db_col_text(st, 7));
	s->active = (int)db_col_int64(st, 8);
	s->created_at = db_col_int64(st, 9);
	s->updated_at = db_col_int64(st, 10);
	return s;
}

json_t *supplier_to_json(const struct supplier *s)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:I,s:o,s:b,s:o,s:o}",
			 "id", (json_int_t)s->id, "code", s->code, "name", s->name,
			 "contact", jx_strn(s->contact), "phone", jx_strn(s->phone),
			 "email", jx_strn(s->email),
			 "lead_time_days", (json_int_t)s->lead_time_days,
			 "payment_terms", jx_strn(s->payment_terms), "active", s->active,
			 "created_at", jx_time(s->created_at),
			 "updated_at", jx_time(s->updated_at));
}

static const char SQL_SUPPLIER_GET[] =
	"SELECT " SUPPLIER_COLS " FROM suppliers WHERE id = ?";

int supplier_get(struct db *db, struct arena *a, int64_t id,
		 struct supplier **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_SUPPLIER_GET, "i", id);
	int rc = db_get_row(st, "supplier", id, e);

	if (rc < 0)
		return rc;
	*out = supplier_from_row(st, a);
	db_reset(st);
	return 0;
}

static const char SQL_SUPPLIER_LIST[] =
	"SELECT " SUPPLIER_COLS " FROM suppliers WHERE id > ?"
	" AND (CAST(? AS TEXT) IS NULL OR lower(code) LIKE ? ESCAPE '\\'"
	"      OR lower(name) LIKE ? ESCAPE '\\')"
	" AND (? < 0 OR active = ?)"
	" ORDER BY id LIMIT ?";

int supplier_list(struct db *db, struct arena *a, const struct supplier_filter *f,
		  struct supplier ***out, int *n, int *more, struct err *e)
{
	const char *pat = db_like_pattern(a, f->q);
	struct page pg;
	int rc;

	page_init(&pg, a, f->limit, sizeof(struct supplier *));
	struct db_stmt *st = db_query(db, e, SQL_SUPPLIER_LIST, "itttiii", f->after_id,
				      pat, pat, pat, (int64_t)f->active,
				      (int64_t)f->active, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct supplier **)page_add(&pg) = supplier_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

static void check_supplier(const struct supplier_input *in, int creating,
			   struct err *e)
{
	if (creating || in->set_code)
		text_check(e, "code", in->code, 1, CODE_MAX);
	if (creating || in->set_name)
		text_check(e, "name", in->name, 1, NAME_MAX_CHARS);
	if ((creating || in->set_contact) && text_or_null(in->contact))
		text_check(e, "contact", in->contact, 0, NAME_MAX_CHARS);
	if ((creating || in->set_phone) && text_or_null(in->phone))
		text_check(e, "phone", in->phone, 0, 32);
	if ((creating || in->set_payment_terms) && text_or_null(in->payment_terms))
		text_check(e, "payment_terms", in->payment_terms, 0, NAME_MAX_CHARS);
	if ((creating || in->set_email) && text_or_null(in->email) &&
	    !supplier_email_valid(in->email))
		err_field(e, "email", "is not a valid e-mail address");
	if (in->lead_time_days != -1 &&
	    (in->lead_time_days < 0 || in->lead_time_days > SUPPLIER_LEAD_MAX))
		err_field(e, "lead_time_days", "must be between 0 and %d",
			  SUPPLIER_LEAD_MAX);
}

static const char SQL_SUPPLIER_CODE_TAKEN[] =
	"SELECT 1 FROM suppliers WHERE code = ? AND id <> ?";

static int code_taken(struct db *db, const char *code, int64_t except_id,
		      struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_SUPPLIER_CODE_TAKEN, "ti", code,
				      except_id);
	int rc;

	if (!st)
		return db_fail(e);
	rc = db_step(st, e);
	db_reset(st);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		err_field(e, "code", "is taken");
		return err_set(e, ERR_DUPLICATE, "supplier code %s is taken", code);
	}
	return 0;
}

/* A unique violation that raced past code_taken still answers 409 code. */
static void note_duplicate(struct err *e)
{
	if (e->code == ERR_DUPLICATE && e->nfields == 0)
		err_field(e, "code", "is taken");
}

static const char SQL_SUPPLIER_INSERT[] =
	"INSERT INTO suppliers (code, name, contact, phone, email, lead_time_days,"
	" payment_terms, active, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

int supplier_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct supplier_input *in, struct supplier **out,
		    struct err *e)
{
	struct supplier *s;
	struct db_stmt *st;
	json_t *after;
	int64_t now = ts_now_ms(), id;
	int rc;

	check_supplier(in, 1, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (code_taken(db, in->code, 0, e) < 0)
		goto fail;
	st = db_query(db, e, SQL_SUPPLIER_INSERT, "tttttitiii", in->code, in->name,
		      text_or_null(in->contact), text_or_null(in->phone),
		      text_or_null(in->email),
		      in->lead_time_days >= 0 ? in->lead_time_days : DEFAULT_LEAD_DAYS,
		      text_or_null(in->payment_terms), (int64_t)(in->active != 0),
		      now, now);
	if (!st || db_step(st, e) != DB_ROW) {
		note_duplicate(e);
		goto fail;
	}
	id = db_col_int64(st, 0);
	db_reset(st);
	if (supplier_get(db, a, id, &s, e) < 0)
		goto fail;
	after = supplier_to_json(s);
	rc = audit_commit(db, who, "create", "supplier", id, 0, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_SUPPLIER_UPDATE[] =
	"UPDATE suppliers SET code = ?, name = ?, contact = ?, phone = ?, email = ?,"
	" lead_time_days = ?, payment_terms = ?, active = ?, updated_at = ?"
	" WHERE id = ?";

int supplier_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct supplier_input *in,
		    struct supplier **out, struct err *e)
{
	struct supplier *old, *s;
	json_t *before, *after;
	int rc;

	check_supplier(in, 0, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (supplier_get(db, a, id, &old, e) < 0)
		goto fail;
	if (in->set_code && code_taken(db, in->code, id, e) < 0)
		goto fail;
	rc = db_run(db_query(db, e, SQL_SUPPLIER_UPDATE, "tttttitiii",
		in->set_code ? in->code : old->code,
		in->set_name ? in->name : old->name,
		in->set_contact ? text_or_null(in->contact) : old->contact,
		in->set_phone ? text_or_null(in->phone) : old->phone,
		in->set_email ? text_or_null(in->email) : old->email,
		in->lead_time_days >= 0 ? in->lead_time_days : old->lead_time_days,
		in->set_payment_terms ? text_or_null(in->payment_terms) : old->payment_terms,
		(int64_t)(in->active >= 0 ? in->active : old->active), ts_now_ms(), id), e);
	if (rc < 0) {
		note_duplicate(e);
		goto fail;
	}
	if (supplier_get(db, a, id, &s, e) < 0)
		goto fail;
	before = supplier_to_json(old);
	after = supplier_to_json(s);
	rc = audit_commit(db, who, "update", "supplier", id, 0, before, after, e);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- product–supplier links ------------------------------------------- */

#define LINK_COLS                                                              \
	"l.product_id, l.supplier_id, s.code, s.name, l.supplier_sku, l.cost,"  \
	" l.min_order_qty, l.pack_size, l.lead_time_days, l.preferred,"         \
	" l.created_at, l.updated_at"

static struct product_supplier *link_from_row(struct db_stmt *st, struct arena *a)
{
	struct product_supplier *l = arena_alloc(a, sizeof *l);

	l->product_id = db_col_int64(st, 0);
	l->supplier_id = db_col_int64(st, 1);
	l->supplier_code = arena_strdup(a, db_col_text(st, 2));
	l->supplier_name = arena_strdup(a, db_col_text(st, 3));
	l->supplier_sku = arena_strdup(a, db_col_text(st, 4));
	l->cost = db_col_int64(st, 5);
	l->min_order_qty = db_col_int64(st, 6);
	l->pack_size = db_col_int64(st, 7);
	l->lead_time_days = db_col_null(st, 8) ? -1 : db_col_int64(st, 8);
	l->preferred = (int)db_col_int64(st, 9);
	l->created_at = db_col_int64(st, 10);
	l->updated_at = db_col_int64(st, 11);
	return l;
}

json_t *product_supplier_to_json(const struct product_supplier *l)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:o,s:I,s:o,s:o,s:o,s:b,s:o,s:o}",
			 "product_id", (json_int_t)l->product_id,
			 "supplier_id", (json_int_t)l->supplier_id,
			 "supplier_code", l->supplier_code,
			 "supplier_name", l->supplier_name,
			 "supplier_sku", jx_strn(l->supplier_sku),
			 "cost", (json_int_t)l->cost,
			 "min_order_qty", jx_qty_value(l->min_order_qty),
			 "pack_size", jx_qty_value(l->pack_size),
			 "lead_time_days", l->lead_time_days >= 0
				 ? json_integer(l->lead_time_days) : json_null(),
			 "preferred", l->preferred,
			 "created_at", jx_time(l->created_at),
			 "updated_at", jx_time(l->updated_at));
}

static const char SQL_LINK_GET[] =
	"SELECT " LINK_COLS " FROM product_suppliers l"
	" JOIN suppliers s ON s.id = l.supplier_id"
	" WHERE l.product_id = ? AND l.supplier_id = ?";

int product_supplier_find(struct db *db, struct arena *a, int64_t product_id,
			  int64_t supplier_id, struct product_supplier **out,
			  struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_LINK_GET, "ii", product_id,
				      supplier_id);
	int rc;

	*out = NULL;
	if (!st)
		return db_fail(e);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*out = link_from_row(st, a);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* Takes the product row's lock (PostgreSQL: FOR NO KEY UPDATE, which does
 * not block inserts that reference it), so that two links set preferred at
 * once cannot both stay preferred. ERR_NOT_FOUND if there is no product. */
static const char SQL_PRODUCT_LOCK[] =
	"UPDATE products SET updated_at = updated_at WHERE id = ?";

static int product_lock(struct db *db, int64_t product_id, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_PRODUCT_LOCK, "i", product_id);

	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	if (db_changes(st) == 0)
		return err_set(e, ERR_NOT_FOUND, "no product %lld",
			       (long long)product_id);
	return 0;
}

static const char SQL_PRODUCT_EXISTS[] = "SELECT 1 FROM products WHERE id = ?";

static const char SQL_LINK_UPSERT[] =
	"INSERT INTO product_suppliers (product_id, supplier_id, supplier_sku, cost,"
	" min_order_qty, pack_size, lead_time_days, preferred, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, -1), ?, ?, ?)"
	" ON CONFLICT (product_id, supplier_id) DO UPDATE SET"
	" supplier_sku = excluded.supplier_sku, cost = excluded.cost,"
	" min_order_qty = excluded.min_order_qty, pack_size = excluded.pack_size,"
	" lead_time_days = excluded.lead_time_days, preferred = excluded.preferred,"
	" updated_at = excluded.updated_at";
static const char SQL_LINK_CLEAR_PREFERRED[] =
	"UPDATE product_suppliers SET preferred = 0, updated_at = ?"
	" WHERE product_id = ? AND supplier_id <> ? AND preferred = 1";

static void check_link(const struct product_supplier_input *in, struct err *e)
{
	if (in->supplier_sku && *in->supplier_sku)
		text_check(e, "supplier_sku", in->supplier_sku, 0, 64);
	if (in->cost < 0)
		err_field(e, "cost", "is required");
	else if (in->cost > MONEY_MAX)
		err_field(e, "cost", "is too large");
	if (in->min_order_qty < 0)
		err_field(e, "min_order_qty", "must be greater than 0");
	if (in->pack_size < 0)
		err_field(e, "pack_size", "must be greater than 0");
	if (in->lead_time_days < -1 || in->lead_time_days > SUPPLIER_LEAD_MAX)
		err_field(e, "lead_time_days", "must be between 0 and %d",
			  SUPPLIER_LEAD_MAX);
}

int product_supplier_put(struct db *db, struct arena *a, const struct actor *who,
			 int64_t product_id, int64_t supplier_id,
			 const struct product_supplier_input *in,
			 struct product_supplier **out, int *created,
			 struct err *e)
{
	struct product_supplier *old, *l;
	struct supplier *s;
	json_t *before = NULL, *after;
	int64_t now = ts_now_ms();
	int rc;

	check_link(in, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (product_lock(db, product_id, e) < 0 ||
	    supplier_get(db, a, supplier_id, &s, e) < 0 ||
	    product_supplier_find(db, a, product_id, supplier_id, &old, e) < 0)
		goto fail;
	if (in->preferred &&
	    db_run(db_query(db, e, SQL_LINK_CLEAR_PREFERRED, "iii", now, product_id,
			    supplier_id), e) < 0)
		goto fail;
	if (db_run(db_query(db, e, SQL_LINK_UPSERT, "iitiiiiiii", product_id,
			    supplier_id, text_or_null(in->supplier_sku), in->cost,
			    in->min_order_qty ? in->min_order_qty : QTY_SCALE,
			    in->pack_size ? in->pack_size : QTY_SCALE,
			    in->lead_time_days, (int64_t)(in->preferred != 0),
			    old ? old->created_at : now, now), e) < 0)
		goto fail;
	if (product_supplier_find(db, a, product_id, supplier_id, &l, e) < 0)
		goto fail;
	if (old)
		before = product_supplier_to_json(old);
	after = product_supplier_to_json(l);
	rc = audit_commit(db, who, old ? "update" : "create", "product_supplier",
		       product_id, 0, before, after, e);
	if (rc < 0)
		goto fail;
	*out = l;
	*created = old == NULL;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_LINK_DELETE[] =
	"DELETE FROM product_suppliers WHERE product_id = ? AND supplier_id = ?";

int product_supplier_delete(struct db *db, const struct actor *who,
			    int64_t product_id, int64_t supplier_id,
			    struct err *e)
{
	struct arena *a = arena_new();
	struct product_supplier *old;
	json_t *before;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if (product_supplier_find(db, a, product_id, supplier_id, &old, e) < 0)
		goto fail;
	if (!old) {
		err_set(e, ERR_NOT_FOUND, "product %lld has no supplier %lld",
			(long long)product_id, (long long)supplier_id);
		goto fail;
	}
	if (db_run(db_query(db, e, SQL_LINK_DELETE, "ii", product_id, supplier_id),
		   e) < 0)
		goto fail;
	before = product_supplier_to_json(old);
	rc = audit_commit(db, who, "delete", "product_supplier", product_id, 0, before,
		       NULL, e);
	if (rc < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
	rc = db_fail(e);
out:
	arena_free(a);
	return rc;
}

static const char SQL_LINK_LIST[] =
	"SELECT " LINK_COLS " FROM product_suppliers l"
	" JOIN suppliers s ON s.id = l.supplier_id"
	" WHERE l.product_id = ? ORDER BY l.preferred DESC, s.code";

int product_supplier_list(struct db *db, struct arena *a, int64_t product_id,
			  struct product_supplier ***out, int *n, struct err *e)
{
	struct db_stmt *st;
	struct page pg;
	int rc = db_exists(db_query(db, e, SQL_PRODUCT_EXISTS, "i", product_id), e);

	if (rc < 0)
		return rc;
	if (!rc)
		return err_set(e, ERR_NOT_FOUND, "no product %lld", (long long)product_id);
	if (!(st = db_query(db, e, SQL_LINK_LIST, "i", product_id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct product_supplier *));
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct product_supplier **)page_add(&pg) = link_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}
