/* metrics.h: request counters by route and status and latency histograms,
 * rendered as Prometheus text. Lock-free (atomic counters). */
#ifndef TERSA_METRICS_H
#define TERSA_METRICS_H

#include "base/buf.h"

/* route: index in routes[] or -1 for none (404, static files). */
void metrics_observe(int route, int status, double ms);
void metrics_render(struct buf *out);

#endif
