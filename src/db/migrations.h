/* migrations.h: the migration files embedded in the binary, generated into
 * build/gen/migrations.c by scripts/embed.sh from src/db/migrations/. */
#ifndef TERSA_MIGRATIONS_H
#define TERSA_MIGRATIONS_H

struct db_migration {
	int version;      /* NNNN of NNNN_name.sql */
	const char *name; /* name of NNNN_name.sql */
	const char *sql;  /* file text, before db_substitute() */
};

/* Sorted by version, versions unique. */
extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
