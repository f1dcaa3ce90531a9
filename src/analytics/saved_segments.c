/* saved_segments.c: saved customer segments (see saved_segments.h). One
 * static query serves every filter: each part is a fixed clause switched on
 * or off by a bound flag, lists are fixed runs of placeholders with the
 * unused ones bound NULL, and the RFM segments are a bound 25-character
 * mask over the R × F grid; no value is ever written into the SQL text. */
#include "analytics/saved_segments.h"

#include <stdlib.h>
#include <string.h>

#include "analytics/rfm_segments.h"
#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

#define DAY_MS 86400000LL

static const char *const channels[SEG_CHANNELS] = {"sms", "email", "wechat"};
static const char *const filter_keys[] = {
	"tiers", "tags", "tags_match", "rfm_segments", "spend_min", "spend_max",
	"recency_min_days", "recency_max_days", "home_store_ids", "birthday_month",
	"consent", "bought_category_id", "bought_from", "bought_to", NULL};

/* ---- the filter as JSON ------------------------------------------------- */

/* An array of distinct non-empty strings under key (at most max, each at
 * most maxlen characters) into out. */
static int read_strings(json_t *obj, const char *key, int max, size_t maxlen,
			const char **out, struct err *e)
{
	char field[48];
	json_t *arr, *v;
	size_t i;
	int n = 0;

	snprintf(field, sizeof field, "filter.%s", key);
	arr = json_object_get(obj, key);
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		err_type(e, field, "an array of strings");
		return 0;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			err_type(e, field, "an array of strings");
			return 0;
		}
		const char *s = json_string_value(v);
		if (text_blank(s, strlen(s)) || utf8_chars(s) > maxlen) {
			err_field(e, field, "each item must be 1 to %zu characters", maxlen);
			return 0;
		}
		int dup = 0;
		for (int k = 0; k < n; k++)
			dup |= strcmp(out[k], s) == 0;
		if (dup)
			continue;
		if (n == max) {
			err_field(e, field, "must hold at most %d items", max);
			return 0;
		}
		out[n++] = s;
	}
	return n;
}

/* An optional integer under key into *out (left as it is when absent). */
static void read_int(json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
		     struct err *e)
{
	char field[48];
	json_t *v = json_object_get(obj, key);

	snprintf(field, sizeof field, "filter.%s", key);
	if (!v || json_is_null(v))
		return;
	if (json_is_real(v)) {
		err_field(e, field, "must be a whole number");
		return;
	}
	if (!json_is_integer(v)) {
		err_type(e, field, "an integer");
		return;
	}
	json_int_t x = json_integer_value(v);
	if (x < min || x > max)
		err_field(e, field, "must be between %lld and %lld", (long long)min, (long long)max);
	else
		*out = x;
}

static void read_day(json_t *obj, const char *key, const char **out, struct err *e)
{
	char field[48];
	json_t *v = json_object_get(obj, key);

	snprintf(field, sizeof field, "filter.%s", key);
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v))
		err_type(e, field, "a date (YYYY-MM-DD)");
	else if (!ts_day_valid(json_string_value(v)))
		err_field(e, field, "is not a valid date (YYYY-MM-DD)");
	else
		*out = json_string_value(v);
}

void seg_filter_read(json_t *obj, struct arena *a, struct seg_filter *f, struct err *e)
{
	const char *tmp[SEG_TAGS_MAX + SEG_STORES_MAX];
	json_t *v;
	int64_t month = 0;

	(void)a;
	memset(f, 0, sizeof *f);
	f->spend_min = f->spend_max = f->recency_min = f->recency_max = -1;
	if (!obj || json_is_null(obj))
		return;
	if (!json_is_object(obj)) {
		err_type(e, "filter", "an object");
		return;
	}
	const char *k;
	json_object_foreach(obj, k, v) {
		int known = 0;
		for (int i = 0; filter_keys[i]; i++)
			known |= strcmp(k, filter_keys[i]) == 0;
		if (!known)
			err_field(e, arena_printf(a, "filter.%s", k), "is not a known filter");
	}
	f->ntiers = read_strings(obj, "tiers", SEG_TIERS_MAX, 32, f->tiers, e);
	f->ntags = read_strings(obj, "tags", SEG_TAGS_MAX, 32, f->tags, e);
	f->nrfm = read_strings(obj, "rfm_segments", SEG_RFM_MAX, 32, f->rfm, e);
	if ((v = json_object_get(obj, "tags_match")) && !json_is_null(v)) {
		const char *m = json_is_string(v) ? json_string_value(v) : NULL;
		if (!m)
			err_type(e, "filter.tags_match", "a string");
		else if (strcmp(m, "all") == 0)
			f->tags_all = 1;
		else if (strcmp(m, "any") != 0)
			err_field(e, "filter.tags_match", "must be one of: any, all");
	}
	read_int(obj, "spend_min", 0, 10000000000000LL, &f->spend_min, e);
	read_int(obj, "spend_max", 0, 10000000000000LL, &f->spend_max, e);
	read_int(obj, "recency_min_days", 0, SEG_RECENCY_MAX_DAYS, &f->recency_min, e);
	read_int(obj, "recency_max_days", 0, SEG_RECENCY_MAX_DAYS, &f->recency_max, e);
	read_int(obj, "birthday_month", 1, 12, &month, e);
	f->birthday_month = (int)month;
	read_int(obj, "bought_category_id", 1, INT64_MAX, &f->bought_category_id, e);
	read_day(obj, "bought_from", &f->bought_from, e);
	read_day(obj, "bought_to", &f->bought_to, e);
	/* home stores: positive integers */
	if ((v = json_object_get(obj, "home_store_ids")) && !json_is_null(v)) {
		json_t *x;
		size_t i;
		if (!json_is_array(v)) {
			err_type(e, "filter.home_store_ids", "an array of store ids");
		} else {
			json_array_foreach(v, i, x) {
				if (!json_is_integer(x)) {
					err_type(e, "filter.home_store_ids", "an array of store ids");
					break;
				}
				int64_t id = json_integer_value(x), dup = 0;
				if (id < 1) {
					err_field(e, "filter.home_store_ids", "must hold store ids");
					break;
				}
				for (int j = 0; j < f->nstores; j++)
					dup |= f->stores[j] == id;
				if (dup)
					continue;
				if (f->nstores == SEG_STORES_MAX) {
					err_field(e, "filter.home_store_ids", "must hold at most %d stores",
						  SEG_STORES_MAX);
					break;
				}
				f->stores[f->nstores++] = id;
			}
		}
	}
	/* consent: channel names, checked here since they are a fixed set */
	int nch = read_strings(obj, "consent", SEG_TAGS_MAX, 16, tmp, e);
	for (int i = 0; i < nch; i++) {
		int found = 0;
		for (int c = 0; c < SEG_CHANNELS; c++)
			if (strcmp(tmp[i], channels[c]) == 0)
				f->consent[c] = found = 1;
		if (!found)
			err_field(e, "filter.consent", "unknown channel %s: must be sms, email or wechat",
				  tmp[i]);
	}
}

static json_t *strings_json(const char *const *s, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(s[i]));
	return arr;
}

json_t *seg_filter_to_json(const struct seg_filter *f)
{
	json_t *o = json_object();

	if (f->ntiers)
		json_object_set_new(o, "tiers", strings_json(f->tiers, f->ntiers));
	if (f->ntags) {
		json_object_set_new(o, "tags", strings_json(f->tags, f->ntags));
		json_object_set_new(o, "tags_match", json_string(f->tags_all ? "all" : "any"));
	}
	if (f->nrfm)
		json_object_set_new(o, "rfm_segments", strings_json(f->rfm, f->nrfm));
	if (f->spend_min >= 0)
		json_object_set_new(o, "spend_min", json_integer(f->spend_min));
	if (f->spend_max >= 0)
		json_object_set_new(o, "spend_max", json_integer(f->spend_max));
	if (f->recency_min >= 0)
		json_object_set_new(o, "recency_min_days", json_integer(f->recency_min));
	if (f->recency_max >= 0)
		json_object_set_new(o, "recency_max_days", json_integer(f->recency_max));
	if (f->nstores) {
		json_t *arr = json_array();
		for (int i = 0; i < f->nstores; i++)
			json_array_append_new(arr, json_integer(f->stores[i]));
		json_object_set_new(o, "home_store_ids", arr);
	}
	if (f->birthday_month)
		json_object_set_new(o, "birthday_month", json_integer(f->birthday_month));
	if (f->consent[0] || f->consent[1] || f->consent[2]) {
		json_t *arr = json_array();
		for (int c = 0; c < SEG_CHANNELS; c++)
			if (f->consent[c])
				json_array_append_new(arr, json_string(channels[c]));
		json_object_set_new(o, "consent", arr);
	}
	if (f->bought_category_id)
		json_object_set_new(o, "bought_category_id", json_integer(f->bought_category_id));
	if (f->bought_from)
		json_object_set_new(o, "bought_from", json_string(f->bought_from));
	if (f->bought_to)
		json_object_set_new(o, "bought_to", json_string(f->bought_to));
	return o;
}

/* ---- checks against the database ---------------------------------------- */

static const char SQL_TIER_ID[] = "SELECT id FROM tiers WHERE code = ?";
static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";
static const char SQL_CATEGORY_EXISTS[] = "SELECT 1 FROM categories WHERE id = ?";

/* strict: unknown tiers and a missing category are field errors; else (a
 * stored filter) they match nobody. */
static int resolve(struct db *db, struct seg_filter *f, int strict, struct err *e)
{
	int rc;

	for (int i = 0; i < f->ntiers; i++) {
		int64_t id = 0;
		if ((rc = db_int(db_query(db, e, SQL_TIER_ID, "t", f->tiers[i]), &id, e)) < 0)
			return rc;
		f->tier_ids[i] = rc ? id : -1;
		if (!rc && strict)
			err_field(e, "filter.tiers", "unknown tier %s", f->tiers[i]);
	}
	if (!strict)
		return 0;
	for (int i = 0; i < f->nrfm; i++) {
		int known = 0;
		for (int s = 0; s < RFM_SEGMENTS; s++)
			known |= strcmp(f->rfm[i], rfm_segment_code(s)) == 0;
		if (!known)
			err_field(e, "filter.rfm_segments", "unknown RFM segment %s", f->rfm[i]);
	}
	if (f->spend_min >= 0 && f->spend_max >= 0 && f->spend_max < f->spend_min)
		err_field(e, "filter.spend_max", "must not be below spend_min");
	if (f->recency_min >= 0 && f->recency_max >= 0 && f->recency_max < f->recency_min)
		err_field(e, "filter.recency_max_days", "must not be below recency_min_days");
	if (f->bought_from && f->bought_to && strcmp(f->bought_to, f->bought_from) < 0)
		err_field(e, "filter.bought_to", "must not be before bought_from");
	if ((f->bought_from || f->bought_to) && !f->bought_category_id)
		err_field(e, "filter.bought_category_id", "is required with bought_from or bought_to");
	if (db_ids_exist(db, SQL_STORE_EXISTS, "store", "filter.home_store_ids", f->stores,
			 f->nstores, e) < 0)
		return db_fail(e);
	if (f->bought_category_id &&
	    db_ids_exist(db, SQL_CATEGORY_EXISTS, "category", "filter.bought_category_id",
			 &f->bought_category_id, 1, e) < 0)
		return db_fail(e);
	return 0;
}

int saved_segment_check(struct db *db, struct seg_filter *f, struct err *e)
{
	int rc = resolve(db, f, 1, e);
	if (rc < 0)
		return rc;
	return err_fields_done(e);
}

/* ---- the query ---------------------------------------------------------- */

#define P10 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
/* The category bought and every category under it. */
#define SEG_WITH                                                               \
	"WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL"        \
	" SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id) "
#define SEG_WHERE                                                              \
	" c.erased_at IS NULL"                                                 \
	" AND (? = 0 OR c.tier_id IN (" P10 "))"                               \
	" AND (? = 0 OR (SELECT COUNT(*) FROM customer_tags ct WHERE"          \
	" ct.customer_id = c.id AND ct.tag IN (" P10 ")) >= ?)"                 \
	" AND (CAST(? AS TEXT) IS NULL OR (c.rfm_r BETWEEN 1 AND 5"            \
	" AND c.rfm_f BETWEEN 1 AND 5"                                         \
	" AND substr(CAST(? AS TEXT), (c.rfm_r - 1) * 5 + c.rfm_f, 1) = '1'))" \
	" AND (? < 0 OR c.lifetime_spend >= ?)"                                \
	" AND (? < 0 OR c.lifetime_spend <= ?)"                                \
	" AND (? < 0 OR c.last_purchase_at <= ?)"                              \
	" AND (? < 0 OR c.last_purchase_at > ?)"                               \
	" AND (? = 0 OR c.home_store_id IN (" P10 ", " P10 "))"                \
	" AND (? = 0 OR substr(c.birth_md, 1, 2) = CAST(? AS TEXT))"           \
	" AND (? = 0 OR c.consent_sms = 1)"                                    \
	" AND (? = 0 OR c.consent_email = 1)"                                  \
	" AND (? = 0 OR c.consent_wechat = 1)"                                 \
	" AND (? = 0 OR EXISTS (SELECT 1 FROM sales s JOIN sale_lines l"       \
	" ON l.sale_id = s.id WHERE s.customer_id = c.id"                      \
	" AND s.status <> 'voided'"                                            \
	" AND (CAST(? AS TEXT) IS NULL OR s.day >= CAST(? AS TEXT))"           \
	" AND (CAST(? AS TEXT) IS NULL OR s.day <= CAST(? AS TEXT))"           \
	" AND l.category_id IN (SELECT id FROM sub)))"                         \
	" AND (? = 0 OR EXISTS (SELECT 1 FROM customer_stores cs1"             \
	" WHERE cs1.customer_id = c.id AND cs1.store_id = ?))"                 \
	" AND (? = 0 OR EXISTS (SELECT 1 FROM customer_stores cs2"             \
	" JOIN user_stores us ON us.store_id = cs2.store_id"                   \
	" WHERE cs2.customer_id = c.id AND us.user_id = ?))"
#define MEMBER_COLS                                                            \
	"c.id, c.name, c.member_code, c.phone_last4, t.code, c.home_store_id,"  \
	" c.lifetime_spend, c.orders_count, c.last_purchase_at, c.rfm_r, c.rfm_f"

static const char SQL_SEG_COUNT[] =
	SEG_WITH "SELECT COUNT(*) FROM customers c WHERE" SEG_WHERE;
static const char SQL_SEG_PAGE[] =
	SEG_WITH "SELECT " MEMBER_COLS " FROM customers c LEFT JOIN tiers t ON t.id = c.tier_id"
	" WHERE" SEG_WHERE " AND c.id > ? ORDER BY c.id LIMIT ?";

/* Binds the filter's parameters from 1 in SEG_WITH and SEG_WHERE's order;
 * returns the next index. */
static int bind_filter(struct db_stmt *st, struct arena *a, const struct seg_filter *f,
		       int64_t store_id, int64_t scope_user_id, int64_t now)
{
	int idx = 1, i;

	db_bind_int64(st, idx++, f->bought_category_id);
	db_bind_int64(st, idx++, f->ntiers);
	for (i = 0; i < 10; i++) {
		if (i < f->ntiers)
			db_bind_int64(st, idx++, f->tier_ids[i]);
		else
			db_bind_null(st, idx++);
	}
	db_bind_int64(st, idx++, f->ntags);
	for (i = 0; i < 10; i++)
		db_bind_text(st, idx++, i < f->ntags ? f->tags[i] : NULL);
	db_bind_int64(st, idx++, f->tags_all ? f->ntags : 1);
	/* the R × F cells of the segments asked for */
	char *mask = NULL;
	if (f->nrfm) {
		mask = arena_alloc(a, 26);
		for (int r = 1; r <= 5; r++)
			for (int fq = 1; fq <= 5; fq++) {
				const char *code = rfm_segment_code(rfm_segment_of(r, fq, 0));
				int on = 0;
				for (i = 0; i < f->nrfm; i++)
					on |= strcmp(f->rfm[i], code) == 0;
				mask[(r - 1) * 5 + fq - 1] = on ? '1' : '0';
			}
		mask[25] = '\0';
	}
	db_bind_text(st, idx++, mask);
	db_bind_text(st, idx++, mask);
	db_bind_int64(st, idx++, f->spend_min);
	db_bind_int64(st, idx++, f->spend_min);
	db_bind_int64(st, idx++, f->spend_max);
	db_bind_int64(st, idx++, f->spend_max);
	/* recency d = whole days since the last purchase: min <= d <= max */
	db_bind_int64(st, idx++, f->recency_min);
	db_bind_int64(st, idx++, f->recency_min >= 0 ? now - f->recency_min * DAY_MS : 0);
	db_bind_int64(st, idx++, f->recency_max);
	db_bind_int64(st, idx++, f->recency_max >= 0 ? now - (f->recency_max + 1) * DAY_MS : 0);
	db_bind_int64(st, idx++, f->nstores);
	for (i = 0; i < 20; i++) {
		if (i < f->nstores)
			db_bind_int64(st, idx++, f->stores[i]);
		else
			db_bind_null(st, idx++);
	}
	db_bind_int64(st, idx++, f->birthday_month);
	db_bind_text(st, idx++, arena_printf(a, "%02d", f->birthday_month));
	for (i = 0; i < SEG_CHANNELS; i++)
		db_bind_int64(st, idx++, f->consent[i]);
	db_bind_int64(st, idx++, f->bought_category_id);
	db_bind_text(st, idx++, f->bought_from);
	db_bind_text(st, idx++, f->bought_from);
	db_bind_text(st, idx++, f->bought_to);
	db_bind_text(st, idx++, f->bought_to);
	db_bind_int64(st, idx++, store_id);
	db_bind_int64(st, idx++, store_id);
	db_bind_int64(st, idx++, scope_user_id);
	db_bind_int64(st, idx++, scope_user_id);
	return idx;
}

static int64_t scope_of(const struct actor *who)
{
	return who->user && (who->user->role & ROLE_STORE_BOUND) ? who->user->id : 0;
}

static int seg_count(struct db *db, struct arena *a, const struct actor *who, int64_t store_id,
		     const struct seg_filter *f, int64_t now, int64_t *count, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SEG_COUNT, e);
	if (!st)
		return db_fail(e);
	bind_filter(st, a, f, store_id, scope_of(who), now);
	return db_int(st, count, e) < 0 ? db_fail(e) : 0;
}

static int seg_page(struct db *db, struct arena *a, const struct actor *who, int64_t store_id,
		    const struct seg_filter *f, int64_t now, int64_t after_id, int limit,
		    struct seg_member **out, int *n, int *more, struct err *e)
{
	struct page pg;
	int rc, idx;
	struct db_stmt *st = db_prepare(db, SQL_SEG_PAGE, e);

	if (!st)
		return db_fail(e);
	page_init(&pg, a, limit, sizeof(struct seg_member));
	idx = bind_filter(st, a, f, store_id, scope_of(who), now);
	db_bind_int64(st, idx++, after_id);
	db_bind_int64(st, idx++, page_fetch(&pg));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct seg_member *m = page_add(&pg);
		m->id = db_col_int64(st, 0);
		m->name = arena_strdup(a, db_col_text(st, 1));
		m->member_code = arena_strdup(a, db_col_text(st, 2));
		m->phone_last4 = arena_strdup(a, db_col_text(st, 3));
		m->tier = arena_strdup(a, db_col_text(st, 4));
		m->home_store_id = db_col_int64(st, 5);
		m->lifetime_spend = db_col_int64(st, 6);
		m->orders_count = db_col_int64(st, 7);
		m->last_purchase_at = db_col_int64(st, 8);
		m->rfm_r = (int)db_col_int64(st, 9);
		m->rfm_f = (int)db_col_int64(st, 10);
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

int saved_segment_preview(struct db *db, struct arena *a, const struct actor *who,
			  int64_t store_id, const struct seg_filter *f, int64_t now,
			  int64_t *count, struct seg_member **sample, int *n, struct err *e)
{
	int more, rc = seg_count(db, a, who, store_id, f, now, count, e);
	if (rc < 0)
		return rc;
	return seg_page(db, a, who, store_id, f, now, 0, SEG_SAMPLE, sample, n, &more, e);
}

json_t *seg_member_to_json(const struct seg_member *m)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:I,s:I,s:o,s:o}",
			 "id", (json_int_t)m->id, "name", m->name ? m->name : "",
			 "member_code", jx_strn(m->member_code),
			 "phone_last4", jx_strn(m->phone_last4), "tier", jx_strn(m->tier),
			 "home_store_id",
			 m->home_store_id ? json_integer(m->home_store_id) : json_null(),
			 "lifetime_spend", (json_int_t)m->lifetime_spend,
			 "orders_count", (json_int_t)m->orders_count,
			 "last_purchase_at", jx_time(m->last_purchase_at),
			 "rfm_segment", jx_strn(rfm_segment_code(rfm_segment_of(m->rfm_r, m->rfm_f, 0))));
}

/* ---- saved segments ----------------------------------------------------- */

#define SEG_COLS "id, name, description, store_id, filter, created_by, created_at, updated_at"

static struct saved_segment *segment_from_row(struct db_stmt *st, struct arena *a)
{
	struct saved_segment *s = arena_calloc(a, 1, sizeof *s);
	s->id = db_col_int64(st, 0);
	s->name = arena_strdup(a, db_col_text(st, 1));
	s->description = arena_strdup(a, db_col_text(st, 2));
	s->store_id = db_col_int64(st, 3);
	s->filter = arena_strdup(a, db_col_text(st, 4));
	s->created_by = db_col_int64(st, 5);
	s->created_at = db_col_int64(st, 6);
	s->updated_at = db_col_int64(st, 7);
	if (!s->name)
		s->name = "";
	if (!s->description)
		s->description = "";
	return s;
}

json_t *saved_segment_to_json(const struct saved_segment *s)
{
	json_t *filter = json_loads(s->filter ? s->filter : "{}", 0, NULL);
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)s->id,
			 "name", s->name, "description", s->description,
			 "store_id", s->store_id ? json_integer(s->store_id) : json_null(),
			 "filter", filter ? filter : json_object(),
			 "created_by", s->created_by ? json_integer(s->created_by) : json_null(),
			 "created_at", jx_time(s->created_at), "updated_at", jx_time(s->updated_at));
}

static const char SQL_SEG_GET[] = "SELECT " SEG_COLS " FROM saved_segments WHERE id = ?";

/* A store-bound user sees the segments of their stores only. */
static int segment_visible(const struct actor *who, const struct saved_segment *s)
{
	if (!who->user || !(who->user->role & ROLE_STORE_BOUND))
		return 1;
	return s->store_id && actor_sees_store(who, s->store_id);
}

int saved_segment_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		      struct saved_segment **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_SEG_GET, "i", id);
	int rc = db_get_row(st, "segment", id, e);

	if (rc < 0)
		return rc;
	*out = segment_from_row(st, a);
	db_reset(st);
	if (!segment_visible(who, *out))
		return err_set(e, ERR_NOT_FOUND, "no segment %lld", (long long)id);
	return 0;
}

static const char SQL_SEG_LIST[] =
	"SELECT " SEG_COLS " FROM saved_segments WHERE id > ?"
	" AND (CAST(? AS TEXT) IS NULL OR lower(name) LIKE ? ESCAPE '\\')"
	" AND (? = 0 OR store_id IN (SELECT us.store_id FROM user_stores us WHERE us.user_id = ?))"
	" ORDER BY id LIMIT ?";

int saved_segment_list(struct db *db, struct arena *a, const struct actor *who,
		       const char *q, int64_t after_id, int limit, struct saved_segment ***out,
		       int *n, int *more, struct err *e)
{
	struct page pg;
	int rc;
	char *like = db_like_pattern(a, q);
	int64_t scope = scope_of(who);

	page_init(&pg, a, limit, sizeof(struct saved_segment *));
	struct db_stmt *st = db_query(db, e, SQL_SEG_LIST, "ittiii", after_id, like, like, scope,
				      scope, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct saved_segment **)page_add(&pg) = segment_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

static void check_texts(const struct saved_segment_input *in, int creating, struct err *e)
{
	if (creating || in->set_name)
		text_check(e, "name", in->name, 1, SEG_NAME_MAX_CHARS);
	if ((creating || in->set_description) && in->description &&
	    utf8_chars(in->description) > SEG_DESCRIPTION_MAX_CHARS)
		err_field(e, "description", "must be at most %d characters",
			  SEG_DESCRIPTION_MAX_CHARS);
}

static char *filter_text(struct arena *a, const struct seg_filter *f)
{
	json_t *j = seg_filter_to_json(f);
	char *s = json_dumps(j, JSON_COMPACT);
	char *out = arena_strdup(a, s);
	free(s);
	json_decref(j);
	return out;
}

static const char SQL_SEG_INSERT[] =
	"INSERT INTO saved_segments (name, description, store_id, filter, created_by, created_at,"
	" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

int saved_segment_create(struct db *db, struct arena *a, const struct actor *who,
			 struct saved_segment_input *in, struct saved_segment **out,
			 struct err *e)
{
	int64_t now = ts_now_ms(), id = 0, store_id = in->store_id;
	int rc;

	check_texts(in, 1, e);
	if ((rc = resolve(db, &in->filter, 1, e)) < 0)
		return rc;
	if (store_id && db_ids_exist(db, SQL_STORE_EXISTS, "store", "store_id", &store_id, 1, e) < 0)
		return db_fail(e);
	const struct user *u = who->user;
	if (!store_id && u && (u->role & ROLE_STORE_BOUND)) {
		if (u->nstores == 1)
			store_id = u->store_ids[0];
		else
			err_field(e, "store_id", "is required: name one of your stores");
	}
	if (err_fields_done(e))
		return e->code;
	if (store_id && !actor_sees_store(who, store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
			       (long long)store_id);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, SQL_SEG_INSERT, "ttItIii", in->name,
				      in->description ? in->description : "", store_id,
				      filter_text(a, &in->filter), u ? u->id : 0, now, now);
	if (db_int(st, &id, e) <= 0)
		goto fail;
	if (saved_segment_get(db, a, who, id, out, e) < 0)
		goto fail;
	if (audit_commit(db, who, "create", "segment", id, store_id, NULL,
			 saved_segment_to_json(*out), e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_SEG_UPDATE[] =
	"UPDATE saved_segments SET name = ?, description = ?, filter = ?, updated_at = ?"
	" WHERE id = ?";

int saved_segment_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 struct saved_segment_input *in, struct saved_segment **out,
			 struct err *e)
{
	struct saved_segment *old;
	int rc;

	if ((rc = saved_segment_get(db, a, who, id, &old, e)) < 0)
		return rc;
	check_texts(in, 0, e);
	if (in->set_filter && (rc = resolve(db, &in->filter, 1, e)) < 0)
		return rc;
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (db_run(db_query(db, e, SQL_SEG_UPDATE, "tttii", in->set_name ? in->name : old->name,
			    in->set_description ? (in->description ? in->description : "")
						: old->description,
			    in->set_filter ? filter_text(a, &in->filter) : old->filter,
			    ts_now_ms(), id),
		   e) < 0)
		goto fail;
	if (saved_segment_get(db, a, who, id, out, e) < 0)
		goto fail;
	if (audit_commit(db, who, "update", "segment", id, old->store_id,
			 saved_segment_to_json(old), saved_segment_to_json(*out), e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_SEG_DELETE[] = "DELETE FROM saved_segments WHERE id = ?";

int saved_segment_delete(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	struct arena *a = arena_new();
	struct saved_segment *old;
	int rc = saved_segment_get(db, a, who, id, &old, e);

	if (rc < 0)
		goto out;
	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if (db_run(db_query(db, e, SQL_SEG_DELETE, "i", id), e) < 0 ||
	    audit_commit(db, who, "delete", "segment", id, old->store_id,
			 saved_segment_to_json(old), NULL, e) < 0) {
		db_rollback(db);
		rc = db_fail(e);
	}
out:
	arena_free(a);
	return rc;
}

int saved_segment_members(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			  int64_t now, int64_t after_id, int limit, struct seg_member **out,
			  int *n, int *more, int64_t *count, struct err *e)
{
	struct saved_segment *s;
	struct seg_filter f;
	struct err ignored;
	int rc;

	if ((rc = saved_segment_get(db, a, who, id, &s, e)) < 0)
		return rc;
	json_t *j = json_loads(s->filter, 0, NULL);
	err_init(&ignored);
	seg_filter_read(j, a, &f, &ignored);
	/* the strings point into j: keep copies in the arena */
	for (int i = 0; i < f.ntiers; i++)
		f.tiers[i] = arena_strdup(a, f.tiers[i]);
	for (int i = 0; i < f.ntags; i++)
		f.tags[i] = arena_strdup(a, f.tags[i]);
	for (int i = 0; i < f.nrfm; i++)
		f.rfm[i] = arena_strdup(a, f.rfm[i]);
	f.bought_from = arena_strdup(a, f.bought_from);
	f.bought_to = arena_strdup(a, f.bought_to);
	json_decref(j);
	if ((rc = resolve(db, &f, 0, e)) < 0)
		return rc;
	if ((rc = seg_count(db, a, who, s->store_id, &f, now, count, e)) < 0)
		return rc;
	return seg_page(db, a, who, s->store_id, &f, now, after_id, limit, out, n, more, e);
}
