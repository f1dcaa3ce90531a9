/* err.h: the one error table (code, problem slug, HTTP status, title) and
 * struct err, which carries a message and the offending fields. */
#ifndef TERSA_ERR_H
#define TERSA_ERR_H

#include <stdarg.h>

/* X(name, slug, http status, title) */
#define ERR_MAP(X)                                                            \
	X(OK, "ok", 200, "OK")                                                    \
	X(BAD_REQUEST, "bad-request", 400, "Bad request")                         \
	X(MALFORMED_JSON, "malformed-json", 400, "Malformed JSON")                \
	X(UNAUTHORIZED, "unauthorized", 401, "Authentication required")           \
	X(FORBIDDEN, "forbidden", 403, "Forbidden")                               \
	X(NOT_FOUND, "not-found", 404, "Not found")                               \
	X(METHOD_NOT_ALLOWED, "method-not-allowed", 405, "Method not allowed")    \
	X(CONFLICT, "conflict", 409, "Conflict")                                  \
	X(DUPLICATE, "duplicate", 409, "Duplicate")                               \
	X(STATE, "state", 409, "Wrong state for this action")                     \
	X(INSUFFICIENT_STOCK, "insufficient-stock", 409, "Insufficient stock")    \
	X(INSUFFICIENT_POINTS, "insufficient-points", 409, "Insufficient points") \
	X(INSUFFICIENT_BALANCE, "insufficient-balance", 409,                      \
	  "Insufficient stored value")                                            \
	X(IDEMPOTENCY_CONFLICT, "idempotency-conflict", 409,                      \
	  "Idempotency key reused with another request")                          \
	X(TOO_LARGE, "payload-too-large", 413, "Request body too large")          \
	X(UNSUPPORTED_MEDIA, "unsupported-media-type", 415,                       \
	  "Unsupported media type")                                               \
	X(INVALID, "validation", 422, "Invalid values")                           \
	X(TOO_MANY, "too-many-requests", 429, "Too many requests")                \
	X(INTERNAL, "internal", 500, "Internal error")                            \
	X(DB, "internal", 500, "Internal error")                                  \
	X(UNAVAILABLE, "unavailable", 503, "Service unavailable")

enum err_index {
#define X(n, s, h, t) ERRI_##n,
	ERR_MAP(X)
#undef X
	ERRI__COUNT
};

/* Error codes are 0 (OK) or negative: functions return them directly. */
enum err_code {
#define X(n, s, h, t) ERR_##n = -ERRI_##n,
	ERR_MAP(X)
#undef X
};

#define ERR_MAX_FIELDS 32

struct err_field {
	char field[64];
	char message[160];
};

struct err {
	int code;        /* 0 or a negative ERR_* */
	int type_error;  /* a field had the wrong JSON type: the reply is 400 */
	char msg[256];   /* human detail; never internals for 5xx */
	int nfields;
	struct err_field fields[ERR_MAX_FIELDS];
};

void err_init(struct err *e);

/* Sets code and message (printf-style) and returns code, so that
 * `return err_set(e, ERR_NOT_FOUND, "no product %lld", id);` reads well.
 * e may be NULL. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds one offending field with its message (kept in order, at most
 * ERR_MAX_FIELDS). Does not change e->code: call err_fields_done(). */
void err_field(struct err *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records that `field` has the wrong JSON type (makes the reply 400). */
void err_type(struct err *e, const char *field, const char *expected);

/* Copies src's fields into dst with prefix before each name ("lines[2].")
 * and carries its type error. */
void err_merge(struct err *dst, const struct err *src, const char *prefix);

/* If fields were added, sets e->code to ERR_BAD_REQUEST (any type error) or
 * ERR_INVALID and a default message (unless msg is set), and returns it;
 * else returns e->code (0 unless err_set() was called). */
int err_fields_done(struct err *e);

const char *err_slug(int code);
int err_status(int code);
const char *err_title(int code);

#endif
