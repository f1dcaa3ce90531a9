/* task_recurrence.h: recurring tasks (a weekly stock count, a monthly
 * display change): a template that the hourly job `recurring_tasks` turns
 * into one routine task per due day, checklist included. */
#ifndef TERSA_TASK_RECURRENCE_H
#define TERSA_TASK_RECURRENCE_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

extern const char *const recur_rules[]; /* weekly monthly */

struct task_recurrence {
	int64_t id;
	const char *title, *note; /* note may be NULL */
	int64_t store_id, assignee_id; /* assignee 0: none */
	const char *rule;
	int64_t weekday, monthday; /* 0: not used by the rule */
	const char **checklist;
	int nchecklist;
	const char *next_day;
	int active;
	int64_t created_by, created_at, updated_at;
};

/* Create reads every field (active 1 unless set_active); update those with
 * set_* (weekday and monthday go with rule: set_rule). */
struct recur_input {
	const char *title, *note, *rule;
	int64_t store_id, assignee_id, weekday, monthday;
	const char *const *checklist;
	int nchecklist;
	int active;
	unsigned set_title : 1, set_note : 1, set_assignee_id : 1, set_rule : 1,
		set_checklist : 1, set_active : 1;
};

/* The latest due day of a rule on or before day (catch-up after missed
 * days makes only that one) and the first on or after day. weekly: weekday
 * 1 (Monday) .. 7; monthly: monthday 1..28. out needs 11 bytes. 0 or -1. */
int recur_due_on_or_before(const char *rule, int64_t weekday, int64_t monthday, const char *day,
			   char *out);
int recur_due_on_or_after(const char *rule, int64_t weekday, int64_t monthday, const char *day,
			  char *out);

json_t *recur_to_json(const struct task_recurrence *t);
/* Field errors: title 1..200, note ≤ 2000, store_id (required; a store who
 * may not write: ERR_FORBIDDEN), assignee_id (an active user of the store),
 * rule with weekday 1..7 or monthday 1..28, checklist ≤ 50 items of
 * 1..200. next_day: the first due day from today. Audited. */
int recur_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct recur_input *in, const char *today, int64_t now,
		 struct task_recurrence **out, struct err *e);
/* ERR_NOT_FOUND when absent or of a store who does not see. A changed rule
 * moves next_day to its first due day from today. Audited. */
int recur_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 const struct recur_input *in, const char *today, int64_t now,
		 struct task_recurrence **out, struct err *e);
int recur_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      struct task_recurrence **out, struct err *e);
/* Deletes it (the tasks made stay). Audited. */
int recur_delete(struct db *db, const struct actor *who, int64_t id, struct err *e);
/* The recurrences of the stores who sees, by id after after_id. */
int recur_list(struct db *db, struct arena *a, const struct actor *who, int64_t store_id,
	       int64_t after_id, int limit, struct task_recurrence ***out, int *n, int *more,
	       struct err *e);
/* The job: each active recurrence whose next_day is on or before today
 * gets its task of the latest due day (once: the task of a recurrence and a
 * due time is unique) and its next_day moves past it. *made: tasks written.
 * One transaction per recurrence. */
int recur_run(struct db *db, const char *today, int64_t now, int64_t *made, struct err *e);

#endif
