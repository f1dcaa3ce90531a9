/* h_events.c: GET /events, the live feed of sales, returns and stock alerts
 * as Server-Sent Events (the hub is http/events.c). */
#include <errno.h>
#include <stdlib.h>

#include "base/jx.h"
#include "http/events.h"
#include "http/handlers.h"
#include "http/req.h"

/* An event id as the feed sends them: 1 with *out set, 0 if not one. */
static int parse_id(const char *s, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return 0;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || end - s > 20)
		return 0;
	*out = v;
	return 1;
}

int h_events(struct req *r)
{
	int64_t store_id = 0;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	/* EventSource sends Last-Event-ID when it reconnects; its first
	 * request cannot carry a header, so ?last_event_id= is read too, and
	 * the header (newer) wins. */
	const char *hdr = req_header(r, "Last-Event-ID");
	const char *q = req_query(r, "last_event_id");
	uint64_t last = 0;
	int has_last = 0;
	if (hdr && *hdr) {
		if (!(has_last = parse_id(hdr, &last)))
			err_field(&r->err, "Last-Event-ID", "must be an event id this feed sent");
	} else if (q && *q) {
		if (!(has_last = parse_id(q, &last)))
			err_field(&r->err, "last_event_id", "must be an event id this feed sent");
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	return events_open(r, store_id, has_last, last);
}
