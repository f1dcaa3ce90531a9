/* outbox.h: messages queued for customers (one row per message and
 * channel, status queued); sending them comes with marketing. Back office
 * reads them as they are. */
#ifndef TERSA_OUTBOX_H
#define TERSA_OUTBOX_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

extern const char *const outbox_channels[]; /* sms email wechat */
extern const char *const outbox_statuses[]; /* queued sent failed cancelled */

struct outbox_msg {
	int64_t id, customer_id; /* customer 0 = none */
	const char *channel, *recipient, *subject, *body, *status, *source;
	int64_t source_id, created_at, sent_at;
	const char *error;
};

/* Queues one message (status queued) inside the caller's transaction.
 * subject may be NULL; source names what queued it ("care"), source_id its
 * rule or campaign. 0 or negative. */
int outbox_queue(struct db *db, int64_t customer_id, const char *channel, const char *recipient,
		 const char *subject, const char *body, const char *source, int64_t source_id,
		 int64_t now, struct err *e);

struct outbox_filter {
	const char *status, *channel, *source; /* NULL = any */
	int64_t customer_id;                   /* 0 = any */
	int64_t after_id;
	int limit;
};
/* Messages by id: a keyset page in a. 0 or negative. */
int outbox_list(struct db *db, struct arena *a, const struct outbox_filter *f,
		struct outbox_msg **out, int *n, int *more, struct err *e);
json_t *outbox_to_json(const struct outbox_msg *m);

/* A message queued once per occasion (campaigns, journeys). status NULL:
 * queued; or decided when planning ("opted_out", "suppressed") with reason
 * (kept in the row's error text). */
struct outbox_new {
	int64_t customer_id, source_id;
	const char *channel, *recipient, *subject, *body, *source, *lang;
	const char *dedup_key; /* e.g. "campaign:<id>:<customer>" */
	const char *status, *reason;
};
/* Queues m inside the caller's transaction unless a message with its
 * dedup_key exists: 1 with *id the new row's, 0 with *id the existing
 * one's (never a second message), or negative. */
int outbox_queue_once(struct db *db, const struct outbox_new *m, int64_t now, int64_t *id,
		      struct err *e);

#endif
