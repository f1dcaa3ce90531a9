/* main.c: the `tersa` command: serve, migrate, user, version, help. */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "analytics/sales_report.h"
#include "base/arena.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "db/backup.h"
#include "db/db.h"
#include "base/table.h"
#include "domain/exchange/import.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/points.h"
#include "domain/org/session.h"
#include "domain/pos/rollup_rebuild.h"
#include "domain/org/user.h"
#include "domain/org/settings.h"
#include "domain/stock/stock.h"
#include "http/server.h"
#include "jobs/scheduler.h"
#include "cli/demo.h"
#include "analytics/anomaly_data.h"
#include "cli/forecast.h"
#include "cli/replenish_backtest.h"
#include "cli/itemsets.h"

#ifndef TERSA_VERSION
#define TERSA_VERSION "0.1.0"
#endif

static const char usage[] =
	"usage: tersa <command> [options]\n"
	"\n"
	"  serve   --db PATH|URL [--listen HOST:PORT] [--web DIR] [--threads N]\n"
	"          [--max-connections N] [--per-ip N] [--no-group-commit] [--demo[=small|full]]\n"
	"          [--metrics-token TOKEN] [--secure-cookies] [--trusted-proxy ADDR]\n"
	"  migrate --db PATH|URL\n"
	"  demo    --db PATH|URL [--scale small|full] [--seed N] [--end YYYY-MM-DD]\n"
	"          [--products N]                  (fills an empty company; --scale: with its history)\n"
	"  user add --db DB --username NAME --role ROLE [--stores ID,...]\n"
	"           [--display-name NAME]          (password on standard input)\n"
	"  user passwd --db DB USERNAME            (password on standard input)\n"
	"  user list --db DB\n"
	"  user disable --db DB USERNAME\n"
	"  check-stock --db DB                     (balances against the ledger)\n"
	"  check-db --db DB                        (integrity, points and stored-value ledgers, coupons,\n"
	"                                           rollups against the sales)\n"
	"  job run NAME --db DB                    (runs a background job now)\n"
	"  anomalies --db DB [--at TIME]           (the anomaly check as of TIME, default now)\n"
	"  verify-journal --db DB [--store ID]     (the sales journal's hash chain)\n"
	"  import products|customers|stock|suppliers FILE --db DB [--dry-run]\n"
	"                                          (CSV or XLSX; all rows or none)\n"
	"  itemsets --min-support S [--max-size K] (frequent itemsets of baskets on standard input)\n"
	"  backup --db DB FILE                     (online copy of a SQLite database)\n"
	"  restore FILE --db DB [--force]          (puts a backup back as DB)\n"
	"  forecast --period M --horizon H [--model auto|naive|snaive|ses|holt|damped|ets|theta|croston|sba]\n"
	"  replenish-backtest --db DB [--days 90] [--service-level 0.95] [--method auto|...] [--json]\n"
	"                                          (min/max against forecast reorder points)\n"
	"  version\n"
	"  help\n"
	"\n"
	"DB is a SQLite file (created if absent) or a postgresql:// URL.\n"
	"Roles: admin, hq, store_manager, sales, service.\n";

static int bad_usage(const char *why)
{
	if (why)
		fprintf(stderr, "tersa: %s\n", why);
	fputs(usage, stderr);
	return 2;
}

static int die_err(const char *what, const struct err *e)
{
	fprintf(stderr, "tersa: %s: %s\n", what, e->msg[0] ? e->msg : err_title(e->code));
	for (int i = 0; i < e->nfields; i++)
		fprintf(stderr, "  %s: %s\n", e->fields[i].field, e->fields[i].message);
	return 1;
}

/* Parses a decimal int in [min,max]; -1 if not. */
static long parse_num(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

/* The first schema version whose rollups every sale keeps complete. */
#define ROLLUPS_COMPLETE_SINCE 12

/* Opens the database and applies pending migrations. */
static struct db *open_db(const char *target)
{
	struct db *db;
	struct err e;
	err_init(&e);
	if (db_open(target, &db, &e) < 0) {
		die_err("cannot open the database", &e);
		return NULL;
	}
	int applied = 0, before = db_schema_version(db, &e);
	if (before < 0 || db_migrate(db, &applied, &e) < 0) {
		die_err("migration failed", &e);
		db_close(db);
		return NULL;
	}
	/* Rollups that migration 0012 added start empty: a database made
	 * before it gets them computed from its sales once. */
	if (before > 0 && before < ROLLUPS_COMPLETE_SINCE) {
		log_info("computing the report rollups from the stored sales (once, after the upgrade)");
		if (db_begin(db, 1, &e) < 0 || rollup_rebuild(db, &e) < 0 || db_commit(db, &e) < 0) {
			db_rollback(db);
			die_err("cannot compute the rollups", &e);
			db_close(db);
			return NULL;
		}
	}
	return db;
}

/* Reads a password: from a terminal with echo off (asked twice), else the
 * first line of standard input. */
static int read_password(char *out, size_t n)
{
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fputs("Password: ", stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int ok = fgets(out, (int)n, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return -1;
	out[strcspn(out, "\r\n")] = 0;
	if (tty) {
		char again[256];
		fputs("Again: ", stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		ok = fgets(again, sizeof again, stdin) != NULL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
		again[strcspn(again, "\r\n")] = 0;
		if (!ok || strcmp(again, out) != 0) {
			fprintf(stderr, "tersa: the passwords differ\n");
			return -1;
		}
	}
	return 0;
}

/* On an empty database: the first admin, with TERSA_ADMIN_PASSWORD or a
 * random password printed once. *shown gets the password to print, or "". */
static int ensure_admin(struct db *db, char *shown, size_t n)
{
	struct err e;
	err_init(&e);
	shown[0] = 0;
	int64_t count = user_count(db, &e);
	if (count < 0)
		return die_err("cannot count users", &e);
	if (count > 0)
		return 0;
	const char *pw = getenv("TERSA_ADMIN_PASSWORD");
	char gen[40];
	if (!pw || !*pw) {
		unsigned char rnd[12];
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2base64(gen, sizeof gen, rnd, sizeof rnd,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		pw = gen;
		snprintf(shown, n, "%s", gen);
	}
	struct arena *a = arena_new();
	struct user_input in = {.username = "admin", .password = pw,
				.display_name = "Administrator", .role = ROLE_ADMIN};
	struct user *u;
	int rc = user_create(db, a, NULL, &in, &u, &e);
	arena_free(a);
	if (rc < 0)
		return die_err("cannot create the admin user", &e);
	return 0;
}

static int apply_settings(struct db *db)
{
	struct err e;
	err_init(&e);
	struct arena *a = arena_new();
	struct settings *s;
	int rc = settings_get(db, a, &s, &e);
	if (rc == 0 && ts_set_zone(s->time_zone) < 0)
		log_warn("unknown time zone %s in settings; keeping %s", s->time_zone, ts_zone());
	arena_free(a);
	return rc < 0 ? die_err("cannot read settings", &e) : 0;
}

static int cmd_serve(int argc, char **argv)
{
	log_buffered();
	struct server_conf c;
	server_conf_defaults(&c);
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'}, {"listen", required_argument, 0, 'l'},
		{"web", required_argument, 0, 'w'}, {"threads", required_argument, 0, 't'},
		{"max-connections", required_argument, 0, 'm'},
		{"per-ip", required_argument, 0, 'p'}, {"demo", optional_argument, 0, 'D'},
		{"no-group-commit", no_argument, 0, 'G'},
		{"metrics-token", required_argument, 0, 'M'},
		{"secure-cookies", no_argument, 0, 'S'},
		{"trusted-proxy", required_argument, 0, 'P'},
		{0, 0, 0, 0}};
	int demo = 0;
	static char host[64];
	c.metrics_token = getenv("TERSA_METRICS_TOKEN");
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'D':
			/* --demo: stores, staff and products only; --demo=small|full:
			 * a company with its history, made when the database is new. */
			demo = !optarg ? 1 : strcmp(optarg, "small") == 0 ? 2
					     : strcmp(optarg, "full") == 0 ? 3 : -1;
			if (demo < 0)
				return bad_usage("--demo takes small or full, e.g. --demo=full");
			break;
		case 'G': c.group_commit = 0; break;
		case 'M': c.metrics_token = optarg; break;
		case 'S': c.secure_cookies = 1; break;
		case 'P': c.trusted_proxy = optarg; break;
		case 'd': c.db_target = optarg; break;
		case 'w': c.web_dir = optarg; break;
		case 'l': {
			const char *colon = strrchr(optarg, ':');
			long port = colon ? parse_num(colon + 1, 1, 65535) : -1;
			size_t hl = colon ? (size_t)(colon - optarg) : 0;
			if (port < 0 || hl == 0 || hl >= sizeof host)
				return bad_usage("--listen wants HOST:PORT, e.g. 127.0.0.1:8080");
			memcpy(host, optarg, hl);
			host[hl] = 0;
			c.host = host;
			c.port = (int)port;
			break;
		}
		case 't':
			if ((c.threads = (int)parse_num(optarg, 1, 256)) < 0)
				return bad_usage("--threads wants 1 to 256");
			break;
		case 'm':
			if ((c.max_conns = (int)parse_num(optarg, 1, 100000)) < 0)
				return bad_usage("--max-connections wants 1 to 100000");
			break;
		case 'p':
			if ((c.per_ip = (int)parse_num(optarg, 1, 100000)) < 0)
				return bad_usage("--per-ip wants 1 to 100000");
			break;
		default: return bad_usage(NULL);
		}
	}
	if (!c.db_target || optind != argc)
		return bad_usage("serve needs --db");
	if (c.metrics_token && !*c.metrics_token)
		c.metrics_token = NULL;
	if (c.metrics_token && strlen(c.metrics_token) < 16)
		return bad_usage("--metrics-token (or TERSA_METRICS_TOKEN) wants 16 characters or more");
	struct stat st;
	if (!c.web_dir && stat("web/dist/index.html", &st) == 0)
		c.web_dir = "web/dist";
	struct db *db = open_db(c.db_target);
	if (!db)
		return 1;
	char pw[64];
	int rc = ensure_admin(db, pw, sizeof pw);
	if (rc == 0)
		rc = apply_settings(db);
	if (rc == 0 && demo)
		rc = cli_demo_make(db, demo == 1 ? DEMO_MASTER : demo == 2 ? DEMO_SMALL : DEMO_FULL,
				   20261127ull, 0, NULL);
	db_close(db);
	if (rc)
		return rc;
	fflush(stderr);
	if (pw[0])
		printf("Tersa: http://%s:%d/ - log in as admin with password %s (shown once)\n",
		       c.host, c.port, pw);
	else
		printf("Tersa: http://%s:%d/ - log in as admin (reset the password with: "
		       "tersa user passwd --db %s admin)\n", c.host, c.port, c.db_target);
	fflush(stdout);
	return server_run(&c);
}

static int cmd_migrate(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--db") != 0)
		return bad_usage("migrate needs --db PATH|URL");
	struct db *db = open_db(argv[2]);
	if (!db)
		return 1;
	struct err e;
	err_init(&e);
	printf("schema version %d\n", db_schema_version(db, &e));
	db_close(db);
	return 0;
}

/* Checks the file (SQLite's integrity_check) and recomputes every points
 * and stored-value balance from its ledger (loyalty_check): 0 when all
 * agree, 1 with the differences listed (on standard error) otherwise. */
static int cmd_check_db(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--db") != 0)
		return bad_usage("check-db needs --db PATH|URL");
	struct db *db = open_db(argv[2]);
	if (!db)
		return 1;
	struct err e;
	err_init(&e);
	int ok;
	int64_t problems = 0;
	struct buf report;
	buf_init(&report, 0);
	int rc = db_integrity(db, &ok, &e);
	if (rc == 0)
		rc = loyalty_check(db, &report, &problems, &e);
	int64_t bad_coupons = 0;
	if (rc == 0 && (rc = coupon_check(db, &bad_coupons, &e)) == 0 && bad_coupons) {
		buf_printf(&report, "coupons: %lld disagree with their sale\n", (long long)bad_coupons);
		problems += bad_coupons;
	}
	int64_t bad_rollups = 0;
	if (rc == 0 && (rc = rollup_check(db, &report, &bad_rollups, &e)) == 0 && bad_rollups) {
		buf_printf(&report, "rollups: %lld row(s) disagree with the sales\n",
			   (long long)bad_rollups);
		problems += bad_rollups;
	}
	db_close(db);
	if (rc < 0) {
		buf_release(&report);
		return die_err("check-db failed", &e);
	}
	if (problems)
		fputs(report.data, stderr);
	buf_release(&report);
	if (problems)
		ok = 0;
	puts(ok ? "ok" : "the database is damaged (details on stderr)");
	return ok ? 0 : 1;
}

/* tersa job run NAME --db DB: runs one background job now, on this
 * process, outside the schedule (operators catching up; tests). */
static int cmd_job(int argc, char **argv)
{
	if (argc != 5 || strcmp(argv[1], "run") != 0 || strcmp(argv[3], "--db") != 0)
		return bad_usage("job run NAME --db PATH|URL");
	const struct job *j = sched_job(argv[2]);
	if (!j) {
		fprintf(stderr, "tersa: no job %s (jobs: %s)\n", argv[2], sched_job_names());
		return 2;
	}
	struct db *db = open_db(argv[4]);
	if (!db)
		return 1;
	struct err e;
	err_init(&e);
	int rc = settings_sync(db, 0, &e) < 0 ? -1 : j->run(db, &e);
	db_close(db);
	if (rc < 0)
		return die_err(j->name, &e);
	printf("%s: done\n", j->name);
	return 0;
}

/* tersa anomalies --db DB [--at TIME]: the hourly anomaly check as of an
 * RFC 3339 time (default now), for looking back over past days; prints
 * {"checked", "raised", "updated"}. */
static int cmd_anomalies(int argc, char **argv)
{
	const char *target = NULL;
	int64_t at = ts_now_ms();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			target = argv[++i];
		} else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			if (ts_parse(argv[++i], &at) < 0)
				return bad_usage("anomalies: --at needs an RFC 3339 time");
		} else {
			return bad_usage("anomalies --db PATH|URL [--at TIME]");
		}
	}
	if (!target)
		return bad_usage("anomalies --db PATH|URL [--at TIME]");
	struct db *db = open_db(target);
	if (!db)
		return 1;
	struct err e;
	err_init(&e);
	struct anomaly_stats st;
	int rc = settings_sync(db, 0, &e) < 0 ? -1 : anomaly_run(db, at, &st, &e);
	db_close(db);
	if (rc < 0)
		return die_err("anomalies", &e);
	printf("{\"checked\": %d, \"raised\": %d, \"updated\": %d}\n", st.checked, st.raised,
	       st.updated);
	return 0;
}

static int cmd_check_stock(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--db") != 0)
		return bad_usage("check-stock needs --db PATH|URL");
	struct db *db = open_db(argv[2]);
	if (!db)
		return 1;
	struct err e;
	err_init(&e);
	int64_t bad = 0;
	int rc = stock_check(db, &bad, &e);
	db_close(db);
	if (rc < 0)
		return die_err("check-stock failed", &e);
	if (bad) {
		printf("stock: %lld store x product balance(s) differ from their moves\n",
		       (long long)bad);
		return 1;
	}
	printf("stock: every balance matches its moves\n");
	return 0;
}

/* Walks the tamper-evident journal (one store or all): 0 when intact, 1
 * with the store, record and problem named otherwise. */
static int cmd_verify_journal(int argc, char **argv)
{
	long store = 0;
	if (argc == 5 && strcmp(argv[3], "--store") == 0)
		store = parse_num(argv[4], 1, 2147483647L);
	else if (argc != 3)
		store = -1;
	if (store < 0 || strcmp(argv[1], "--db") != 0)
		return bad_usage("verify-journal needs --db PATH|URL [--store ID]");
	struct db *db = open_db(argv[2]);
	if (!db)
		return 1;
	struct err e;
	err_init(&e);
	struct arena *a = arena_new();
	struct journal_report rep;
	int rc = report_journal(db, a, store, &rep, &e);
	arena_free(a);
	db_close(db);
	if (rc < 0)
		return die_err("verify-journal failed", &e);
	if (rep.bad_seq) {
		printf("journal: store %lld, record %lld: %s\n", (long long)rep.store_id,
		       (long long)rep.bad_seq, rep.problem);
		return 1;
	}
	printf("journal: %lld record(s) intact\n", (long long)rep.records);
	return 0;
}

/* tersa backup --db DB FILE: an online copy of a SQLite database while a
 * server keeps using it (db/backup.h); PostgreSQL is refused with a pointer
 * to pg_dump. */
static int cmd_backup(int argc, char **argv)
{
	const char *db = NULL, *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return bad_usage("backup needs --db PATH FILE");
	}
	if (!db || !file)
		return bad_usage("backup needs --db PATH FILE");
	struct err e;
	err_init(&e);
	long pages = 0;
	if (db_backup(db, file, &pages, &e) < 0)
		return die_err("backup failed", &e);
	printf("backup: %ld page(s) copied to %s, integrity ok\n", pages, file);
	return 0;
}

/* tersa restore FILE --db DB [--force]: puts a backup back (db/backup.h). */
static int cmd_restore(int argc, char **argv)
{
	const char *db = NULL, *file = NULL;
	int force = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return bad_usage("restore needs FILE --db PATH [--force]");
	}
	if (!db || !file)
		return bad_usage("restore needs FILE --db PATH [--force]");
	struct err e;
	err_init(&e);
	if (db_restore(file, db, force, &e) < 0)
		return die_err("restore failed", &e);
	printf("restore: %s restored as %s\n", file, db);
	return 0;
}

/* Parses "1,2,3" into ids; -1 on a bad list. */
static int parse_ids(const char *s, struct arena *a, int64_t **out, int *n)
{
	int cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	*out = arena_calloc(a, (size_t)cap, sizeof **out);
	*n = 0;
	while (*s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (errno || end == s || v <= 0 || (*end && *end != ','))
			return -1;
		(*out)[(*n)++] = v;
		s = *end ? end + 1 : end;
	}
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	if (argc < 2)
		return bad_usage("user needs add, passwd, list or disable");
	const char *sub = argv[1];
	const char *dbt = NULL, *username = NULL, *role = NULL, *stores = NULL, *display = NULL;
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'}, {"username", required_argument, 0, 'u'},
		{"role", required_argument, 0, 'r'}, {"stores", required_argument, 0, 's'},
		{"display-name", required_argument, 0, 'n'}, {0, 0, 0, 0}};
	int o;
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': dbt = optarg; break;
		case 'u': username = optarg; break;
		case 'r': role = optarg; break;
		case 's': stores = optarg; break;
		case 'n': display = optarg; break;
		default: return bad_usage(NULL);
		}
	}
	if (!dbt)
		return bad_usage("user needs --db");
	int is_add = strcmp(sub, "add") == 0, is_list = strcmp(sub, "list") == 0;
	int is_pw = strcmp(sub, "passwd") == 0, is_dis = strcmp(sub, "disable") == 0;
	if (!is_add && !is_list && !is_pw && !is_dis)
		return bad_usage("user needs add, passwd, list or disable");
	if ((is_pw || is_dis) && !username) {
		if (optind != argc - 1)
			return bad_usage("which user?");
		username = argv[optind];
	} else if (optind != argc) {
		return bad_usage("too many arguments");
	}
	if (is_add && (!username || !role))
		return bad_usage("user add needs --username and --role");

	struct arena *a = arena_new();
	struct user_input in = {.username = username, .display_name = display, .active = -1};
	if (is_add && !(in.role = role_parse(role))) {
		arena_free(a);
		return bad_usage("--role must be admin, hq, store_manager, sales or service");
	}
	if (stores && parse_ids(stores, a, &in.store_ids, &in.nstores) < 0) {
		arena_free(a);
		return bad_usage("--stores wants store ids like 1,2,3");
	}
	in.has_store_ids = stores != NULL;
	char pw[256];
	if ((is_add || is_pw) && read_password(pw, sizeof pw) < 0) {
		arena_free(a);
		fprintf(stderr, "tersa: no password given\n");
		return 1;
	}
	struct db *db = open_db(dbt);
	if (!db) {
		arena_free(a);
		return 1;
	}
	struct err e;
	err_init(&e);
	int rc = 0;
	struct user *u;
	if (is_add) {
		in.password = pw;
		if (user_create(db, a, NULL, &in, &u, &e) < 0)
			rc = die_err("cannot add the user", &e);
		else
			printf("user %s (id %lld, %s) added\n", u->username, (long long)u->id,
			       role_name(u->role));
	} else if (is_list) {
		struct user **list;
		int n, more;
		int64_t after = 0;
		do {
			if (user_list(db, a, NULL, 0, 0, after, 500, &list, &n, &more, &e) < 0) {
				rc = die_err("cannot list users", &e);
				break;
			}
			for (int i = 0; i < n; i++) {
				printf("%lld\t%s\t%s\t%s\t%s\n", (long long)list[i]->id,
				       list[i]->username, role_name(list[i]->role),
				       list[i]->active ? "active" : "disabled", list[i]->display_name);
				after = list[i]->id;
			}
		} while (more);
	} else {
		struct user *old;
		if (user_get_by_name(db, a, username, &old, &e) < 0) {
			rc = die_err("no such user", &e);
		} else {
			struct user_input up = {.active = is_dis ? 0 : -1, .password = is_pw ? pw : NULL};
			if (user_update(db, a, NULL, old->id, &up, &u, &e) < 0)
				rc = die_err("cannot change the user", &e);
			else
				printf("user %s %s\n", u->username,
				       is_dis ? "disabled" : "has a new password");
		}
	}
	sodium_memzero(pw, sizeof pw);
	db_close(db);
	arena_free(a);
	return rc;
}

/* The whole file at path (malloc'd, caller frees) and its length, or NULL. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	char *b = xmalloc(cap);
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			b = xrealloc(b, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(b);
		return NULL;
	}
	*len = n;
	return b;
}

/* Imports a CSV or XLSX file as the system (no user): every bad row on
 * standard error as "line N, COLUMN: reason"; 0 when every row was good
 * (and written, unless --dry-run), 1 when a row is bad (nothing written) or
 * the file is unreadable. */
static int cmd_import(int argc, char **argv)
{
	const char *db_path = NULL, *file = NULL;
	int dry = 0, kind = argc > 1 ? import_kind_parse(argv[1]) : -1;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--dry-run") == 0)
			dry = 1;
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return bad_usage("import KIND FILE --db DB [--dry-run]");
	}
	if (kind < 0 || !file || !db_path)
		return bad_usage("import products|customers|stock|suppliers FILE --db DB [--dry-run]");
	size_t len;
	char *data = read_file(file, &len);
	if (!data) {
		fprintf(stderr, "tersa: cannot read %s: %s\n", file, strerror(errno));
		return 1;
	}
	struct table t;
	char msg[200];
	if (table_read(data, len, &t, msg, sizeof msg) < 0) {
		fprintf(stderr, "tersa: %s: %s\n", file, msg);
		free(data);
		table_free(&t);
		return 1;
	}
	free(data);
	struct db *db = open_db(db_path);
	if (!db) {
		table_free(&t);
		return 1;
	}
	struct arena *a = arena_new();
	struct actor who = {0};
	struct import_result res;
	struct err e;
	err_init(&e);
	int rc = import_run(db, a, &who, kind, &t, dry, &res, &e);
	table_free(&t);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "tersa: import failed: %s\n", e.msg);
		arena_free(a);
		return 1;
	}
	for (int i = 0; i < res.nerrors; i++)
		fprintf(stderr, "line %d, %s: %s\n", res.errors[i].line, res.errors[i].column,
			res.errors[i].message);
	printf("%d rows, %d errors, %s\n", res.rows, res.nerrors,
	       res.applied ? "applied" : dry && !res.nerrors ? "dry run: nothing written"
							   : "nothing written");
	arena_free(a);
	return res.nerrors ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "tersa: libsodium failed to initialise\n");
		return 1;
	}
	if (argc < 2)
		return bad_usage(NULL);
	const char *cmd = argv[1];
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(argc - 1, argv + 1);
	if (strcmp(cmd, "demo") == 0)
		return cli_demo(argc - 1, argv + 1);
	if (strcmp(cmd, "itemsets") == 0)
		return cli_itemsets(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc - 1, argv + 1);
	if (strcmp(cmd, "job") == 0)
		return cmd_job(argc - 1, argv + 1);
	if (strcmp(cmd, "anomalies") == 0)
		return cmd_anomalies(argc - 1, argv + 1);
	if (strcmp(cmd, "check-db") == 0)
		return cmd_check_db(argc - 1, argv + 1);
	if (strcmp(cmd, "verify-journal") == 0)
		return cmd_verify_journal(argc - 1, argv + 1);
	if (strcmp(cmd, "check-stock") == 0)
		return cmd_check_stock(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(cmd, "backup") == 0)
		return cmd_backup(argc - 1, argv + 1);
	if (strcmp(cmd, "restore") == 0)
		return cmd_restore(argc - 1, argv + 1);
	if (strcmp(cmd, "forecast") == 0)
		return cli_forecast(argc - 1, argv + 1);
	if (strcmp(cmd, "replenish-backtest") == 0)
		return cli_replenish_backtest(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("tersa %s\n", TERSA_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	return bad_usage("unknown command");
}
