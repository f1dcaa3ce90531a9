/* h_system.c: health, the OpenAPI document and Prometheus metrics. */
#include <string.h>

#include "base/buf.h"
#include "http/metrics.h"
#include "jobs/scheduler.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/server.h"

#ifndef TERSA_VERSION
#define TERSA_VERSION "0.1.0"
#endif

extern const char openapi_json[];
extern const unsigned long openapi_json_len;

int h_health(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "status", "ok", "db",
					    db_kind_name(r->db), "version", TERSA_VERSION));
}

int h_openapi(struct req *r)
{
	r->raw = xmalloc(openapi_json_len + 1);
	memcpy(r->raw, openapi_json, openapi_json_len);
	r->raw_len = openapi_json_len;
	r->content_type = "application/json";
	r->status = 200;
	return 0;
}

int h_metrics(struct req *r)
{
	int rc = server_metrics_allowed(r);
	if (rc < 0)
		return rc;
	struct buf b;
	buf_init(&b, 0);
	metrics_render(&b);
	struct db_batch *batch = server_batch();
	if (batch) {
		unsigned long long commits, writes;
		db_batch_stats(batch, &commits, &writes);
		buf_printf(&b, "# HELP tersa_sqlite_writer_commits_total Commits of the SQLite writer "
			       "(several sales share one with group commit).\n"
			       "# TYPE tersa_sqlite_writer_commits_total counter\n"
			       "tersa_sqlite_writer_commits_total %llu\n"
			       "# HELP tersa_sqlite_writer_writes_total Writes (sales) the SQLite writer ran.\n"
			       "# TYPE tersa_sqlite_writer_writes_total counter\n"
			       "tersa_sqlite_writer_writes_total %llu\n",
			   commits, writes);
	}
	buf_printf(&b, "# HELP tersa_http_requests_in_flight Requests begun and not yet answered.\n"
		       "# TYPE tersa_http_requests_in_flight gauge\n"
		       "tersa_http_requests_in_flight %d\n",
		   server_in_flight());
	scheduler_metrics(&b);
	r->raw = buf_detach(&b, &r->raw_len);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	r->status = 200;
	return 0;
}
