/* crm_req.c: request readers for the CRM handlers (see crm_req.h). */
#include "http/crm/crm_req.h"

#include <string.h>

#include "base/arena.h"
#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"

int crm_text(json_t *obj, const char *key, const char **out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t len;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		err_type(e, key, "a string");
		return 0;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len) {
		err_field(e, key, "must not contain control characters");
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
			err_field(e, key, "must not contain control characters");
			return 0;
		}
	}
	*out = s;
	return 1;
}

int crm_time(json_t *obj, const char *key, int64_t *out, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		err_type(e, key, "a string");
		return 0;
	}
	if (ts_parse(json_string_value(v), out) < 0 || *out <= 0) {
		err_field(e, key, "must be an RFC 3339 time");
		return 0;
	}
	return 1;
}

int crm_id(json_t *obj, const char *key, int64_t *out, struct err *e)
{
	int64_t v;

	if (!jx_int(obj, key, 0, 1, INT64_MAX, &v, e))
		return 0;
	*out = v;
	return 1;
}

int crm_text_list(json_t *obj, const char *key, size_t max, struct arena *a,
		  const char *const **out, int *n, struct err *e)
{
	json_t *arr = json_object_get(obj, key), *x;
	const char **list;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		err_type(e, key, "an array of strings");
		return 0;
	}
	if (json_array_size(arr) > max) {
		err_field(e, key, "must hold at most %zu items", max);
		return 0;
	}
	list = arena_calloc(a, json_array_size(arr) + 1, sizeof *list);
	json_array_foreach(arr, i, x) {
		char f[64] = "";
		text_catf(f, sizeof f, "%.40s[%zu]", key, i);
		if (!json_is_string(x)) {
			err_type(e, f, "a string");
			return 0;
		}
		json_t *one = json_pack("{s:O}", "v", x);
		const char *s = NULL;
		jx_str(one, "v", 0, 0, &s, e);
		list[i] = arena_strdup(a, s ? s : "");
		json_decref(one);
	}
	*out = list;
	*n = (int)json_array_size(arr);
	return 1;
}
