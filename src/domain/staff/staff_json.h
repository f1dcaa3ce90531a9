/* staff_json.h: two JSON helpers the staff modules share: an optional id
 * and a JSON value stored as compact text. */
#ifndef TERSA_STAFF_JSON_H
#define TERSA_STAFF_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"

/* id as a JSON integer, or null when 0 (none). Caller owns it. */
json_t *staff_id_json(int64_t id);
/* j (taken and freed) as compact text with sorted keys, in a. */
char *staff_json_text(struct arena *a, json_t *j);

#endif
