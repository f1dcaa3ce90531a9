/* coupon.c: coupon templates and coupons (see coupon.h): checked writes,
 * audited; codes from libsodium's random bytes; expiry by company day. */
#include "domain/loyalty/coupon.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "db/page.h"
#include "domain/crm/customer_scope.h"
#include "domain/org/audit.h"

const char *const coupon_kinds[] = {"amount_off", "percent_off", "gift", NULL};
const char *const coupon_statuses[] = {"issued", "redeemed", "expired", "cancelled", NULL};

/* 31 characters: no 0/O, 1/I/L. */
static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define CODE_CHARS 15
#define CODE_GROUP 5
#define CODE_TRIES 8

#define TEMPLATE_COLS                                                                      \
	"id, name, kind, value, min_spend, max_discount, valid_days, valid_from, valid_to, " \
	"store_ids, category_ids, per_customer_limit, stackable, active, created_at, updated_at"
#define COUPON_COLS                                                                       \
	"id, code, template_id, customer_id, batch_id, status, issued_at, expires_at, "   \
	"issued_by, reason, sale_id, redeemed_at, store_id, discount"

/* ---- codes ---- */

void coupon_code_new(char *out)
{
	int k = 0;
	for (int i = 0; i < CODE_CHARS; i++) {
		if (i && i % CODE_GROUP == 0)
			out[k++] = '-';
		out[k++] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
	}
	out[k] = 0;
}

int coupon_code_normalize(const char *in, char *out)
{
	char raw[CODE_CHARS];
	int n = 0;
	if (!in)
		return -1;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!strchr(CODE_ALPHABET, c) || c == 0 || n == CODE_CHARS)
			return -1;
		raw[n++] = c;
	}
	if (n != CODE_CHARS)
		return -1;
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (i && i % CODE_GROUP == 0)
			out[k++] = '-';
		out[k++] = raw[i];
	}
	out[k] = 0;
	return 0;
}

/* ---- days ---- */

/* day + n days ('YYYY-MM-DD'); out needs 11 bytes. -1 if day is bad. */
static int day_add(const char *day, int64_t n, char *out, size_t size)
{
	if (!ts_day_valid(day))
		return -1;
	int64_t y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
	int m = (day[5] - '0') * 10 + (day[6] - '0'), d = (day[8] - '0') * 10 + (day[9] - '0');
	tz_civil_from_days(tz_days_from_civil(y, m, d) + n, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -1;
	snprintf(out, size, "%04lld-%02d-%02d", (long long)y, m, d);
	return 0;
}

/* The end of company day `day`: the next day's midnight. */
static int day_end(const char *day, int64_t *out)
{
	char next[11];
	return day_add(day, 1, next, sizeof next) < 0 ? -1 : ts_day_start(next, out);
}

int coupon_expiry(const struct coupon_template *t, int64_t now, int64_t *expires_at,
		  struct err *e)
{
	char today[11], last[11];
	int64_t at = INT64_MAX, end;
	ts_day(now, today, sizeof today);
	if (t->valid_days > 0) {
		if (day_add(today, t->valid_days - 1, last, sizeof last) < 0 || day_end(last, &end) < 0)
			return err_set(e, ERR_INVALID, "the validity is out of range");
		at = end;
	}
	if (t->valid_to) {
		if (day_end(t->valid_to, &end) < 0)
			return err_set(e, ERR_INVALID, "the validity is out of range");
		if (end < at)
			at = end;
	}
	if (at == INT64_MAX || at <= now) {
		err_field(e, "template_id", "the template's validity has ended");
		return err_fields_done(e);
	}
	*expires_at = at;
	return 0;
}

/* ---- templates ---- */

json_t *coupon_template_to_json(const struct coupon_template *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "name", jx_strn(t->name));
	json_object_set_new(o, "kind", jx_strn(t->kind));
	json_object_set_new(o, "value", json_integer(t->value));
	json_object_set_new(o, "min_spend", json_integer(t->min_spend));
	json_object_set_new(o, "max_discount",
			    t->max_discount ? json_integer(t->max_discount) : json_null());
	json_object_set_new(o, "valid_days", t->valid_days ? json_integer(t->valid_days) : json_null());
	json_object_set_new(o, "valid_from", jx_strn(t->valid_from));
	json_object_set_new(o, "valid_to", jx_strn(t->valid_to));
	json_object_set_new(o, "store_ids", jx_ids_json(t->store_ids, t->nstore_ids));
	json_object_set_new(o, "category_ids", jx_ids_json(t->category_ids, t->ncategory_ids));
	json_object_set_new(o, "per_customer_limit", json_integer(t->per_customer_limit));
	json_object_set_new(o, "stackable", json_boolean(t->stackable));
	json_object_set_new(o, "active", json_boolean(t->active));
	json_object_set_new(o, "created_at", jx_time(t->created_at));
	json_object_set_new(o, "updated_at", jx_time(t->updated_at));
	return o;
}

int coupon_template_in_store(const struct coupon_template *t, int64_t store_id)
{
	if (t->nstore_ids == 0)
		return 1;
	for (int i = 0; i < t->nstore_ids; i++)
		if (t->store_ids[i] == store_id)
			return 1;
	return 0;
}

static const char *kind_entry(const char *k)
{
	for (int i = 0; k && coupon_kinds[i]; i++)
		if (strcmp(coupon_kinds[i], k) == 0)
			return coupon_kinds[i];
	return NULL;
}

static int template_from_row(struct db_stmt *st, struct arena *a, struct coupon_template **out,
			     struct err *e)
{
	struct coupon_template *t = arena_calloc(a, 1, sizeof *t);
	t->id = db_col_int64(st, 0);
	t->name = arena_strdup(a, db_col_text(st, 1));
	t->kind = kind_entry(db_col_text(st, 2));
	t->value = db_col_int64(st, 3);
	t->min_spend = db_col_int64(st, 4);
	t->max_discount = db_col_int64(st, 5);
	t->valid_days = db_col_int64(st, 6);
	t->valid_from = arena_strdup(a, db_col_text(st, 7));
	t->valid_to = arena_strdup(a, db_col_text(st, 8));
	int bad = jx_ids_parse(a, db_col_text(st, 9), &t->store_ids, &t->nstore_ids) |
		  jx_ids_parse(a, db_col_text(st, 10), &t->category_ids, &t->ncategory_ids);
	t->per_customer_limit = db_col_int64(st, 11);
	t->stackable = db_col_int64(st, 12) != 0;
	t->active = db_col_int64(st, 13) != 0;
	t->created_at = db_col_int64(st, 14);
	t->updated_at = db_col_int64(st, 15);
	if (bad || !t->kind)
		return err_set(e, ERR_DB, "coupon template %lld is damaged", (long long)t->id);
	*out = t;
	return 0;
}

int coupon_template_get(struct db *db, struct arena *a, int64_t id, struct coupon_template **out,
			struct err *e)
{
	static const char sql[] = "SELECT " TEMPLATE_COLS " FROM coupon_templates WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "coupon template", id, e);
	if (rc < 0)
		return rc;
	rc = template_from_row(st, a, out, e);
	db_reset(st);
	return rc;
}

int coupon_template_list(struct db *db, struct arena *a, const struct coupon_template_filter *f,
			 struct coupon_template ***out, int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " TEMPLATE_COLS " FROM coupon_templates WHERE id > ? "
		"AND (? = -1 OR active = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR lower(name) LIKE ? ESCAPE '\\') ORDER BY id LIMIT ?";
	const char *pat = db_like_pattern(a, f->q);
	struct page pg;
	int rc;
	page_init(&pg, a, f->limit, sizeof(struct coupon_template *));
	struct db_stmt *st = db_query(db, e, sql, "iiitti", f->after_id, (int64_t)f->active,
				      (int64_t)f->active, pat, pat, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		if ((rc = template_from_row(st, a, page_add(&pg), e)) < 0)
			break;
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* t = old (NULL: defaults) with in's changes; every bad field noted, the
 * references checked. 0 or a db error. */
static int template_build(struct db *db, struct arena *a, const struct coupon_template *old,
			  const struct coupon_template_input *in, struct coupon_template *t,
			  struct err *e)
{
	static const char sql_store[] = "SELECT 1 FROM stores WHERE id = ?";
	static const char sql_cat[] = "SELECT 1 FROM categories WHERE id = ?";
	static const char sql_product[] = "SELECT 1 FROM products WHERE id = ? AND active = 1";
	int creating = old == NULL, rc;
	if (old)
		*t = *old;
	else
		*t = (struct coupon_template){.stackable = 1, .active = 1};
	if (creating || in->set_name) {
		if (!in->name)
			err_field(e, "name", "is required");
		else if (text_blank(in->name, strlen(in->name)))
			err_field(e, "name", "must not be empty");
		else if (utf8_chars(in->name) > COUPON_NAME_MAX)
			err_field(e, "name", "must be at most %d characters", COUPON_NAME_MAX);
		t->name = arena_strdup(a, in->name);
	}
	if (creating || in->set_kind) {
		t->kind = kind_entry(in->kind);
		if (!t->kind)
			err_field(e, "kind", in->kind ? "must be one of: amount_off, percent_off, gift"
						      : "is required");
	}
	if (creating || in->set_value || in->set_kind) {
		if (!in->set_value)
			err_field(e, "value", creating ? "is required" : "is required when kind changes");
		else
			t->value = in->value;
	}
	if (creating || in->set_min_spend)
		t->min_spend = in->set_min_spend ? in->min_spend : 0;
	if (creating || in->set_max_discount)
		t->max_discount = in->set_max_discount ? in->max_discount : 0;
	if (creating || in->set_valid_days)
		t->valid_days = in->set_valid_days ? in->valid_days : 0;
	if (creating || in->set_valid_from)
		t->valid_from = in->set_valid_from ? arena_strdup(a, in->valid_from) : NULL;
	if (creating || in->set_valid_to)
		t->valid_to = in->set_valid_to ? arena_strdup(a, in->valid_to) : NULL;
	if (creating || in->set_store_ids) {
		t->store_ids = jx_ids_sorted(a, in->store_ids, in->nstore_ids);
		t->nstore_ids = in->nstore_ids;
	}
	if (creating || in->set_category_ids) {
		t->category_ids = jx_ids_sorted(a, in->category_ids, in->ncategory_ids);
		t->ncategory_ids = in->ncategory_ids;
	}
	if (creating || in->set_per_customer_limit)
		t->per_customer_limit = in->set_per_customer_limit ? in->per_customer_limit : 0;
	if (in->stackable >= 0)
		t->stackable = in->stackable;
	if (in->active >= 0)
		t->active = in->active;

	/* The template as a whole. */
	if (t->kind && (in->set_value || in->set_kind)) {
		if (strcmp(t->kind, "amount_off") == 0 && (t->value < 1 || t->value > MONEY_MAX))
			err_field(e, "value", "must be an amount of at least 1 (minor units)");
		else if (strcmp(t->kind, "percent_off") == 0 && (t->value < 1 || t->value > 10000))
			err_field(e, "value", "must be basis points between 1 and 10000");
		else if (strcmp(t->kind, "gift") == 0) {
			if (t->value < 1)
				err_field(e, "value", "must be the id of the gift product");
			else if ((rc = db_exists(db_query(db, e, sql_product, "i", t->value), e)) < 0)
				return rc;
			else if (!rc)
				err_field(e, "value", "product %lld does not exist or is not sold",
					  (long long)t->value);
		}
	}
	if (t->min_spend < 0 || t->min_spend > MONEY_MAX)
		err_field(e, "min_spend", "must be an amount of 0 or more");
	if (t->max_discount < 0 || t->max_discount > MONEY_MAX)
		err_field(e, "max_discount", "must be an amount of 1 or more, or null");
	else if (t->max_discount && t->kind && strcmp(t->kind, "percent_off") != 0)
		err_field(e, "max_discount", "caps percent_off coupons only");
	if (t->valid_days < 0 || t->valid_days > COUPON_VALID_DAYS_MAX)
		err_field(e, "valid_days", "must be between 1 and %d, or null", COUPON_VALID_DAYS_MAX);
	if (t->valid_days && t->valid_to)
		err_field(e, "valid_days", "give valid_days or valid_from/valid_to, not both");
	else if (!t->valid_days && !t->valid_to)
		err_field(e, "valid_days", "is required (or valid_to)");
	if (t->valid_from && !t->valid_to)
		err_field(e, "valid_from", "goes with valid_to");
	if (t->valid_from && t->valid_to && strcmp(t->valid_from, t->valid_to) > 0)
		err_field(e, "valid_to", "must not be before valid_from");
	if (t->nstore_ids > COUPON_MAX_IDS)
		err_field(e, "store_ids", "must have at most %d ids", COUPON_MAX_IDS);
	if (t->ncategory_ids > COUPON_MAX_IDS)
		err_field(e, "category_ids", "must have at most %d ids", COUPON_MAX_IDS);
	if (t->per_customer_limit < 0 || t->per_customer_limit > 1000000)
		err_field(e, "per_customer_limit", "must be between 0 (no limit) and 1000000");
	if ((creating || in->set_store_ids) &&
	    (rc = db_ids_exist(db, sql_store, "store", "store_ids", t->store_ids, t->nstore_ids, e)) < 0)
		return rc;
	if ((creating || in->set_category_ids) &&
	    (rc = db_ids_exist(db, sql_cat, "category", "category_ids", t->category_ids,
			    t->ncategory_ids, e)) < 0)
		return rc;
	return 0;
}

/* Binds parameters 1-13 of an INSERT or UPDATE: name, kind, value,
 * min_spend, max_discount, valid_days, valid_from, valid_to, store_ids,
 * category_ids, per_customer_limit, stackable, active. */
static struct db_stmt *template_query(struct db *db, struct arena *a, const char *sql,
				      const struct coupon_template *t, struct err *e)
{
	return db_query(db, e, sql, "ttiiIIttttiii", t->name, t->kind, t->value, t->min_spend,
			t->max_discount, t->valid_days, t->valid_from, t->valid_to,
			jx_ids_text(a, t->store_ids, t->nstore_ids),
			jx_ids_text(a, t->category_ids, t->ncategory_ids), t->per_customer_limit,
			(int64_t)t->stackable, (int64_t)t->active);
}

/* Reads template id back, audits old -> new and commits. */
static int template_saved(struct db *db, struct arena *a, const struct actor *who,
			  const char *action, int64_t id, const struct coupon_template *old,
			  struct coupon_template **out, struct err *e)
{
	struct coupon_template *t;
	int rc = coupon_template_get(db, a, id, &t, e);
	if (rc < 0)
		return rc;
	rc = audit_commit(db, who, action, "coupon_template", id, 0,
			  old ? coupon_template_to_json(old) : NULL, coupon_template_to_json(t), e);
	if (rc < 0)
		return rc;
	*out = t;
	return 0;
}

int coupon_template_create(struct db *db, struct arena *a, const struct actor *who,
			   const struct coupon_template_input *in,
			   struct coupon_template **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO coupon_templates (name, kind, value, min_spend, max_discount, valid_days, "
		"valid_from, valid_to, store_ids, category_ids, per_customer_limit, stackable, active, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id";
	struct coupon_template t;
	int64_t now = ts_now_ms(), id = 0;
	int rc = template_build(db, a, NULL, in, &t, e);
	if (rc < 0 || (rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st = template_query(db, a, sql, &t, e);
	if (st) {
		db_bind_int64(st, 14, now);
		db_bind_int64(st, 15, now);
	}
	if (db_int(st, &id, e) <= 0 ||
	    template_saved(db, a, who, "create", id, NULL, out, e) < 0) {
		db_rollback(db);
		return db_fail(e);
	}
	return 0;
}

int coupon_template_update(struct db *db, struct arena *a, const struct actor *who,
			   int64_t id, const struct coupon_template_input *in,
			   struct coupon_template **out, struct err *e)
{
	static const char sql[] =
		"UPDATE coupon_templates SET name = ?, kind = ?, value = ?, min_spend = ?, "
		"max_discount = ?, valid_days = ?, valid_from = ?, valid_to = ?, store_ids = ?, "
		"category_ids = ?, per_customer_limit = ?, stackable = ?, active = ?, updated_at = ? "
		"WHERE id = ?";
	struct coupon_template *old, t;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = coupon_template_get(db, a, id, &old, e)) < 0 ||
	    (rc = template_build(db, a, old, in, &t, e)) < 0 || (rc = err_fields_done(e)) < 0)
		goto fail;
	struct db_stmt *st = template_query(db, a, sql, &t, e);
	if (st) {
		db_bind_int64(st, 14, ts_now_ms());
		db_bind_int64(st, 15, id);
	}
	if (db_run(st, e) < 0 || template_saved(db, a, who, "update", id, old, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- coupons ---- */

static const char *status_entry(const char *s)
{
	for (int i = 0; s && coupon_statuses[i]; i++)
		if (strcmp(coupon_statuses[i], s) == 0)
			return coupon_statuses[i];
	return "issued";
}

static void coupon_read(struct db_stmt *st, struct arena *a, struct coupon *c)
{
	c->id = db_col_int64(st, 0);
	c->code = arena_strdup(a, db_col_text(st, 1));
	c->template_id = db_col_int64(st, 2);
	c->customer_id = db_col_int64(st, 3);
	c->batch_id = db_col_int64(st, 4);
	c->status = status_entry(db_col_text(st, 5));
	c->issued_at = db_col_int64(st, 6);
	c->expires_at = db_col_int64(st, 7);
	c->issued_by = db_col_int64(st, 8);
	c->reason = arena_strdup(a, db_col_text(st, 9));
	c->sale_id = db_col_int64(st, 10);
	c->redeemed_at = db_col_int64(st, 11);
	c->store_id = db_col_int64(st, 12);
	c->discount = db_col_int64(st, 13);
}

static json_t *id_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

json_t *coupon_to_json(const struct coupon *c, int64_t now)
{
	const char *status = c->status;
	if (now && strcmp(status, "issued") == 0 && c->expires_at <= now)
		status = "expired";
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "code", json_string(c->code));
	json_object_set_new(o, "template_id", json_integer(c->template_id));
	json_object_set_new(o, "customer_id", id_or_null(c->customer_id));
	json_object_set_new(o, "batch_id", id_or_null(c->batch_id));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "issued_at", jx_time(c->issued_at));
	json_object_set_new(o, "expires_at", jx_time(c->expires_at));
	json_object_set_new(o, "issued_by", id_or_null(c->issued_by));
	json_object_set_new(o, "reason", jx_strn(c->reason));
	json_object_set_new(o, "sale_id", id_or_null(c->sale_id));
	json_object_set_new(o, "redeemed_at", jx_time(c->redeemed_at));
	json_object_set_new(o, "store_id", id_or_null(c->store_id));
	json_object_set_new(o, "discount", json_integer(c->discount));
	return o;
}

int coupon_get(struct db *db, struct arena *a, int64_t id, struct coupon **out, struct err *e)
{
	static const char sql[] = "SELECT " COUPON_COLS " FROM coupons WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "coupon", id, e);
	if (rc < 0)
		return rc;
	struct coupon *c = arena_calloc(a, 1, sizeof *c);
	coupon_read(st, a, c);
	db_reset(st);
	*out = c;
	return 0;
}

int coupon_get_by_code(struct db *db, struct arena *a, const char *code, struct coupon **out,
		       struct err *e)
{
	static const char sql[] = "SELECT " COUPON_COLS " FROM coupons WHERE code = ?";
	char norm[COUPON_CODE_LEN + 1];
	if (coupon_code_normalize(code, norm) < 0)
		return err_set(e, ERR_NOT_FOUND, "no coupon has this code");
	struct db_stmt *st = db_query(db, e, sql, "t", norm);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc != DB_ROW) {
		db_reset(st);
		return err_set(e, ERR_NOT_FOUND, "no coupon has this code");
	}
	struct coupon *c = arena_calloc(a, 1, sizeof *c);
	coupon_read(st, a, c);
	db_reset(st);
	*out = c;
	return 0;
}

int coupon_visible(struct db *db, const struct actor *who, const struct coupon *c, struct err *e)
{
	if (!c->customer_id || !who->user || !(who->user->role & ROLE_STORE_BOUND))
		return 1;
	struct err ce;
	err_init(&ce);
	int rc = customer_visible(db, who, c->customer_id, &ce);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc < 0) {
		*e = ce;
		return rc;
	}
	return 1;
}

/* Inserts a coupon with a fresh code, drawing again on the (unlikely)
 * clash with an existing one. */
static int insert_coupon(struct db *db, struct arena *a, const struct actor *who,
			 const struct coupon_template *t, int64_t customer_id, int64_t batch_id,
			 const char *reason, int64_t now, int64_t expires_at, struct coupon **out,
			 struct err *e)
{
	static const char sql[] =
		"INSERT INTO coupons (code, template_id, customer_id, batch_id, status, issued_at, "
		"expires_at, issued_by, reason) VALUES (?, ?, ?, ?, 'issued', ?, ?, ?, ?) "
		"ON CONFLICT (code) DO NOTHING RETURNING id";
	char code[COUPON_CODE_LEN + 1];
	int64_t uid = who->user ? who->user->id : 0, id = 0;
	for (int i = 0; i < CODE_TRIES && !id; i++) {
		coupon_code_new(code);
		int rc = db_int(db_query(db, e, sql, "tiIIiiIt", code, t->id, customer_id, batch_id,
					 now, expires_at, uid, reason),
				&id, e);
		if (rc < 0)
			return rc;
	}
	if (!id)
		return err_set(e, ERR_INTERNAL, "no free coupon code found");
	if (out) {
		struct coupon *c = arena_calloc(a, 1, sizeof *c);
		*c = (struct coupon){.id = id, .code = arena_strdup(a, code), .template_id = t->id,
				     .customer_id = customer_id, .batch_id = batch_id,
				     .status = coupon_statuses[0], .issued_at = now,
				     .expires_at = expires_at, .issued_by = uid,
				     .reason = arena_strdup(a, reason)};
		*out = c;
	}
	return 0;
}

int coupon_issue_tx(struct db *db, struct arena *a, const struct actor *who,
		    const struct coupon_template *t, int64_t customer_id, const char *reason,
		    int64_t now, struct coupon **out, struct err *e)
{
	/* A no-op write that locks the customer's row on PostgreSQL, so that
	 * two issues for one customer count one after the other. */
	static const char sql_lock[] = "UPDATE customers SET updated_at = updated_at WHERE id = ?";
	static const char sql_count[] =
		"SELECT COUNT(*) FROM coupons WHERE template_id = ? AND customer_id = ? "
		"AND status <> 'cancelled'";
	int64_t expires_at, held = 0;
	if (!t->active) {
		err_field(e, "template_id", "the template is not active");
		return err_fields_done(e);
	}
	int rc = coupon_expiry(t, now, &expires_at, e);
	if (rc < 0)
		return rc;
	if (t->per_customer_limit > 0) {
		struct db_stmt *st = db_query(db, e, sql_lock, "i", customer_id);
		if (!st || db_run(st, e) < 0 ||
		    db_int(db_query(db, e, sql_count, "ii", t->id, customer_id), &held, e) < 0)
			return db_fail(e);
		if (held >= t->per_customer_limit)
			return err_set(e, ERR_CONFLICT,
				       "customer %lld already got %lld coupon(s) of template %lld "
				       "(limit %lld)", (long long)customer_id, (long long)held,
				       (long long)t->id, (long long)t->per_customer_limit);
	}
	return insert_coupon(db, a, who, t, customer_id, 0, reason, now, expires_at, out, e);
}

int coupon_issue(struct db *db, struct arena *a, const struct actor *who, int64_t template_id,
		 int64_t customer_id, const char *reason, struct coupon **out, struct err *e)
{
	struct coupon_template *t;
	int rc = coupon_template_get(db, a, template_id, &t, e);
	if (rc == ERR_NOT_FOUND) {
		err_init(e);
		err_field(e, "template_id", "coupon template %lld does not exist", (long long)template_id);
	} else if (rc < 0) {
		return rc;
	}
	struct err ce;
	err_init(&ce);
	if ((rc = customer_visible(db, who, customer_id, &ce)) == ERR_NOT_FOUND) {
		err_field(e, "customer_id", "customer %lld does not exist", (long long)customer_id);
	} else if (rc < 0) {
		*e = ce;
		return rc;
	}
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	int64_t now = ts_now_ms();
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = coupon_issue_tx(db, a, who, t, customer_id, reason, now, out, e)) < 0)
		goto fail;
	json_t *after = coupon_to_json(*out, now);
	if ((rc = audit_commit(db, who, "issue", "coupon", (*out)->id, 0, NULL, after, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int coupon_batch_create(struct db *db, struct arena *a, const struct actor *who,
			int64_t template_id, int64_t count, json_t **out, struct err *e)
{
	static const char sql_batch[] =
		"INSERT INTO coupon_batches (template_id, count, expires_at, created_by, created_at) "
		"VALUES (?, ?, ?, ?, ?) RETURNING id";
	struct coupon_template *t = NULL;
	int rc = coupon_template_get(db, a, template_id, &t, e);
	if (rc == ERR_NOT_FOUND) {
		err_init(e);
		err_field(e, "template_id", "coupon template %lld does not exist", (long long)template_id);
	} else if (rc < 0) {
		return rc;
	} else if (!t->active) {
		err_field(e, "template_id", "the template is not active");
	}
	if (count < 1 || count > COUPON_BATCH_MAX)
		err_field(e, "count", "must be between 1 and %d", COUPON_BATCH_MAX);
	int64_t now = ts_now_ms(), expires_at = 0, batch_id = 0;
	if (t && t->active && !e->nfields && (rc = coupon_expiry(t, now, &expires_at, e)) < 0)
		return rc;
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	int64_t uid = who->user ? who->user->id : 0;
	if (db_int(db_query(db, e, sql_batch, "iiiIi", template_id, count, expires_at, uid, now),
		   &batch_id, e) <= 0)
		goto fail;
	json_t *codes = json_array();
	struct arena *ca = arena_new();
	for (int64_t i = 0; i < count; i++) {
		struct coupon *c;
		if (insert_coupon(db, ca, who, t, 0, batch_id, NULL, now, expires_at, &c, e) < 0) {
			json_decref(codes);
			arena_free(ca);
			goto fail;
		}
		json_array_append_new(codes, json_string(c->code));
	}
	arena_free(ca);
	json_t *o = json_pack("{s:I,s:I,s:I,s:o}", "batch_id", (json_int_t)batch_id, "template_id",
			      (json_int_t)template_id, "count", (json_int_t)count, "expires_at",
			      jx_time(expires_at));
	if ((rc = audit_commit(db, who, "create", "coupon_batch", batch_id, 0, NULL,
			       json_deep_copy(o), e)) < 0) {
		json_decref(o);
		json_decref(codes);
		goto fail;
	}
	json_object_set_new(o, "codes", codes);
	*out = o;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int coupon_list(struct db *db, struct arena *a, const struct coupon_filter *f,
		struct coupon **out, int *n, int *more, struct err *e)
{
	/* status as shown: an issued coupon past its expiry reads expired. */
	static const char sql[] =
		"SELECT " COUPON_COLS " FROM coupons c WHERE id > ? "
		"AND (CAST(? AS TEXT) IS NULL OR code = ?) "
		"AND (? = 0 OR template_id = ?) AND (? = 0 OR customer_id = ?) "
		"AND (? = 0 OR batch_id = ?) "
		"AND (CAST(? AS TEXT) IS NULL "
		" OR (? = 'issued' AND status = 'issued' AND expires_at > ?) "
		" OR (? = 'expired' AND (status = 'expired' OR (status = 'issued' AND expires_at <= ?))) "
		" OR (? IN ('redeemed', 'cancelled') AND status = ?)) "
		"AND (? = 0 OR customer_id IS NULL OR EXISTS (SELECT 1 FROM customer_stores cs "
		" JOIN user_stores us ON us.store_id = cs.store_id "
		" WHERE cs.customer_id = c.customer_id AND us.user_id = ?)) "
		"ORDER BY id LIMIT ?";
	struct page pg;
	int rc;
	page_init(&pg, a, f->limit, sizeof(struct coupon));
	struct db_stmt *st = db_query(
		db, e, sql, "ittiiiiiittitittiii", f->after_id, f->code, f->code, f->template_id,
		f->template_id, f->customer_id, f->customer_id, f->batch_id, f->batch_id, f->status,
		f->status, f->now, f->status, f->now, f->status, f->status, f->scope_user_id,
		f->scope_user_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct coupon *c = page_add(&pg);
		coupon_read(st, a, c);
		if (strcmp(c->status, "issued") == 0 && c->expires_at <= f->now)
			c->status = "expired";
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

int coupon_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  struct coupon **out, struct err *e)
{
	static const char sql[] =
		"UPDATE coupons SET status = 'cancelled' WHERE id = ? AND status = 'issued'";
	struct coupon *c;
	int64_t now = ts_now_ms();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = coupon_get(db, a, id, &c, e)) < 0)
		goto fail;
	if ((rc = coupon_visible(db, who, c, e)) <= 0) {
		if (rc == 0)
			rc = err_set(e, ERR_NOT_FOUND, "no coupon %lld", (long long)id);
		goto fail;
	}
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (db_changes(st) != 1) {
		rc = err_set(e, ERR_STATE, "coupon %s is %s: only an issued coupon can be cancelled",
			     c->code, c->status);
		goto fail;
	}
	json_t *before = coupon_to_json(c, now);
	struct coupon *after = arena_alloc(a, sizeof *after);
	*after = *c;
	after->status = "cancelled";
	if ((rc = audit_commit(db, who, "cancel", "coupon", id, 0, before, coupon_to_json(after, now),
			       e)) < 0)
		goto fail;
	*out = after;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int coupon_lookup(struct db *db, struct arena *a, const char *code, int64_t store_id,
		  int64_t customer_id, int64_t now, json_t **out, struct err *e)
{
	struct coupon *c;
	struct coupon_template *t;
	int rc = coupon_get_by_code(db, a, code, &c, e);
	if (rc < 0 || (rc = coupon_template_get(db, a, c->template_id, &t, e)) < 0)
		return rc;
	const char *why = NULL;
	int64_t from = 0;
	if (strcmp(c->status, "issued") != 0)
		why = arena_printf(a, "the coupon is %s", c->status);
	else if (c->expires_at <= now)
		why = "the coupon has expired";
	else if (t->valid_from && ts_day_start(t->valid_from, &from) == 0 && now < from)
		why = arena_printf(a, "the coupon is valid from %s", t->valid_from);
	else if (store_id && !coupon_template_in_store(t, store_id))
		why = "the coupon is not valid in this store";
	else if (c->customer_id && customer_id != c->customer_id)
		why = customer_id ? "the coupon belongs to another customer"
				  : "the coupon belongs to a customer: add the customer to the sale";
	*out = json_pack("{s:o,s:o,s:b,s:o}", "coupon", coupon_to_json(c, now), "template",
			 coupon_template_to_json(t), "usable", why == NULL, "reason", jx_strn(why));
	return 0;
}

int coupon_expire_due(struct db *db, int64_t now, int slice, int64_t *n, struct err *e)
{
	static const char sql[] =
		"UPDATE coupons SET status = 'expired' WHERE id IN (SELECT id FROM coupons "
		"WHERE status = 'issued' AND expires_at <= ? ORDER BY id LIMIT ?)";
	int64_t changed;
	*n = 0;
	do {
		int rc = db_write_count(db, e, &changed, sql, "ii", now, (int64_t)slice);
		if (rc < 0)
			return rc;
		*n += changed;
	} while (changed == slice);
	return 0;
}

int coupon_check(struct db *db, int64_t *bad, struct err *e)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM coupons c LEFT JOIN sales s ON s.id = c.sale_id "
		"WHERE (c.status = 'redeemed' AND (s.id IS NULL OR s.status = 'voided')) "
		"OR (c.status <> 'redeemed' AND c.sale_id IS NOT NULL)";
	return db_int(db_query(db, e, sql, ""), bad, e) < 0 ? db_fail(e) : 0;
}
