/* jx.c: typed getters over jansson objects that record every problem by
 * field in a struct err, and small helpers for building replies. */
#include "base/jx.h"
#include "base/text.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/money.h"
#include "base/timeutil.h"

void jx_no_unknown(json_t *obj, const char *const *allowed, struct err *e)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return;
	json_object_foreach(obj, key, v) {
		const char *const *a = allowed;

		while (a && *a && strcmp(*a, key) != 0)
			a++;
		if (!a || !*a)
			err_field(e, key, "is not allowed");
	}
}

/* The value under key, or NULL when absent or null (noted when required). */
static json_t *jx_get(json_t *obj, const char *key, int flags, struct err *e)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (!v || json_is_null(v)) {
		if (flags & JX_REQUIRED)
			err_field(e, key, "is required");
		return NULL;
	}
	return v;
}

int jx_str(json_t *obj, const char *key, int flags, size_t maxlen,
	   const char **out, struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);
	const char *s;
	size_t len, i;

	if (!v)
		return 0;
	if (!json_is_string(v)) {
		err_type(e, key, "a string");
		return 0;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20)
			break;
	if (i < len || strlen(s) != len) {
		err_field(e, key, "must not contain control characters");
		return 0;
	}
	if (flags & JX_NONEMPTY) {
		if (text_blank(s, len)) {
			err_field(e, key, "must not be empty");
			return 0;
		}
	}
	if (maxlen && utf8_chars_n(s, len) > maxlen) {
		err_field(e, key, "must be at most %zu characters", maxlen);
		return 0;
	}
	*out = s;
	return 1;
}

/* Range check shared by the integer getters; 1 ok, 0 noted. */
static int jx_range(const char *key, int64_t v, int64_t min, int64_t max,
		    struct err *e)
{
	if (v < min) {
		err_field(e, key, "must be at least %" PRId64, min);
		return 0;
	}
	if (v > max) {
		err_field(e, key, "must be at most %" PRId64, max);
		return 0;
	}
	return 1;
}

int jx_int(json_t *obj, const char *key, int flags, int64_t min, int64_t max,
	   int64_t *out, struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);
	int64_t i;

	if (!v)
		return 0;
	if (json_is_real(v)) {
		err_field(e, key, "must be an integer");
		return 0;
	}
	if (!json_is_integer(v)) {
		err_type(e, key, "an integer");
		return 0;
	}
	i = (int64_t)json_integer_value(v);
	if (!jx_range(key, i, min, max, e))
		return 0;
	*out = i;
	return 1;
}

int jx_money(json_t *obj, const char *key, int flags, int64_t min,
	     int64_t *out, struct err *e)
{
	return jx_int(obj, key, flags, min, MONEY_MAX, out, e);
}

int jx_qty(json_t *obj, const char *key, int flags, int64_t *out,
	   struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);
	const int64_t lim = QTY_MAX / QTY_SCALE;
	int64_t q;

	if (!v)
		return 0;
	if (json_is_integer(v)) {
		int64_t i = (int64_t)json_integer_value(v);

		if (!jx_range(key, i, -lim, lim, e))
			return 0;
		*out = i * QTY_SCALE;
		return 1;
	}
	if (!json_is_real(v)) {
		err_type(e, key, "a number");
		return 0;
	}
	if (qty_from_double(json_real_value(v), &q) != 0) {
		double d = json_real_value(v);

		if (d < (double)-lim)
			err_field(e, key, "must be at least %" PRId64, -lim);
		else if (d > (double)lim)
			err_field(e, key, "must be at most %" PRId64, lim);
		else
			err_field(e, key, "has more than 3 decimals");
		return 0;
	}
	*out = q;
	return 1;
}

int jx_bool(json_t *obj, const char *key, int flags, int *out, struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		err_type(e, key, "true or false");
		return 0;
	}
	*out = json_is_true(v);
	return 1;
}

int jx_enum(json_t *obj, const char *key, int flags,
	    const char *const *values, const char **out, struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);
	struct buf b = BUF_INIT;
	const char *s;

	if (!v)
		return 0;
	if (!json_is_string(v)) {
		err_type(e, key, "a string");
		return 0;
	}
	s = json_string_value(v);
	for (const char *const *p = values; p && *p; p++) {
		if (strlen(*p) == json_string_length(v) && strcmp(*p, s) == 0) {
			*out = *p;
			return 1;
		}
	}
	buf_init(&b, 0);
	for (const char *const *p = values; p && *p; p++)
		buf_printf(&b, "%s%s", p == values ? "" : ", ", *p);
	err_field(e, key, "must be one of: %s", b.data ? b.data : "");
	buf_release(&b);
	return 0;
}

int jx_day(json_t *obj, const char *key, int flags, const char **out,
	   struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);
	const char *s;

	if (!v)
		return 0;
	if (!json_is_string(v)) {
		err_type(e, key, "a string");
		return 0;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || !ts_day_valid(s)) {
		err_field(e, key, "is not a valid date (YYYY-MM-DD)");
		return 0;
	}
	*out = s;
	return 1;
}

int jx_array(json_t *obj, const char *key, int flags, json_t **out,
	     struct err *e)
{
	json_t *v = jx_get(obj, key, flags, e);

	if (!v)
		return 0;
	if (!json_is_array(v)) {
		err_type(e, key, "an array");
		return 0;
	}
	*out = v;
	return 1;
}

int jx_present(json_t *obj, const char *key)
{
	return json_object_get(obj, key) != NULL;
}

int jx_null(json_t *obj, const char *key)
{
	return json_is_null(json_object_get(obj, key));
}

int jx_int_null(json_t *obj, const char *key, int64_t min, int64_t max,
		int64_t none, int64_t *out, struct err *e)
{
	*out = none;
	if (!jx_present(obj, key))
		return 0;
	int64_t v;
	if (jx_int(obj, key, 0, min, max, &v, e))
		*out = v;
	return 1;
}

int jx_money_null(json_t *obj, const char *key, int64_t none, int64_t *out,
		  struct err *e)
{
	*out = none;
	if (!jx_present(obj, key))
		return 0;
	int64_t v;
	if (jx_money(obj, key, 0, 0, &v, e))
		*out = v;
	return 1;
}

int jx_ids(json_t *obj, const char *key, int flags, size_t max, struct arena *a,
	   int64_t **out, int *n, struct err *e)
{
	json_t *arr, *v;
	size_t i, cnt;

	*out = NULL;
	*n = 0;
	if (!jx_array(obj, key, flags, &arr, e))
		return 0;
	cnt = json_array_size(arr);
	if (cnt > max) {
		err_field(e, key, "must have at most %zu ids", max);
		return 0;
	}
	int64_t *ids = cnt ? arena_calloc(a, cnt, sizeof *ids) : NULL;
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v)) {
			err_type(e, key, "an array of integer ids");
			return 0;
		}
		int64_t id = json_integer_value(v);
		if (id < 1) {
			err_field(e, key, "must hold positive ids");
			return 0;
		}
		for (size_t k = 0; k < i; k++)
			if (ids[k] == id) {
				err_field(e, key, "lists %lld twice", (long long)id);
				return 0;
			}
		ids[i] = id;
	}
	*out = ids;
	*n = (int)cnt;
	return 1;
}

int jx_objects(json_t *obj, const char *key, int flags, size_t max,
	       struct arena *a, size_t size, void **out, jx_item_fn fn, void *ctx,
	       struct err *e)
{
	json_t *arr;
	*out = NULL;
	if (!jx_array(obj, key, flags, &arr, e))
		return -1;
	size_t n = json_array_size(arr);
	if (n > max) {
		err_field(e, key, "must have at most %zu lines", max);
		return -1;
	}
	char *elems = arena_calloc(a, n ? n : 1, size);
	struct err *ie = arena_alloc(a, sizeof *ie);
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(arr, i);
		char prefix[80];
		if (!json_is_object(it)) {
			snprintf(prefix, sizeof prefix, "%s[%zu]", key, i);
			err_type(e, prefix, "an object");
			continue;
		}
		err_init(ie);
		fn(it, elems + i * size, ctx, ie);
		snprintf(prefix, sizeof prefix, "%s[%zu].", key, i);
		err_merge(e, ie, prefix);
	}
	*out = elems;
	return (int)n;
}

/* An empty value ("?store_id=") counts as absent. */
int jx_cursor_pair(const char *c, int64_t min_a, int64_t min_b, int64_t *a, int64_t *b)
{
	const char *colon = c ? strchr(c, ':') : NULL;
	char pa[24], pb[24];
	size_t n;
	struct err ce;

	if (!colon || (n = (size_t)(colon - c)) == 0 || n >= sizeof pa ||
	    strlen(colon + 1) >= sizeof pb)
		return -1;
	memcpy(pa, c, n);
	pa[n] = '\0';
	memcpy(pb, colon + 1, strlen(colon + 1) + 1);
	err_init(&ce);
	if (jx_qint(pa, "cursor", min_a, INT64_MAX, a, &ce) != 1 ||
	    jx_qint(pb, "cursor", min_b, INT64_MAX, b, &ce) != 1)
		return -1;
	return 0;
}

int jx_qint(const char *val, const char *name, int64_t min, int64_t max,
	    int64_t *out, struct err *e)
{
	const char *p = val;
	int64_t v = 0;
	int neg = 0, nd = 0, bad = 0;

	if (!val || !*val)
		return 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		int d = *p - '0';

		/* Accumulate negatively: INT64_MIN has no positive twin. */
		if (v < (INT64_MIN + d) / 10) {
			bad = 1;
			break;
		}
		v = v * 10 - d;
	}
	if (!bad && (nd == 0 || *p != '\0'))
		bad = 1;
	if (!bad && !neg) {
		if (v == INT64_MIN)
			bad = 1;
		else
			v = -v;
	}
	if (bad || v < min || v > max) {
		err_field(e, name, "must be an integer between %" PRId64
			  " and %" PRId64, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

/* s as a JSON string; bytes that are not valid UTF-8 become U+FFFD. */
static json_t *jx_string_repair(const char *s)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	json_t *j;

	buf_init(&b, 0);
	while (*p) {
		size_t n = 0;
		unsigned c = *p;

		if (c < 0x80)
			n = 1;
		else if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				n = 0;
		/* Overlongs, surrogates and code points past U+10FFFF. */
		if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) ||
			       (c == 0xED && p[1] >= 0xA0)))
			n = 0;
		if (n == 4 && ((c == 0xF0 && p[1] < 0x90) ||
			       (c == 0xF4 && p[1] >= 0x90)))
			n = 0;
		if (n) {
			buf_append(&b, p, n);
			p += n;
		} else {
			buf_puts(&b, "\xEF\xBF\xBD");
			p++;
		}
	}
	j = json_stringn(b.data ? b.data : "", b.len);
	buf_release(&b);
	return j ? j : json_string("");
}

json_t *jx_strn(const char *s)
{
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	return j ? j : jx_string_repair(s);
}

json_t *jx_time(int64_t ms)
{
	char t[32];

	if (ms == 0)
		return json_null();
	ts_format(ms, t, sizeof(t));
	return json_string(t);
}

json_t *jx_qty_value(int64_t thousandths)
{
	if (thousandths % QTY_SCALE == 0)
		return json_integer((json_int_t)(thousandths / QTY_SCALE));
	return json_real((double)thousandths / QTY_SCALE);
}

static int id_cmp(const void *pa, const void *pb)
{
	int64_t x = *(const int64_t *)pa, y = *(const int64_t *)pb;
	return x < y ? -1 : x > y;
}

int64_t *jx_ids_sorted(struct arena *a, const int64_t *ids, int n)
{
	int64_t *c = arena_calloc(a, (size_t)(n ? n : 1), sizeof *c);
	if (n)
		memcpy(c, ids, (size_t)n * sizeof *c);
	qsort(c, (size_t)n, sizeof *c, id_cmp);
	return c;
}

char *jx_ids_text(struct arena *a, const int64_t *ids, int n)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "[");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_puts(&b, "]");
	char *s = arena_strdup(a, b.data);
	buf_release(&b);
	return s;
}

json_t *jx_ids_json(const int64_t *ids, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_integer(ids[i]));
	return arr;
}

int jx_ids_parse(struct arena *a, const char *text, int64_t **ids, int *n)
{
	json_t *j = json_loads(text ? text : "[]", 0, NULL);
	size_t cnt = json_array_size(j);
	int ok = json_is_array(j);
	*ids = arena_calloc(a, cnt ? cnt : 1, sizeof **ids);
	*n = 0;
	for (size_t i = 0; ok && i < cnt; i++) {
		json_t *v = json_array_get(j, i);
		if (!json_is_integer(v))
			ok = 0;
		else
			(*ids)[(*n)++] = (int64_t)json_integer_value(v);
	}
	json_decref(j);
	return ok ? 0 : -1;
}
