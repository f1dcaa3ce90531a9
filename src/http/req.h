/* req.h: one HTTP request as handlers see it, and the helpers they use to
 * read it and to answer. Handlers are `int h_x(struct req *r)`: they parse
 * and check, call one domain function, and render; they return 0 after
 * setting a reply, or a negative ERR_* with r->err filled (rendered as
 * problem+json by the server). */
#ifndef TERSA_REQ_H
#define TERSA_REQ_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/batch.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct MHD_Connection;
struct req;

enum perm {
#define PERM(name, roles) PERM_##name,
#include "perms.def"
#undef PERM
	PERM__COUNT
};
extern const int perm_roles[PERM__COUNT];
extern const char *const perm_names[PERM__COUNT];

enum http_method { M_GET = 1, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD };

struct route {
	enum http_method method;
	const char *path;
	int (*handler)(struct req *r);
	enum perm perm;
	const char *handler_name;
};
extern const struct route routes[];
extern const int routes_count;

#define REQ_MAX_IDS 4
#define REPLY_MAX_HEADERS 8

struct req {
	struct arena *a;
	struct db *db;
	struct MHD_Connection *conn;
	enum http_method method;
	const char *method_name;
	const char *path;          /* without query */
	const struct route *route; /* NULL if none matched */
	int64_t ids[REQ_MAX_IDS];  /* {id} values in path order */
	int nids;
	const char *body;          /* NUL-terminated; NULL when empty */
	size_t body_len;
	json_t *in;                /* parsed body (owned) */
	struct user *user;         /* NULL on public routes */
	const char *token;         /* the session token used, if any */
	struct actor actor;        /* user + ip, for domain calls */
	char reqid[72];
	char ip[64];

	/* reply */
	int status;
	json_t *out;               /* JSON reply (owned) */
	char *raw;                 /* or raw bytes (malloc'd, owned) */
	size_t raw_len;
	const char *content_type;  /* for raw */
	int nheaders;
	const char *hname[REPLY_MAX_HEADERS];
	const char *hvalue[REPLY_MAX_HEADERS];

	/* set by req_defer */
	db_batch_fn defer_fn;
	void *defer_arg;
	int (*then)(struct req *r, int rc);

	/* set by events_open: the reply is a stream that libmicrohttpd reads
	 * with stream_read (a MHD_ContentReaderCallback) until it ends, then
	 * calls stream_free(stream_cls) */
	ssize_t (*stream_read)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*stream_free)(void *cls);
	void *stream_cls;

	int export_slot;           /* holds an export slot (given back when freed) */
	const char *retry_after;   /* Retry-After for a 429, or NULL */

	struct err err;            /* last: large, cleared by err_init only */
};

/* Query parameter value or NULL. */
const char *req_query(struct req *r, const char *name);
/* ERR_BAD_REQUEST (r->err filled) when a query parameter (name or value)
 * or a header read as text (Idempotency-Key, X-CSRF-Token, Authorization,
 * X-Request-Id) is not valid UTF-8, which the database would refuse; else 0.
 * The server checks this before any handler runs. */
int req_check_text(struct req *r);
/* Parses the body as a JSON object into *out (owned by r, freed after the
 * reply). Malformed: ERR_MALFORMED_JSON (400); not an object: 400. */
int req_json(struct req *r, json_t **out);
/* The request header value or NULL. */
const char *req_header(struct req *r, const char *name);

/* After reading a body: 1 (with r->err final) when a field had the wrong
 * JSON type, which answers 400 at once. Value errors (422) are left for the
 * domain call, which adds its own and refuses with every bad field listed. */
int req_bad_types(struct req *r);

/* Reads ?from= and ?to= (RFC 3339 times, or business days YYYY-MM-DD) into
 * Unix ms, leaving absent ones as they are; a day given as `to` covers the
 * whole day (up to the next day's midnight). Bad values are noted in r->err. */
void req_time_range(struct req *r, int64_t *from, int64_t *to);

/* 1 when ?format= asks for a file (csv or xlsx), 0 when it is json or
 * absent; another value is noted in r->err ("must be one of: json, csv,
 * xlsx"). For reports that build their own answer; lists use req_page. */
int req_export_asked(struct req *r);

/* Reads ?name= as one of values (NULL-terminated): the matching entry of
 * values, or NULL when absent or empty (any); another value is noted in
 * r->err as "must be one of: <values, comma-separated>". */
const char *req_query_enum(struct req *r, const char *name, const char *const *values);
/* Reads ?name=true|false: 1 or 0; -1 when absent or empty (any), or when
 * another value is given (noted in r->err as "must be true or false"). */
int req_query_bool(struct req *r, const char *name);

/* Reads ?limit= (default 50, 1..500) and ?cursor= (an id) for keyset
 * pagination; notes bad values in r->err. With ?format=csv|xlsx, *limit is
 * raised to EXPORT_MAX_ROWS so an export gets every page, and an export slot
 * is taken: when none is free r->err is set to ERR_TOO_MANY (429, with
 * Retry-After), which err_fields_done returns. */
void req_page(struct req *r, int *limit, int64_t *cursor);
/* The same for a cursor that is not an id (such as "3:41"): *cursor gets the
 * raw ?cursor= text or NULL (always NULL for an export). */
void req_page_text(struct req *r, int *limit, const char **cursor);

/* 1 if the user may see store_id; else sets 404 (never a hint). */
int req_store_visible(struct req *r, int64_t store_id);
/* For writes naming a store: 403 when the store is not the user's. */
int req_store_writable(struct req *r, int64_t store_id);

/* Replies. These steal `body`. */
int reply_json(struct req *r, int status, json_t *body);
/* 201 with Location: <collection path>/<id>. */
int reply_created(struct req *r, json_t *body, int64_t id);
/* {"items":[...],"next_cursor":null|"<id>"}; or CSV/XLSX for ?format=,
 * refused with 422 when more rows follow (more than EXPORT_MAX_ROWS) and
 * with 429 when no export slot is free. */
int reply_list(struct req *r, json_t *items, int more, int64_t last_id);
/* The same with the next cursor as text (NULL: no more pages). */
int reply_list_cursor(struct req *r, json_t *items, const char *next_cursor);
/* Renders row i of rows as a JSON object (the caller owns it). */
typedef json_t *(*reply_row_fn)(const void *rows, int i);
/* A page of n rows as reply_list answers it, each row rendered by fn; an
 * export renders and writes one row at a time instead of first building
 * every row's JSON. */
int reply_page(struct req *r, const void *rows, int n, int more, int64_t last_id,
	       reply_row_fn fn);
/* The same with the next cursor as text (NULL: no more pages). */
int reply_page_cursor(struct req *r, const void *rows, int n, const char *next_cursor,
		      reply_row_fn fn);
/* A report of n tables (JSON arrays of objects, the caller keeps them) as
 * one ?format=csv|xlsx export: XLSX one sheet per table named names[i],
 * CSV the tables one after another with a blank line between. 429 when no
 * export slot is free. */
int reply_tables(struct req *r, int n, const char *const *names, json_t *const *tables);
int reply_no_content(struct req *r);
/* 200 with body when the user sees store_id, else 404 naming `what` and the
 * path's id (body is freed). For a single object read with its store. */
int reply_scoped(struct req *r, json_t *body, int64_t store_id, const char *what);
void reply_header(struct req *r, const char *name, const char *value);

/* For a write that goes through the group-commit writer (db/batch.h): the
 * server suspends the connection (its thread serves other connections
 * meanwhile), queues fn(arg) with r->err for its details, and when the
 * commit is durable or the write failed calls then(r, rc) on this thread to
 * answer as a handler would. arg must live in r->a. The handler returns
 * what this returns. */
int req_defer(struct req *r, db_batch_fn fn, void *arg, int (*then)(struct req *r, int rc));

#endif
