/* task.h: follow-ups and other tasks: an assignee, a due time, a status
 * (open, done, cancelled), optionally about a customer or an opportunity,
 * in a store. Store-bound users see the tasks of their stores and those
 * assigned to them; "overdue" is open with due_at before now. */
#ifndef TERSA_TASK_H
#define TERSA_TASK_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define TASK_TITLE_MAX 200
#define TASK_NOTE_MAX 2000

#define TASK_CHECKLIST_MAX 50
#define TASK_CHECK_TEXT_MAX 200

/* follow_up call visit other; routine (from a recurrence), action (from an
 * evaluation or a meeting), training (a course to take) */
extern const char *const task_kinds[];
extern const char *const task_statuses[]; /* open done cancelled */

struct task_check_item {
	int64_t id;
	const char *text;
	int done;
	int64_t done_at; /* 0 while not done */
};

struct task {
	int64_t id;
	const char *kind, *title;
	const char *note;                 /* may be NULL */
	int64_t customer_id, opportunity_id, store_id, assignee_id; /* 0: none */
	int64_t due_at;                   /* ms; 0: none */
	const char *status;
	int64_t created_by, created_at, updated_at;
	int64_t done_at, done_by;         /* set while done or cancelled */
	/* where the task came from (0: not) */
	int64_t recurrence_id, meeting_id, evaluation_id, course_id;
	struct task_check_item *checklist; /* in position order */
	int nchecklist;
};

/* For create every field is read (0 / NULL: none or the default: kind
 * follow_up, store the store-bound creator's first store, assignee the
 * creator); for update only title, note, due_at, assignee_id and status,
 * each when its set_* is 1 (note NULL and due_at 0 clear). */
struct task_input {
	const char *kind, *title, *note, *status;
	int64_t customer_id, opportunity_id, store_id, assignee_id, due_at;
	/* create only: the checklist's item texts, and the source ids (set by
	 * the staff modules through task_insert, never from a request) */
	const char *const *checklist;
	int nchecklist;
	int64_t recurrence_id, meeting_id, evaluation_id, course_id;
	unsigned set_title : 1, set_note : 1, set_due_at : 1, set_assignee_id : 1,
		set_status : 1;
};

struct task_filter {
	int64_t assignee_id, store_id, customer_id; /* 0: any */
	const char *status;                         /* NULL: any */
	int overdue;                                /* 1: open and due before now */
	int64_t now;
	const char *cursor;                         /* from the previous page, or NULL */
	int limit;
};

/* The task as JSON, with "overdue" as of now; caller owns it. */
json_t *task_to_json(const struct task *t, int64_t now);

/* Creates a task. Field errors (ERR_INVALID, every field): kind, title
 * (1..200 characters), note (up to 2000), customer_id (absent or not seen
 * by who), opportunity_id (the same), store_id (no such store),
 * assignee_id (absent or inactive user, or store-bound and not in the
 * task's store), checklist (at most 50 items of 1..200 characters).
 * ERR_FORBIDDEN when a store-bound who names another store.
 * Audited with ids and states only. *out in a. */
int task_create(struct db *db, struct arena *a, const struct actor *who,
		const struct task_input *in, int64_t now, struct task **out, struct err *e);
/* Writes a task inside the caller's write transaction without the checks
 * of task_create (the caller made them): the row, its checklist and an
 * audit row. Kind NULL: follow_up. A task of a recurrence whose due time is
 * already taken writes nothing and gives *id 0. 0 or negative. */
int task_insert(struct db *db, const struct actor *who, const struct task_input *in,
		int64_t now, int64_t *id, struct err *e);
/* The due time of a task due on a business day: one minute before the
 * next day starts in the company zone. 0 or -1 (not a day). */
int task_day_due_at(const char *day, int64_t *out);
/* Ticks (done 1) or unticks a checklist item of a task who sees
 * (ERR_NOT_FOUND for the task or an item not its own). Audited. *out: the
 * task after the change. */
int task_check_item_set(struct db *db, struct arena *a, const struct actor *who, int64_t task_id,
			int64_t item_id, int done, int64_t now, struct task **out, struct err *e);
/* Changes a task who sees (else ERR_NOT_FOUND). Closing it (done or
 * cancelled) sets done_at and done_by; reopening clears them. Same field
 * errors as create. */
int task_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct task_input *in, int64_t now, struct task **out, struct err *e);
/* ERR_NOT_FOUND when absent or not seen by who. */
int task_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct task **out, struct err *e);
/* A page of the tasks who sees, by due time (none last), then id; with a
 * customer_id, ERR_NOT_FOUND unless who sees that customer.
 * *next_cursor (in a) is NULL on the last page. A bad cursor is a field
 * error on "cursor". */
int task_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct task_filter *f, struct task ***out, int *n,
	      const char **next_cursor, struct err *e);

/* For a contact that closes a task, inside the caller's write transaction:
 * the task must be seen by who, open and about customer_id, else a field
 * error on "closes_task_id" (noted; 0 returned, nothing written). With
 * check_only that is all; else the task becomes done (done_at now, done_by
 * who) with an audit row naming contact_id. 0 or ERR_DB. */
int task_close_for_contact(struct db *db, struct arena *a, const struct actor *who,
			   int64_t task_id, int64_t customer_id, int64_t contact_id,
			   int64_t now, int check_only, struct err *e);

struct task_store_count {
	int64_t store_id;
	const char *store_name;
	int64_t overdue, open;
};
/* Per store who sees, the open tasks and how many of them are overdue at
 * now; stores without open tasks are left out. Ordered by store id. */
int task_overdue_by_store(struct db *db, struct arena *a, const struct actor *who,
			  int64_t now, struct task_store_count **out, int *n, struct err *e);
json_t *task_store_count_to_json(const struct task_store_count *c);

#endif
