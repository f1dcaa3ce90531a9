/* backup.c: online backup and restore of a SQLite database with SQLite's
 * backup API (the only SQLite-specific code outside db_sqlite.c). */
#include "db/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"

/* Pages copied per step (4 MiB at SQLite's default 4 KiB page) and the
 * pause between steps, so a backup never takes the disk from the server. */
#define STEP_PAGES 1024
#define STEP_PAUSE_MS 2
/* How long a busy source may keep a step waiting in all (ms). */
#define BUSY_MAX_MS 30000

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int is_pg_url(const char *target)
{
	return strncmp(target, "postgres://", 11) == 0 ||
	       strncmp(target, "postgresql://", 13) == 0;
}

static int refuse_pg(const char *what, struct err *e)
{
	return err_set(e, ERR_INVALID,
		       "%s works on SQLite files only; back up PostgreSQL with pg_dump "
		       "and put it back with pg_restore (see docs/operations.md, Backups)",
		       what);
}

/* path + suffix, malloc'd. */
static char *with_suffix(const char *path, const char *suffix)
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%s%s", path, suffix);
	return b.data;
}

static void unlink_quiet(const char *path, const char *suffix)
{
	char *p = with_suffix(path, suffix);
	if (unlink(p) < 0 && errno != ENOENT)
		log_warn("cannot remove %s: %s", p, strerror(errno));
	free(p);
}

/* Flushes a file, or a directory's entries, to disk. 0 or -1. */
static int fsync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* The directory holding path (malloc'd): "." when it has no slash. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return with_suffix(".", "");
	if (slash == path)
		return with_suffix("/", "");
	struct buf b;
	buf_init(&b, 0);
	buf_append(&b, path, (size_t)(slash - path));
	buf_append(&b, "", 0);
	return b.data ? b.data : with_suffix(".", "");
}

/* Makes tmp durable and renames it to dst, durably. 0 or negative. */
static int commit_file(const char *tmp, const char *dst, struct err *e)
{
	if (fsync_path(tmp, 0) < 0)
		return err_set(e, ERR_INTERNAL, "cannot flush %s: %s", tmp, strerror(errno));
	if (rename(tmp, dst) < 0)
		return err_set(e, ERR_INTERNAL, "cannot rename %s to %s: %s", tmp, dst,
			       strerror(errno));
	char *dir = dir_of(dst);
	if (fsync_path(dir, 1) < 0)
		log_warn("cannot flush directory %s: %s", dir, strerror(errno));
	free(dir);
	return 0;
}

/* 1 when a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int sq_fail(sqlite3 *h, const char *what, const char *path, struct err *e)
{
	int rc = h ? sqlite3_errcode(h) : SQLITE_ERROR;
	if (rc == SQLITE_NOTADB)
		return err_set(e, ERR_INVALID, "%s is not a SQLite database", path);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return err_set(e, ERR_UNAVAILABLE, "%s: %s is busy", what, path);
	return err_set(e, ERR_DB, "%s: %s: %s", what, path,
		       h ? sqlite3_errmsg(h) : "out of memory");
}

/* Opens path with flags; NULL with e filled. */
static sqlite3 *open_file(const char *path, int flags, struct err *e)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
		sq_fail(h, "cannot open", path, e);
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 0);
	return h;
}

/* Runs a one-row, one-text-column query into out. 0 or negative. */
static int query_text(sqlite3 *h, const char *sql, const char *path, char *out, size_t n,
		      struct err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(h, "cannot read", path, e);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		int erc = rc == SQLITE_DONE ? err_set(e, ERR_DB, "%s: no answer to %s", path, sql)
					    : sq_fail(h, "cannot read", path, e);
		sqlite3_finalize(st);
		return erc;
	}
	const unsigned char *t = sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", t ? (const char *)t : "");
	sqlite3_finalize(st);
	return 0;
}

/* integrity_check on an open file: 0 when "ok", else ERR_INVALID. */
static int check_integrity(sqlite3 *h, const char *path, struct err *e)
{
	char ok[256];
	int rc = query_text(h, "PRAGMA integrity_check", path, ok, sizeof ok, e);
	if (rc < 0)
		return rc;
	if (strcmp(ok, "ok") != 0)
		return err_set(e, ERR_INVALID, "%s fails integrity_check: %s", path, ok);
	return 0;
}

/* Copies every page of src into dst (both open), step pages at a time (-1:
 * all at once). Steps pause only when the caller holds a read transaction
 * on src: else a write by another connection between steps would make
 * SQLite start the copy over, again and again under a steady writer. */
static int copy_pages(sqlite3 *src, sqlite3 *dst, const char *src_path, int step,
		      long *pages, struct err *e)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return sq_fail(dst, "cannot start the copy", src_path, e);
	int rc;
	long waited = 0;
	for (;;) {
		rc = sqlite3_backup_step(b, step);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_OK) {
			sleep_ms(STEP_PAUSE_MS);
			continue;
		}
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waited < BUSY_MAX_MS) {
			sleep_ms(20);
			waited += 20;
			continue;
		}
		break;
	}
	if (pages)
		*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			return err_set(e, ERR_UNAVAILABLE, "%s stayed busy: copy abandoned", src_path);
		return err_set(e, ERR_DB, "copying %s failed: %s", src_path, sqlite3_errstr(rc));
	}
	return 0;
}

int db_backup(const char *src_path, const char *dst, long *pages, struct err *e)
{
	if (is_pg_url(src_path))
		return refuse_pg("tersa backup", e);
	struct stat sb;
	if (stat(src_path, &sb) < 0)
		return err_set(e, ERR_NOT_FOUND, "no database at %s", src_path);
	if (same_file(src_path, dst))
		return err_set(e, ERR_INVALID, "%s is the database itself: name another file", dst);
	sqlite3 *src = open_file(src_path, SQLITE_OPEN_READWRITE, e);
	if (!src)
		return e->code;
	sqlite3_busy_timeout(src, 5000);
	char *tmp = with_suffix(dst, ".tmp");
	sqlite3 *out = NULL;
	int held = 0;
	char mode[32];
	int rc = query_text(src, "PRAGMA journal_mode", src_path, mode, sizeof mode, e);
	if (rc < 0)
		goto done;
	/* In WAL mode a read transaction held through every step fixes the
	 * snapshot the copy is taken from and never blocks the writer. In
	 * rollback mode (a file no server has opened yet) readers do block
	 * writers: there the copy is one step. */
	if (strcmp(mode, "wal") == 0) {
		if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL,
				 NULL) != SQLITE_OK) {
			rc = sq_fail(src, "cannot read", src_path, e);
			goto done;
		}
		held = 1;
	}
	unlink_quiet(tmp, "");
	unlink_quiet(tmp, "-journal");
	unlink_quiet(tmp, "-wal");
	unlink_quiet(tmp, "-shm");
	out = open_file(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, e);
	if (!out) {
		rc = e->code;
		goto done;
	}
	if ((rc = copy_pages(src, out, src_path, held ? STEP_PAGES : -1, pages, e)) < 0)
		goto done;
	if (held) {
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
		held = 0;
	}
	/* The copy is one self-contained file: no WAL beside it. */
	char jm[32];
	if ((rc = query_text(out, "PRAGMA journal_mode=DELETE", tmp, jm, sizeof jm, e)) < 0)
		goto done;
	if ((rc = check_integrity(out, tmp, e)) < 0)
		goto done;
	if (sqlite3_close(out) != SQLITE_OK) {
		rc = sq_fail(out, "cannot close", tmp, e);
		goto done;
	}
	out = NULL;
	rc = commit_file(tmp, dst, e);
done:
	if (held)
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(src);
	if (out)
		sqlite3_close(out);
	if (rc < 0)
		unlink_quiet(tmp, "");
	free(tmp);
	return rc;
}

/* ERR_UNAVAILABLE when another connection has path open (it cannot take an
 * exclusive lock at once); 0 when nobody does or it is not a database. */
static int check_unused(const char *path, struct err *e)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return 0;
	}
	int rc = sqlite3_exec(h, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE", NULL, NULL,
			      NULL);
	int busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	if (busy)
		return err_set(e, ERR_UNAVAILABLE,
			       "%s is in use (is a server running on it?): stop it first", path);
	return 0;
}

int db_restore(const char *file, const char *dst, int force, struct err *e)
{
	if (is_pg_url(dst) || is_pg_url(file))
		return refuse_pg("tersa restore", e);
	struct stat sb;
	if (stat(file, &sb) < 0 || !S_ISREG(sb.st_mode))
		return err_set(e, ERR_NOT_FOUND, "no backup file at %s", file);
	if (same_file(file, dst))
		return err_set(e, ERR_INVALID, "%s is the database itself", file);
	if (stat(dst, &sb) == 0 && !force)
		return err_set(e, ERR_CONFLICT,
			       "%s exists: restore over it with --force (after stopping the server)",
			       dst);
	sqlite3 *in = open_file(file, SQLITE_OPEN_READONLY, e);
	if (!in)
		return e->code;
	sqlite3_busy_timeout(in, 5000);
	char *tmp = with_suffix(dst, ".tmp");
	sqlite3 *out = NULL;
	char n[32];
	int rc = query_text(in,
			    "SELECT count(*) FROM sqlite_master "
			    "WHERE type = 'table' AND name = 'schema_migrations'",
			    file, n, sizeof n, e);
	if (rc < 0)
		goto done;
	if (strcmp(n, "1") != 0) {
		rc = err_set(e, ERR_INVALID, "%s is not a Tersa database (no schema_migrations)",
			     file);
		goto done;
	}
	if ((rc = check_integrity(in, file, e)) < 0)
		goto done;
	if (force && (rc = check_unused(dst, e)) < 0)
		goto done;
	unlink_quiet(tmp, "");
	unlink_quiet(tmp, "-journal");
	out = open_file(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, e);
	if (!out) {
		rc = e->code;
		goto done;
	}
	if ((rc = copy_pages(in, out, file, -1, NULL, e)) < 0)
		goto done;
	if (sqlite3_close(out) != SQLITE_OK) {
		rc = sq_fail(out, "cannot close", tmp, e);
		goto done;
	}
	out = NULL;
	/* A WAL left by the replaced database would be replayed into the new
	 * one: it goes first. */
	unlink_quiet(dst, "-wal");
	unlink_quiet(dst, "-shm");
	rc = commit_file(tmp, dst, e);
done:
	sqlite3_close(in);
	if (out)
		sqlite3_close(out);
	if (rc < 0)
		unlink_quiet(tmp, "");
	free(tmp);
	return rc;
}
