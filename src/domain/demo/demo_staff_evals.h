/* demo_staff_evals.h: the demo company's evaluations, routines and a
 * meeting (demo_staff_evals.c). */
#ifndef TERSA_DEMO_STAFF_EVALS_H
#define TERSA_DEMO_STAFF_EVALS_H

#include "base/err.h"
#include "db/db.h"

/* Evaluation templates for sales and store managers; in up to three direct
 * stores a published evaluation of the last half-year with actions (and the
 * next one scheduled) for two salespeople and an open one of the last
 * quarter for the others; a weekly stock count per direct store with its
 * checklist; one team meeting with action items. end_day: the demo's last
 * day. 0 or negative. */
int demo_staff_evals(struct db *db, const char *end_day, struct err *e);

#endif
