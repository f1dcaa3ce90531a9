/* demo.h: the generated demo company behind `make run`. */
#ifndef TERSA_DEMO_H
#define TERSA_DEMO_H

#include "db/db.h"

/* Fills an empty company (no stores yet) with stores in several cities and
 * channels, a category tree, products with valid barcodes, and staff users
 * whose password is DEMO_PASSWORD. Does nothing when stores exist.
 * Deterministic for a given seed. 0 or negative with e filled. */
#define DEMO_PASSWORD "tersa-demo-2026"
int demo_generate(struct db *db, unsigned seed, int nproducts, struct err *e);

#endif
