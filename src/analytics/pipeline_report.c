/* pipeline_report.c: the opportunity pipeline report (see
 * pipeline_report.h). */
#include "analytics/pipeline_report.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/jx.h"
#include "domain/crm/crm_check.h"
#include "domain/crm/opportunity.h"

#define DAY_MS INT64_C(86400000)

#define PIPE_FILTER                                                            \
	" (? = 0 OR o.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?))" \
	" AND (? = 0 OR o.store_id = ?) AND (? = 0 OR o.owner_id = ?)"

#define WEIGHTED "SUM((o.amount * o.probability_bp + 5000) / 10000)"

static const char SQL_BY_STAGE[] =
	"SELECT o.stage, COUNT(*), SUM(o.amount), " WEIGHTED
	" FROM opportunities o WHERE" PIPE_FILTER
	" AND o.created_at >= ? AND o.created_at < ? GROUP BY o.stage";
static const char SQL_BY_OWNER[] =
	"SELECT o.owner_id, u.display_name, COUNT(*), SUM(o.amount), " WEIGHTED
	" FROM opportunities o LEFT JOIN users u ON u.id = o.owner_id WHERE" PIPE_FILTER
	" AND o.created_at >= ? AND o.created_at < ?"
	" GROUP BY o.owner_id, u.display_name ORDER BY o.owner_id";
static const char SQL_CLOSED[] =
	"SELECT o.owner_id, u.display_name, o.stage, o.amount, o.closed_at - o.created_at"
	" FROM opportunities o LEFT JOIN users u ON u.id = o.owner_id WHERE" PIPE_FILTER
	" AND o.stage IN ('won', 'lost') AND o.closed_at >= ? AND o.closed_at < ?";

static json_t *win_rate(int64_t won, int64_t lost)
{
	if (won + lost == 0)
		return json_null();
	return json_integer((won * 10000 + (won + lost) / 2) / (won + lost));
}

static json_t *days(int64_t tenths)
{
	return jx_qty_value(tenths * 100);
}

/* The owner row for owner_id, added (with zero figures) when absent. */
static json_t *owner_row(json_t *owners, int64_t owner_id, const char *name)
{
	size_t i;
	json_t *o;

	json_array_foreach(owners, i, o) {
		json_t *id = json_object_get(o, "owner_id");
		if (owner_id ? json_is_integer(id) && json_integer_value(id) == owner_id
			     : json_is_null(id))
			return o;
	}
	o = json_pack("{s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "owner_id",
		      owner_id ? json_integer(owner_id) : json_null(), "owner_name", jx_strn(name),
		      "count", (json_int_t)0, "amount", (json_int_t)0,
		      "weighted_amount", (json_int_t)0, "won", (json_int_t)0,
		      "won_amount", (json_int_t)0, "lost", (json_int_t)0);
	json_array_append_new(owners, o);
	return o;
}

static void add_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + v));
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int pipeline_report(struct db *db, const struct actor *who, const struct pipeline_query *q,
		    json_t **out, struct err *e)
{
	int64_t scoped, uid, from = q->from, to = q->to > 0 ? q->to : INT64_MAX;
	int64_t tot[6] = {0}; /* count amount weighted open_count open_amount open_weighted */
	int64_t won = 0, won_amount = 0, lost = 0, ncycles = 0, cap = 0, sum = 0;
	int64_t *cycles = NULL;
	json_t *rep = NULL, *stages, *owners;
	struct db_stmt *st;
	int rc;

	crm_scope(who, &scoped, &uid);
	stages = json_array();
	for (int i = 0; opportunity_stages[i]; i++)
		json_array_append_new(stages, json_pack("{s:s,s:I,s:I,s:I}", "stage",
			opportunity_stages[i], "count", (json_int_t)0, "amount", (json_int_t)0,
			"weighted_amount", (json_int_t)0));
	owners = json_array();
	rep = json_pack("{s:o,s:o,s:o,s:o}", "from", jx_time(q->from),
			"to", q->to > 0 ? jx_time(q->to) : json_null(), "stages", stages,
			"owners", owners);

	st = db_query(db, e, SQL_BY_STAGE, "iiiiiiii", scoped, uid, q->store_id, q->store_id,
		      q->owner_id, q->owner_id, from, to);
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *stage = db_col_text(st, 0);
		int64_t c = db_col_int64(st, 1), am = db_col_int64(st, 2), w = db_col_int64(st, 3);
		for (int i = 0; opportunity_stages[i]; i++) {
			if (strcmp(stage, opportunity_stages[i]) != 0)
				continue;
			json_t *s = json_array_get(stages, (size_t)i);
			add_int(s, "count", c);
			add_int(s, "amount", am);
			add_int(s, "weighted_amount", w);
			if (i < 4) {
				tot[3] += c;
				tot[4] += am;
				tot[5] += w;
			}
		}
		tot[0] += c;
		tot[1] += am;
		tot[2] += w;
	}
	if (rc < 0)
		goto fail;

	st = db_query(db, e, SQL_BY_OWNER, "iiiiiiii", scoped, uid, q->store_id, q->store_id,
		      q->owner_id, q->owner_id, from, to);
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *o = owner_row(owners, db_col_int64(st, 0), db_col_text(st, 1));
		add_int(o, "count", db_col_int64(st, 2));
		add_int(o, "amount", db_col_int64(st, 3));
		add_int(o, "weighted_amount", db_col_int64(st, 4));
	}
	if (rc < 0)
		goto fail;

	st = db_query(db, e, SQL_CLOSED, "iiiiiiii", scoped, uid, q->store_id, q->store_id,
		      q->owner_id, q->owner_id, from, to);
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *o = owner_row(owners, db_col_int64(st, 0), db_col_text(st, 1));
		int64_t am = db_col_int64(st, 3);
		if (strcmp(db_col_text(st, 2), "won") == 0) {
			add_int(o, "won", 1);
			add_int(o, "won_amount", am);
			won++;
			won_amount += am;
			if (ncycles == cap) {
				cap = cap ? cap * 2 : 16;
				cycles = xrealloc(cycles, (size_t)cap * sizeof *cycles);
			}
			cycles[ncycles++] = db_col_int64(st, 4);
			sum += db_col_int64(st, 4);
		} else {
			add_int(o, "lost", 1);
			lost++;
		}
	}
	if (rc < 0)
		goto fail;

	size_t i;
	json_t *o;
	json_array_foreach(owners, i, o)
		json_object_set_new(o, "win_rate_bp",
				    win_rate(json_integer_value(json_object_get(o, "won")),
					     json_integer_value(json_object_get(o, "lost"))));
	json_t *avg = json_null(), *med = json_null();
	if (ncycles) {
		qsort(cycles, (size_t)ncycles, sizeof *cycles, cmp_i64);
		int64_t a = cycles[(ncycles - 1) / 2], b = cycles[ncycles / 2];
		/* the mean and the median from the exact milliseconds, half up */
		avg = days((sum * 10 + ncycles * DAY_MS / 2) / (ncycles * DAY_MS));
		med = days(((a + b) * 10 + DAY_MS) / (2 * DAY_MS));
	}
	json_object_set_new(rep, "totals", json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}",
		"count", (json_int_t)tot[0], "amount", (json_int_t)tot[1],
		"weighted_amount", (json_int_t)tot[2], "open_count", (json_int_t)tot[3],
		"open_amount", (json_int_t)tot[4], "open_weighted_amount", (json_int_t)tot[5],
		"won", (json_int_t)won, "won_amount", (json_int_t)won_amount, "lost", (json_int_t)lost,
		"win_rate_bp", win_rate(won, lost), "avg_cycle_days", avg,
		"median_cycle_days", med));
	free(cycles);
	*out = rep;
	return 0;
fail:
	free(cycles);
	json_decref(rep);
	return db_fail(e);
}

static json_t *row(const char *group, json_t *key, const char *label, json_t *src)
{
	json_t *r = json_pack("{s:s,s:o,s:s}", "group", group, "key", key, "label",
			      label ? label : "");
	static const char *const cols[] = {"count", "amount", "weighted_amount", "won",
					   "won_amount", "win_rate_bp", NULL};
	for (int i = 0; cols[i]; i++) {
		json_t *v = json_object_get(src, cols[i]);
		json_object_set(r, cols[i], v ? v : json_null());
	}
	return r;
}

json_t *pipeline_rows(json_t *report)
{
	json_t *rows = json_array(), *v;
	size_t i;

	json_array_foreach(json_object_get(report, "stages"), i, v) {
		const char *s = json_string_value(json_object_get(v, "stage"));
		json_array_append_new(rows, row("stage", json_string(s), s, v));
	}
	json_array_foreach(json_object_get(report, "owners"), i, v)
		json_array_append_new(rows, row("owner", json_copy(json_object_get(v, "owner_id")),
						json_string_value(json_object_get(v, "owner_name")), v));
	json_array_append_new(rows, row("total", json_null(), "total",
					json_object_get(report, "totals")));
	return rows;
}
