/* evaluation.h: periodic evaluations of staff from a template per role
 * (criteria with weights summing to 100, scores 1..5): a self part and a
 * manager part, each hidden from the other until the manager publishes;
 * publishing turns the manager's actions into tasks and schedules the next
 * evaluation cadence_months later. */
#ifndef TERSA_EVALUATION_H
#define TERSA_EVALUATION_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define EVAL_NAME_MAX 100
#define EVAL_KEY_MAX 32
#define EVAL_CRITERIA_MAX 20
#define EVAL_COMMENT_MAX 4000
#define EVAL_ACTIONS_MAX 20
#define EVAL_ACTION_TITLE_MAX 200
#define EVAL_CADENCE_MAX 24

extern const char *const eval_statuses[]; /* scheduled open published cancelled */

struct eval_criterion {
	const char *key, *name;
	int64_t weight;
};

struct eval_template {
	int64_t id;
	const char *name, *role;
	struct eval_criterion *criteria;
	int ncriteria;
	int64_t cadence_months;
	int active;
	int64_t created_by, created_at, updated_at;
};

/* For create every field is read (cadence_months 0: 6; active is 1 unless
 * set_active); for update those whose set_* is 1. */
struct eval_template_input {
	const char *name, *role;
	struct eval_criterion *criteria;
	int ncriteria;
	int64_t cadence_months;
	int active;
	unsigned set_name : 1, set_role : 1, set_criteria : 1, set_cadence : 1, set_active : 1;
};

struct eval_score {
	const char *key;
	int64_t score;
};

struct eval_action {
	const char *title, *due_day;
};

struct evaluation {
	int64_t id;
	struct eval_template *tpl;
	int64_t user_id;
	const char *user_name;
	int64_t store_id, manager_id;
	const char *period_from, *period_to, *due_day, *status;
	const char *self_scores, *self_comment; /* JSON text / text, NULL: none */
	int64_t self_submitted_at;
	const char *manager_scores, *manager_comment, *manager_actions;
	int64_t manager_submitted_at;
	int64_t score_bp; /* 0: none */
	int64_t published_at, next_id, created_by, created_at, updated_at;
};

struct eval_input {
	int64_t template_id, user_id;
	const char *period_from, *period_to, *due_day;
};

/* A part written by the person (actions unused) or the manager. submit: the
 * self part is handed in (then it can no longer change). */
struct eval_part {
	struct eval_score *scores;
	int nscores;
	const char *comment;
	struct eval_action *actions;
	int nactions;
	int submit;
	unsigned set_scores : 1, set_comment : 1, set_actions : 1;
};

struct eval_filter {
	int64_t user_id, store_id, after_id;
	const char *status;
	int limit;
};

/* ---- pure rules (no database) ---- */

/* The one hiding rule: which parts of an evaluation in status a viewer may
 * read. Published: both. Otherwise the person (viewer_id == person_id) reads
 * only the self part and everyone else (a manager who sees the person) only
 * the manager part. viewer_id 0 (the system) reads both. */
void eval_parts_visible(const char *status, int64_t person_id, int64_t viewer_id,
			int *self_visible, int *manager_visible);
/* The weighted score ×100 (1.00..5.00 → 100..500) of scores over criteria
 * whose weights sum to 100: Σ score × weight. -1 when a criterion has no
 * score. */
int64_t eval_weighted_score(const struct eval_criterion *c, int nc, const struct eval_score *s,
			    int ns);
/* Field errors (noted on e) of a template: name 1..100 characters, role one
 * of the roles, criteria 1..20 with keys [a-z0-9_] 1..32 and unique, names
 * 1..100 characters, weights 1..100 summing to 100, cadence 1..24. Only the
 * fields with set_* (all when creating) are checked. */
void eval_template_check(const struct eval_template_input *in, int creating, struct err *e);
/* Scores against the criteria: each key a criterion (field
 * "<field>.<key>"), each score 1..5; with complete, every criterion scored
 * (a missing one: "<field>.<key>" "is required"). */
void eval_scores_check(const struct eval_criterion *c, int nc, const struct eval_score *s,
		       int ns, int complete, const char *field, struct err *e);
/* day ('YYYY-MM-DD') plus months; the last day of a month stays the last
 * day of its month, other days are clamped to the month's length. out
 * needs 11 bytes. 0 or -1 (bad day). */
int eval_add_months(const char *day, int64_t months, char *out);

/* ---- templates ---- */

json_t *eval_template_to_json(const struct eval_template *t);
/* Creates a template (field errors 422 as eval_template_check). Audited. */
int eval_template_create(struct db *db, struct arena *a, const struct actor *who,
			 const struct eval_template_input *in, int64_t now,
			 struct eval_template **out, struct err *e);
/* Changes the fields sent. ERR_NOT_FOUND when absent. Audited. */
int eval_template_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 const struct eval_template_input *in, int64_t now,
			 struct eval_template **out, struct err *e);
int eval_template_get(struct db *db, struct arena *a, int64_t id, struct eval_template **out,
		      struct err *e);
/* Every template (active first, then by id); role NULL: any. */
int eval_template_list(struct db *db, struct arena *a, const char *role, int active_only,
		       struct eval_template ***out, int *n, struct err *e);

/* ---- evaluations ---- */

/* The evaluation as viewer may read it: the hidden part (eval_parts_visible)
 * answers null, and with it the score. Caller owns it. */
json_t *eval_to_json(const struct evaluation *ev, const struct actor *viewer);
/* Schedules an evaluation of a person who sees (STAFF_MANAGE). Field errors:
 * template_id (absent, inactive, or for another role than the person's),
 * user_id (no such person seen by who, or who themselves),
 * period_from/period_to (days, from ≤ to), due_day (a day, not before
 * period_to). Status open when the period ended before today, else
 * scheduled. store_id: the person's first store (one of who's when
 * store-bound). Audited. */
int eval_create(struct db *db, struct arena *a, const struct actor *who,
		const struct eval_input *in, const char *today, int64_t now,
		struct evaluation **out, struct err *e);
/* ERR_NOT_FOUND when absent or the person is not seen by who. */
int eval_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct evaluation **out, struct err *e);
/* The evaluations of the people who sees, newest period first is not kept:
 * by id, after f->after_id. */
int eval_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct eval_filter *f, struct evaluation ***out, int *n, int *more,
	      struct err *e);
/* The person's own part: ERR_FORBIDDEN unless who is the person (another
 * who sees them), ERR_NOT_FOUND when unseen; ERR_STATE unless open and not
 * yet submitted. Submitting needs every criterion scored. Audited. */
int eval_put_self(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  const struct eval_part *p, int64_t now, struct evaluation **out,
		  struct err *e);
/* The manager's part (who sees the person and is not the person, else
 * ERR_FORBIDDEN): scores (each 1..5; all needed to publish), comment,
 * actions (title 1..200, due_day a day). ERR_STATE unless open. Audited. */
int eval_put_manager(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     const struct eval_part *p, int64_t now, struct evaluation **out,
		     struct err *e);
/* Publishes an open evaluation whose manager part scores every criterion
 * (else ERR_STATE): the score is kept, each action becomes a task (kind
 * action, evaluation_id, assigned to the person, due at the end of its
 * day), and when the template is active the next evaluation is scheduled
 * cadence_months later over a period as long (next_id). Audited. */
int eval_publish(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 int64_t now, struct evaluation **out, struct err *e);
/* Cancels a scheduled or open evaluation (else ERR_STATE). Audited. */
int eval_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		int64_t now, struct evaluation **out, struct err *e);
/* The nightly job's work: scheduled evaluations whose period ended before
 * today become open. *n the count. */
int eval_open_due(struct db *db, const char *today, int64_t now, int64_t *n, struct err *e);

#endif
