/* server.c: libmicrohttpd daemon, request lifecycle (body limits, framing
 * checks, auth, permission, dispatch, problem replies, headers, logging,
 * metrics) and graceful shutdown. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "db/batch.h"
#include "db/db.h"
#include "domain/org/session.h"
#include "domain/org/settings.h"
#include "http/events.h"
#include "http/export.h"
#include "jobs/scheduler.h"
#include "http/metrics.h"
#include "http/req.h"
#include "http/router.h"
#include "http/static.h"

#define BODY_MAX (1024 * 1024)
#define DISCARD_MAX (32 * 1024 * 1024)
/* Imports take a spreadsheet as the body. */
#define IMPORT_BODY_MAX (20 * 1024 * 1024)
#define IMPORT_PREFIX "/api/v1/imports/"
/* A training course's file (POST /api/v1/courses/{id}/files) is the body. */
#define COURSE_FILE_BODY_MAX (5 * 1024 * 1024)
/* How old this process's copy of the company time zone may be (ms). */
#define SETTINGS_SYNC_MS 2000

static const struct server_conf *conf;
static struct db_batch *batch;

struct db_batch *server_batch(void)
{
	return batch;
}
static atomic_int in_flight;

int server_in_flight(void)
{
	return atomic_load(&in_flight);
}
/* When the last request began (monotonic ms): stopping waits for a lull. */
static _Atomic int64_t last_arrival;
/* Set at SIGTERM: requests that arrive from then on, also on kept-alive
 * connections, answer 503 without running, so that none is cut off with
 * its work done and its answer unsent. */
static atomic_int stopping;

/* One database connection per worker thread, opened on first use and
 * registered so that shutdown can close them all. */
static _Thread_local struct db *tl_db;
static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db **dbs;
static int ndbs;

static struct db *thread_db(struct err *e)
{
	if (tl_db)
		return tl_db;
	struct db *db;
	if (db_open(conf->db_target, &db, e) < 0)
		return NULL;
	pthread_mutex_lock(&dbs_lock);
	dbs = xrealloc(dbs, sizeof *dbs * (size_t)(ndbs + 1));
	dbs[ndbs++] = db;
	pthread_mutex_unlock(&dbs_lock);
	tl_db = db;
	return db;
}

void server_conf_defaults(struct server_conf *c)
{
	memset(c, 0, sizeof *c);
	c->host = "127.0.0.1";
	c->port = 8080;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	c->threads = n > 0 ? (int)n * 2 : 4;
	c->max_conns = 1024;
	c->per_ip = 256;
	c->timeout_s = 30;
	c->conn_mem = 32 * 1024;
	c->group_commit = 1;
}

/* 1 when url is /api/v1/courses/<digits>/files. */
static int course_file_url(const char *url)
{
	static const char pre[] = "/api/v1/courses/";
	const char *p = url;

	if (strncmp(p, pre, sizeof pre - 1) != 0)
		return 0;
	p += sizeof pre - 1;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, "/files") == 0;
}

/* The body limit of a request and the refusal past it. */
static size_t body_limit(const char *url, const char *method, const char **too_large)
{
	if (strcmp(method, "POST") == 0 && strncmp(url, IMPORT_PREFIX, strlen(IMPORT_PREFIX)) == 0) {
		*too_large = "the body is over the 20 MiB limit of an import";
		return IMPORT_BODY_MAX;
	}
	if (strcmp(method, "POST") == 0 && course_file_url(url)) {
		*too_large = "the body is over the 5 MiB limit of a course file";
		return COURSE_FILE_BODY_MAX;
	}
	*too_large = "the body is over the 1 MiB limit";
	return BODY_MAX;
}

/* Per-request state kept by libmicrohttpd between calls. */
struct call {
	struct buf body;
	int reject;   /* 413 once the body passed the limit */
	size_t discarded;
	int64_t t0;   /* monotonic µs */
	int counted;  /* in in_flight */
	int refused;  /* answered by reject_early: never run */
	struct MHD_Connection *conn;
	struct req *r; /* from dispatch until the answer is queued */
	int job_rc;    /* a deferred write's result */
};

static int sane_request_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

/* A request id unique in this process and unlikely to repeat across
 * processes: a random per-thread prefix and a counter (no syscall per
 * request). */
static void new_request_id(char *out, size_t n)
{
	static _Thread_local uint64_t prefix, count;
	if (!prefix)
		randombytes_buf(&prefix, sizeof prefix);
	snprintf(out, n, "%010llx%06llx", (unsigned long long)(prefix >> 24),
		 (unsigned long long)(++count & 0xffffff));
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static void add_common_headers(struct MHD_Response *resp, const char *reqid,
			       int api)
{
	MHD_add_response_header(resp, "X-Request-Id", reqid);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
		"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
		"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
		"base-uri 'none'; form-action 'self'");
	if (api)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

/* problem+json body for an error code and the details in e. */
static json_t *problem_body(const struct err *e, int code)
{
	int status = err_status(code);
	json_t *p = json_object();
	json_object_set_new(p, "type", json_sprintf("/problems/%s", err_slug(code)));
	json_object_set_new(p, "title", json_string(err_title(code)));
	json_object_set_new(p, "status", json_integer(status));
	const char *detail = e->msg[0] && status < 500 ? e->msg : err_title(code);
	json_object_set_new(p, "detail", json_string(detail));
	json_t *errs = json_array();
	for (int i = 0; i < e->nfields && status < 500; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "field", json_string(e->fields[i].field));
		json_object_set_new(f, "message", json_string(e->fields[i].message));
		json_array_append_new(errs, f);
	}
	json_object_set_new(p, "errors", errs);
	return p;
}

/* Behind the trusted proxy the client is the last address of its
 * X-Forwarded-For (the one the proxy saw; earlier ones are the client's own
 * say). ip holds the peer's address and gets the client's when it parses. */
static void proxied_ip(struct MHD_Connection *c, char *ip, size_t n)
{
	if (!conf->trusted_proxy || strcmp(ip, conf->trusted_proxy) != 0)
		return;
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char addr[64];
	size_t len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof addr)
		return;
	memcpy(addr, last, len);
	addr[len] = 0;
	unsigned char bin[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
		snprintf(ip, n, "%s", addr);
}

static int ip_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	       strncmp(ip, "::ffff:127.", 11) == 0;
}

int server_metrics_allowed(struct req *r)
{
	if (!conf->metrics_token) {
		if (ip_loopback(r->ip))
			return 0;
		return err_set(&r->err, ERR_FORBIDDEN,
			       "metrics are served to loopback clients only unless a metrics token is set");
	}
	const char *h = req_header(r, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return err_set(&r->err, ERR_UNAUTHORIZED, "send Authorization: Bearer <metrics token>");
	/* Compared by their hashes: the same time whatever the lengths. */
	unsigned char want[crypto_hash_sha256_BYTES], got[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(want, (const unsigned char *)conf->metrics_token,
			   strlen(conf->metrics_token));
	crypto_hash_sha256(got, (const unsigned char *)h + 7, strlen(h + 7));
	if (sodium_memcmp(want, got, sizeof want) != 0)
		return err_set(&r->err, ERR_FORBIDDEN, "wrong metrics token");
	return 0;
}

int server_request_secure(struct req *r)
{
	if (conf->secure_cookies)
		return 1;
	if (!conf->trusted_proxy)
		return 0;
	char peer[64];
	client_ip(r->conn, peer, sizeof peer); /* r->ip may be the proxy's client */
	if (strcmp(peer, conf->trusted_proxy) != 0)
		return 0;
	const char *proto = req_header(r, "X-Forwarded-Proto");
	return proto && strcasecmp(proto, "https") == 0;
}

/* Takes the token from "Authorization: Bearer" or the session cookie;
 * *cookie is set when it came from the cookie. */
static const char *find_token(struct req *r, int *cookie)
{
	*cookie = 0;
	const char *h = req_header(r, "Authorization");
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0)
			return NULL;
		h += 7;
		while (*h == ' ')
			h++;
		return h;
	}
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "tersa_session");
	if (c)
		*cookie = 1;
	return c;
}

static int authenticate(struct req *r)
{
	int cookie;
	const char *token = find_token(r, &cookie);
	if (!token || !*token)
		return err_set(&r->err, ERR_UNAUTHORIZED, "log in first: send Authorization: Bearer <token>");
	int rc = session_resolve(r->db, r->a, token, &r->user, &r->err);
	if (rc < 0)
		return rc;
	r->token = arena_strdup(r->a, token);
	if (cookie && r->method != M_GET && r->method != M_HEAD) {
		char want[65];
		session_csrf_token(token, want);
		const char *got = req_header(r, "X-CSRF-Token");
		if (!got || strlen(got) != 64 || sodium_memcmp(got, want, 64) != 0)
			return err_set(&r->err, ERR_FORBIDDEN, "missing or wrong X-CSRF-Token");
	}
	r->actor.user = r->user;
	return 0;
}

/* Runs the route's handler after auth and permission checks. */
static int dispatch(struct req *r, const char *method)
{
	r->method = router_method(method);
	if (!r->method)
		return err_set(&r->err, ERR_METHOD_NOT_ALLOWED, "method %s is not supported", method);
	int idx = router_match(r->method, r->path, r->ids, &r->nids);
	if (idx < 0) {
		if (idx == ERR_NOT_FOUND)
			return err_set(&r->err, ERR_NOT_FOUND, "no such resource");
		return err_set(&r->err, idx, "method %s is not allowed here", method);
	}
	r->route = &routes[idx];
	int rc = req_check_text(r);
	if (rc < 0)
		return rc;
	r->db = thread_db(&r->err);
	if (!r->db)
		return err_set(&r->err, ERR_UNAVAILABLE, "database unavailable");
	/* Another server on the same database may have changed the zone. */
	struct err se;
	err_init(&se);
	if (settings_sync(r->db, SETTINGS_SYNC_MS, &se) < 0)
		log_warn("reading the company time zone failed: %s", se.msg);
	if (r->route->perm != PERM_PUBLIC) {
		rc = authenticate(r);
		if (rc < 0)
			return rc;
		if (!perm_allows(r->route->perm, r->user->role))
			return err_set(&r->err, ERR_FORBIDDEN, "your role may not do this");
	}
	return r->route->handler(r);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct MHD_Response *resp,
			     int status)
{
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Answers an error before the request was read (framing, size). */
static enum MHD_Result reject_early(struct MHD_Connection *c, struct call *cl, int code,
				    const char *msg, const char *url,
				    const char *method)
{
	struct err e;
	err_init(&e);
	err_set(&e, code, "%s", msg);
	cl->refused = 1;
	json_t *p = problem_body(&e, code);
	char *s = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	char rid[24];
	new_request_id(rid, sizeof rid);
	add_common_headers(resp, rid, 1);
	MHD_add_response_header(resp, "Content-Type", "application/problem+json");
	MHD_add_response_header(resp, "Connection", "close");
	int status = err_status(code);
	metrics_observe(-1, status, 0);
	log_request(method, url, status, 0, "-", rid);
	return queue(c, resp, status);
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->export_slot)
		export_slot_give();
	if (r->out)
		json_decref(r->out);
	if (r->in)
		json_decref(r->in);
	if (r->stream_free)
		r->stream_free(r->stream_cls);
	free(r->raw);
	arena_free(r->a);
	free(r);
}

/* Logs, counts and queues the answer; the request is done with. */
static enum MHD_Result finish(struct MHD_Connection *c, struct call *cl, const char *url,
			      const char *method, struct MHD_Response *resp, int status)
{
	struct req *r = cl->r;
	double ms = (double)(ts_mono_us() - cl->t0) / 1000.0;
	int route_idx = r->route ? (int)(r->route - routes) : -1;
	metrics_observe(route_idx, status, ms);
	log_request(method, r->route ? r->route->path : url, status, ms,
		    r->user ? r->user->username : "-", r->reqid);
	req_free(r);
	cl->r = NULL;
	return queue(c, resp, status);
}

/* Renders what the handler left in the request (or its error). */
static enum MHD_Result answer(struct MHD_Connection *c, struct call *cl, const char *url,
			      const char *method, int rc)
{
	struct req *r = cl->r;
	/* Never carry a transaction or a read snapshot into the next request. */
	if (r->db)
		db_idle(r->db);
	if (rc < 0 || r->status == 0) {
		int code = rc < 0 ? rc : ERR_INTERNAL;
		if (err_status(code) >= 500)
			log_error("request %s %s %s failed: %s", r->reqid, method, url,
				  r->err.msg[0] ? r->err.msg : err_title(code));
		if (r->out)
			json_decref(r->out);
		r->out = problem_body(&r->err, code);
		r->status = err_status(code);
		r->content_type = "application/problem+json";
		free(r->raw);
		r->raw = NULL;
		r->nheaders = 0;
	}
	struct MHD_Response *resp;
	if (r->stream_read && r->status == 200) {
		/* A live stream (events.c): it never finishes, so shutdown does
		 * not wait for it as for a request in flight. */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, r->stream_read,
							 r->stream_cls, r->stream_free);
		r->stream_free = NULL;
		MHD_add_response_header(resp, "Content-Type", r->content_type);
		if (cl->counted) {
			atomic_fetch_sub(&in_flight, 1);
			cl->counted = 0;
		}
	} else if (r->out) {
		char *s = json_dumps(r->out, JSON_COMPACT | JSON_REAL_PRECISION(15));
		resp = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, "Content-Type",
			r->content_type ? r->content_type : "application/json");
	} else if (r->raw) {
		resp = MHD_create_response_from_buffer(r->raw_len, r->raw, MHD_RESPMEM_MUST_FREE);
		r->raw = NULL;
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	add_common_headers(resp, r->reqid, 1);
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
	if (r->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
	if (r->status == 429 && r->retry_after)
		MHD_add_response_header(resp, "Retry-After", r->retry_after);
	if (atomic_load(&stopping))
		MHD_add_response_header(resp, "Connection", "close");
	return finish(c, cl, url, method, resp, r->status);
}

/* The writer finished a deferred write: the connection's own thread
 * answers it (on_request is called again once it is resumed). */
static void deferred_done(void *arg, int rc)
{
	struct call *cl = arg;
	cl->job_rc = rc;
	MHD_resume_connection(cl->conn);
}

static enum MHD_Result respond(struct MHD_Connection *c, struct call *cl,
			       const char *url, const char *method)
{
	struct req *r = xmalloc(sizeof *r);
	memset(r, 0, offsetof(struct req, err));
	err_init(&r->err);
	cl->r = r;
	r->a = arena_new();
	r->conn = c;
	r->method_name = method;
	r->path = url;
	r->body = cl->body.len ? cl->body.data : NULL;
	r->body_len = cl->body.len;
	client_ip(c, r->ip, sizeof r->ip);
	proxied_ip(c, r->ip, sizeof r->ip);
	r->actor.ip = r->ip;
	const char *rid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	if (sane_request_id(rid)) {
		snprintf(r->reqid, sizeof r->reqid, "%s", rid);
	} else {
		new_request_id(r->reqid, sizeof r->reqid);
	}

	int api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/metrics") == 0;
	if (!api && conf->web_dir) {
		struct MHD_Response *resp = NULL;
		int status = static_serve(c, conf->web_dir, url, &resp);
		if (resp)
			add_common_headers(resp, r->reqid, 0);
		return finish(c, cl, url, method, resp, status);
	}
	int rc = dispatch(r, method);
	if (rc == 0 && r->then) {
		/* Wait for the writer without holding this thread: suspended
		 * before the job is queued, so the resume always follows it. */
		if (r->db)
			db_idle(r->db);
		MHD_suspend_connection(c);
		db_batch_submit(batch, r->defer_fn, r->defer_arg, &r->err, deferred_done, cl);
		return MHD_YES;
	}
	return answer(c, cl, url, method, rc);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct call *cl = *req_cls;
	if (cl && cl->r) {
		/* Resumed after a deferred write: answer it. */
		struct req *r = cl->r;
		int (*then)(struct req *, int) = r->then;
		r->then = NULL;
		return answer(c, cl, url, method, then(r, cl->job_rc));
	}
	if (cl && cl->refused) {
		/* Already answered with a refusal: whatever more arrives of this
		 * request is dropped, and it never runs. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!cl) {
		/* First call: headers only. Keep-alive needs the reply queued on
		 * a later call, except for the refusals below, which close. */
		cl = xcalloc(1, sizeof *cl);
		const char *too_large;
		size_t body_max = body_limit(url, method, &too_large);
		buf_init(&cl->body, body_max);
		cl->t0 = ts_mono_us();
		cl->conn = c;
		*req_cls = cl;
		atomic_fetch_add(&in_flight, 1);
		cl->counted = 1;
		if (atomic_load(&stopping))
			atomic_store(&last_arrival, ts_mono_ms());
		if (atomic_load(&stopping))
			return reject_early(c, cl, ERR_UNAVAILABLE, "the server is stopping", url, method);
		const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
		const char *cl_h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (te && cl_h)
			return reject_early(c, cl, ERR_BAD_REQUEST,
				"Content-Length and Transfer-Encoding together are refused", url, method);
		if (te && strcasecmp(te, "chunked") != 0)
			return reject_early(c, cl, ERR_BAD_REQUEST,
				"only chunked Transfer-Encoding is accepted", url, method);
		if (cl_h) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl_h, &end, 10);
			if (errno || *end || end == cl_h)
				return reject_early(c, cl, ERR_BAD_REQUEST, "bad Content-Length", url, method);
			/* Refused before reading when the client waits for 100-continue
			 * or the body is huge; otherwise read and dropped, then 413:
			 * closing on a client still sending would reset the connection
			 * and lose the answer. */
			const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
			if (n > body_max && (n > DISCARD_MAX || (expect && strcasecmp(expect, "100-continue") == 0)))
				return reject_early(c, cl, ERR_TOO_LARGE, too_large, url, method);
			if (n > body_max)
				cl->reject = 413;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* A chunked body has no length up front. Past the limit the rest
		 * is discarded, then answered 413 (libmicrohttpd cannot queue a
		 * reply mid-body); past DISCARD_MAX the connection is dropped. */
		if (!cl->reject && buf_append(&cl->body, upload_data, *upload_data_size) < 0)
			cl->reject = 413;
		if (cl->reject) {
			cl->discarded += *upload_data_size;
			if (cl->discarded > DISCARD_MAX)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cl->reject) {
		const char *too_large;
		body_limit(url, method, &too_large);
		return reject_early(c, cl, ERR_TOO_LARGE, too_large, url, method);
	}
	return respond(c, cl, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct call *cl = *req_cls;
	if (!cl)
		return;
	if (cl->counted)
		atomic_fetch_sub(&in_flight, 1);
	req_free(cl->r);
	buf_release(&cl->body);
	free(cl);
	*req_cls = NULL;
}

int server_run(const struct server_conf *c)
{
	conf = c;
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		return 1;
	}
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)c->port);
	if (inet_pton(AF_INET, c->host, &sa.sin_addr) != 1) {
		log_error("listen address %s is not an IPv4 address", c->host);
		return 1;
	}

	/* Workers inherit a mask without SIGTERM/SIGINT: only sigwait sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	int is_pg = strncmp(c->db_target, "postgres", 8) == 0;
	/* SQLite: sales go through one writer connection, whose page cache
	 * stays warm; with group commit up to 64 share a commit, without it
	 * each sale commits alone. */
	if (!is_pg) {
		struct err e;
		err_init(&e);
		if (db_batch_open(c->db_target, c->group_commit ? 64 : 1, &batch, &e) < 0) {
			log_error("cannot start group commit: %s", e.msg);
			return 1;
		}
	}

	if (events_start(c->db_target) < 0)
		log_warn("the live feed carries no stock alerts: the database cannot be read");
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ITC |
			MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, c->conn_mem,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	if (!d) {
		log_error("cannot listen on %s:%d: %s", c->host, c->port, strerror(errno));
		events_stop();
		return 1;
	}
	log_info("listening on http://%s:%d (%d threads)", c->host, c->port, c->threads);
	scheduler_start(c->db_target);

	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: stopping; finishing requests in flight", sig);
	/* Still listening: a till that connects now gets 503 (retry later)
	 * rather than a reset. */
	atomic_store(&stopping, 1);
	events_close_streams();
	/* 30 s, the grace period service managers commonly give. */
	int64_t deadline = ts_mono_ms() + 30000;
	while (atomic_load(&in_flight) > 0 && ts_mono_ms() < deadline)
		usleep(10000);
	/* Then requests already sent (queued in sockets, or connecting) are
	 * answered 503 instead of cut off: until 100 ms pass without one, for
	 * 1 s at most. */
	int64_t linger = ts_mono_ms() + 1000;
	while (ts_mono_ms() < linger && (atomic_load(&in_flight) > 0 ||
					ts_mono_ms() - atomic_load(&last_arrival) < 100))
		usleep(10000);
	if (atomic_load(&in_flight) > 0)
		log_warn("stopping with %d request(s) still running: their answers are lost",
			 atomic_load(&in_flight));
	MHD_stop_daemon(d);
	events_stop();
	scheduler_stop();
	db_batch_close(batch);
	batch = NULL;
	pthread_mutex_lock(&dbs_lock);
	for (int i = 0; i < ndbs; i++)
		db_close(dbs[i]);
	free(dbs);
	dbs = NULL;
	ndbs = 0;
	pthread_mutex_unlock(&dbs_lock);
	log_info("stopped");
	fflush(stderr);
	return 0;
}
