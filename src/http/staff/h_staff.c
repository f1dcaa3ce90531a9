/* h_staff.c: GET /staff (the people the actor sees) and GET /staff/{id}
 * (one person with their stores): parse, call staff_scope.c, render. */
#include <string.h>

#include "base/jx.h"
#include "domain/org/actor.h"
#include "domain/staff/staff_scope.h"
#include "http/handlers.h"
#include "http/req.h"

static json_t *person_row(const void *rows, int i)
{
	return staff_person_to_json(&((const struct staff_person *)rows)[i]);
}

/* GET /staff?store_id=&q=&role= */
int h_staff_list(struct req *r)
{
	int64_t store_id = 0, cursor;
	int limit, n, more;
	struct staff_person *rows;
	req_page(r, &limit, &cursor);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	const char *role = req_query_enum(r, "role", role_names);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	int rc = staff_people_list(r->db, r->a, &r->actor, store_id, req_query(r, "q"), role,
				   cursor, limit, &rows, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, rows, n, more, n ? rows[n - 1].id : 0, person_row);
}

/* GET /staff/{id} */
int h_staff_get(struct req *r)
{
	json_t *o;
	int rc = staff_person_get(r->db, r->a, &r->actor, r->ids[0], &o, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}
