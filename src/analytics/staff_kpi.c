/* staff_kpi.c: staff KPIs, medians and leaderboards from credited facts
 * (see staff_kpi.h). Facts, footfall, recruits and won opportunities are
 * read once for the range; everything else is sorting and summing here. */
#include "analytics/staff_kpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/sales_report.h"
#include "base/timeutil.h"
#include "domain/staff/footfall.h"
#include "domain/staff/staff_facts.h"
#include "domain/staff/staff_scope.h"
#include "domain/staff/target.h"

const char *const staff_kpi_levels[] = {"person", "store", NULL};
const char *const staff_kpi_periods[] = {"day", "week", "month", NULL};
const char *const staff_board_kpis[] = {"revenue", "transactions", "avg_ticket", "upt",
					"gross_margin", "conversion", "members_recruited",
					"attainment", NULL};
const char *const staff_board_scopes[] = {"store", "region", "company", NULL};

/* Sums of one key (a person or a store) in one period. */
struct acc {
	int64_t key;
	char start[11]; /* the period's first day; "" for the whole range */
	int64_t store_id; /* a person's store (the first one met) */
	int64_t rev_x, vat_x, cost_x, disc_x, gross_x, units_x, refunded_x;
	int64_t txns, txn_x, returns;
	int64_t members, won, cycle_ms;
	int64_t ff_entries, ff_txns, ff_txn_x;
	int has_ff;
};

/* A growing list of accs, merged by (key, start) after sorting. */
struct accs {
	struct acc *v;
	int n, cap;
};

static struct acc *acc_add(struct accs *l, int64_t key, const char *start, int64_t store)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, sizeof *l->v * (size_t)l->cap);
	}
	struct acc *x = &l->v[l->n++];
	memset(x, 0, sizeof *x);
	x->key = key;
	x->store_id = store;
	snprintf(x->start, sizeof x->start, "%s", start);
	return x;
}

static int acc_cmp(const void *pa, const void *pb)
{
	const struct acc *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return strcmp(a->start, b->start);
}

static void acc_sum(struct acc *d, const struct acc *s)
{
	d->rev_x += s->rev_x;
	d->vat_x += s->vat_x;
	d->cost_x += s->cost_x;
	d->disc_x += s->disc_x;
	d->gross_x += s->gross_x;
	d->units_x += s->units_x;
	d->refunded_x += s->refunded_x;
	d->txns += s->txns;
	d->txn_x += s->txn_x;
	d->returns += s->returns;
	d->members += s->members;
	d->won += s->won;
	d->cycle_ms += s->cycle_ms;
	d->ff_entries += s->ff_entries;
	d->ff_txns += s->ff_txns;
	d->ff_txn_x += s->ff_txn_x;
	d->has_ff |= s->has_ff;
	if (!d->store_id)
		d->store_id = s->store_id;
}

/* Sorts and merges equal (key, start) entries. */
static void acc_merge(struct accs *l)
{
	if (l->n == 0)
		return;
	qsort(l->v, (size_t)l->n, sizeof *l->v, acc_cmp);
	int w = 0;
	for (int i = 1; i < l->n; i++) {
		if (acc_cmp(&l->v[w], &l->v[i]) == 0)
			acc_sum(&l->v[w], &l->v[i]);
		else
			l->v[++w] = l->v[i];
	}
	l->n = w + 1;
}

/* The first day of the period day falls in. */
static void period_start(const char *period, const char *day, char *out)
{
	if (!period) {
		out[0] = 0;
	} else if (strcmp(period, "week") == 0) {
		char key[16];
		if (report_iso_week(day, key, out, NULL) < 0)
			snprintf(out, 11, "%s", day);
	} else if (strcmp(period, "month") == 0) {
		snprintf(out, 11, "%.7s-01", day);
	} else {
		snprintf(out, 11, "%s", day);
	}
}

/* Everything read for a range. */
struct data {
	struct staff_fact *facts;
	int nfacts;
	struct footfall_day *ff;
	int nff;
	struct rec {
		int64_t user_id, store_id;
		char day[11];
		int64_t cycle_ms; /* won opportunities: closed - created */
	} *members, *won;
	int nmembers, nwon;
};

static int ff_cmp(const void *pa, const void *pb)
{
	const struct footfall_day *a = pa, *b = pb;
	int c = strcmp(a->day, b->day);
	if (c)
		return c;
	return a->store_id < b->store_id ? -1 : a->store_id > b->store_id;
}

static const struct footfall_day *ff_find(const struct data *d, const char *day, int64_t store)
{
	struct footfall_day k;
	snprintf(k.day, sizeof k.day, "%s", day);
	k.store_id = store;
	return d->nff ? bsearch(&k, d->ff, (size_t)d->nff, sizeof k, ff_cmp) : NULL;
}

/* Recruits or won opportunities of [from, to] (instants in the company
 * zone). */
static int load_recs(struct db *db, struct arena *a, const char *sql, const char *from,
		     const char *to, struct rec **out, int *n, struct err *e)
{
	char next[11];
	int64_t t0, t1;
	if (ts_day_start(from, &t0) < 0 || report_day_add(to, 1, next) < 0 ||
	    ts_day_start(next, &t1) < 0)
		return err_set(e, ERR_INVALID, "bad day range");
	struct db_stmt *st = db_query(db, e, sql, "ii", t0, t1);
	if (!st)
		return db_fail(e);
	int cap = 64, rc;
	struct rec *v = arena_calloc(a, (size_t)cap, sizeof *v);
	*n = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			struct rec *w = arena_calloc(a, (size_t)cap * 2, sizeof *w);
			memcpy(w, v, sizeof *v * (size_t)cap);
			v = w;
			cap *= 2;
		}
		struct rec *r = &v[(*n)++];
		r->user_id = db_col_int64(st, 0);
		r->store_id = db_col_int64(st, 1);
		ts_day(db_col_int64(st, 2), r->day, sizeof r->day);
		r->cycle_ms = db_col_int64(st, 3);
	}
	db_reset(st);
	*out = v;
	return rc < 0 ? rc : 0;
}

static int load_data(struct db *db, struct arena *a, const char *from, const char *to,
		     struct data *d, struct err *e)
{
	static const char sql_members[] =
		"SELECT created_by, COALESCE(home_store_id, 0), created_at, 0 FROM customers "
		"WHERE created_at >= ? AND created_at < ? AND created_by IS NOT NULL";
	static const char sql_won[] =
		"SELECT owner_id, COALESCE(store_id, 0), closed_at, closed_at - created_at "
		"FROM opportunities WHERE stage = 'won' AND closed_at >= ? AND closed_at < ? "
		"AND owner_id IS NOT NULL";
	int rc;
	memset(d, 0, sizeof *d);
	if ((rc = staff_facts_load(db, a, from, to, 0, 0, 0, &d->facts, &d->nfacts, e)) < 0 ||
	    (rc = footfall_days(db, a, from, to, &d->ff, &d->nff, e)) < 0 ||
	    (rc = load_recs(db, a, sql_members, from, to, &d->members, &d->nmembers, e)) < 0 ||
	    (rc = load_recs(db, a, sql_won, from, to, &d->won, &d->nwon, e)) < 0)
		return rc;
	return 0;
}

/* Which rows count: store_ids (n 0: every store) and, for people, only
 * user (0: everyone). */
struct pick {
	int person;             /* key by person, else by store */
	const int64_t *stores;  /* sorted */
	int nstores;
	int64_t user;
	const char *period;     /* NULL: the whole range */
};

static int has_store(const struct pick *p, int64_t store)
{
	if (p->nstores == 0)
		return 1;
	for (int i = 0; i < p->nstores; i++)
		if (p->stores[i] == store)
			return 1;
	return 0;
}

/* Sums the data into accs keyed and periodised as p says. */
static void summarise(const struct data *d, const struct pick *p, struct accs *l)
{
	char start[11];
	for (int i = 0; i < d->nfacts; i++) {
		const struct staff_fact *f = &d->facts[i];
		if (!has_store(p, f->store_id) || (p->user && f->user_id != p->user))
			continue;
		period_start(p->period, f->day, start);
		struct acc *x = acc_add(l, p->person ? f->user_id : f->store_id, start, f->store_id);
		x->rev_x = f->revenue_x;
		x->vat_x = f->vat_x;
		x->cost_x = f->cost_x;
		x->disc_x = f->discount_x;
		x->gross_x = f->gross_x;
		x->units_x = f->units_x;
		x->refunded_x = f->refunded_x;
		x->txns = f->txns;
		x->txn_x = f->txn_x;
		x->returns = f->returns;
		const struct footfall_day *ff = ff_find(d, f->day, f->store_id);
		if (ff) {
			x->ff_txn_x = f->txn_x;
			if (p->person && f->txns > 0) {
				x->ff_txns = f->txns;
				x->ff_entries = ff->entries;
				x->has_ff = 1;
			}
		}
	}
	if (!p->person)
		for (int i = 0; i < d->nff; i++) {
			if (!has_store(p, d->ff[i].store_id))
				continue;
			period_start(p->period, d->ff[i].day, start);
			struct acc *x = acc_add(l, d->ff[i].store_id, start, d->ff[i].store_id);
			x->ff_entries = d->ff[i].entries;
			x->has_ff = 1;
		}
	for (int k = 0; k < 2; k++) {
		const struct rec *rs = k ? d->won : d->members;
		int n = k ? d->nwon : d->nmembers;
		for (int i = 0; i < n; i++) {
			const struct rec *r = &rs[i];
			if ((p->nstores && !has_store(p, r->store_id)) || (p->user && r->user_id != p->user))
				continue;
			if (!p->person && !r->store_id)
				continue;
			period_start(p->period, r->day, start);
			struct acc *x = acc_add(l, p->person ? r->user_id : r->store_id, start,
						r->store_id);
			if (k) {
				x->won = 1;
				x->cycle_ms = r->cycle_ms;
			} else {
				x->members = 1;
			}
		}
	}
	acc_merge(l);
}

/* The KPI values of one acc. */
struct vals {
	int64_t revenue, transactions, avg_ticket, upt_milli, discount_rate_bp, return_rate_bp;
	int64_t gross_margin, margin_rate_bp, members, won, entries, conversion_bp;
	double cycle_days;
	int has_cycle, has_ff;
};

static int64_t ratio_bp(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	return (int64_t)(((__int128)num * 10000 + (num >= 0 ? den / 2 : -den / 2)) / den);
}

static int64_t div_round(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

static void values(const struct acc *x, int person, struct vals *v)
{
	memset(v, 0, sizeof *v);
	v->revenue = staff_x_round(x->rev_x);
	int64_t vat = staff_x_round(x->vat_x), cost = staff_x_round(x->cost_x);
	int64_t units = staff_x_round(x->units_x), disc = staff_x_round(x->disc_x);
	int64_t gross = staff_x_round(x->gross_x), refunded = staff_x_round(x->refunded_x);
	v->transactions = person ? x->txns : staff_x_round(x->txn_x);
	v->avg_ticket = div_round(v->revenue, v->transactions);
	v->upt_milli = div_round(units, v->transactions);
	v->discount_rate_bp = ratio_bp(disc, gross);
	v->return_rate_bp = ratio_bp(refunded, v->revenue + refunded);
	v->gross_margin = v->revenue - vat - cost;
	v->margin_rate_bp = ratio_bp(v->gross_margin, v->revenue - vat);
	v->members = x->members;
	v->won = x->won;
	if (x->won > 0) {
		v->has_cycle = 1;
		v->cycle_days = (double)x->cycle_ms / (double)x->won / 86400000.0;
		v->cycle_days = (double)(int64_t)(v->cycle_days * 10 + 0.5) / 10;
	}
	v->has_ff = x->has_ff && x->ff_entries > 0;
	if (v->has_ff) {
		v->entries = x->ff_entries;
		v->conversion_bp = ratio_bp(person ? x->ff_txns : staff_x_round(x->ff_txn_x),
					    x->ff_entries);
	}
}

/* The KPI fields of the reply, in order. */
#define NFIELDS 14
static const char *const fields[NFIELDS] = {
	"revenue", "transactions", "avg_ticket", "upt", "discount_rate_bp", "return_rate_bp",
	"gross_margin", "margin_rate_bp", "members_recruited", "opportunities_won",
	"sales_cycle_days", "csat", "entries", "conversion_bp"};

/* Field i as a number (upt and the sales cycle real); 0 when null. */
static int field_value(const struct vals *v, int i, double *out)
{
	switch (i) {
	case 0: *out = (double)v->revenue; return 1;
	case 1: *out = (double)v->transactions; return 1;
	case 2: *out = (double)v->avg_ticket; return 1;
	case 3: *out = (double)v->upt_milli / 1000.0; return 1;
	case 4: *out = (double)v->discount_rate_bp; return 1;
	case 5: *out = (double)v->return_rate_bp; return 1;
	case 6: *out = (double)v->gross_margin; return 1;
	case 7: *out = (double)v->margin_rate_bp; return 1;
	case 8: *out = (double)v->members; return 1;
	case 9: *out = (double)v->won; return 1;
	case 10: *out = v->cycle_days; return v->has_cycle;
	case 11: return 0;
	case 12: *out = (double)v->entries; return v->has_ff;
	default: *out = (double)v->conversion_bp; return v->has_ff;
	}
}

static json_t *field_json(int i, int has, double x)
{
	if (!has)
		return json_null();
	if (i == 3 || i == 10)
		return json_real(x);
	return json_integer((json_int_t)(x >= 0 ? x + 0.5 : x - 0.5));
}

static void put_values(json_t *o, const struct vals *v)
{
	for (int i = 0; i < NFIELDS; i++) {
		double x = 0;
		int has = field_value(v, i, &x);
		json_object_set_new(o, fields[i], field_json(i, has, x));
	}
}

static int dbl_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* The medians over the accs (whole-range totals) whose store is `store`
 * (0: all): an object of the KPI fields, or null when there is none. */
static json_t *medians(const struct accs *l, int person, int64_t store)
{
	double *col = xcalloc((size_t)(l->n ? l->n : 1), sizeof *col);
	json_t *o = json_object();
	int any = 0;
	for (int i = 0; i < NFIELDS; i++) {
		int m = 0;
		for (int k = 0; k < l->n; k++) {
			if (store && l->v[k].store_id != store)
				continue;
			struct vals v;
			double x;
			values(&l->v[k], person, &v);
			if (field_value(&v, i, &x))
				col[m++] = x;
		}
		if (m == 0) {
			json_object_set_new(o, fields[i], json_null());
			continue;
		}
		any = 1;
		qsort(col, (size_t)m, sizeof *col, dbl_cmp);
		double med = m % 2 ? col[m / 2] : (col[m / 2 - 1] + col[m / 2]) / 2;
		if (i == 3)
			med = (double)(int64_t)(med * 1000 + 0.5) / 1000;
		if (i == 10)
			med = (double)(int64_t)(med * 10 + 0.5) / 10;
		json_object_set_new(o, fields[i], field_json(i, 1, med));
	}
	free(col);
	if (!any) {
		json_decref(o);
		return json_null();
	}
	return o;
}

/* Names: people's display names and first stores, stores' names and
 * regions, read whole (small tables). */
struct names {
	struct nm {
		int64_t id, store_id;
		char *name, *region;
	} *people, *stores;
	int npeople, nstores;
	int64_t (*links)[2]; /* user_stores (user, store), by user */
	int nlinks;
};

static int load_names(struct db *db, struct arena *a, struct names *nm, struct err *e)
{
	static const char sql_people[] =
		"SELECT u.id, u.display_name, (SELECT MIN(us.store_id) FROM user_stores us "
		"WHERE us.user_id = u.id), '' FROM users u ORDER BY u.id";
	static const char sql_stores[] =
		"SELECT id, name, id, COALESCE(region, '') FROM stores ORDER BY id";
	for (int k = 0; k < 2; k++) {
		struct db_stmt *st = db_query(db, e, k ? sql_stores : sql_people, "");
		if (!st)
			return db_fail(e);
		int cap = 64, n = 0, rc;
		struct nm *v = arena_calloc(a, (size_t)cap, sizeof *v);
		while ((rc = db_step(st, e)) == DB_ROW) {
			if (n == cap) {
				struct nm *w = arena_calloc(a, (size_t)cap * 2, sizeof *w);
				memcpy(w, v, sizeof *v * (size_t)cap);
				v = w;
				cap *= 2;
			}
			v[n].id = db_col_int64(st, 0);
			v[n].name = arena_strdup(a, db_col_text(st, 1));
			v[n].store_id = db_col_int64(st, 2);
			v[n].region = arena_strdup(a, db_col_text(st, 3));
			n++;
		}
		db_reset(st);
		if (rc < 0)
			return rc;
		if (k) {
			nm->stores = v;
			nm->nstores = n;
		} else {
			nm->people = v;
			nm->npeople = n;
		}
	}
	static const char sql_links[] =
		"SELECT user_id, store_id FROM user_stores ORDER BY user_id, store_id";
	struct db_stmt *st = db_query(db, e, sql_links, "");
	if (!st)
		return db_fail(e);
	int cap = 64, rc;
	nm->links = arena_calloc(a, (size_t)cap, sizeof *nm->links);
	nm->nlinks = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (nm->nlinks == cap) {
			int64_t(*w)[2] = arena_calloc(a, (size_t)cap * 2, sizeof *w);
			memcpy(w, nm->links, sizeof *w * (size_t)cap);
			nm->links = w;
			cap *= 2;
		}
		nm->links[nm->nlinks][0] = db_col_int64(st, 0);
		nm->links[nm->nlinks][1] = db_col_int64(st, 1);
		nm->nlinks++;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* staff_person_seen's rule over the loaded links (no query per person). */
static int person_seen(const struct names *nm, const struct actor *who, int64_t user)
{
	if (!who->user || (who->user->role & (ROLE_ADMIN | ROLE_HQ)) || who->user->id == user)
		return 1;
	if (!(who->user->role & ROLE_STORE_MANAGER))
		return 0;
	for (int i = 0; i < nm->nlinks; i++)
		if (nm->links[i][0] == user && actor_sees_store(who, nm->links[i][1]))
			return 1;
	return 0;
}

static const struct nm *nm_find(const struct nm *v, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (v[mid].id == id)
			return &v[mid];
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The stores an actor sees, sorted (n 0 for every store). */
static void seen_stores(const struct actor *who, const int64_t **ids, int *n)
{
	if (who->user && (who->user->role & ROLE_STORE_BOUND)) {
		*ids = who->user->store_ids;
		*n = who->user->nstores;
		if (*n == 0) { /* bound to no store: sees none */
			static const int64_t none = -1;
			*ids = &none;
			*n = 1;
		}
	} else {
		*ids = NULL;
		*n = 0;
	}
}

int staff_kpis(struct db *db, struct arena *a, const struct actor *who,
	       const struct staff_kpi_query *q, json_t **out, struct err *e)
{
	int person = strcmp(q->level, "person") == 0, rc;
	int manager = staff_is_manager(who);
	int64_t user = q->user_id;
	if (person && !manager) {
		if (user && user != who->user->id)
			return err_set(e, ERR_NOT_FOUND, "no person %lld", (long long)user);
		user = who->user->id;
	}
	if (person && user && (rc = staff_person_check(db, who, user, e)) < 0)
		return rc;
	if (q->store_id && !actor_sees_store(who, q->store_id))
		return err_set(e, ERR_NOT_FOUND, "no store %lld", (long long)q->store_id);
	struct data d;
	struct names nm;
	if ((rc = load_data(db, a, q->from, q->to, &d, e)) < 0 ||
	    (rc = load_names(db, a, &nm, e)) < 0)
		return rc;
	const int64_t *stores;
	int nstores;
	int64_t one = q->store_id;
	if (q->store_id) {
		stores = &one;
		nstores = 1;
	} else if (person && user) {
		stores = NULL; /* a seen person's figures in every store */
		nstores = 0;
	} else if (!manager) {
		/* a salesperson's store level: only their own stores */
		static const int64_t none = -1;
		stores = who->user->nstores ? who->user->store_ids : &none;
		nstores = who->user->nstores ? who->user->nstores : 1;
	} else {
		seen_stores(who, &stores, &nstores);
	}
	struct pick p = {.person = person, .stores = stores, .nstores = nstores, .user = user,
			 .period = q->period};
	struct accs l = {0}, tot = {0}, company = {0};
	summarise(&d, &p, &l);
	json_t *items = json_array();
	for (int i = 0; i < l.n; i++) {
		const struct acc *x = &l.v[i];
		if (person && !user && !person_seen(&nm, who, x->key))
			continue; /* a manager's list: only the people seen */
		const struct nm *n = person ? nm_find(nm.people, nm.npeople, x->key)
					    : nm_find(nm.stores, nm.nstores, x->key);
		struct vals v;
		values(x, person, &v);
		int64_t store = person ? (q->store_id ? q->store_id : (n ? n->store_id : 0)) : x->key;
		json_t *o = json_pack("{s:I,s:s,s:o,s:s}", "key", (json_int_t)x->key, "label",
				      n && n->name ? n->name : "", "store_id",
				      store ? json_integer(store) : json_null(), "period_start",
				      x->start);
		put_values(o, &v);
		json_array_append_new(items, o);
	}
	/* medians: whole-range totals of the store's people and of the company */
	struct pick pc = {.person = person};
	summarise(&d, &pc, &company);
	int64_t med_store = q->store_id;
	if (person && !med_store && user) {
		const struct nm *n = nm_find(nm.people, nm.npeople, user);
		med_store = n ? n->store_id : 0;
	}
	if (person)
		for (int i = 0; i < company.n; i++) {
			const struct nm *n = nm_find(nm.people, nm.npeople, company.v[i].key);
			company.v[i].store_id = n ? n->store_id : 0;
		}
	json_t *med_s = person && med_store ? medians(&company, person, med_store) : json_null();
	json_t *med_c = medians(&company, person, 0);
	*out = json_pack("{s:o,s:{s:o,s:o}}", "items", items, "medians", "store", med_s,
			 "company", med_c);
	free(l.v);
	free(tot.v);
	free(company.v);
	return 0;
}

/* The board's value of an acc for the kpi; 0 when it has none. */
static int board_value(const char *kpi, const struct vals *v, int64_t target, int64_t actual,
		       double *out)
{
	if (strcmp(kpi, "revenue") == 0)
		*out = (double)v->revenue;
	else if (strcmp(kpi, "transactions") == 0)
		*out = (double)v->transactions;
	else if (strcmp(kpi, "avg_ticket") == 0)
		*out = (double)v->avg_ticket;
	else if (strcmp(kpi, "upt") == 0)
		*out = (double)v->upt_milli / 1000.0;
	else if (strcmp(kpi, "gross_margin") == 0)
		*out = (double)v->gross_margin;
	else if (strcmp(kpi, "members_recruited") == 0)
		*out = (double)v->members;
	else if (strcmp(kpi, "conversion") == 0) {
		if (!v->has_ff)
			return 0;
		*out = (double)v->conversion_bp;
	} else { /* attainment */
		if (target <= 0)
			return 0;
		*out = (double)ratio_bp(actual, target);
	}
	return 1;
}

struct row {
	int64_t id, store_id;
	const char *name, *store_name, *region;
	double value;
	int rank;
};

static int row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Month targets of revenue (every category) per store and person. */
static int load_targets(struct db *db, struct arena *a, const char *month, struct accs *t,
			int person, struct err *e)
{
	static const char sql[] =
		"SELECT store_id, user_id, CAST(SUM(amount) AS BIGINT) FROM staff_targets "
		"WHERE month = ? AND metric = 'revenue' AND category_id = 0 "
		"GROUP BY store_id, user_id";
	(void)a;
	struct db_stmt *st = db_query(db, e, sql, "t", month);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t s = db_col_int64(st, 0), u = db_col_int64(st, 1);
		if (person != (u != 0))
			continue;
		struct acc *x = acc_add(t, person ? u : s, "", s);
		x->rev_x = db_col_int64(st, 2); /* the target itself */
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* The stores of the board's scope into *ids (in a); 403 when who may not
 * see it. */
static int board_stores(struct db *db, struct arena *a, const struct actor *who,
			const struct staff_board_query *q, const struct names *nm,
			int64_t **ids, int *n, const char **region, struct err *e)
{
	int bound = who->user && (who->user->role & ROLE_STORE_BOUND);
	int64_t store = q->store_id;
	if (!store && bound && who->user->nstores)
		store = who->user->store_ids[0];
	*region = NULL;
	*ids = arena_calloc(a, (size_t)nm->nstores + 1, sizeof **ids);
	*n = 0;
	if (strcmp(q->scope, "company") == 0) {
		if (bound)
			return err_set(e, ERR_FORBIDDEN, "the company board is for roles not bound to stores");
		for (int i = 0; i < nm->nstores; i++)
			(*ids)[(*n)++] = nm->stores[i].id;
		return 0;
	}
	if (strcmp(q->scope, "store") == 0) {
		if (!store) {
			err_field(e, "store_id", "is required for scope=store");
			return err_fields_done(e);
		}
		if (!nm_find(nm->stores, nm->nstores, store)) {
			err_field(e, "store_id", "no such store");
			return err_fields_done(e);
		}
		if (!actor_sees_store(who, store))
			return err_set(e, ERR_FORBIDDEN, "store %lld is not yours", (long long)store);
		(*ids)[(*n)++] = store;
		return 0;
	}
	const char *reg = q->region;
	if (!reg || !*reg) {
		const struct nm *s = store ? nm_find(nm->stores, nm->nstores, store) : NULL;
		if (!s || !s->region[0]) {
			err_field(e, "region", "is required (no store with a region to take it from)");
			return err_fields_done(e);
		}
		reg = s->region;
	}
	int mine = !bound;
	for (int i = 0; i < nm->nstores; i++) {
		if (strcmp(nm->stores[i].region, reg) != 0)
			continue;
		(*ids)[(*n)++] = nm->stores[i].id;
		if (bound && actor_sees_store(who, nm->stores[i].id))
			mine = 1;
	}
	if (!mine)
		return err_set(e, ERR_FORBIDDEN, "region %s is not one of your stores' regions",
			       reg);
	*region = reg;
	(void)db;
	return 0;
}

int staff_leaderboard(struct db *db, struct arena *a, const struct actor *who,
		      const struct staff_board_query *q, json_t **out, struct err *e)
{
	int person = strcmp(q->subject, "people") == 0, rc;
	char from[11], to[11], month[8], mfirst[11];
	snprintf(month, sizeof month, "%.7s", q->day);
	if (target_month_days(month, mfirst, NULL) == 0)
		return err_field(e, "day", "must be YYYY-MM-DD"), err_fields_done(e);
	if (strcmp(q->period, "month") == 0) {
		snprintf(from, sizeof from, "%s", mfirst);
		target_month_days(month, NULL, to);
	} else {
		snprintf(from, sizeof from, "%s", q->day);
		snprintf(to, sizeof to, "%s", q->day);
	}
	struct names nm;
	if ((rc = load_names(db, a, &nm, e)) < 0)
		return rc;
	int64_t *stores;
	int nstores;
	const char *region;
	if ((rc = board_stores(db, a, who, q, &nm, &stores, &nstores, &region, e)) < 0)
		return rc;
	int attain = strcmp(q->kpi, "attainment") == 0;
	struct data d;
	/* attainment: the month so far against the month's target */
	if ((rc = load_data(db, a, attain ? mfirst : from, to, &d, e)) < 0)
		return rc;
	struct pick p = {.person = person, .stores = stores, .nstores = nstores ? nstores : 1};
	int64_t none = -1;
	if (!nstores)
		p.stores = &none;
	struct accs l = {0}, t = {0};
	summarise(&d, &p, &l);
	if (attain) {
		if ((rc = load_targets(db, a, month, &t, person, e)) < 0) {
			free(l.v);
			return rc;
		}
		/* keep only targets of the scope's stores, merged by key */
		int w = 0;
		for (int i = 0; i < t.n; i++)
			if (has_store(&p, t.v[i].store_id))
				t.v[w++] = t.v[i];
		t.n = w;
		acc_merge(&t);
		/* a key with a target and no sales yet is on the board at 0 */
		for (int i = 0; i < t.n; i++)
			acc_add(&l, t.v[i].key, "", t.v[i].store_id);
		acc_merge(&l);
	}
	struct row *rows = arena_calloc(a, (size_t)l.n + 1, sizeof *rows);
	int n = 0;
	for (int i = 0; i < l.n; i++) {
		struct vals v;
		values(&l.v[i], person, &v);
		int64_t target = 0;
		for (int k = 0; attain && k < t.n; k++)
			if (t.v[k].key == l.v[i].key)
				target = t.v[k].rev_x;
		double val;
		if (!board_value(q->kpi, &v, target, v.revenue, &val))
			continue;
		struct row *r = &rows[n++];
		r->id = l.v[i].key;
		r->value = val;
		const struct nm *pn = person ? nm_find(nm.people, nm.npeople, r->id) : NULL;
		r->store_id = person ? l.v[i].store_id : r->id;
		if (person && pn && pn->store_id && has_store(&p, pn->store_id))
			r->store_id = pn->store_id;
		const struct nm *sn = nm_find(nm.stores, nm.nstores, r->store_id);
		r->name = person ? (pn ? pn->name : "") : (sn ? sn->name : "");
		r->store_name = sn ? sn->name : "";
		r->region = sn ? sn->region : "";
	}
	free(l.v);
	free(t.v);
	qsort(rows, (size_t)n, sizeof *rows, row_cmp);
	json_t *items = json_array(), *me = json_null();
	int64_t my_id = 0;
	if (who->user)
		my_id = person ? who->user->id : (who->user->nstores ? who->user->store_ids[0] : 0);
	int upt = strcmp(q->kpi, "upt") == 0;
	for (int i = 0; i < n; i++) {
		rows[i].rank = i > 0 && rows[i].value == rows[i - 1].value ? rows[i - 1].rank : i + 1;
		json_t *val = upt ? json_real(rows[i].value)
				  : json_integer((json_int_t)(rows[i].value + (rows[i].value >= 0 ? 0.5 : -0.5)));
		json_array_append_new(
			items, json_pack("{s:i,s:I,s:s,s:I,s:s,s:o,s:O}", "rank", rows[i].rank, "id",
					 (json_int_t)rows[i].id, "name", rows[i].name, "store_id",
					 (json_int_t)rows[i].store_id, "store_name",
					 rows[i].store_name, "region",
					 rows[i].region[0] ? json_string(rows[i].region) : json_null(),
					 "value", val));
		if (my_id && rows[i].id == my_id) {
			json_decref(me);
			me = json_pack("{s:i,s:O,s:i}", "rank", rows[i].rank, "value", val, "of", n);
		}
		json_decref(val);
	}
	*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "kpi", q->kpi, "period", q->period,
			 "scope", q->scope, "from", from, "to", to, "region",
			 region ? json_string(region) : json_null(), "items", items, "me", me);
	return 0;
}
