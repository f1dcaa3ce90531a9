/* training.h: who must take which course: courses required per role,
 * assignments to people or a role with due dates (overdue: not passed and
 * due before today, company time), quiz attempts with their score and the
 * best score kept, and the nightly run that assigns required courses to
 * users who lack them. */
#ifndef TERSA_TRAINING_H
#define TERSA_TRAINING_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"
#include "domain/staff/course.h"

#define TRAINING_ASSIGN_MAX 500
#define TRAINING_DUE_DAYS_MAX 3650

extern const char *const assignment_statuses[]; /* assigned passed */

/* Scores a quiz: answers[i] against key[i] for nq questions; correct[i]
 * (nq entries) gets 1 or 0 and *score_bp the correct answers ÷ questions
 * in basis points, rounded down. Returns 1 passed (score ≥ pass_bp), 0 not,
 * -1 when na != nq or nq < 1 (nothing written). Pure. */
int training_score(const int64_t *key, int nq, const int64_t *answers, int na,
		   int64_t pass_bp, int *correct, int64_t *score_bp);

/* How who's lists are scoped, the rule of staff_person_seen
 * (staff_scope.h) for SQL: 0 everyone (admin, hq, the system), 1 the
 * people of who's stores and who (a store manager), 2 who alone. */
int training_scope_mode(const struct actor *who);
/* SQL: the person in column col is seen by the actor, params: mode
 * (training_scope_mode), me, mode, me. */
#define TRAINING_SEEN(col)                                                     \
	" (? = 0 OR " col " = ? OR (? = 1 AND EXISTS (SELECT 1 FROM user_stores sp" \
	" JOIN user_stores sm ON sm.store_id = sp.store_id WHERE sp.user_id = " col \
	" AND sm.user_id = ?))) "

struct course_assignment {
	int64_t id, course_id, user_id;
	const char *course_title, *user_name, *due_day, *status;
	int64_t *store_ids;
	int nstores;
	int overdue;
	int64_t passed_at, best_score_bp; /* best_score_bp -1: no attempt */
	int64_t attempts, assigned_at;
};

struct assignment_filter {
	int64_t user_id, store_id, course_id; /* 0: any */
	const char *status;                   /* NULL: any */
	int overdue;                          /* 1: overdue only; -1/0: any */
	const char *today;                    /* company business day */
	int64_t after_id;
	int limit;
};

json_t *assignment_to_json(const struct course_assignment *x);

/* Assigns a published course (else ERR_STATE; absent: ERR_NOT_FOUND) to
 * user_ids (each active and seen by who, else a field error on user_ids)
 * or to every active user of role that who sees (in store_id when not 0;
 * a store who may not write: ERR_FORBIDDEN), due on due_day (NULL: none).
 * A person who already has it keeps it, with the new due day unless
 * passed. *out (in a) gets the assignments made or changed. Audited. */
int training_assign(struct db *db, struct arena *a, const struct actor *who, int64_t course_id,
		    const int64_t *user_ids, int nusers, const char *role, int64_t store_id,
		    const char *due_day, int64_t now, struct course_assignment ***out, int *n,
		    struct err *e);
/* A page of the assignments of the people who sees, by id. A user_id who
 * does not see: ERR_NOT_FOUND. */
int training_assignment_list(struct db *db, struct arena *a, const struct actor *who,
			     const struct assignment_filter *f, struct course_assignment ***out,
			     int *n, int *more, struct err *e);

/* Replaces the roles a course is required for (each role once, due_days
 * 1..3650) and, when the course is published, assigns it to the active
 * users of those roles who lack it. Audited. *out is the course. */
int training_roles_set(struct db *db, struct arena *a, const struct actor *who,
		       int64_t course_id, const struct course_role *roles, int nroles,
		       int64_t now, struct course **out, struct err *e);
/* Inside the caller's write transaction: for the published course
 * course_id (0: every published course), assigns each required course to
 * the active users of its roles who lack it, due due_days after today.
 * *made (may be NULL) gets the count. 0 or negative. */
int training_assign_required(struct db *db, int64_t course_id, int64_t now, int64_t *made,
			     struct err *e);
/* The nightly job's work: training_assign_required for every course in
 * its own transaction, audited when it assigned any. */
int training_assign_due(struct db *db, const struct actor *who, int64_t now, int64_t *made,
			struct err *e);

struct course_attempt {
	int64_t id, course_id, user_id, at, score_bp;
	int passed;
	const char *answers; /* JSON text */
};
json_t *attempt_to_json(const struct course_attempt *x);

struct attempt_result {
	int64_t id, score_bp;
	int passed;
	int *correct;
	int n;
};

/* who takes the quiz of a published course (else ERR_STATE; one who may
 * not read, as course_get with all: ERR_NOT_FOUND): answers must be one index per question (a
 * field error on answers otherwise). The attempt is kept; who's
 * assignment gets the best score and, when passed, the status passed.
 * Audited. */
int training_attempt(struct db *db, struct arena *a, const struct actor *who, int all,
		     int64_t course_id, const int64_t *answers, int na, int64_t now,
		     struct attempt_result *out, struct err *e);
/* The attempts of user_id (0: who) at a course, newest first; someone who
 * does not see user_id: ERR_NOT_FOUND. */
int training_attempt_list(struct db *db, struct arena *a, const struct actor *who,
			  int64_t course_id, int64_t user_id, struct course_attempt **out, int *n,
			  struct err *e);

#endif
