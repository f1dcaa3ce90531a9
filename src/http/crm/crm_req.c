/* crm_req.c: request readers for the CRM handlers (see crm_req.h). */
#include "http/crm/crm_req.h"

#include <string.h>

#include "base/jx.h"
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
