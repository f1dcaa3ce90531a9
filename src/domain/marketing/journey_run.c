/* journey_run.c: the hourly journey run — ending, enrolling and taking
 * customers through the steps (see journey_run in journey.h). */
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/loyalty/care.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/outbox.h"
#include "domain/marketing/campaign_split.h"
#include "domain/marketing/journey.h"
#include "domain/org/settings.h"

#define DAY_MS 86400000LL
/* Customers (or enrollments) per transaction. */
#define JOURNEY_SLICE 200

int journey_pick_lang(const struct journey_step *s, const char *customer_lang,
		      const char *company_lang)
{
	const char *langs[JOURNEY_LANGS];
	for (int l = 0; l < JOURNEY_LANGS; l++)
		langs[l] = s->msg[l].body ? journey_langs[l] : NULL;
	return campaign_lang_pick(langs, JOURNEY_LANGS, customer_lang, company_lang);
}

/* When the first step of a pass triggered at `at` is due. */
static int64_t first_due(const struct journey *j, int64_t at)
{
	return at + (j->nsteps ? j->steps[0].delay_days : 0) * DAY_MS;
}

/* ---- enrolling ---- */

/* Enrolls customer cid for occurrence (once), the first step due at due
 * or now when that is past: a late pass still spaces its steps out. */
static int enrol(struct db *db, const struct journey *j, int64_t cid, const char *occurrence,
		 int64_t due, int64_t now, struct journey_run_stats *st, struct err *e)
{
	if (due < now)
		due = now;
	static const char sql[] =
		"INSERT INTO journey_enrollments (journey_id, customer_id, occurrence, next_step, "
		"next_at, status, enrolled_at, updated_at) VALUES (?, ?, ?, 1, ?, 'active', ?, ?) "
		"ON CONFLICT (journey_id, customer_id, occurrence) DO NOTHING";
	struct db_stmt *q = db_query(db, e, sql, "iitiii", j->id, cid, occurrence, due, now, now);
	if (!q || db_run(q, e) < 0)
		return db_fail(e);
	st->enrolled += db_changes(q);
	return 0;
}

/* Candidates (id, trigger time) in slices from a query whose last two
 * parameters are the id to start after and the slice size; each one
 * enrolled, occurrence from occ (NULL: fixed text fixed_occ). */
struct cand {
	int64_t id, at;
};

typedef struct db_stmt *(*cand_query_fn)(struct db *db, const struct journey *j, int64_t now,
					 const void *arg, int64_t after, struct err *e);

static int enrol_all(struct db *db, const struct journey *j, int64_t now, cand_query_fn q,
		     const void *arg, const char *fixed_occ, struct journey_run_stats *st,
		     struct err *e)
{
	struct cand c[JOURNEY_SLICE];
	int64_t after = 0;
	for (;;) {
		int n = 0, rc = 0;
		struct db_stmt *s = q(db, j, now, arg, after, e);
		if (!s)
			return db_fail(e);
		while (n < JOURNEY_SLICE && (rc = db_step(s, e)) == DB_ROW) {
			c[n].id = db_col_int64(s, 0);
			c[n].at = db_col_int64(s, 1);
			n++;
		}
		db_reset(s);
		if (rc < 0)
			return rc;
		if (n == 0)
			return 0;
		if ((rc = db_begin(db, 1, e)) < 0)
			return rc;
		for (int i = 0; i < n && rc == 0; i++) {
			char day[11];
			const char *occ = fixed_occ;
			int64_t due = first_due(j, c[i].at);
			if (!occ) { /* winback: the day of the last purchase */
				ts_day(c[i].at, day, sizeof day);
				occ = day;
				due = first_due(j, c[i].at + j->trigger_days * DAY_MS);
			}
			rc = enrol(db, j, c[i].id, occ, due, now, st, e);
		}
		rc = rc < 0 ? (db_rollback(db), rc) : db_commit(db, e);
		if (rc < 0 || n < JOURNEY_SLICE)
			return rc;
		after = c[n - 1].id;
	}
}

static struct db_stmt *welcome_query(struct db *db, const struct journey *j, int64_t now,
				     const void *arg, int64_t after, struct err *e)
{
	static const char sql[] =
		"SELECT c.id, c.created_at FROM customers c WHERE c.created_at >= ? "
		"AND c.erased_at IS NULL AND c.id > ? AND NOT EXISTS (SELECT 1 FROM "
		"journey_enrollments x WHERE x.journey_id = ? AND x.customer_id = c.id) "
		"ORDER BY c.id LIMIT ?";
	int64_t since = now - JOURNEY_WINBACK_WINDOW * DAY_MS;
	(void)arg;
	return db_query(db, e, sql, "iiii", j->created_at > since ? j->created_at : since, after,
			j->id, (int64_t)JOURNEY_SLICE);
}

/* Winback: lapsed within the window, with no pass since that purchase. */
static struct db_stmt *winback_query(struct db *db, const struct journey *j, int64_t now,
				     const void *arg, int64_t after, struct err *e)
{
	static const char sql[] =
		"SELECT c.id, c.last_purchase_at FROM customers c WHERE c.last_purchase_at <= ? "
		"AND c.last_purchase_at > ? AND c.erased_at IS NULL AND c.id > ? AND NOT EXISTS "
		"(SELECT 1 FROM journey_enrollments x WHERE x.journey_id = ? "
		"AND x.customer_id = c.id AND x.enrolled_at >= c.last_purchase_at) "
		"ORDER BY c.id LIMIT ?";
	int64_t line = now - j->trigger_days * DAY_MS;
	(void)arg;
	return db_query(db, e, sql, "iiiii", line, line - JOURNEY_WINBACK_WINDOW * DAY_MS, after,
			j->id, (int64_t)JOURNEY_SLICE);
}

/* A birthday's month-days and the pass's occurrence (the year) and start. */
struct bday {
	const char *md, *md2, *year;
	int64_t at;
};

static struct db_stmt *birthday_query(struct db *db, const struct journey *j, int64_t now,
				      const void *arg, int64_t after, struct err *e)
{
	static const char sql[] =
		"SELECT c.id, ? FROM customers c WHERE c.birth_md IN (?, ?) AND c.erased_at IS NULL "
		"AND c.id > ? AND NOT EXISTS (SELECT 1 FROM journey_enrollments x "
		"WHERE x.journey_id = ? AND x.customer_id = c.id AND x.occurrence = ?) "
		"ORDER BY c.id LIMIT ?";
	const struct bday *b = arg;
	(void)now;
	return db_query(db, e, sql, "ittiiti", b->at, b->md, b->md2, after, j->id, b->year,
			(int64_t)JOURNEY_SLICE);
}

/* Birthdays from today to trigger_days ahead (company days): a pass per
 * customer and year, started trigger_days before the birthday. */
static int enrol_birthdays(struct db *db, const struct journey *j, int64_t now,
			   struct journey_run_stats *st, struct err *e)
{
	char today[11], day[11], year[5], md2[6];
	int64_t start;
	ts_day(now, today, sizeof today);
	if (ts_day_start(today, &start) < 0)
		return err_set(e, ERR_INTERNAL, "no start for day %s", today);
	for (int64_t d = 0; d <= j->trigger_days; d++) {
		int64_t dstart;
		/* noon of the day d days on, whatever the clocks did between */
		ts_day(start + d * DAY_MS + 12 * 3600000LL, day, sizeof day);
		if (ts_day_start(day, &dstart) < 0)
			continue;
		memcpy(year, day, 4);
		year[4] = 0;
		memcpy(md2, day + 5, 6);
		int64_t y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 +
			    (day[3] - '0');
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		/* those born on 02-29 are greeted on 02-28 of a common year */
		if (strcmp(day + 5, "02-28") == 0 && !leap)
			memcpy(md2, "02-29", 6);
		struct bday b = {day + 5, md2, year, dstart - j->trigger_days * DAY_MS};
		int rc = enrol_all(db, j, now, birthday_query, &b, year, st, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- ending ---- */

/* Winback passes whose customer bought since: converted; passes of erased
 * customers: exited. */
static int end_passes(struct db *db, const struct journey *j, int64_t now,
		      struct journey_run_stats *st, struct err *e)
{
	static const char sql_bought[] =
		"UPDATE journey_enrollments SET status = 'converted', next_at = NULL, updated_at = ? "
		"WHERE journey_id = ? AND status = 'active' AND EXISTS (SELECT 1 FROM customers c "
		"WHERE c.id = journey_enrollments.customer_id AND c.last_purchase_at > "
		"journey_enrollments.enrolled_at)";
	static const char sql_erased[] =
		"UPDATE journey_enrollments SET status = 'exited', next_at = NULL, updated_at = ? "
		"WHERE journey_id = ? AND status = 'active' AND EXISTS (SELECT 1 FROM customers c "
		"WHERE c.id = journey_enrollments.customer_id AND c.erased_at IS NOT NULL)";
	int64_t n = 0;
	int rc;
	if (strcmp(j->kind, "winback") == 0) {
		if ((rc = db_write_count(db, e, &n, sql_bought, "ii", now, j->id)) < 0)
			return rc;
		st->ended += n;
	}
	if ((rc = db_write_count(db, e, &n, sql_erased, "ii", now, j->id)) < 0)
		return rc;
	st->ended += n;
	return 0;
}

/* ---- the steps ---- */

struct due {
	int64_t id, customer_id, next_step, next_at, coupon_id;
	const char *name, *to[3], *lang, *store, *points, *coupon_code;
	int consent[3]; /* sms, email, wechat */
};

static int due_slice(struct db *db, struct arena *a, const struct journey *j, int64_t now,
		     int64_t after, struct due **out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT x.id, x.customer_id, x.next_step, x.next_at, x.coupon_id, c.name, c.phone, "
		"c.email, c.member_code, c.consent_sms, c.consent_email, c.consent_wechat, c.lang, "
		"s.name, c.points_balance, k.code FROM journey_enrollments x "
		"JOIN customers c ON c.id = x.customer_id LEFT JOIN stores s ON s.id = c.home_store_id "
		"LEFT JOIN coupons k ON k.id = x.coupon_id WHERE x.journey_id = ? "
		"AND x.status = 'active' AND x.next_at <= ? AND x.id > ? ORDER BY x.id LIMIT ?";
	struct db_stmt *st = db_query(db, e, sql, "iiii", j->id, now, after, (int64_t)JOURNEY_SLICE);
	if (!st)
		return db_fail(e);
	struct due *d = arena_calloc(a, JOURNEY_SLICE, sizeof *d);
	int rc;
	*n = 0;
	while (*n < JOURNEY_SLICE && (rc = db_step(st, e)) == DB_ROW) {
		struct due *x = &d[(*n)++];
		x->id = db_col_int64(st, 0);
		x->customer_id = db_col_int64(st, 1);
		x->next_step = db_col_int64(st, 2);
		x->next_at = db_col_int64(st, 3);
		x->coupon_id = db_col_int64(st, 4);
		x->name = arena_strdup(a, db_col_text(st, 5));
		for (int k = 0; k < 3; k++) {
			x->to[k] = arena_strdup(a, db_col_text(st, 6 + k));
			x->consent[k] = db_col_int64(st, 9 + k) != 0;
		}
		x->lang = arena_strdup(a, db_col_text(st, 12));
		x->store = arena_strdup(a, db_col_text(st, 13));
		x->points = arena_printf(a, "%lld", (long long)db_col_int64(st, 14));
		x->coupon_code = arena_strdup(a, db_col_text(st, 15));
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*out = d;
	return 0;
}

/* Runs x's due step inside the slice's transaction and moves x on (its
 * next_step and next_at; next_at 0 when the pass is completed). */
static int step_one(struct db *db, struct arena *a, const struct journey *j,
		    struct coupon_template **tpl, const char *company_lang, struct due *x,
		    int64_t now, struct journey_run_stats *st, struct err *e)
{
	static const char sql_next[] =
		"UPDATE journey_enrollments SET next_step = ?, next_at = ?, status = ?, "
		"coupon_id = ?, updated_at = ? WHERE id = ? AND next_step = ?";
	static const struct actor system = {0};
	int64_t step_no = x->next_step;
	const struct journey_step *s = step_no >= 1 && step_no <= j->nsteps ? &j->steps[step_no - 1]
									  : NULL;
	int rc;
	if (s) {
		struct coupon_template *t = tpl[step_no - 1];
		if (t) {
			struct coupon *c = NULL;
			struct err ce;
			err_init(&ce);
			const char *why = arena_printf(a, "journey: %s", j->name);
			rc = coupon_issue_tx(db, a, &system, t, x->customer_id, why, now, &c, &ce);
			if (rc == 0) {
				st->coupons++;
				x->coupon_id = c->id;
				x->coupon_code = c->code;
			} else if (rc != ERR_CONFLICT && rc != ERR_INVALID) {
				*e = ce;
				return rc;
			} /* else the limit is reached or the template retired: no coupon */
		}
		int ch = -1;
		for (int k = 0; k < 3; k++)
			if (strcmp(s->channel, outbox_channels[k]) == 0)
				ch = k;
		int l = journey_pick_lang(s, x->lang, company_lang);
		if (ch >= 0 && l >= 0 && x->consent[ch] && x->to[ch] && *x->to[ch]) {
			const struct journey_msg *m = &s->msg[l];
			const char *body = care_render(a, m->body, x->name, x->coupon_code, x->store,
						       x->points);
			const char *subject = NULL;
			if (ch == 1)
				subject = care_render(a, m->subject && *m->subject ? m->subject : j->name,
						      x->name, x->coupon_code, x->store, x->points);
			const char *key = arena_printf(a, "journey:%lld:%lld", (long long)x->id,
						       (long long)step_no);
			struct outbox_new q = {.customer_id = x->customer_id, .source_id = j->id,
					       .channel = s->channel, .recipient = x->to[ch],
					       .subject = subject, .body = body, .source = "journey",
					       .lang = journey_langs[l], .dedup_key = key};
			int64_t id;
			if ((rc = outbox_queue_once(db, &q, now, &id, e)) < 0)
				return rc;
			st->messages += rc;
		}
		st->steps++;
	}
	/* the next step counts from when this one was due */
	int last = step_no >= j->nsteps;
	int64_t next_at = last ? 0 : x->next_at + j->steps[step_no].delay_days * DAY_MS;
	struct db_stmt *q = db_query(db, e, sql_next, "iItIiii", step_no + 1, next_at,
				     last ? "completed" : "active", x->coupon_id, now, x->id, step_no);
	if (!q || db_run(q, e) < 0)
		return db_fail(e);
	x->next_step = step_no + 1;
	x->next_at = next_at;
	return 0;
}

static int run_steps(struct db *db, const struct journey *j, const char *company_lang,
		     int64_t now, struct journey_run_stats *st, struct err *e)
{
	struct arena *ja = arena_new();
	struct coupon_template **tpl = arena_calloc(ja, (size_t)j->nsteps + 1, sizeof *tpl);
	int64_t after = 0;
	int rc = 0;
	for (int i = 0; i < j->nsteps && rc == 0; i++) {
		if (!j->steps[i].template_id)
			continue;
		rc = coupon_template_get(db, ja, j->steps[i].template_id, &tpl[i], e);
		if (rc == ERR_NOT_FOUND) {
			err_init(e);
			tpl[i] = NULL;
			rc = 0;
		}
	}
	while (rc == 0) {
		struct arena *sa = arena_new();
		struct due *xs = NULL;
		int n = 0;
		if ((rc = due_slice(db, sa, j, now, after, &xs, &n, e)) < 0 || n == 0 ||
		    (rc = db_begin(db, 1, e)) < 0) {
			arena_free(sa);
			break;
		}
		/* every step due now, so that steps on the same day go together */
		for (int i = 0; i < n && rc == 0; i++)
			do
				rc = step_one(db, sa, j, tpl, company_lang, &xs[i], now, st, e);
			while (rc == 0 && xs[i].next_at && xs[i].next_at <= now);
		rc = rc < 0 ? (db_rollback(db), rc) : db_commit(db, e);
		after = xs[n - 1].id;
		arena_free(sa);
		if (n < JOURNEY_SLICE)
			break;
	}
	arena_free(ja);
	return rc;
}

/* ---- the run ---- */

int journey_run(struct db *db, int64_t now, struct journey_run_stats *stats, struct err *e)
{
	struct journey_run_stats local = {0};
	struct journey_run_stats *st = stats ? stats : &local;
	struct arena *a = arena_new();
	struct settings *set;
	*st = (struct journey_run_stats){0};
	int rc = settings_get(db, a, &set, e);
	int64_t after = 0;
	while (rc == 0) {
		struct journey **list;
		int n, more;
		if ((rc = journey_list(db, a, NULL, after, 50, &list, &n, &more, e)) < 0)
			break;
		for (int i = 0; i < n && rc == 0; i++) {
			const struct journey *j = list[i];
			if (!j->active || !j->nsteps)
				continue;
			rc = end_passes(db, j, now, st, e);
			if (rc == 0 && strcmp(j->kind, "welcome") == 0)
				rc = enrol_all(db, j, now, welcome_query, NULL, "", st, e);
			else if (rc == 0 && strcmp(j->kind, "winback") == 0)
				rc = enrol_all(db, j, now, winback_query, NULL, NULL, st, e);
			else if (rc == 0)
				rc = enrol_birthdays(db, j, now, st, e);
			if (rc == 0)
				rc = run_steps(db, j, set->locale, now, st, e);
		}
		if (!more || n == 0)
			break;
		after = list[n - 1]->id;
	}
	arena_free(a);
	return rc;
}
