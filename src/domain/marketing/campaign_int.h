/* campaign_int.h: what campaign.c (records, states, costs) and
 * campaign_run.c (start, queueing, A/B decision, preview) share. Not for
 * other modules. */
#ifndef TERSA_CAMPAIGN_INT_H
#define TERSA_CAMPAIGN_INT_H

#include "domain/marketing/campaign.h"

/* The campaign by id with its messages and counts, whoever may see it;
 * ERR_NOT_FOUND "no campaign N". */
int campaign_load(struct db *db, struct arena *a, int64_t id, struct campaign **out, struct err *e);
/* 1 when who sees c: not store-bound, or c's store is one of theirs. */
int campaign_visible(const struct actor *who, const struct campaign *c);
/* The end of a change inside the caller's write transaction: the campaign
 * re-read into *out (may be NULL), the audit row (before: may be NULL, is
 * freed), the commit. On failure the caller rolls back. */
int campaign_saved(struct db *db, struct arena *a, const struct actor *who, const char *action,
                   int64_t id, json_t *before, struct campaign **out, struct err *e);
/* A state change inside the caller's transaction: status from one of
 * `from` (NULL-terminated) to `to`, with extra SET clauses bound by the
 * caller being out of scope: updated_at = now. ERR_STATE (with the
 * current status in the message) when the status is not one of from. */
int campaign_set_status(struct db *db, const struct campaign *c, const char *const *from,
                        const char *to, int64_t now, struct err *e);

/* marketing_settings: the approval threshold and the company holdout. */
struct campaign_settings {
	int64_t approval_threshold, holdout_pct, holdout_lo;
};
int campaign_settings_get(struct db *db, struct campaign_settings *s, struct err *e);

#endif
