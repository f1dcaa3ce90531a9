/* jx.h: reading request JSON over jansson with every problem recorded in a
 * struct err by field name. A wrong JSON type is a type error (400); a value
 * out of range is a field error (422). Getters return 1 when the key holds a
 * usable value, 0 when it is absent or null (or wrong: the error is noted). */
#ifndef TERSA_JX_H
#define TERSA_JX_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

/* Notes each key of obj not in the NULL-terminated list as unknown (422). */
void jx_no_unknown(json_t *obj, const char *const *allowed, struct err *e);

/* JX_REQUIRED: absent or null is an error "is required". */
#define JX_REQUIRED 1
/* JX_NONEMPTY: for strings, "" (after trimming spaces) is an error. */
#define JX_NONEMPTY 2

/* String of at most maxlen characters (UTF-8 code points; 0: no limit)
 * without control characters. *out points into obj. */
int jx_str(json_t *obj, const char *key, int flags, size_t maxlen,
	   const char **out, struct err *e);
/* Integer in [min, max]; a real such as 12.5 is a field error. */
int jx_int(json_t *obj, const char *key, int flags, int64_t min, int64_t max,
	   int64_t *out, struct err *e);
/* Money: an integer count of minor units in [min, MONEY_MAX]. */
int jx_money(json_t *obj, const char *key, int flags, int64_t min,
	     int64_t *out, struct err *e);
/* Quantity: a number with at most three decimals, to thousandths. */
int jx_qty(json_t *obj, const char *key, int flags, int64_t *out,
	   struct err *e);
int jx_bool(json_t *obj, const char *key, int flags, int *out, struct err *e);
/* One of a NULL-terminated list of strings; *out is the list's entry. */
int jx_enum(json_t *obj, const char *key, int flags,
	    const char *const *values, const char **out, struct err *e);
/* A business day 'YYYY-MM-DD'. */
int jx_day(json_t *obj, const char *key, int flags, const char **out,
	   struct err *e);
/* An array (of any items); *out borrowed. */
int jx_array(json_t *obj, const char *key, int flags, json_t **out,
	     struct err *e);

/* 1 when obj has key, null included (a PATCH that sends null sets "none"). */
int jx_present(json_t *obj, const char *key);
/* 1 when obj has key and it is null. */
int jx_null(json_t *obj, const char *key);

/* Nullable fields: 1 when key was sent, *out getting its value or `none`
 * for null (a bad value is noted, *out left as `none`); 0 when absent. */
int jx_int_null(json_t *obj, const char *key, int64_t min, int64_t max,
		int64_t none, int64_t *out, struct err *e);
int jx_money_null(json_t *obj, const char *key, int64_t none, int64_t *out,
		  struct err *e);

struct arena;

/* An array of ids: positive integers, each at most once, at most max of
 * them. 1 with *out (in a; NULL when empty) and *n set when key holds such
 * an array; 0 when absent or null (required: noted), or bad (noted: a
 * non-integer item is a type error, the rest field errors on key). */
int jx_ids(json_t *obj, const char *key, int flags, size_t max, struct arena *a,
	   int64_t **out, int *n, struct err *e);

/* Id lists stored as JSON text ("[1,2,3]", no spaces, so that ",<id>," can
 * be found with LIKE): a sorted copy of ids in a; the text in a; the JSON
 * array (caller owns it); and the stored text read back into *ids (in a),
 * 0 or -1 when it is not an array of integers. */
int64_t *jx_ids_sorted(struct arena *a, const int64_t *ids, int n);
char *jx_ids_text(struct arena *a, const int64_t *ids, int n);
json_t *jx_ids_json(const int64_t *ids, int n);
int jx_ids_parse(struct arena *a, const char *text, int64_t **ids, int *n);

/* Reads one object of an array into elem; problems go to ie, named by the
 * item's own field names ("quantity"). */
typedef void (*jx_item_fn)(json_t *item, void *elem, void *ctx, struct err *ie);

/* An array of objects under key, such as a document's lines: at most max
 * items (more: a field error on key); *out gets one zeroed element of size
 * bytes per item (in a), each filled by fn(item, elem, ctx, ie) when the
 * item is an object (else a type error on "key[i]"). fn's problems are
 * copied into e as "key[i].field". Returns the item count, or -1 when key
 * is absent or null (required: noted), not an array or too long. */
int jx_objects(json_t *obj, const char *key, int flags, size_t max,
	       struct arena *a, size_t size, void **out, jx_item_fn fn, void *ctx,
	       struct err *e);

/* Query-string helpers with the same error rules, for ?store_id=3 etc.:
 * parse decimal int64 in [min,max]; 0 absent, 1 ok, -1 bad (noted). */
/* A two-part list cursor "<a>:<b>" (each part at most 23 characters): a in
 * [min_a, INT64_MAX], b in [min_b, INT64_MAX]. 0, or -1 when malformed
 * (nothing noted: the caller names the field). */
int jx_cursor_pair(const char *c, int64_t min_a, int64_t min_b, int64_t *a, int64_t *b);

int jx_qint(const char *val, const char *name, int64_t min, int64_t max,
	    int64_t *out, struct err *e);

/* Helpers to build replies. Values are copied. NULL strings become null. */
json_t *jx_strn(const char *s);           /* string or null */
json_t *jx_time(int64_t ms);              /* RFC 3339 or null when ms==0 */
json_t *jx_qty_value(int64_t thousandths); /* integer when whole, else real */

#endif
