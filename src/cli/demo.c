/* demo.c: the `tersa demo` command — options, a progress bar on a
 * terminal, and the summary; the company itself is made by the domain
 * (domain/demo). */
#include "cli/demo.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timeutil.h"

struct bar {
	int tty;
	char stage[32];
	int last;
	int64_t since; /* when the stage began */
};

/* A bar redrawn in place on a terminal; elsewhere (a log) one line per
 * step with its time. */
static void progress(void *arg, const char *stage, int64_t done, int64_t total)
{
	struct bar *b = arg;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	if (!b->tty) {
		if (strcmp(stage, b->stage) != 0) {
			int64_t now = ts_mono_ms();
			if (b->stage[0])
				fprintf(stderr, "demo: %s took %.1f s\n", b->stage,
					(double)(now - b->since) / 1000.0);
			b->since = now;
		}
		snprintf(b->stage, sizeof b->stage, "%s", stage);
		return;
	}
	if (strcmp(stage, b->stage) == 0 && pct == b->last)
		return;
	snprintf(b->stage, sizeof b->stage, "%s", stage);
	b->last = pct;
	char fill[41];
	int w = pct * 40 / 100;
	memset(fill, '#', (size_t)w);
	memset(fill + w, '.', (size_t)(40 - w));
	fill[40] = 0;
	fprintf(stderr, "\r  creating the demo company: [%s] %3d%% %-18s", fill, pct, stage);
	if (strcmp(stage, "done") == 0)
		fputc('\n', stderr);
	fflush(stderr);
}

int cli_demo_make(struct db *db, enum demo_scale scale, uint64_t seed, int nproducts,
		  const char *end_day)
{
	struct bar b = {.tty = isatty(STDERR_FILENO), .last = -1, .since = ts_mono_ms()};
	struct demo_opts o = {.scale = scale, .seed = seed, .nproducts = nproducts,
			      .end_day = end_day, .progress = scale == DEMO_MASTER ? NULL : progress,
			      .progress_arg = &b};
	struct demo_stats st;
	struct err e;
	err_init(&e);
	int64_t t0 = ts_mono_ms();
	if (scale != DEMO_MASTER && demo_company_empty(db) == 1) {
		fprintf(stderr, "A new database: creating the %s demo company (%s)...\n",
			scale == DEMO_FULL ? "full" : "small",
			scale == DEMO_FULL ? "20 stores, two years of sales; about a minute"
					   : "3 stores, a month of sales");
		fflush(stderr);
	}
	if (demo_generate(db, &o, &st, &e) < 0) {
		if (b.tty)
			fputc('\n', stderr);
		fprintf(stderr, "tersa: cannot create the demo company: %s\n",
			e.msg[0] ? e.msg : err_title(e.code));
		for (int i = 0; i < e.nfields; i++)
			fprintf(stderr, "  %s: %s\n", e.fields[i].field, e.fields[i].message);
		return 1;
	}
	if (st.stores)
		fprintf(stderr,
			"demo company: %lld stores, %lld products, %lld customers, %lld sales "
			"(%lld lines, %lld returns, %lld voids) in %.1f s; staff password %s\n",
			(long long)st.stores, (long long)st.products, (long long)st.customers,
			(long long)st.sales, (long long)st.lines, (long long)st.returns,
			(long long)st.voids, (double)(ts_mono_ms() - t0) / 1000.0, DEMO_PASSWORD);
	return 0;
}

int cli_demo(int argc, char **argv)
{
	static const char use[] =
		"tersa: demo needs --db PATH|URL [--scale small|full] [--seed N] [--end YYYY-MM-DD] "
		"[--products N]\n";
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'}, {"scale", required_argument, 0, 's'},
		{"seed", required_argument, 0, 'S'}, {"end", required_argument, 0, 'e'},
		{"products", required_argument, 0, 'p'}, {0, 0, 0, 0}};
	const char *target = NULL, *end = NULL;
	enum demo_scale scale = DEMO_MASTER;
	int have_scale = 0;
	long products = 0;
	unsigned long long seed = 20261127ull;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *stop;
		switch (o) {
		case 'd': target = optarg; break;
		case 'e': end = optarg; break;
		case 's':
			have_scale = 1;
			if (strcmp(optarg, "small") == 0)
				scale = DEMO_SMALL;
			else if (strcmp(optarg, "full") == 0)
				scale = DEMO_FULL;
			else {
				fputs(use, stderr);
				return 2;
			}
			break;
		case 'S':
			errno = 0;
			seed = strtoull(optarg, &stop, 10);
			if (errno || stop == optarg || *stop) {
				fputs(use, stderr);
				return 2;
			}
			break;
		case 'p':
			errno = 0;
			products = strtol(optarg, &stop, 10);
			if (errno || stop == optarg || *stop || products < 1 || products > 1000000) {
				fputs(use, stderr);
				return 2;
			}
			break;
		default: fputs(use, stderr); return 2;
		}
	}
	if (!target || optind != argc || (have_scale && products)) {
		fputs(use, stderr);
		return 2;
	}
	if (end && !ts_day_valid(end)) {
		fputs(use, stderr);
		return 2;
	}
	struct db *db;
	struct err e;
	err_init(&e);
	if (db_open(target, &db, &e) < 0) {
		fprintf(stderr, "tersa: cannot open the database: %s\n", e.msg);
		return 1;
	}
	int applied = 0, rc;
	if (db_migrate(db, &applied, &e) < 0) {
		fprintf(stderr, "tersa: migration failed: %s\n", e.msg);
		rc = 1;
	} else {
		rc = cli_demo_make(db, scale, seed, (int)products, end);
	}
	db_close(db);
	return rc;
}
