/* crm_req.h: request readers shared by the CRM handlers: free text that
 * may span lines (a contact's summary, a note), a time field, and an
 * optional id. */
#ifndef TERSA_CRM_REQ_H
#define TERSA_CRM_REQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* A string under key that may hold line breaks and tabs but no other
 * control characters; its length is the domain's to check. 1 with *out
 * set (pointing into obj), 0 when absent or null (or noted: a non-string is
 * a type error, other control characters a field error). */
int crm_text(json_t *obj, const char *key, const char **out, struct err *e);

/* An RFC 3339 time under key: 1 with *out in Unix ms, 0 when absent or
 * null, or noted (a non-string: type error; unparsable: field error). */
int crm_time(json_t *obj, const char *key, int64_t *out, struct err *e);

/* A positive id under key: 1 with *out, 0 when absent or null (*out left
 * as it is) or noted. */
int crm_id(json_t *obj, const char *key, int64_t *out, struct err *e);

/* An array of strings under key (at most max items, no control
 * characters; lengths are the domain's to check): 1 with *out (copies in a)
 * and *n, 0 when absent or null (*n 0) or noted (not an array or an item
 * not a string: type error; too many or bad text: field error). */
struct arena;
int crm_text_list(json_t *obj, const char *key, size_t max, struct arena *a,
		  const char *const **out, int *n, struct err *e);

#endif
