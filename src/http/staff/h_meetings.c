/* h_meetings.c: team meetings over HTTP: parse and check, call meeting.c,
 * render. */
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/staff/meeting.h"
#include "http/crm/crm_req.h"
#include "http/handlers.h"
#include "http/req.h"

static void read_action(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"title", "assignee_id", "due_day", NULL};
	struct meeting_action *x = elem;

	jx_no_unknown(item, fields, ie);
	jx_str(item, "title", JX_REQUIRED, 0, &x->title, ie);
	jx_int(item, "assignee_id", JX_REQUIRED, 1, INT64_MAX, &x->assignee_id, ie);
	jx_day(item, "due_day", JX_REQUIRED, &x->due_day, ie);
}

static void read_meeting(struct req *r, json_t *in, int creating, struct meeting_input *mi)
{
	static const char *const create_fields[] = {"store_id", "title", "at", "notes",
						    "attendee_ids", "actions", NULL};
	static const char *const patch_fields[] = {"title", "at", "notes", "attendee_ids",
						   "actions", NULL};
	struct err *e = &r->err;

	jx_no_unknown(in, creating ? create_fields : patch_fields, e);
	if (creating)
		jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &mi->store_id, e);
	mi->set_title = jx_str(in, "title", creating ? JX_REQUIRED : 0, 0, &mi->title, e) ||
			jx_present(in, "title");
	mi->set_at = crm_time(in, "at", &mi->at, e) || jx_present(in, "at");
	mi->set_notes = crm_text(in, "notes", &mi->notes, e) || jx_present(in, "notes");
	mi->set_attendees = jx_present(in, "attendee_ids");
	jx_ids(in, "attendee_ids", 0, MEETING_ATTENDEES_MAX, r->a, &mi->attendee_ids,
	       &mi->nattendees, e);
	if (jx_present(in, "actions") && !jx_null(in, "actions")) {
		int n = jx_objects(in, "actions", 0, MEETING_ACTIONS_MAX, r->a,
				   sizeof(struct meeting_action), (void **)&mi->actions, read_action,
				   NULL, e);
		mi->nactions = n > 0 ? n : 0;
	}
}

int h_meetings_create(struct req *r)
{
	struct meeting_input mi = {0};
	struct meeting *m;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_meeting(r, in, 1, &mi);
	if (req_bad_types(r))
		return r->err.code;
	if ((rc = meeting_create(r->db, r->a, &r->actor, &mi, ts_now_ms(), &m, &r->err)) < 0)
		return rc;
	return reply_created(r, meeting_to_json(m), m->id);
}

int h_meetings_patch(struct req *r)
{
	struct meeting_input mi = {0};
	struct meeting *m;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_meeting(r, in, 0, &mi);
	if (req_bad_types(r))
		return r->err.code;
	rc = meeting_update(r->db, r->a, &r->actor, r->ids[0], &mi, ts_now_ms(), &m, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, meeting_to_json(m));
}

int h_meetings_get(struct req *r)
{
	struct meeting *m;
	int rc = meeting_get(r->db, r->a, &r->actor, r->ids[0], &m, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, meeting_to_json(m));
}

static json_t *meeting_row(const void *rows, int i)
{
	return meeting_to_json(((struct meeting *const *)rows)[i]);
}

/* GET /meetings?store_id=&from=&to= */
int h_meetings_list(struct req *r)
{
	struct meeting_filter f = {0};
	struct meeting **list;
	int n, more, rc;

	req_page(r, &f.limit, &f.after_id);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	req_time_range(r, &f.from, &f.to);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	rc = meeting_list(r->db, r->a, &r->actor, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, meeting_row);
}
