/* backup.h: online copies of a SQLite database (tersa backup) and putting
 * one back (tersa restore). PostgreSQL is backed up with pg_dump instead. */
#ifndef TERSA_BACKUP_H
#define TERSA_BACKUP_H

#include "base/err.h"

/* Copies the SQLite database at src to dst while other processes keep
 * writing to it: SQLite's backup API, a chunk of pages per step with a short
 * sleep between, all steps inside one read transaction (in WAL mode a reader
 * never holds the writer up, and the copy is the database as of the moment
 * the backup began). Writes dst.tmp, checks it with integrity_check, then
 * renames it to dst (a dst never holds a partial copy). src must exist
 * (ERR_NOT_FOUND); dst being src, or a postgresql:// URL (naming pg_dump),
 * is refused with ERR_INVALID. *pages gets the number of pages copied (may
 * be NULL). 0 or negative ERR_* with e filled. */
int db_backup(const char *src, const char *dst, long *pages, struct err *e);

/* Puts the backup file back as the database dst: file must be a SQLite
 * database passing integrity_check with Tersa's schema_migrations table
 * (else ERR_INVALID, also when it is dst itself); an existing dst is
 * refused (ERR_CONFLICT) unless force, and refused anyway while another
 * process has it open (a running server: ERR_UNAVAILABLE). The copy is
 * written to dst.tmp and renamed over dst, and dst's stale -wal and -shm
 * files are removed. 0 or negative. */
int db_restore(const char *file, const char *dst, int force, struct err *e);

#endif
