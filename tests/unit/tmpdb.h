/* tmpdb.h: a throwaway SQLite database file in its own /tmp directory for
 * unit test fixtures, and its removal with the -wal and -shm files. */
#ifndef TERSA_TEST_TMPDB_H
#define TERSA_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tmpdb {
	char dir[64];
	char path[128];
};

/* Makes a fresh directory /tmp/tersa-test-<name>-XXXXXX and sets path to
 * <dir>/t.db (the file itself is left to db_open); 0, or -1 on failure. */
static inline int tmpdb_make(struct tmpdb *t, const char *name)
{
	int n = snprintf(t->dir, sizeof t->dir, "/tmp/tersa-test-%s-XXXXXX", name);
	if (n < 0 || (size_t)n >= sizeof t->dir || !mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
	return 0;
}

/* Removes the database file, its -wal and -shm, and the directory; 0, or -1
 * when the directory could not be removed (e.g. something else is left in it). */
static inline int tmpdb_remove(const struct tmpdb *t)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	char p[sizeof t->path + 8];
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, sfx[i]);
		unlink(p);
	}
	return rmdir(t->dir);
}

#endif
