/* journey.h: journeys — automatic message sequences per customer. A
 * journey has a trigger (welcome: a new member; winback: no purchase for
 * trigger_days; birthday: trigger_days before the birthday) and steps (after
 * delay_days from the trigger or the previous step: a coupon and a message
 * on a channel, written per language). Each time a customer meets the
 * trigger they are enrolled once (an enrollment per journey, customer and
 * occurrence) and the hourly run takes them through the steps. */
#ifndef TERSA_JOURNEY_H
#define TERSA_JOURNEY_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define JOURNEY_NAME_MAX 100
#define JOURNEY_STEPS_MAX 10
#define JOURNEY_SUBJECT_MAX 200
#define JOURNEY_BODY_MAX 1000
#define JOURNEY_DELAY_MAX 365
#define JOURNEY_WINBACK_MAX 3650
#define JOURNEY_BIRTHDAY_MAX 90
/* Winback enrolls those whose last purchase crossed trigger_days at most
 * this many days ago: a missed run loses nobody, and a new journey does
 * not write to customers gone for years. */
#define JOURNEY_WINBACK_WINDOW 30
#define JOURNEY_LANGS 2

extern const char *const journey_kinds[];    /* welcome winback birthday */
extern const char *const journey_channels[]; /* sms email wechat in_store */
extern const char *const journey_langs[];    /* zh-CN en */
/* active, completed, converted (winback: bought again), exited (erased) */
extern const char *const journey_enrollment_statuses[];

/* A step's message in one language; body NULL = none in that language. */
struct journey_msg {
	const char *subject, *body;
};

struct journey_step {
	int64_t step_no, delay_days;
	const char *channel;
	int64_t template_id; /* 0 = no coupon */
	struct journey_msg msg[JOURNEY_LANGS]; /* by journey_langs */
};

struct journey_stats {
	int64_t enrolled, active, completed, converted, messages;
};

struct journey {
	int64_t id;
	const char *kind, *name;
	int64_t trigger_days;
	int active;
	struct journey_step *steps;
	int nsteps;
	struct journey_stats stats;
	int64_t care_rule_id, created_by, created_at, updated_at;
};

/* Create reads every field; update those with set_* (kind never changes). */
struct journey_input {
	const char *kind, *name;
	int64_t trigger_days;
	int active; /* -1 unchanged (create: 1) */
	struct journey_step *steps;
	int nsteps;
	unsigned set_kind : 1, set_name : 1, set_trigger_days : 1, set_steps : 1;
};

json_t *journey_to_json(const struct journey *j);

/* Checks and writes. Every bad field named (ERR_INVALID): kind, name,
 * trigger_days (welcome 0; winback 1..3650; birthday 0..90), steps (1..10,
 * each an existing coupon_template_id or none, a message body in at least
 * one language unless in_store). A store-bound actor may not change
 * journeys (ERR_FORBIDDEN). Audited. Update/delete: ERR_NOT_FOUND; delete
 * of a journey with enrollments: ERR_STATE (deactivate it instead). */
int journey_create(struct db *db, struct arena *a, const struct actor *who,
		   const struct journey_input *in, struct journey **out, struct err *e);
int journey_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   const struct journey_input *in, struct journey **out, struct err *e);
int journey_delete(struct db *db, const struct actor *who, int64_t id, struct err *e);
/* One journey with its steps and stats, in a. */
int journey_get(struct db *db, struct arena *a, int64_t id, struct journey **out,
		struct err *e);
/* A keyset page by id, with steps and stats; kind NULL = any. */
int journey_list(struct db *db, struct arena *a, const char *kind, int64_t after_id, int limit,
		 struct journey ***out, int *n, int *more, struct err *e);

struct journey_enrollment {
	int64_t id, journey_id, customer_id, next_step, next_at, enrolled_at, updated_at;
	const char *customer_name, *member_code, *occurrence, *status, *coupon_code;
};
json_t *journey_enrollment_to_json(const struct journey_enrollment *x);
/* A keyset page of journey id's enrollments by id (status NULL = any); a
 * store-bound actor sees those of customers linked to their stores.
 * ERR_NOT_FOUND when there is no such journey. */
int journey_enrollments(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			const char *status, int64_t after_id, int limit,
			struct journey_enrollment **out, int *n, int *more, struct err *e);

/* ---- the run (journey_run.c) ---- */

struct journey_run_stats {
	int64_t enrolled, steps, coupons, messages, ended;
};

/* The language of a message for a customer: their own lang when the step
 * has a text in it, else the company locale's, else the first present
 * (journey_langs order); -1 when the step has no text at all. */
int journey_pick_lang(const struct journey_step *s, const char *customer_lang,
		      const char *company_lang);

/* The hourly run at now, for every active journey: ends winback passes
 * whose customer bought again (converted) and those of erased customers
 * (exited); enrolls those meeting the trigger — welcome: customers created
 * since the journey was (and in the last JOURNEY_WINBACK_WINDOW days);
 * winback: last purchase between trigger_days and trigger_days +
 * JOURNEY_WINBACK_WINDOW days ago and no pass since it (occurrence: the
 * day of that purchase); birthday: a birthday within trigger_days
 * (occurrence: its year; 02-29 counts on 02-28 of a common year), the
 * first step due delay_days after the trigger (at once when that is past),
 * each later one delay_days after the one before was due — and runs the
 * due steps: the step's coupon (unless the customer's limit is
 * reached), then its message, rendered in the customer's language, queued
 * once per enrollment and step (dedup 'journey:<enrollment>:<step>') when
 * the customer consented to the channel and has an address for it. One
 * transaction per slice. *st may be NULL. 0 or negative. */
int journey_run(struct db *db, int64_t now, struct journey_run_stats *st, struct err *e);

#endif
