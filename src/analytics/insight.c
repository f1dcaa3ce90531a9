/* insight.c: the pieces the inventory and customer reports share: period,
 * snapshot, category drill-down, keyed accumulator and rounding. */
#include "analytics/insight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/catalog/category.h"

int64_t insight_day_number(const char *s)
{
	int64_t z;
	return ts_day_number(s, &z) < 0 ? INT64_MIN : z;
}

int insight_period(const char *from, const char *to, int default_days, char *f, char *t,
		   int *ndays, struct err *e)
{
	int64_t zf = INT64_MIN, zt = INT64_MIN;
	int bad = 0;
	if (to && *to) {
		if ((zt = insight_day_number(to)) == INT64_MIN)
			err_field(e, "to", "must be a business day YYYY-MM-DD"), bad = 1;
	} else {
		char today[16];
		ts_day(ts_now_ms(), today, sizeof today);
		zt = insight_day_number(today);
	}
	if (from && *from) {
		if ((zf = insight_day_number(from)) == INT64_MIN)
			err_field(e, "from", "must be a business day YYYY-MM-DD"), bad = 1;
	} else if (zt != INT64_MIN) {
		zf = zt - (default_days - 1);
	}
	if (bad)
		return -1;
	if (zf > zt) {
		err_field(e, "from", "must not be after to");
		return -1;
	}
	if (zt - zf >= INSIGHT_MAX_DAYS) {
		err_field(e, "to", "the range is limited to %d days", INSIGHT_MAX_DAYS);
		return -1;
	}
	ts_day_from_number(zf, f);
	ts_day_from_number(zt, t);
	*ndays = (int)(zt - zf + 1);
	return 0;
}

int insight_snapshot(struct db *db, struct err *e)
{
	int rc = db_begin(db, 0, e);
	if (rc == 0 && db_kind(db) == DB_PG &&
	    (rc = db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", e)) < 0)
		db_rollback(db);
	return rc;
}

int insight_ratio(int64_t num, int64_t scale, int64_t den, int64_t *out)
{
	if (den <= 0)
		return -1;
	__int128 n = (__int128)num * scale, m = n < 0 ? -n : n, q = m / den;
	if ((m % den) * 2 >= den)
		q++;
	if (q > INT64_MAX)
		return -1;
	*out = n < 0 ? -(int64_t)q : (int64_t)q;
	return 0;
}

int64_t insight_value(int64_t qty, int64_t cost)
{
	int64_t v;
	if (cost < 0 || __builtin_mul_overflow(qty, cost, &v))
		return 0;
	return v;
}

json_t *insight_rate_json(int64_t num, int64_t den)
{
	int64_t r;
	if (insight_ratio(num, 10000, den, &r) < 0)
		return json_null();
	return json_real((double)r / 10000.0);
}

json_t *insight_hundredths_json(int ok, int64_t hundredths)
{
	return ok ? json_real((double)hundredths / 100.0) : json_null();
}

/* ---- categories ---- */

int cat_tree_load(struct db *db, int64_t root, struct cat_tree *t, struct err *e)
{
	static const char sql_n[] = "SELECT COUNT(*) FROM categories";
	static const char sql[] = "SELECT id, parent_id FROM categories ORDER BY id";
	int64_t n = 0;
	memset(t, 0, sizeof *t);
	t->root = root;
	if (db_int(db_query(db, e, sql_n, ""), &n, e) < 0)
		return db_fail(e);
	t->id = xcalloc((size_t)n + 1, sizeof *t->id);
	t->parent = xcalloc((size_t)n + 1, sizeof *t->parent);
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW && t->n < n) {
		t->id[t->n] = db_col_int64(st, 0);
		t->parent[t->n] = db_col_null(st, 1) ? 0 : db_col_int64(st, 1);
		t->n++;
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	if (root) {
		int found = 0;
		for (int i = 0; i < t->n && !found; i++)
			found = t->id[i] == root;
		if (!found) {
			err_field(e, "category_id", "no such category");
			return err_fields_done(e);
		}
	}
	return 0;
}

void cat_tree_free(struct cat_tree *t)
{
	free(t->id);
	free(t->parent);
	memset(t, 0, sizeof *t);
}

/* The parent of category c, 0 for a top-level one, -1 if c is unknown. */
static int64_t parent_of(const struct cat_tree *t, int64_t c)
{
	int lo = 0, hi = t->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (t->id[mid] == c)
			return t->parent[mid];
		if (t->id[mid] < c)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int64_t cat_bucket(const struct cat_tree *t, int64_t c)
{
	if (c <= 0)
		return t->root ? -1 : 0;
	if (c == t->root)
		return c;
	/* Up the path until the parent is the root; a cycle or an unknown
	 * category ends outside. */
	for (int depth = 0; depth < 64; depth++) {
		int64_t p = parent_of(t, c);
		if (p < 0)
			return -1;
		if (p == t->root)
			return c;
		if (p == 0)
			return -1;
		c = p;
	}
	return -1;
}

const char *cat_label(struct db *db, struct arena *a, int64_t bucket)
{
	if (bucket <= 0)
		return "(no category)";
	struct category *c;
	struct err e2;
	err_init(&e2);
	if (category_get(db, a, bucket, &c, &e2) < 0)
		return arena_printf(a, "#%lld", (long long)bucket);
	return c->path;
}

/* ---- the accumulator ---- */

static unsigned slot_of(int64_t key, int nslot)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
	return (unsigned)(h >> 32) & (unsigned)(nslot - 1);
}

static void rehash(struct ins_acc *acc, int nslot)
{
	free(acc->slot);
	acc->nslot = nslot;
	acc->slot = xmalloc((size_t)nslot * sizeof *acc->slot);
	memset(acc->slot, 0xff, (size_t)nslot * sizeof *acc->slot);
	for (int i = 0; i < acc->n; i++) {
		unsigned s = slot_of(acc->e[i].key, nslot);
		while (acc->slot[s] >= 0)
			s = (s + 1) & (unsigned)(nslot - 1);
		acc->slot[s] = i;
	}
}

struct ins_entry *ins_get(struct ins_acc *acc, int64_t key)
{
	if (acc->nslot == 0 || (acc->n + 1) * 2 > acc->nslot)
		rehash(acc, acc->nslot ? acc->nslot * 2 : 64);
	unsigned s = slot_of(key, acc->nslot);
	while (acc->slot[s] >= 0) {
		if (acc->e[acc->slot[s]].key == key)
			return &acc->e[acc->slot[s]];
		s = (s + 1) & (unsigned)(acc->nslot - 1);
	}
	if (acc->n == acc->cap) {
		acc->cap = acc->cap ? acc->cap * 2 : 32;
		acc->e = xrealloc(acc->e, (size_t)acc->cap * sizeof *acc->e);
	}
	struct ins_entry *x = &acc->e[acc->n];
	memset(x, 0, sizeof *x);
	x->key = key;
	acc->slot[s] = acc->n++;
	return x;
}

void ins_free(struct ins_acc *acc)
{
	free(acc->e);
	free(acc->slot);
	memset(acc, 0, sizeof *acc);
}

static _Thread_local int sort_field; /* qsort has no context argument */

static int by_field(const void *pa, const void *pb)
{
	const struct ins_entry *x = pa, *y = pb;
	if (x->v[sort_field] != y->v[sort_field])
		return x->v[sort_field] > y->v[sort_field] ? -1 : 1;
	int c = strcmp(x->label ? x->label : "", y->label ? y->label : "");
	return c ? c : (x->key > y->key) - (x->key < y->key);
}

void ins_sort(struct ins_acc *acc, int field)
{
	sort_field = field;
	if (acc->n > 1)
		qsort(acc->e, (size_t)acc->n, sizeof *acc->e, by_field);
	if (acc->nslot)
		rehash(acc, acc->nslot);
}

json_t *ins_key_json(int64_t key)
{
	return key == INSIGHT_NULL_KEY ? json_null() : json_integer(key);
}
