/* demo.h: `tersa demo` and the demo company of `tersa serve --demo`. */
#ifndef TERSA_CLI_DEMO_H
#define TERSA_CLI_DEMO_H

#include "db/db.h"
#include "domain/demo/demo.h"

/* tersa demo --db DB [--scale small|full] [--seed N] [--end YYYY-MM-DD]
 * [--products N]: argv[0] is "demo". Exit status. */
int cli_demo(int argc, char **argv);

/* Makes the demo company at scale on db when it has no stores yet, with a
 * progress bar on a terminal; 0 or 1 (the error printed). */
int cli_demo_make(struct db *db, enum demo_scale scale, uint64_t seed, int nproducts,
		  const char *end_day);

#endif
