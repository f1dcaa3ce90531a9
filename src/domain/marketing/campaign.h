/* campaign.h: marketing campaigns sent to a saved segment: their messages
 * per variant and language, cost lines, the states draft → (approval) →
 * scheduled → running → completed or cancelled, the members frozen when a
 * campaign starts (a randomized control group left out, the company
 * holdout excluded), each target member's coupon and queued message, and
 * the A/B decision. A store-bound actor sees and runs only the campaigns
 * of their stores. */
#ifndef TERSA_CAMPAIGN_H
#define TERSA_CAMPAIGN_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define CAMPAIGN_NAME_MAX 100
#define CAMPAIGN_GOAL_MAX 500
#define CAMPAIGN_SUBJECT_MAX 200
#define CAMPAIGN_BODY_MAX 2000
#define CAMPAIGN_VARIANTS_MAX 5 /* 'A'..'E' */
#define CAMPAIGN_MESSAGES_MAX (CAMPAIGN_VARIANTS_MAX * 2)
#define CAMPAIGN_ATTRIBUTION_MAX 90
#define CAMPAIGN_CONTROL_MAX 50
#define CAMPAIGN_COST_LABEL_MAX 100
#define CAMPAIGN_COSTS_MAX 500
#define CAMPAIGN_REASON_MAX 500

extern const char *const campaign_channels[]; /* sms email wechat in_store */
extern const char
    *const campaign_statuses[]; /* draft pending_approval scheduled running completed cancelled */
extern const char *const campaign_langs[]; /* zh-CN en */

struct campaign_message {
	const char *variant, *lang, *subject, *body; /* subject may be NULL */
};

/* The members and their messages: members = target + control; the rest
 * count target members' messages by status (queued includes sending;
 * failed includes bounced). */
struct campaign_counts {
	int64_t members, target, control, queued, sent, delivered, failed, opted_out, suppressed;
};

struct campaign {
	int64_t id;
	const char *name, *goal, *channel, *status;
	int64_t segment_id;
	const char *segment_name;
	int64_t store_id, template_id; /* 0 = none */
	int64_t budget, cost_total;
	int64_t starts_at, ends_at; /* 0 = none */
	int64_t attribution_days, control_pct, control_lo, ab_pct, ab_decide_at;
	const char *ab_winner, *ab_result; /* ab_result: JSON text */
	int64_t ab_decided_at, started_at, planned_at, completed_at, cancelled_at;
	int64_t submitted_by, approved_by, approved_at, created_by, created_at, updated_at;
	const char *rejected_reason;
	struct campaign_message *messages;
	int nmessages;
	struct campaign_counts counts;
	int needs_approval; /* budget above the approval threshold */
};

/* Create reads every field (absent: defaults); update those with set_*. */
struct campaign_input {
	const char *name, *goal, *channel;
	int64_t segment_id, store_id, template_id; /* 0 = none */
	int64_t budget, starts_at, ends_at, attribution_days, control_pct, ab_pct, ab_decide_at;
	struct campaign_message *messages;
	int nmessages;
	unsigned set_name : 1, set_goal : 1, set_channel : 1, set_segment_id : 1, set_store_id : 1,
	    set_template_id : 1, set_budget : 1, set_starts_at : 1, set_ends_at : 1,
	    set_attribution_days : 1, set_control_pct : 1, set_ab_pct : 1, set_ab_decide_at : 1,
	    set_messages : 1;
};

/* The campaign as the API answers it; caller owns it. */
json_t *campaign_to_json(const struct campaign *c);

/* Creates a draft. Every bad field named (ERR_INVALID): name, channel, an
 * existing segment_id the actor may use (a store-bound actor: their
 * store's or a company-wide one; with a store, the segment's store must be
 * it), an existing coupon template, budget, the period in order,
 * attribution_days 1..90, control_pct 0..50, ab_pct 0..100, messages
 * (variants 'A'..'E', languages zh-CN and en, each pair once, a body).
 * A store-bound actor must name one of their stores (store_id; another
 * store: ERR_FORBIDDEN). Audited. */
int campaign_create(struct db *db, struct arena *a, const struct actor *who,
                    const struct campaign_input *in, struct campaign **out, struct err *e);
/* Changes a draft (ERR_STATE otherwise; ERR_NOT_FOUND when who does not see
 * it); the same checks. Audited. */
int campaign_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    const struct campaign_input *in, struct campaign **out, struct err *e);
/* Deletes a draft with its messages and costs (ERR_STATE otherwise). Audited. */
int campaign_delete(struct db *db, const struct actor *who, int64_t id, struct err *e);
/* One campaign who sees, with its messages and counts. ERR_NOT_FOUND. */
int campaign_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                 struct campaign **out, struct err *e);

struct campaign_filter {
	const char *status, *channel, *q; /* NULL = any; q: a name substring */
	int64_t after_id;
	int limit;
};
/* A keyset page (by id) of the campaigns who sees. */
int campaign_list(struct db *db, struct arena *a, const struct actor *who,
                  const struct campaign_filter *f, struct campaign ***out, int *n, int *more,
                  struct err *e);

/* The state changes; each ERR_NOT_FOUND when who does not see the campaign,
 * ERR_STATE from another state, audited, and *out the campaign after it.
 * submit: draft → scheduled, or pending_approval when the budget is above
 * marketing_settings.approval_threshold (0: never); the campaign must be
 * complete (segment; a message of variant A unless in_store; a coupon
 * template for in_store; a subject for e-mail; with ab_pct, two variants
 * and ab_decide_at), else ERR_INVALID naming what is missing.
 * approve: pending_approval → scheduled; reject (reason): → draft.
 * cancel: draft, pending_approval, scheduled or running → cancelled, the
 * campaign's queued messages cancelled. complete: running → completed. */
int campaign_submit(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    struct campaign **out, struct err *e);
int campaign_approve(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     struct campaign **out, struct err *e);
int campaign_reject(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    const char *reason, struct campaign **out, struct err *e);
int campaign_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    struct campaign **out, struct err *e);
int campaign_complete(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                      int64_t now, struct campaign **out, struct err *e);

/* What the campaign code needs from the layers above the domain (segments
 * and statistics are analytics'); the jobs layer supplies it. */
struct campaign_env {
	/* A keyset page of the ids of segment_id's members (every store's:
	 * the campaign narrows them to its own) after after_id, at most limit,
	 * *ids in a. 0 or negative. */
	int (*segment_page)(struct db *db, struct arena *a, int64_t segment_id, int64_t now,
	                    int64_t after_id, int limit, int64_t **ids, int *n, int *more,
	                    struct err *e);
	/* The pooled two-sided two-proportion z-test of x1/n1 against x2/n2. */
	void (*two_prop_test)(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double *z, double *p);
};

/* Starts a scheduled campaign at now (or resumes one whose snapshot was cut
 * short): running, a random control range, then in transactions of a few
 * hundred members: the segment's members (within the campaign's store)
 * less the company holdout, each in control or target, A/B test members
 * with their variant, and each target member with a variant gets the
 * coupon and a queued message (dedup key campaign:<id>:<customer>, so a
 * second run never queues a second one). ERR_STATE unless scheduled (or
 * running and not yet planned). Audited. */
int campaign_start(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                   const struct campaign_env *env, int64_t now, struct campaign **out,
                   struct err *e);
/* The A/B decision at now: per variant the test members and those who
 * bought since the start; the best variant wins when the test against the
 * second best gives p < 0.05, else 'A' with no_winner; the rest of the
 * target then gets the winner and is queued. ERR_STATE unless running with
 * an undecided test. Audited. */
int campaign_decide(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                    const struct campaign_env *env, int64_t now, struct campaign **out,
                    struct err *e);
/* The campaigns job at now: starts scheduled campaigns due, resumes cut
 * snapshots and queueing, decides A/B tests due, completes campaigns past
 * their end. *done (may be NULL) gets the number of actions. 0 or negative. */
int campaign_run_due(struct db *db, const struct campaign_env *env, int64_t now, int64_t *done,
                     struct err *e);

/* The message for customer_id (0: the first member: of the snapshot once
 * started, else of the segment) in variant (NULL: 'A') and lang (NULL: the
 * customer's, else the company's, else the first there is): *out
 * {customer_id, customer_name, lang, variant, subject, body}; the coupon is
 * the member's code once issued, else a sample. ERR_NOT_FOUND for a
 * campaign or customer who does not see; ERR_INVALID (variant, lang) when
 * the campaign has no such message, (customer_id) when the segment is
 * empty. */
int campaign_preview(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     const struct campaign_env *env, int64_t customer_id, const char *variant,
                     const char *lang, int64_t now, json_t **out, struct err *e);

struct campaign_member {
	int64_t customer_id, coupon_id, outbox_id;
	const char *name, *member_code, *grp, *variant, *coupon_code, *message_status;
	int ab_test;
};
json_t *campaign_member_to_json(const struct campaign_member *m);
/* A keyset page (by customer id) of the frozen members; grp NULL = both. */
int campaign_members(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     const char *grp, int64_t after_id, int limit, struct campaign_member **out,
                     int *n, int *more, struct err *e);

struct campaign_cost {
	int64_t id, campaign_id, amount, created_by, created_at;
	const char *label, *day;
};
json_t *campaign_cost_to_json(const struct campaign_cost *c);
/* Adds a cost line (label 1..100 characters, amount 1..MONEY_MAX, day a
 * date): at most CAMPAIGN_COSTS_MAX per campaign. Audited. */
int campaign_cost_add(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                      const char *label, int64_t amount, const char *day,
                      struct campaign_cost **out, struct err *e);
/* Removes one (ERR_NOT_FOUND when it is not the campaign's). Audited. */
int campaign_cost_delete(struct db *db, const struct actor *who, int64_t id, int64_t cost_id,
                         struct err *e);
/* A keyset page (by id) of the campaign's cost lines. */
int campaign_costs(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                   int64_t after_id, int limit, struct campaign_cost **out, int *n, int *more,
                   struct err *e);

#endif
