/* outbox_send.h: the sender that works through the outbox (run by the
 * outbox job, never on a request thread), and the changes made to queued
 * and sent messages: retry, delivery receipts, "send to those missed".
 *
 * A due message (queued, next_at passed) is claimed (sending), checked
 * again at send time (customer erased or without an address: suppressed;
 * consent withdrawn: opted_out; SMS in quiet hours: waits until they end),
 * sent through its channel's gateway, and marked sent, or queued again
 * after a backoff, or failed and dead when the attempts ran out. A message
 * found in sending after a crash is never sent blindly again: an email is
 * failed ("interrupted; delivery unknown"), a webhook is sent again with
 * the same Idempotency-Key so the gateway drops a duplicate. */
#ifndef TERSA_OUTBOX_SEND_H
#define TERSA_OUTBOX_SEND_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/loyalty/outbox.h"
#include "domain/org/actor.h"

#define OUTBOX_MAX_ATTEMPTS 6
/* Default first retry delay; each next one doubles, up to 60 times it. */
#define OUTBOX_BACKOFF_MS (60 * 1000LL)
/* A message in sending for longer than this was interrupted (a send takes
 * at most about 70 s: connect 10 s + transfer 60 s). */
#define OUTBOX_CLAIM_MS (5 * 60 * 1000LL)

struct outbox_send_opts {
	int64_t backoff_ms; /* first retry delay */
	int64_t claim_ms;   /* older claims are interrupted sends */
	int64_t budget_ms;  /* stop taking new messages after this long */
	int (*stop)(void);  /* 1: stop taking new messages (may be NULL) */
};
/* The defaults, with TERSA_OUTBOX_BACKOFF_MS and TERSA_OUTBOX_CLAIM_MS
 * (test settings, docs/operations.md) taken from the environment. */
void outbox_send_opts_default(struct outbox_send_opts *o);

struct outbox_send_stats {
	int64_t sent, retried, failed, opted_out, suppressed, deferred, interrupted;
};

/* One pass of the sender at now (ms): interrupted claims first, then due
 * messages until none is left, the budget is spent or stop says so. 0 or
 * negative (a database error; a failed send is a message's state). */
int outbox_send_run(struct db *db, int64_t now, const struct outbox_send_opts *o,
		    struct outbox_send_stats *st, struct err *e);

/* The delay before retry number attempts (1 = after the first failure):
 * base·2^(attempts-1), at most 60·base. Pure. */
int64_t outbox_backoff_ms(int64_t attempts, int64_t base);
/* When quiet hours [start_min, end_min) (minutes of the local day; the
 * range may pass midnight; equal: none) hold at now_ms for a zone offset_s
 * seconds from UTC: the instant they end; else 0. Pure. */
int64_t outbox_quiet_until(int64_t now_ms, int64_t offset_s, int start_min, int end_min);

/* A failed or bounced message back to queued (attempts 0, not dead).
 * 404 unknown, 409 state otherwise. Audited ("outbox", "retry"). */
int outbox_retry(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct outbox_msg **out, struct err *e);
/* Campaign id's failed and bounced messages back to queued; the count in
 * *requeued. Never a message sent, delivered or opted out. 404 for a
 * campaign unknown or of a store the actor does not see. Audited. */
int outbox_campaign_resend(struct db *db, struct arena *a, const struct actor *who,
			   int64_t campaign_id, int64_t *requeued, struct err *e);

extern const char *const outbox_receipt_statuses[]; /* delivered failed bounced */
/* A delivery receipt of channel for the message id (or, with id 0, the
 * gateway's ref): status one of outbox_receipt_statuses, reason may be
 * NULL. 404 unknown; 409 state for a message not sent yet. */
int outbox_receipt(struct db *db, const char *channel, int64_t id, const char *ref,
		   const char *status, const char *reason, int64_t now, struct err *e);

/* Sends one test message through channel's gateway now (the caller's
 * thread waits, 15 s at most): *ok and detail (size n) say how it went. 0,
 * or negative for a database error. */
int outbox_gateway_test(struct db *db, struct arena *a, const char *channel, const char *to,
			int *ok, char *detail, size_t n, struct err *e);

#endif
