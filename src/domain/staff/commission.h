/* commission.h: commission plans (draft → approved → closed, members,
 * rules), their payout periods (open → approved → closed) computed from
 * the credited sale lines and returns, clawbacks of returns after a
 * period closed, and each person's statement. The arithmetic is
 * commission_calc.h's; docs/staff.md "## Commission" has the rules. */
#ifndef TERSA_COMMISSION_H
#define TERSA_COMMISSION_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"
#include "domain/staff/commission_calc.h"

extern const char *const commission_plan_statuses[];  /* draft approved closed */
extern const char *const commission_period_kinds[];   /* month quarter */
extern const char *const commission_period_statuses[]; /* open approved closed */
extern const char *const commission_member_kinds[];   /* user store */

struct commission_member {
	const char *kind; /* user, store */
	int64_t member_id;
};

/* A plan's fields; set_* say which a PATCH sent (create reads them all). */
struct commission_plan_input {
	const char *name;
	const char *period_kind;
	json_t *rules; /* borrowed */
	const char *valid_from, *valid_to; /* days; valid_to NULL: open-ended */
	struct commission_member *members;
	int nmembers;
	int set_name, set_period_kind, set_rules, set_valid_from, set_valid_to, set_members;
};

/* Create (status draft; 201), read, change or delete (draft only, else
 * ERR_STATE), approve (draft → approved) and close (approved → closed: no
 * new periods). Field errors: rules.* as cc_rules_read names them,
 * members[i].member_id for a user or store that does not exist. Each change
 * is audited. *out (caller owns) is the plan as JSON: {id, name,
 * period_kind, status, rules, valid_from, valid_to, members:[{kind,
 * member_id, name}], created_at, updated_at, approved_at, closed_at}. */
int commission_plan_create(struct db *db, struct arena *a, const struct actor *who,
			   const struct commission_plan_input *in, json_t **out, struct err *e);
int commission_plan_get(struct db *db, struct arena *a, int64_t id, json_t **out,
			struct err *e);
int commission_plan_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			   const struct commission_plan_input *in, json_t **out, struct err *e);
int commission_plan_delete(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			   struct err *e);
/* action "approve" or "close". */
int commission_plan_transition(struct db *db, struct arena *a, const struct actor *who,
			       int64_t id, const char *action, json_t **out, struct err *e);
/* Every plan (status NULL) or those of a status, newest first: a JSON
 * array (caller owns). */
int commission_plan_list(struct db *db, struct arena *a, const char *status, json_t **out,
			 struct err *e);

/* The first and last day of a period label of kind ("2027-01" for month,
 * "2027-Q1" for quarter). 0, or -1 when the label is not one of kind. */
int commission_period_days(const char *kind, const char *period, char from[11], char to[11]);
/* The label of the period of kind holding day. */
void commission_period_of(const char *kind, const char *day, char out[8]);

/* Opens period of an approved plan (ERR_STATE otherwise; ERR_DUPLICATE
 * when it exists; field `period` when it is not a label of the plan's
 * kind) and computes it. Audited. *out: the period as
 * commission_period_get answers it for who. */
int commission_period_open(struct db *db, struct arena *a, const struct actor *who,
			   int64_t plan_id, const char *period, json_t **out, struct err *e);
/* Recomputes an open period from the sales: its lines and payouts are
 * replaced in one transaction (ERR_STATE when approved or closed: frozen).
 * Audited with the new total. */
int commission_period_recompute(struct db *db, struct arena *a, const struct actor *who,
				int64_t id, json_t **out, struct err *e);
/* "approve" (open → approved, recomputed one last time first) or "close"
 * (approved → closed); ERR_STATE otherwise. Audited. */
int commission_period_transition(struct db *db, struct arena *a, const struct actor *who,
				 int64_t id, const char *action, json_t **out, struct err *e);
/* The period {id, plan_id, plan_name, period, from_day, to_day, status,
 * computed_at, approved_at, closed_at, total, payouts:[{user_id,
 * user_name, store_id, sales, target, attainment_bp, commission,
 * tier_bonus, pool, clawback, total}]}, payouts only of the people who
 * sees. ERR_NOT_FOUND. */
int commission_period_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			  json_t **out, struct err *e);
/* Periods (plan_id 0: any; status NULL: any), newest first, without
 * payouts (total: of the people who sees): a JSON array. */
int commission_period_list(struct db *db, struct arena *a, const struct actor *who,
			   int64_t plan_id, const char *status, json_t **out, struct err *e);
/* The lines of a period (user_id 0: every person who sees; an unseen
 * user_id: ERR_NOT_FOUND), by person, day and id: a JSON array of {id,
 * user_id, user_name, store_id, kind, day, sale_id, sale_line_id,
 * return_id, base, rate_bp, amount, reason, detail}. */
int commission_period_lines(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			    int64_t user_id, json_t **out, struct err *e);

/* A person's statement (ERR_NOT_FOUND when who does not see them): every
 * payout of theirs in periods labelled period (NULL: all, newest first),
 * any plan, each with its lines: {user_id, user_name, period, total,
 * payouts:[{period_id, plan_id, plan_name, period, from_day, to_day,
 * status, sales, target, attainment_bp, commission, tier_bonus, pool,
 * clawback, total, lines:[…]}]}. */
int commission_statement(struct db *db, struct arena *a, const struct actor *who,
			 int64_t user_id, const char *period, json_t **out, struct err *e);

/* The calculator: what rules (or a plan's) would pay for a sample month:
 * lines {list_price, unit_price, quantity (thousandths), unit_cost,
 * share_bp (the person's share, default 10000), vat_rate}, and the target.
 * {lines:[{…, rate_bp, amount, reason}], sales, attainment_bp, commission,
 * tier_bonus, total}. */
struct commission_sample_line {
	int64_t list_price, unit_price, quantity, unit_cost, share_bp, vat_rate;
};
int commission_calculate(const struct cc_rules *r, int64_t target,
			 const struct commission_sample_line *lines, int n, json_t **out,
			 struct err *e);

/* The nightly job: for every approved plan, opens the period holding day
 * (when day is within the plan's validity and it is not open yet), then
 * recomputes every open period. *opened and *computed count them. */
int commission_nightly(struct db *db, const char *day, int *opened, int *computed,
		       struct err *e);

#endif
