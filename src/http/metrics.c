/* metrics.c: Prometheus counters for requests (route × status) and a latency
 * histogram per route. */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "http/req.h"
#include "http/router.h"

#define MAX_ROUTES 512
static const int statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404,
			       405, 409, 413, 415, 422, 429, 500, 503, 0};
#define NSTATUS ((int)(sizeof statuses / sizeof *statuses))
static const double buckets_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
#define NBUCKETS ((int)(sizeof buckets_ms / sizeof *buckets_ms))

struct route_metrics {
	atomic_uint_fast64_t by_status[NSTATUS];
	atomic_uint_fast64_t bucket[NBUCKETS + 1];
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

/* Slot 0 is "no route"; route i is slot i+1. */
static struct route_metrics table[MAX_ROUTES + 1];

void metrics_observe(int route, int status, double ms)
{
	int slot = route >= 0 && route < MAX_ROUTES ? route + 1 : 0;
	struct route_metrics *m = &table[slot];
	int si = NSTATUS - 1;
	for (int i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status) {
			si = i;
			break;
		}
	atomic_fetch_add_explicit(&m->by_status[si], 1, memory_order_relaxed);
	int b = NBUCKETS;
	for (int i = 0; i < NBUCKETS; i++)
		if (ms <= buckets_ms[i]) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (uint_fast64_t)(ms * 1000.0), memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
}

static void route_labels(int slot, char *out, size_t n)
{
	if (slot == 0)
		snprintf(out, n, "method=\"\",route=\"other\"");
	else
		snprintf(out, n, "method=\"%s\",route=\"%s\"",
			 router_method_name(routes[slot - 1].method), routes[slot - 1].path);
}

void metrics_render(struct buf *out)
{
	int nslots = routes_count < MAX_ROUTES ? routes_count + 1 : MAX_ROUTES + 1;
	char lab[300];
	buf_puts(out, "# HELP tersa_http_requests_total HTTP requests by route and status.\n"
		      "# TYPE tersa_http_requests_total counter\n");
	for (int s = 0; s < nslots; s++) {
		route_labels(s, lab, sizeof lab);
		for (int i = 0; i < NSTATUS; i++) {
			uint64_t v = atomic_load_explicit(&table[s].by_status[i], memory_order_relaxed);
			if (!v)
				continue;
			if (statuses[i])
				buf_printf(out, "tersa_http_requests_total{%s,status=\"%d\"} %llu\n",
					   lab, statuses[i], (unsigned long long)v);
			else
				buf_printf(out, "tersa_http_requests_total{%s,status=\"other\"} %llu\n",
					   lab, (unsigned long long)v);
		}
	}
	buf_puts(out, "# HELP tersa_http_request_duration_seconds Time to answer, by route.\n"
		      "# TYPE tersa_http_request_duration_seconds histogram\n");
	for (int s = 0; s < nslots; s++) {
		uint64_t count = atomic_load_explicit(&table[s].count, memory_order_relaxed);
		if (!count)
			continue;
		route_labels(s, lab, sizeof lab);
		uint64_t cum = 0;
		for (int b = 0; b <= NBUCKETS; b++) {
			cum += atomic_load_explicit(&table[s].bucket[b], memory_order_relaxed);
			if (b < NBUCKETS)
				buf_printf(out, "tersa_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n",
					   lab, buckets_ms[b] / 1000.0, (unsigned long long)cum);
			else
				buf_printf(out, "tersa_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n",
					   lab, (unsigned long long)cum);
		}
		uint64_t sum = atomic_load_explicit(&table[s].sum_us, memory_order_relaxed);
		buf_printf(out, "tersa_http_request_duration_seconds_sum{%s} %.6f\n", lab, sum / 1e6);
		buf_printf(out, "tersa_http_request_duration_seconds_count{%s} %llu\n", lab,
			   (unsigned long long)count);
	}
}
