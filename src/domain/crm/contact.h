/* contact.h: contacts with a customer (a call, a message, a visit ...):
 * channel, direction, summary, outcome and next step, by a user in a store;
 * a contact may close an open task about the same customer. */
#ifndef TERSA_CONTACT_H
#define TERSA_CONTACT_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define CONTACT_SUMMARY_MAX 2000
#define CONTACT_TEXT_MAX 500
/* A contact's time may run ahead of the server's clock by this much. */
#define CONTACT_SKEW_MS (5 * 60 * 1000)

/* phone sms email wechat visit chat store */
extern const char *const contact_channels[];
/* in out */
extern const char *const contact_directions[];

struct contact {
	int64_t id, customer_id;
	int64_t store_id, user_id;       /* 0: none */
	int64_t at;
	const char *channel, *direction, *summary;
	const char *outcome, *next_step; /* may be NULL */
	int64_t task_id;                 /* the task it closed; 0: none */
};

struct contact_input {
	const char *channel, *direction, *summary, *outcome, *next_step;
	int64_t store_id;       /* 0: the store-bound user's first store, else none */
	int64_t at;             /* 0: now */
	int64_t closes_task_id; /* 0: none */
};

json_t *contact_to_json(const struct contact *c);

/* Records a contact with a customer who sees (else ERR_NOT_FOUND), and
 * closes closes_task_id (task_close_for_contact) in the same transaction.
 * Field errors (ERR_INVALID, every field, nothing written): channel,
 * direction, summary (1..2000 characters), outcome and next_step (up to
 * 500), at (after now + CONTACT_SKEW_MS), store_id (no such store),
 * closes_task_id (not an open task of this customer seen by who).
 * ERR_FORBIDDEN when a store-bound who names another store. The audit row
 * holds ids only, never the text. */
int contact_create(struct db *db, struct arena *a, const struct actor *who,
		   int64_t customer_id, const struct contact_input *in, int64_t now,
		   struct contact **out, struct err *e);

/* One contact of a customer who sees (else ERR_NOT_FOUND, also for a
 * contact of another customer). */
int contact_get(struct db *db, struct arena *a, const struct actor *who, int64_t customer_id,
		int64_t id, struct contact **out, struct err *e);

/* A page of a customer's contacts, newest first (by at, then id), for a
 * customer who sees (else ERR_NOT_FOUND). cursor: the previous page's
 * *next_cursor (NULL at the start); a bad one is a field error on
 * "cursor". *next_cursor (in a) is NULL on the last page. */
int contact_list(struct db *db, struct arena *a, const struct actor *who,
		 int64_t customer_id, const char *cursor, int limit,
		 struct contact ***out, int *n, const char **next_cursor, struct err *e);

#endif
