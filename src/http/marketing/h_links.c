/* h_links.c: the unsubscribe link of marketing messages (public): GET shows
 * a page asking to confirm, POST (the page's button, or a mail client's
 * one-click per RFC 8058) unsubscribes. A bad link answers 400 with a page
 * saying so. */
#include <string.h>

#include "base/arena.h"
#include "domain/marketing/links.h"
#include "http/handlers.h"
#include "http/req.h"

static int unsubscribe(struct req *r, int apply)
{
	char *page;
	int valid;
	const char *t = req_query(r, "t");
	int rc = unsubscribe_link(r->db, r->a, &r->actor, t ? t : "", apply, &page, &valid, &r->err);
	if (rc < 0)
		return rc;
	size_t n = strlen(page);
	r->raw = xmalloc(n + 1);
	memcpy(r->raw, page, n + 1);
	r->raw_len = n;
	r->content_type = "text/html; charset=utf-8";
	r->status = valid ? 200 : 400;
	return 0;
}

int h_unsubscribe_get(struct req *r)
{
	return unsubscribe(r, 0);
}

int h_unsubscribe_post(struct req *r)
{
	return unsubscribe(r, 1);
}
