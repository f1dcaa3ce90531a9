/* staff_json.c: the staff modules' JSON helpers (see staff_json.h). */
#include "domain/staff/staff_json.h"

#include <stdlib.h>

json_t *staff_id_json(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

char *staff_json_text(struct arena *a, json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	char *out = arena_strdup(a, t ? t : "null");

	free(t);
	json_decref(j);
	return out;
}
