/* meeting.h: team meetings of a store: when, notes, attendees (people the
 * organiser sees, of the meeting's store) and action items that become
 * tasks (kind action, meeting_id). Managers of the store and the attendees
 * read a meeting; managers of the store change it. */
#ifndef TERSA_MEETING_H
#define TERSA_MEETING_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define MEETING_TITLE_MAX 200
#define MEETING_NOTES_MAX 20000
#define MEETING_ATTENDEES_MAX 100
#define MEETING_ACTIONS_MAX 50

struct meeting_person {
	int64_t id;
	const char *name;
};

/* An action item as a task made from it. */
struct meeting_task {
	int64_t task_id, assignee_id, due_at;
	const char *title, *status;
};

struct meeting {
	int64_t id, store_id;
	const char *title, *notes;
	int64_t at;
	struct meeting_person *attendees;
	int nattendees;
	struct meeting_task *actions;
	int nactions;
	int64_t created_by, created_at, updated_at;
};

struct meeting_action {
	const char *title, *due_day;
	int64_t assignee_id;
};

/* Create reads every field; update those with set_* (attendee_ids replace
 * the attendees; actions are added as new tasks). */
struct meeting_input {
	int64_t store_id, at;
	const char *title, *notes;
	int64_t *attendee_ids;
	int nattendees;
	struct meeting_action *actions;
	int nactions;
	unsigned set_title : 1, set_at : 1, set_notes : 1, set_attendees : 1;
};

struct meeting_filter {
	int64_t store_id, from, to, after_id; /* 0: any */
	int limit;
};

json_t *meeting_to_json(const struct meeting *m);
/* Field errors: store_id (required; a store who may not write: 403), title
 * 1..200, at (required), notes ≤ 20000, attendee_ids (≤ 100, each an active
 * person who sees, of the store when store-bound), actions (≤ 50: title
 * 1..200, due_day, assignee_id as an attendee would be). Audited. */
int meeting_create(struct db *db, struct arena *a, const struct actor *who,
		   const struct meeting_input *in, int64_t now, struct meeting **out,
		   struct err *e);
/* ERR_NOT_FOUND unless who sees it (a manager of its store, or an
 * attendee); ERR_FORBIDDEN for an attendee who does not manage the store.
 * Audited. */
int meeting_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   const struct meeting_input *in, int64_t now, struct meeting **out,
		   struct err *e);
int meeting_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct meeting **out, struct err *e);
/* The meetings who sees, by id after f->after_id. */
int meeting_list(struct db *db, struct arena *a, const struct actor *who,
		 const struct meeting_filter *f, struct meeting ***out, int *n, int *more,
		 struct err *e);

#endif
