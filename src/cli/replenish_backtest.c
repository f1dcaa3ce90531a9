/* replenish_backtest.c: `tersa replenish-backtest`: runs the backtest of
 * analytics/replenish_backtest.h and prints its figures, overall and per
 * store, as a table or one JSON object. */
#include "cli/replenish_backtest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analytics/reorder.h"
#include "analytics/replenish_backtest.h"
#include "db/db.h"

static const char usage_line[] =
	"usage: tersa replenish-backtest --db DB [--days N] [--service-level P]"
	" [--method auto|naive|snaive|ses|holt|damped|ets|theta|croston|sba] [--json]\n";

static int bad(const char *why)
{
	fprintf(stderr, "tersa replenish-backtest: %s\n%s", why, usage_line);
	return 2;
}

static double fill(const struct rbt_policy_sum *s)
{
	return s->demanded ? (double)s->served / (double)s->demanded : 1.0;
}

static json_t *sum_json(const struct rbt_policy_sum *s)
{
	return json_pack("{s:f,s:f,s:f,s:f,s:f,s:I}", "fill_rate", fill(s),
			 "units_demanded", s->demanded / 1000.0, "units_served", s->served / 1000.0,
			 "avg_stock_units", s->stock_units, "avg_stock_value",
			 s->stock_value / 100.0, "orders", (json_int_t)s->orders);
}

static void row(const char *who, int series, const struct rbt_policy_sum *m,
		const struct rbt_policy_sum *f)
{
	printf("%-10s %6d  %7.2f%% %10.0f %12.2f   %7.2f%% %10.0f %12.2f\n", who, series,
	       100 * fill(m), m->stock_units, m->stock_value / 100.0, 100 * fill(f),
	       f->stock_units, f->stock_value / 100.0);
}

int cli_replenish_backtest(int argc, char **argv)
{
	struct rbt_opts o = {.days = 90, .level_e3 = 95000, .review_days = REORDER_REVIEW_DAYS,
			     .refit_days = 7, .method = FC_AUTO};
	const char *target = NULL;
	int as_json = 0;
	struct rbt_report r;
	struct db *db;
	struct err e;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (strcmp(a, "--json") == 0) {
			as_json = 1;
			continue;
		}
		if (!v)
			return bad("missing value");
		i++;
		errno = 0;
		if (strcmp(a, "--db") == 0) {
			target = v;
		} else if (strcmp(a, "--days") == 0) {
			long d = strtol(v, &end, 10);
			if (errno || *end || d < 1 || d > 3650)
				return bad("--days must be 1..3650");
			o.days = (int)d;
		} else if (strcmp(a, "--service-level") == 0) {
			double p = strtod(v, &end);
			if (errno || *end || p < 0.5 || p > 0.999)
				return bad("--service-level must be between 0.5 and 0.999");
			o.level_e3 = (int)(p * 100000 + 0.5);
		} else if (strcmp(a, "--method") == 0) {
			int m = fc_method_parse(v);
			if (m < 0)
				return bad("unknown method");
			o.method = (enum fc_method)m;
		} else {
			return bad("unknown option");
		}
	}
	if (!target)
		return bad("--db is required");
	err_init(&e);
	if (db_open(target, &db, &e) < 0 || db_migrate(db, NULL, &e) < 0) {
		fprintf(stderr, "tersa replenish-backtest: %s\n", e.msg);
		return 1;
	}
	int rc = rbt_run(db, &o, &r, &e);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "tersa replenish-backtest: %s\n", e.msg);
		free(r.stores);
		return 1;
	}
	if (as_json) {
		json_t *stores = json_array(), *out;

		for (int i = 0; i < r.nstores; i++)
			json_array_append_new(stores, json_pack(
				"{s:I,s:i,s:o,s:o}", "store_id", (json_int_t)r.stores[i].store_id,
				"series", r.stores[i].series, "minmax", sum_json(&r.stores[i].minmax),
				"forecast", sum_json(&r.stores[i].forecast)));
		out = json_pack("{s:s,s:s,s:i,s:i,s:i,s:f,s:s,s:i,s:o,s:o,s:o,s:f}",
				"first_day", r.first_day, "last_day", r.last_day, "days", r.days,
				"series", r.series, "with_rule", r.with_rule,
				"service_level", o.level_e3 / 1000.0, "method",
				fc_method_name(o.method), "fits", r.fits, "minmax", sum_json(&r.minmax),
				"forecast", sum_json(&r.forecast), "stores", stores, "seconds",
				r.seconds);
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		puts(s);
		free(s);
		json_decref(out);
	} else {
		printf("replenishment backtest %s .. %s (%d days), %d product x store series"
		       " (%d with a reorder rule), service level %.1f%%, forecast %s refitted every"
		       " %d days (%d fits), %.1f s\n\n",
		       r.first_day, r.last_day, r.days, r.series, r.with_rule, o.level_e3 / 1000.0,
		       fc_method_name(o.method), o.refit_days, r.fits, r.seconds);
		printf("%-10s %6s  %-33s   %-33s\n", "", "", "min/max", "forecast");
		printf("%-10s %6s  %8s %10s %12s   %8s %10s %12s\n", "store", "series", "fill",
		       "avg units", "avg value", "fill", "avg units", "avg value");
		for (int i = 0; i < r.nstores; i++) {
			char name[32];
			snprintf(name, sizeof name, "%lld", (long long)r.stores[i].store_id);
			row(name, r.stores[i].series, &r.stores[i].minmax, &r.stores[i].forecast);
		}
		row("all", r.series, &r.minmax, &r.forecast);
	}
	free(r.stores);
	return 0;
}
