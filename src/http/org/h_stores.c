/* h_stores.c: stores and their settings; store-bound roles see only theirs. */
#include <string.h>

#include "base/jx.h"
#include "domain/org/store.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const store_fields[] = {
	"code", "name", "channel", "region", "city", "address",
	"allow_negative_stock", "cash_rounding", "active", NULL};

/* Reads a store body; `creating` makes code, name and channel required and
 * refuses "active". */
static void read_store(struct req *r, json_t *in, int creating, struct store_input *si)
{
	int fl = creating ? JX_REQUIRED | JX_NONEMPTY : JX_NONEMPTY;
	int b;
	int64_t v;
	jx_no_unknown(in, store_fields, &r->err);
	if (creating && json_object_get(in, "active"))
		err_field(&r->err, "active", "is not allowed");
	si->set_code = jx_str(in, "code", fl, 32, &si->code, &r->err) ||
		       (!creating && json_object_get(in, "code"));
	si->set_name = jx_str(in, "name", fl, 100, &si->name, &r->err) ||
		       (!creating && json_object_get(in, "name"));
	si->set_channel = jx_enum(in, "channel", creating ? JX_REQUIRED : 0, store_channels,
				  &si->channel, &r->err) ||
			  (!creating && json_object_get(in, "channel"));
	si->set_region = jx_str(in, "region", 0, 100, &si->region, &r->err) ||
			 json_object_get(in, "region");
	si->set_city = jx_str(in, "city", 0, 100, &si->city, &r->err) ||
		       json_object_get(in, "city");
	si->set_address = jx_str(in, "address", 0, 300, &si->address, &r->err) ||
			  json_object_get(in, "address");
	si->allow_negative_stock = -1;
	if (jx_bool(in, "allow_negative_stock", 0, &b, &r->err))
		si->allow_negative_stock = b;
	si->cash_rounding = 0;
	if (jx_int(in, "cash_rounding", 0, 1, 100, &v, &r->err))
		si->cash_rounding = v;
	si->active = -1;
	if (!creating && jx_bool(in, "active", 0, &b, &r->err))
		si->active = b;
}

int h_stores_create(struct req *r)
{
	json_t *in;
	struct store_input si = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_store(r, in, 1, &si);
	if (req_bad_types(r))
		return r->err.code;
	struct store *s;
	int rc = store_create(r->db, r->a, &r->actor, &si, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, store_to_json(s), s->id);
}

int h_stores_patch(struct req *r)
{
	json_t *in;
	struct store_input si = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_store(r, in, 0, &si);
	if (req_bad_types(r))
		return r->err.code;
	struct store *s;
	int rc = store_update(r->db, r->a, &r->actor, r->ids[0], &si, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, store_to_json(s));
}

int h_stores_get(struct req *r)
{
	if (!req_store_visible(r, r->ids[0]))
		return r->err.code;
	struct store *s;
	int rc = store_get(r->db, r->a, r->ids[0], &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, store_to_json(s));
}

static json_t *store_row(const void *rows, int i)
{
	return store_to_json(((struct store *const *)rows)[i]);
}

int h_stores_list(struct req *r)
{
	int limit;
	int64_t cursor;
	req_page(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	struct store **list;
	int n, more;
	int rc = store_list(r->db, r->a, r->user, req_query(r, "q"), cursor, limit, &list, &n,
			    &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, store_row);
}
