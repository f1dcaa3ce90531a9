/* server.h: the HTTP server (libmicrohttpd, internal epoll thread pool). */
#ifndef TERSA_SERVER_H
#define TERSA_SERVER_H

#include <stddef.h>

#include "base/err.h"

struct req;

struct server_conf {
	const char *db_target; /* SQLite path or postgresql:// URL */
	const char *host;      /* listen address, "127.0.0.1" */
	int port;
	const char *web_dir;   /* static files (web/dist); NULL for none */
	int threads;           /* worker threads */
	int max_conns;         /* total connection limit */
	int per_ip;            /* connections per client IP */
	int timeout_s;         /* idle connection timeout */
	size_t conn_mem;       /* memory limit per connection */
	int group_commit;      /* SQLite: sales share commits (db/batch.h); 0:
				  one commit per sale on the same writer */
	const char *metrics_token; /* NULL: /metrics to loopback clients only;
				      else to "Authorization: Bearer <token>" */
	int secure_cookies;    /* the session cookie always gets Secure */
	const char *trusted_proxy; /* a proxy's address whose X-Forwarded-Proto
				      and X-Forwarded-For are believed; NULL
				      for none */
};

void server_conf_defaults(struct server_conf *c);
/* Serves until SIGTERM or SIGINT, then lets requests in flight finish
 * (requests that arrive meanwhile answer 503 without running), closes the
 * databases and returns 0 (1 on a start failure). */
int server_run(const struct server_conf *c);

/* For /metrics: 0 when r may read the metrics; else ERR_UNAUTHORIZED (no
 * token sent where one is configured), ERR_FORBIDDEN (a wrong token, or a
 * client not on loopback when none is configured), with r->err filled. */
int server_metrics_allowed(struct req *r);
/* 1 when the client reached the server over TLS: --secure-cookies, or the
 * trusted proxy said X-Forwarded-Proto: https. */
int server_request_secure(struct req *r);

/* The writer that sales go through on SQLite (group commit or one commit
 * per sale), or NULL on PostgreSQL. */
struct db_batch *server_batch(void);
/* Requests begun and not yet answered (the one asking included). */
int server_in_flight(void);

#endif
