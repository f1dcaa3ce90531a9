/* customer_merge.h: folding a duplicate profile into another (all history
 * moves, balances add up, the duplicate is deleted) and erasing a person's
 * data on request (the profile anonymised, sales kept). */
#ifndef TERSA_CUSTOMER_MERGE_H
#define TERSA_CUSTOMER_MERGE_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Moves every row naming from_id (sales and through them their returns,
 * both ledgers, coupons, contacts, tasks, opportunities, outbox, care,
 * store links, tags, consents, tier history, reads) to keep_id; adds the
 * balances with a 'merge' ledger row on each side (so that each ledger
 * still sums to its balance), sums spend and orders, keeps the earlier
 * first and later last purchase and the higher tier, fills the kept
 * profile's empty personal fields from the removed one, and deletes from_id.
 * One transaction, audited with ids only. ERR_INVALID (field from_id) when
 * both are the same; ERR_NOT_FOUND when who does not see one of them. */
int customer_merge(struct db *db, const struct actor *who, int64_t keep_id,
		   int64_t from_id, struct err *e);

/* Erases the person: name replaced by "已注销", phone, e-mail, birthday,
 * gender, city, tags, preferences and initials cleared, a new random member
 * code, consents withdrawn, erased_at set; contact notes cleared, task and
 * opportunity notes cleared, outbox messages deleted, audit rows that hold
 * the old phone, e-mail or name blanked. Sales, ledgers and the reads log
 * stay against the anonymised id. Afterwards the customer answers
 * ERR_NOT_FOUND. ERR_NOT_FOUND when who does not see it. */
int customer_erase(struct db *db, const struct actor *who, int64_t id, struct err *e);

#endif
