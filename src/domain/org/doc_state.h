/* doc_state.h: the status flow shared by documents that move through steps
 * (transfers, stock counts, purchase orders): one table of the steps each
 * kind allows, and one way to open a document for a step. */
#ifndef TERSA_DOC_STATE_H
#define TERSA_DOC_STATE_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Whose store may take a step: either of the document's stores, or only
 * the first (a transfer's source) or the second (its destination). */
enum doc_side { DOC_EITHER = 0, DOC_FIRST = 1, DOC_SECOND = 2 };

#define DOC_FROM_MAX 4

struct doc_step {
	const char *action;               /* "ship": names the step */
	const char *done;                 /* "shipped": for messages */
	const char *from[DOC_FROM_MAX];   /* statuses it starts from (NULL ends) */
	enum doc_side side;
};

struct doc_flow {
	const char *name;        /* "transfer": for messages */
	/* Locks the document's row (param: id) and answers its status, its
	 * first store and its second store (the same store twice for a
	 * document of one store), e.g. "UPDATE t SET status = status WHERE
	 * id = ? RETURNING status, store_id, store_id". */
	const char *lock_sql;
	const char *side_names[2]; /* "source", "destination"; NULL if one store */
	const struct doc_step *steps; /* ends with an entry whose action is NULL */
};

/* The document as doc_open found it, under its lock. */
struct doc_ref {
	int64_t id;
	char status[32];
	int64_t store[2];
};

/* The flow's step named action, or NULL. */
const struct doc_step *doc_step_find(const struct doc_flow *flow, const char *action);
/* 1 when the step may start from status, else 0. */
int doc_step_allowed(const struct doc_step *step, const char *status);

/* Opens document id for the step `action` inside the caller's write
 * transaction: locks its row, then answers ERR_NOT_FOUND when it is absent
 * or the actor sees none of its stores (a document the user cannot see is
 * not there for them), ERR_FORBIDDEN when the actor sees it but the step
 * belongs to the other side, ERR_STATE naming its status when the step may
 * not start from it; 0 with *out filled. The caller rolls back on error. */
int doc_open(struct db *db, const struct doc_flow *flow, const char *action,
	     const struct actor *who, int64_t id, struct doc_ref *out, struct err *e);

#endif
