/* h_contacts.c: a customer's contacts over HTTP: parse and check, call
 * contact.c, render. */
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/crm/contact.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"

/* POST /customers/{id}/contacts */
int h_customer_contacts_create(struct req *r)
{
	static const char *const allowed[] = {"channel", "direction", "summary", "outcome",
					      "next_step", "store_id", "at", "closes_task_id",
					      NULL};
	struct contact_input ci = {0};
	struct contact *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	jx_str(in, "channel", 0, 0, &ci.channel, &r->err);
	jx_str(in, "direction", 0, 0, &ci.direction, &r->err);
	crm_text(in, "summary", &ci.summary, &r->err);
	crm_text(in, "outcome", &ci.outcome, &r->err);
	crm_text(in, "next_step", &ci.next_step, &r->err);
	crm_id(in, "store_id", &ci.store_id, &r->err);
	crm_id(in, "closes_task_id", &ci.closes_task_id, &r->err);
	crm_time(in, "at", &ci.at, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = contact_create(r->db, r->a, &r->actor, r->ids[0], &ci, ts_now_ms(), &c, &r->err);
	if (rc < 0)
		return rc;
	reply_header(r, "Location", arena_printf(r->a, "%s/%lld", r->path, (long long)c->id));
	return reply_json(r, 201, contact_to_json(c));
}

/* GET /customers/{id}/contacts/{id} */
int h_customer_contacts_get(struct req *r)
{
	struct contact *c;
	int rc = contact_get(r->db, r->a, &r->actor, r->ids[0], r->ids[1], &c, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, contact_to_json(c));
}

static json_t *contact_row(const void *rows, int i)
{
	return contact_to_json(((struct contact *const *)rows)[i]);
}

/* GET /customers/{id}/contacts?limit=&cursor=&format= (newest first) */
int h_customer_contacts_list(struct req *r)
{
	struct contact **list;
	const char *cursor, *next;
	int limit, n, rc;

	req_page_text(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = contact_list(r->db, r->a, &r->actor, r->ids[0], cursor, limit, &list, &n, &next,
			  &r->err);
	if (rc < 0)
		return rc;
	return reply_page_cursor(r, list, n, next, contact_row);
}
