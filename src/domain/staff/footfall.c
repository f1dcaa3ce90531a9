/* footfall.c: door counts per store and hour: by hand, from a counter's
 * CSV, and read back (see footfall.h). */
#include "domain/staff/footfall.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

static const char SQL_UPSERT[] =
	"INSERT INTO footfall (store_id, day, hour, entries, source, updated_by, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_id, day, hour) DO UPDATE SET "
	"entries = excluded.entries, source = excluded.source, updated_by = excluded.updated_by, "
	"updated_at = excluded.updated_at";

/* 0 when the store exists and who may write for it; 422 / 403. */
static int store_writable(struct db *db, const struct actor *who, int64_t store_id,
			  struct err *e)
{
	static const char sql[] = "SELECT 1 FROM stores WHERE id = ?";
	int rc = db_exists(db_query(db, e, sql, "i", store_id), e);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		err_field(e, "store_id", "no such store");
		return err_fields_done(e);
	}
	if (!actor_sees_store(who, store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not yours", (long long)store_id);
	return 0;
}

int footfall_put(struct db *db, const struct actor *who, int64_t store_id, const char *day,
		 const int64_t hours[24], int64_t now, struct err *e)
{
	int rc = store_writable(db, who, store_id, e);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	json_t *after = json_object();
	int64_t uid = who->user ? who->user->id : 0;
	for (int h = 0; h < 24; h++) {
		if (hours[h] < 0)
			continue;
		struct db_stmt *st = db_query(db, e, SQL_UPSERT, "itiitIi", store_id, day,
					      (int64_t)h, hours[h], "manual", uid, now);
		if (!st || db_run(st, e) < 0) {
			json_decref(after);
			goto fail;
		}
		char k[12];
		snprintf(k, sizeof k, "%d", h);
		json_object_set_new(after, k, json_integer(hours[h]));
	}
	if ((rc = audit_commit(db, who, "update", "footfall", 0, store_id,
			       json_pack("{s:s}", "day", day), after, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int footfall_list(struct db *db, const struct actor *who, int64_t store_id, const char *from,
		  const char *to, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT store_id, day, hour, entries, source FROM footfall "
		"WHERE day >= ? AND day <= ? AND (? = 0 OR store_id = ?) "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY store_id, day, hour LIMIT 100000";
	int64_t bound = who->user && (who->user->role & ROLE_STORE_BOUND) ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, sql, "ttiiii", from, to, store_id, store_id, bound,
				      bound);
	if (!st)
		return db_fail(e);
	json_t *items = json_array(), *cur = NULL;
	int64_t cur_store = 0, total = 0;
	char cur_day[11] = "";
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t s = db_col_int64(st, 0), ent = db_col_int64(st, 3);
		const char *d = db_col_text(st, 1), *src = db_col_text(st, 4);
		if (!cur || s != cur_store || strcmp(d, cur_day) != 0) {
			if (cur)
				json_object_set_new(cur, "entries", json_integer(total));
			cur = json_pack("{s:I,s:s,s:[],s:s}", "store_id", (json_int_t)s, "day", d,
					"hours", "source", src);
			json_array_append_new(items, cur);
			cur_store = s;
			snprintf(cur_day, sizeof cur_day, "%s", d);
			total = 0;
		} else if (strcmp(json_string_value(json_object_get(cur, "source")), src) != 0) {
			json_object_set_new(cur, "source", json_string("mixed"));
		}
		total += ent;
		json_array_append_new(json_object_get(cur, "hours"),
				      json_pack("{s:I,s:I}", "hour", (json_int_t)db_col_int64(st, 2),
						"entries", (json_int_t)ent));
	}
	if (cur)
		json_object_set_new(cur, "entries", json_integer(total));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return 0;
}

int footfall_days(struct db *db, struct arena *a, const char *from, const char *to,
		  struct footfall_day **out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT day, store_id, CAST(SUM(entries) AS BIGINT) FROM footfall "
		"WHERE day >= ? AND day <= ? GROUP BY day, store_id ORDER BY day, store_id";
	struct page pg;
	page_init_all(&pg, a, sizeof(struct footfall_day));
	struct db_stmt *st = db_query(db, e, sql, "tt", from, to);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct footfall_day *f = page_add(&pg);
		snprintf(f->day, sizeof f->day, "%s", db_col_text(st, 0));
		f->store_id = db_col_int64(st, 1);
		f->entries = db_col_int64(st, 2);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}

/* One counted hour of the import. */
struct ff_hour {
	char day[11];
	int hour;
	int64_t entries;
};

static void add_err(json_t *errs, int line, const char *column, const char *msg)
{
	if (json_array_size(errs) < 200)
		json_array_append_new(errs, json_pack("{s:i,s:s,s:s}", "line", line, "column",
						      column, "message", msg));
}

/* A non-negative decimal integer; -1 when s is not one. */
static int64_t count_of(const char *s)
{
	int64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* A counter's timestamp: wall clock "YYYY-MM-DD HH:MM[:SS]" or with a T;
 * with Z or an offset, converted to the company zone. 0 or -1. */
static int stamp_parse(const char *s, char *day, int *hour)
{
	size_t len = strlen(s);
	if (len < 16 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':')
		return -1;
	const char *tail = s + 16;
	if (*tail == ':')
		tail += 3;
	while (*tail == '.' || isdigit((unsigned char)*tail))
		tail++;
	if (*tail) { /* a zone: an instant */
		char iso[40];
		int64_t ms;
		int wd, minute;
		snprintf(iso, sizeof iso, "%.10sT%s", s, s + 11);
		if (ts_parse(iso, &ms) < 0 || ts_local(ms, day, 11, &wd, &minute) < 0)
			return -1;
		*hour = minute / 60;
		return 0;
	}
	snprintf(day, 11, "%.10s", s);
	if (!ts_day_valid(day) || !isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]))
		return -1;
	*hour = (s[11] - '0') * 10 + (s[12] - '0');
	return *hour < 24 ? 0 : -1;
}

/* The column index of the first header among names, or -1. */
static int find_col(const struct table_row *hdr, const char *const *names)
{
	for (int c = 0; c < hdr->ncells; c++) {
		char h[32];
		size_t k = 0;
		for (const char *p = hdr->cells[c]; *p && k + 1 < sizeof h; p++)
			h[k++] = (char)tolower((unsigned char)*p);
		h[k] = 0;
		for (int i = 0; names[i]; i++)
			if (strcmp(h, names[i]) == 0)
				return c;
	}
	return -1;
}

/* Adds entries to the hour's slot (rows of one hour add up). */
static void add_hour(struct ff_hour *hs, int *n, int cap, const char *day, int hour,
		     int64_t entries)
{
	for (int i = *n - 1; i >= 0; i--)
		if (hs[i].hour == hour && strcmp(hs[i].day, day) == 0) {
			hs[i].entries += entries;
			return;
		}
	if (*n == cap)
		return;
	snprintf(hs[*n].day, sizeof hs[*n].day, "%s", day);
	hs[*n].hour = hour;
	hs[*n].entries = entries;
	(*n)++;
}

int footfall_import(struct db *db, struct arena *a, const struct actor *who, int64_t store_id,
		    const struct table *t, int dry_run, int64_t now, json_t **out,
		    struct err *e)
{
	static const char *const c_day[] = {"day", "date", "日期", NULL};
	static const char *const c_hour[] = {"hour", "小时", NULL};
	static const char *const c_entries[] = {"entries", "count", "进店人数", NULL};
	static const char *const c_stamp[] = {"timestamp", "time", "datetime", "时间", NULL};
	static const char *const c_in[] = {"in", "enter", "entries_in", "进", NULL};
	int rc = store_writable(db, who, store_id, e);
	if (rc < 0)
		return rc;
	json_t *errs = json_array();
	int rows = t->nrows > 0 ? t->nrows - 1 : 0, cap = rows > 0 ? rows : 1, nh = 0;
	struct ff_hour *hs = arena_calloc(a, (size_t)cap, sizeof *hs);
	int cd = -1, ch = -1, ce = -1, cs = -1, ci = -1;
	if (t->nrows == 0) {
		add_err(errs, 1, "", "the file has no header row");
	} else {
		cd = find_col(&t->rows[0], c_day);
		ch = find_col(&t->rows[0], c_hour);
		ce = find_col(&t->rows[0], c_entries);
		cs = find_col(&t->rows[0], c_stamp);
		ci = find_col(&t->rows[0], c_in);
		if (!(cd >= 0 && ch >= 0 && ce >= 0) && !(cs >= 0 && ci >= 0))
			add_err(errs, t->rows[0].line, "",
				"columns must be day, hour, entries or timestamp, in[, out]");
	}
	int by_stamp = !(cd >= 0 && ch >= 0 && ce >= 0);
	int ok_hdr = t->nrows > 0 && ((cd >= 0 && ch >= 0 && ce >= 0) || (cs >= 0 && ci >= 0));
	for (int i = 1; ok_hdr && i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];
		char day[11];
		int hour = -1;
		int64_t ent;
		if (by_stamp) {
			if (stamp_parse(table_cell(r, cs), day, &hour) < 0) {
				add_err(errs, r->line, t->rows[0].cells[cs],
					"must be a time such as 2026-11-02 10:00");
				continue;
			}
			ent = count_of(table_cell(r, ci));
			if (ent < 0) {
				add_err(errs, r->line, t->rows[0].cells[ci],
					"must be a whole number >= 0");
				continue;
			}
		} else {
			snprintf(day, sizeof day, "%s", table_cell(r, cd));
			if (!ts_day_valid(table_cell(r, cd))) {
				add_err(errs, r->line, t->rows[0].cells[cd], "must be a day YYYY-MM-DD");
				continue;
			}
			int64_t h = count_of(table_cell(r, ch));
			if (h < 0 || h > 23) {
				add_err(errs, r->line, t->rows[0].cells[ch], "must be an hour 0..23");
				continue;
			}
			hour = (int)h;
			ent = count_of(table_cell(r, ce));
			if (ent < 0) {
				add_err(errs, r->line, t->rows[0].cells[ce],
					"must be a whole number >= 0");
				continue;
			}
		}
		add_hour(hs, &nh, cap, day, hour, ent);
	}
	int applied = 0;
	if (json_array_size(errs) == 0 && !dry_run && nh > 0) {
		if ((rc = db_begin(db, 1, e)) < 0)
			goto out_err;
		int64_t uid = who->user ? who->user->id : 0;
		for (int i = 0; i < nh; i++) {
			struct db_stmt *st = db_query(db, e, SQL_UPSERT, "itiitIi", store_id,
						      hs[i].day, (int64_t)hs[i].hour,
						      hs[i].entries, "import", uid, now);
			if (!st || db_run(st, e) < 0) {
				db_rollback(db);
				rc = db_fail(e);
				goto out_err;
			}
		}
		if ((rc = audit_commit(db, who, "import", "footfall", 0, store_id, NULL,
				       json_pack("{s:i,s:i}", "rows", rows, "hours", nh), e)) < 0) {
			db_rollback(db);
			rc = db_fail(e);
			goto out_err;
		}
		applied = 1;
	}
	*out = json_pack("{s:i,s:o,s:b}", "rows", rows, "errors", errs, "applied", applied);
	return 0;
out_err:
	json_decref(errs);
	return rc;
}
