/* contact.c: contacts with customers (see contact.h). The summary may hold
 * personal data: it is stored with the contact and never copied into the
 * audit log. */
#include "domain/crm/contact.h"

#include <inttypes.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "db/page.h"
#include "domain/crm/crm_check.h"
#include "domain/crm/customer_scope.h"
#include "domain/crm/task.h"
#include "domain/org/audit.h"

const char *const contact_channels[] = {"phone", "sms", "email", "wechat", "visit",
					"chat", "store", NULL};
const char *const contact_directions[] = {"in", "out", NULL};

#define CONTACT_COLS                                                           \
	"id, customer_id, store_id, user_id, at, channel, direction, summary,"  \
	" outcome, next_step, task_id"

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static struct contact *contact_from_row(struct db_stmt *st, struct arena *a)
{
	struct contact *c = arena_alloc(a, sizeof *c);

	c->id = db_col_int64(st, 0);
	c->customer_id = db_col_int64(st, 1);
	c->store_id = db_col_int64(st, 2);
	c->user_id = db_col_int64(st, 3);
	c->at = db_col_int64(st, 4);
	c->channel = arena_strdup(a, db_col_text(st, 5));
	c->direction = arena_strdup(a, db_col_text(st, 6));
	c->summary = arena_strdup(a, db_col_text(st, 7));
	c->outcome = arena_strdup(a, db_col_text(st, 8));
	c->next_step = arena_strdup(a, db_col_text(st, 9));
	c->task_id = db_col_int64(st, 10);
	return c;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *contact_to_json(const struct contact *c)
{
	return json_pack("{s:I,s:I,s:o,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:o}",
			 "id", (json_int_t)c->id, "customer_id", (json_int_t)c->customer_id,
			 "store_id", id_or_null(c->store_id), "user_id", id_or_null(c->user_id),
			 "at", jx_time(c->at), "channel", c->channel, "direction", c->direction,
			 "summary", c->summary, "outcome", jx_strn(c->outcome),
			 "next_step", jx_strn(c->next_step),
			 "closed_task_id", id_or_null(c->task_id));
}

static void check_contact(const struct contact_input *in, int64_t now, struct err *e)
{
	if (!in->channel)
		err_field(e, "channel", "is required");
	else if (!in_list(contact_channels, in->channel))
		err_field(e, "channel",
			  "must be one of: phone, sms, email, wechat, visit, chat, store");
	if (!in->direction)
		err_field(e, "direction", "is required");
	else if (!in_list(contact_directions, in->direction))
		err_field(e, "direction", "must be one of: in, out");
	text_check(e, "summary", in->summary, 1, CONTACT_SUMMARY_MAX);
	if (text_or_null(in->outcome))
		text_check(e, "outcome", in->outcome, 0, CONTACT_TEXT_MAX);
	if (text_or_null(in->next_step))
		text_check(e, "next_step", in->next_step, 0, CONTACT_TEXT_MAX);
	if (in->at < 0)
		err_field(e, "at", "is out of range");
	else if (in->at > now + CONTACT_SKEW_MS)
		err_field(e, "at", "must not be in the future");
}

static const char SQL_CONTACT_INSERT[] =
	"INSERT INTO customer_contacts (customer_id, store_id, user_id, at, channel,"
	" direction, summary, outcome, next_step, task_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " CONTACT_COLS;

int contact_create(struct db *db, struct arena *a, const struct actor *who,
		   int64_t customer_id, const struct contact_input *in, int64_t now,
		   struct contact **out, struct err *e)
{
	int64_t store_id = in->store_id ? in->store_id : crm_default_store(who);
	int64_t me = who && who->user ? who->user->id : 0;
	struct contact *c;
	struct db_stmt *st;
	json_t *after;
	int rc;

	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = customer_visible(db, who, customer_id, e)) < 0 ||
	    (rc = crm_check_store(db, who, "store_id", store_id, e)) < 0)
		goto fail;
	check_contact(in, now, e);
	if (in->closes_task_id &&
	    (rc = task_close_for_contact(db, a, who, in->closes_task_id, customer_id, 0, now, 1,
					 e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	st = db_query(db, e, SQL_CONTACT_INSERT, "iIIitttttI", customer_id, store_id, me,
		      in->at ? in->at : now, in->channel, in->direction, in->summary,
		      text_or_null(in->outcome), text_or_null(in->next_step), in->closes_task_id);
	if (!st || (rc = db_step(st, e)) != DB_ROW) {
		rc = -1;
		goto fail;
	}
	c = contact_from_row(st, a);
	db_reset(st);
	if (in->closes_task_id) {
		if ((rc = task_close_for_contact(db, a, who, in->closes_task_id, customer_id, c->id,
						 now, 0, e)) < 0)
			goto fail;
		if ((rc = err_fields_done(e)) < 0)
			goto fail;
	}
	after = json_pack("{s:I,s:I,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)c->id,
			  "customer_id", (json_int_t)customer_id, "channel", c->channel,
			  "direction", c->direction, "store_id", id_or_null(c->store_id),
			  "at", jx_time(c->at), "closed_task_id", id_or_null(c->task_id));
	if ((rc = audit_commit(db, who, "create", "customer_contact", c->id, store_id, NULL,
			       after, e)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_CONTACT_GET[] =
	"SELECT " CONTACT_COLS " FROM customer_contacts WHERE id = ? AND customer_id = ?";

int contact_get(struct db *db, struct arena *a, const struct actor *who, int64_t customer_id,
		int64_t id, struct contact **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if ((rc = customer_visible(db, who, customer_id, e)) < 0)
		return rc;
	st = db_query(db, e, SQL_CONTACT_GET, "ii", id, customer_id);
	if ((rc = db_get_row(st, "contact", id, e)) < 0)
		return rc;
	*out = contact_from_row(st, a);
	db_reset(st);
	return 0;
}

static const char SQL_CONTACT_LIST[] =
	"SELECT " CONTACT_COLS " FROM customer_contacts WHERE customer_id = ?"
	" AND (at < ? OR (at = ? AND id < ?)) ORDER BY at DESC, id DESC LIMIT ?";

int contact_list(struct db *db, struct arena *a, const struct actor *who,
		 int64_t customer_id, const char *cursor, int limit,
		 struct contact ***out, int *n, const char **next_cursor, struct err *e)
{
	int64_t at = INT64_MAX, before = INT64_MAX;
	struct db_stmt *st;
	struct page pg;
	int rc;

	if (cursor && *cursor && jx_cursor_pair(cursor, INT64_MIN, 1, &at, &before) < 0) {
		err_field(e, "cursor", "is not a cursor of this list");
		return err_fields_done(e);
	}
	if ((rc = customer_visible(db, who, customer_id, e)) < 0)
		return rc;
	page_init(&pg, a, limit, sizeof(struct contact *));
	st = db_query(db, e, SQL_CONTACT_LIST, "iiiii", customer_id, at, at, before,
		      page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct contact **)page_add(&pg) = contact_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*next_cursor = NULL;
	if (pg.more && pg.n > 0) {
		struct contact *last = ((struct contact **)pg.rows)[pg.n - 1];
		*next_cursor = arena_printf(a, "%" PRId64 ":%" PRId64, last->at, last->id);
	}
	return 0;
}
