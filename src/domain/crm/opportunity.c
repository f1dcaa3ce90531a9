/* opportunity.c: opportunities and their stage history (see
 * opportunity.h). Every change is audited with ids and figures, never the
 * name, note or reason text. */
#include "domain/crm/opportunity.h"

#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/crm/crm_check.h"
#include "domain/crm/customer_scope.h"
#include "domain/org/audit.h"

const char *const opportunity_stages[] = {"lead", "qualified", "proposal", "negotiation",
					  "won", "lost", NULL};
static const int64_t stage_probability[] = {1000, 2500, 5000, 7500, 10000, 0};

#define BP_MAX 10000

#define OPP_COLS                                                               \
	"o.id, o.name, o.customer_id, o.store_id, o.owner_id, o.stage, o.amount," \
	" o.probability_bp, o.expected_close, o.lost_reason, o.note, o.created_at," \
	" o.updated_at, o.closed_at"

#define OPP_SCOPE                                                              \
	" (? = 0 OR o.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "

int64_t opportunity_stage_probability(const char *stage)
{
	for (int i = 0; stage && opportunity_stages[i]; i++)
		if (strcmp(stage, opportunity_stages[i]) == 0)
			return stage_probability[i];
	return -1;
}

static int is_closed(const char *stage)
{
	return strcmp(stage, "won") == 0 || strcmp(stage, "lost") == 0;
}

int opportunity_move_allowed(const char *from, const char *to)
{
	if (opportunity_stage_probability(from) < 0 || opportunity_stage_probability(to) < 0 ||
	    strcmp(from, to) == 0)
		return 0;
	return !is_closed(from) || strcmp(to, "negotiation") == 0;
}

static struct opportunity *opp_from_row(struct db_stmt *st, struct arena *a)
{
	struct opportunity *o = arena_alloc(a, sizeof *o);

	o->id = db_col_int64(st, 0);
	o->name = arena_strdup(a, db_col_text(st, 1));
	o->customer_id = db_col_int64(st, 2);
	o->store_id = db_col_int64(st, 3);
	o->owner_id = db_col_int64(st, 4);
	o->stage = arena_strdup(a, db_col_text(st, 5));
	o->amount = db_col_int64(st, 6);
	o->probability_bp = db_col_int64(st, 7);
	o->expected_close = arena_strdup(a, db_col_text(st, 8));
	o->lost_reason = arena_strdup(a, db_col_text(st, 9));
	o->note = arena_strdup(a, db_col_text(st, 10));
	o->created_at = db_col_int64(st, 11);
	o->updated_at = db_col_int64(st, 12);
	o->closed_at = db_col_int64(st, 13);
	return o;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* amount × probability, rounded half up: what the pipeline report sums. */
static int64_t weighted(int64_t amount, int64_t bp)
{
	return (amount * bp + BP_MAX / 2) / BP_MAX;
}

json_t *opportunity_to_json(const struct opportunity *o)
{
	json_t *j = json_pack(
		"{s:I,s:s,s:o,s:o,s:o,s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o}",
		"id", (json_int_t)o->id, "name", o->name, "customer_id", id_or_null(o->customer_id),
		"store_id", id_or_null(o->store_id), "owner_id", id_or_null(o->owner_id),
		"stage", o->stage, "amount", (json_int_t)o->amount,
		"probability_bp", (json_int_t)o->probability_bp,
		"weighted_amount", (json_int_t)weighted(o->amount, o->probability_bp),
		"expected_close", jx_strn(o->expected_close), "lost_reason", jx_strn(o->lost_reason),
		"note", jx_strn(o->note), "created_at", jx_time(o->created_at),
		"updated_at", jx_time(o->updated_at), "closed_at", jx_time(o->closed_at));
	if (o->moves) {
		json_t *arr = json_array();
		for (int i = 0; i < o->nmoves; i++) {
			const struct opp_stage_move *m = &o->moves[i];
			json_array_append_new(arr, json_pack("{s:o,s:s,s:o,s:o}",
				"from", jx_strn(m->from_stage), "to", m->to_stage,
				"at", jx_time(m->at), "user_id", id_or_null(m->user_id)));
		}
		json_object_set_new(j, "stages", arr);
	}
	return j;
}

/* What an audit row keeps: ids, stage and figures; no free text. */
static json_t *opp_audit_json(const struct opportunity *o)
{
	return json_pack("{s:I,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)o->id,
			 "stage", o->stage, "amount", (json_int_t)o->amount,
			 "probability_bp", (json_int_t)o->probability_bp,
			 "customer_id", id_or_null(o->customer_id),
			 "store_id", id_or_null(o->store_id), "owner_id", id_or_null(o->owner_id),
			 "expected_close", jx_strn(o->expected_close),
			 "closed_at", jx_time(o->closed_at));
}

static const char SQL_OPP_GET[] =
	"SELECT " OPP_COLS " FROM opportunities o WHERE o.id = ? AND" OPP_SCOPE;

static int opp_read(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct opportunity **out, struct err *e)
{
	int64_t scoped, uid;
	struct db_stmt *st;
	int rc;

	crm_scope(who, &scoped, &uid);
	st = db_query(db, e, SQL_OPP_GET, "iii", id, scoped, uid);
	if ((rc = db_get_row(st, "opportunity", id, e)) < 0)
		return rc;
	*out = opp_from_row(st, a);
	db_reset(st);
	return 0;
}

int opportunity_visible(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	struct arena *a = arena_new();
	struct opportunity *o;
	int rc = opp_read(db, a, who, id, &o, e);

	arena_free(a);
	return rc;
}

static const char SQL_MOVES[] =
	"SELECT id, from_stage, to_stage, at, user_id FROM opportunity_stages"
	" WHERE opportunity_id = ? ORDER BY id";

int opportunity_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct opportunity **out, struct err *e)
{
	struct opportunity *o;
	struct db_stmt *st;
	struct page pg;
	int rc;

	if ((rc = opp_read(db, a, who, id, &o, e)) < 0)
		return rc;
	if (!(st = db_query(db, e, SQL_MOVES, "i", id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct opp_stage_move));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct opp_stage_move *m = page_add(&pg);
		m->id = db_col_int64(st, 0);
		m->from_stage = arena_strdup(a, db_col_text(st, 1));
		m->to_stage = arena_strdup(a, db_col_text(st, 2));
		m->at = db_col_int64(st, 3);
		m->user_id = db_col_int64(st, 4);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	o->moves = pg.rows ? pg.rows : arena_alloc(a, sizeof(struct opp_stage_move));
	o->nmoves = pg.n;
	*out = o;
	return 0;
}

static const char SQL_OPP_LIST[] =
	"SELECT " OPP_COLS " FROM opportunities o WHERE o.id < ? AND" OPP_SCOPE
	" AND (CAST(? AS TEXT) IS NULL OR o.stage = ?) AND (? = 0 OR o.owner_id = ?)"
	" AND (? = 0 OR o.store_id = ?) AND (? = 0 OR o.customer_id = ?)"
	" ORDER BY o.id DESC LIMIT ?";

int opportunity_list(struct db *db, struct arena *a, const struct actor *who,
		     const struct opportunity_filter *f, struct opportunity ***out, int *n,
		     int *more, struct err *e)
{
	int64_t scoped, uid, before = f->before_id > 0 ? f->before_id : INT64_MAX;
	struct db_stmt *st;
	struct page pg;
	int rc;

	crm_scope(who, &scoped, &uid);
	page_init(&pg, a, f->limit, sizeof(struct opportunity *));
	st = db_query(db, e, SQL_OPP_LIST, "iiittiiiiiii", before, scoped, uid, f->stage,
		      f->stage, f->owner_id, f->owner_id, f->store_id, f->store_id,
		      f->customer_id, f->customer_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct opportunity **)page_add(&pg) = opp_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

/* The values an opportunity will hold, checked together: every problem is
 * a field error. */
static void check_result(const struct opportunity *r, const struct opportunity_input *in,
			 int creating, struct err *e)
{
	if (creating || in->set_name)
		text_check(e, "name", r->name, 1, OPP_NAME_MAX);
	if ((creating || in->set_note) && r->note)
		text_check(e, "note", r->note, 0, OPP_NOTE_MAX);
	if (opportunity_stage_probability(r->stage) < 0) {
		err_field(e, "stage", "must be one of: lead, qualified, proposal, negotiation, "
			  "won, lost");
		return;
	}
	if (r->amount < 0 || r->amount > MONEY_MAX)
		err_field(e, "amount", "must be between 0 and %lld", (long long)MONEY_MAX);
	if (r->probability_bp < 0 || r->probability_bp > BP_MAX)
		err_field(e, "probability_bp", "must be between 0 and %d", BP_MAX);
	else if (strcmp(r->stage, "won") == 0 && r->probability_bp != BP_MAX)
		err_field(e, "probability_bp", "must be 10000 for a won opportunity");
	else if (strcmp(r->stage, "lost") == 0 && r->probability_bp != 0)
		err_field(e, "probability_bp", "must be 0 for a lost opportunity");
	if (r->expected_close && !ts_day_valid(r->expected_close))
		err_field(e, "expected_close", "must be a date YYYY-MM-DD");
	if (strcmp(r->stage, "lost") == 0) {
		if (!r->lost_reason)
			err_field(e, "lost_reason", "is required for a lost opportunity");
		else
			text_check(e, "lost_reason", r->lost_reason, 1, OPP_REASON_MAX);
	} else if (in->set_lost_reason && text_or_null(in->lost_reason)) {
		err_field(e, "lost_reason", "is only for a lost opportunity");
	}
}

/* customer_id must be seen by who; the owner active and, when store-bound,
 * in the store. Field errors. */
static int check_refs(struct db *db, struct arena *a, const struct actor *who,
		      const struct opportunity *r, int check_customer, int check_owner,
		      struct err *e)
{
	struct err le;
	int rc;

	if (check_customer && r->customer_id) {
		err_init(&le);
		rc = customer_visible(db, who, r->customer_id, &le);
		if (rc == ERR_NOT_FOUND)
			err_field(e, "customer_id", "no such customer");
		else if (rc < 0)
			return err_set(e, rc, "%s", le.msg);
	}
	if (check_owner && r->owner_id)
		return crm_check_user(db, a, "owner_id", r->owner_id, r->store_id, e);
	return 0;
}

static const char SQL_MOVE_INSERT[] =
	"INSERT INTO opportunity_stages (opportunity_id, from_stage, to_stage, at, user_id)"
	" VALUES (?, ?, ?, ?, ?)";

static int record_move(struct db *db, int64_t id, const char *from, const char *to,
		       int64_t now, const struct actor *who, struct err *e)
{
	int64_t me = who && who->user ? who->user->id : 0;

	return db_run(db_query(db, e, SQL_MOVE_INSERT, "ittiI", id, from, to, now, me), e);
}

static const char SQL_OPP_INSERT[] =
	"INSERT INTO opportunities (name, customer_id, store_id, owner_id, stage, amount,"
	" probability_bp, expected_close, lost_reason, note, created_at, updated_at,"
	" closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

int opportunity_create(struct db *db, struct arena *a, const struct actor *who,
		       const struct opportunity_input *in, int64_t now,
		       struct opportunity **out, struct err *e)
{
	struct opportunity r = {0}, *o;
	int64_t id;
	int rc;

	r.name = in->name;
	r.customer_id = in->customer_id;
	r.store_id = in->store_id ? in->store_id : crm_default_store(who);
	r.owner_id = in->owner_id ? in->owner_id : (who && who->user ? who->user->id : 0);
	r.stage = in->stage ? in->stage : "lead";
	r.amount = in->amount >= 0 ? in->amount : 0;
	if (in->amount < -1)
		r.amount = in->amount;
	r.probability_bp = in->probability_bp != -1 ? in->probability_bp
						    : opportunity_stage_probability(r.stage);
	r.expected_close = text_or_null(in->expected_close);
	r.lost_reason = text_or_null(in->lost_reason);
	r.note = text_or_null(in->note);
	if (opportunity_stage_probability(r.stage) >= 0 && is_closed(r.stage))
		r.closed_at = now;

	check_result(&r, in, 1, e);
	if (!r.store_id)
		err_field(e, "store_id", "is required");
	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = crm_check_store(db, who, "store_id", r.store_id, e)) < 0 ||
	    (rc = check_refs(db, a, who, &r, 1, 1, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	rc = db_int(db_query(db, e, SQL_OPP_INSERT, "tIIItiitttiiI", r.name, r.customer_id,
			     r.store_id, r.owner_id, r.stage, r.amount, r.probability_bp,
			     r.expected_close, r.lost_reason, r.note, now, now, r.closed_at),
		    &id, e);
	if (rc <= 0)
		goto fail;
	if ((rc = record_move(db, id, NULL, r.stage, now, who, e)) < 0 ||
	    (rc = opportunity_get(db, a, NULL, id, &o, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "opportunity", id, o->store_id, NULL,
			       opp_audit_json(o), e)) < 0)
		goto fail;
	*out = o;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* Takes the opportunity's row lock first (PostgreSQL), so that two stage
 * moves at once are recorded one after the other, each from the stage the
 * other left. */
static const char SQL_OPP_LOCK[] =
	"UPDATE opportunities SET updated_at = updated_at WHERE id = ?";

static const char SQL_OPP_UPDATE[] =
	"UPDATE opportunities SET name = ?, customer_id = ?, owner_id = ?, stage = ?,"
	" amount = ?, probability_bp = ?, expected_close = ?, lost_reason = ?, note = ?,"
	" updated_at = ?, closed_at = ? WHERE id = ?";

int opportunity_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       const struct opportunity_input *in, int64_t now,
		       struct opportunity **out, struct err *e)
{
	struct opportunity *old, r, *o;
	int moved, rc;

	if (e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = db_run(db_query(db, e, SQL_OPP_LOCK, "i", id), e)) < 0 ||
	    (rc = opp_read(db, a, who, id, &old, e)) < 0)
		goto fail;
	r = *old;
	if (in->set_name)
		r.name = in->name;
	if (in->set_customer_id)
		r.customer_id = in->customer_id;
	if (in->set_owner_id)
		r.owner_id = in->owner_id;
	if (in->set_stage)
		r.stage = in->stage;
	if (in->set_amount)
		r.amount = in->amount;
	if (in->set_expected_close)
		r.expected_close = text_or_null(in->expected_close);
	if (in->set_note)
		r.note = text_or_null(in->note);
	if (in->set_lost_reason)
		r.lost_reason = text_or_null(in->lost_reason);
	moved = in->set_stage && in->stage && strcmp(in->stage, old->stage) != 0;
	if (moved && opportunity_stage_probability(r.stage) >= 0) {
		if (!opportunity_move_allowed(old->stage, r.stage)) {
			rc = err_set(e, ERR_STATE, "a %s opportunity can only be reopened to "
				     "negotiation", old->stage);
			goto fail;
		}
		r.probability_bp = opportunity_stage_probability(r.stage);
		r.closed_at = is_closed(r.stage) ? now : 0;
		if (!is_closed(r.stage) && !in->set_lost_reason)
			r.lost_reason = NULL;
	}
	if (in->set_probability_bp)
		r.probability_bp = in->probability_bp;
	if (!in->set_stage)
		r.stage = old->stage;
	else if (!in->stage)
		r.stage = "";
	check_result(&r, in, 0, e);
	if ((rc = check_refs(db, a, who, &r, in->set_customer_id,
			     in->set_owner_id, e)) < 0)
		goto fail;
	if ((rc = err_fields_done(e)) < 0)
		goto fail;
	if ((rc = db_run(db_query(db, e, SQL_OPP_UPDATE, "tIItiitttiIi", r.name, r.customer_id,
				  r.owner_id, r.stage, r.amount, r.probability_bp,
				  r.expected_close, r.lost_reason, r.note, now, r.closed_at,
				  id), e)) < 0)
		goto fail;
	if (moved && (rc = record_move(db, id, old->stage, r.stage, now, who, e)) < 0)
		goto fail;
	if ((rc = opportunity_get(db, a, NULL, id, &o, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "opportunity", id, o->store_id,
			       opp_audit_json(old), opp_audit_json(o), e)) < 0)
		goto fail;
	*out = o;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
