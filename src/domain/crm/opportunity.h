/* opportunity.h: larger deals (corporate gifts, group purchases): a stage
 * lead → qualified → proposal → negotiation → won or lost (with a reason),
 * an amount, a probability, an owner and a store, optionally a customer,
 * and the history of every stage move. Store-bound users see their stores'
 * opportunities. */
#ifndef TERSA_OPPORTUNITY_H
#define TERSA_OPPORTUNITY_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define OPP_NAME_MAX 200
#define OPP_NOTE_MAX 2000
#define OPP_REASON_MAX 500

/* lead qualified proposal negotiation won lost, in pipeline order. */
extern const char *const opportunity_stages[];

/* The probability a stage gives unless one is set, in basis points: lead
 * 1000, qualified 2500, proposal 5000, negotiation 7500, won 10000, lost 0;
 * -1 for an unknown stage. */
int64_t opportunity_stage_probability(const char *stage);
/* 1 when an opportunity may move from stage `from` to `to` (a different
 * stage): any move from an open stage; from won or lost only back to
 * negotiation (reopening). Else 0. */
int opportunity_move_allowed(const char *from, const char *to);

struct opp_stage_move {
	int64_t id;
	const char *from_stage; /* NULL for the first stage */
	const char *to_stage;
	int64_t at, user_id;    /* user_id 0: the system */
};

struct opportunity {
	int64_t id;
	const char *name;
	int64_t customer_id, store_id, owner_id; /* 0: none */
	const char *stage;
	int64_t amount, probability_bp;
	const char *expected_close;  /* YYYY-MM-DD or NULL */
	const char *lost_reason, *note;
	int64_t created_at, updated_at, closed_at; /* closed_at 0 while open */
	struct opp_stage_move *moves; /* with opportunity_get only, oldest first */
	int nmoves;
};

/* For create every field is read (store_id 0: the store-bound creator's
 * first store, owner_id 0: the creator, stage NULL: lead, amount -1: 0,
 * probability_bp -1: the stage's); for update those with set_* = 1
 * (customer_id 0, expected_close, note and lost_reason NULL clear). */
struct opportunity_input {
	const char *name, *stage, *expected_close, *lost_reason, *note;
	int64_t customer_id, store_id, owner_id, amount, probability_bp;
	unsigned set_name : 1, set_stage : 1, set_expected_close : 1, set_lost_reason : 1,
		set_note : 1, set_customer_id : 1, set_owner_id : 1, set_amount : 1,
		set_probability_bp : 1;
};

struct opportunity_filter {
	const char *stage;                        /* NULL: any */
	int64_t owner_id, store_id, customer_id;  /* 0: any */
	int64_t before_id;                        /* keyset, newest first */
	int limit;
};

/* The opportunity as JSON, with "stages" (the moves) when it was read with
 * them; caller owns it. */
json_t *opportunity_to_json(const struct opportunity *o);

/* 0 when the opportunity exists and who sees its store, else ERR_NOT_FOUND
 * ("no opportunity N"); ERR_DB. */
int opportunity_visible(struct db *db, const struct actor *who, int64_t id, struct err *e);

/* Creates one, with its first stage move. Field errors (ERR_INVALID, every
 * field): name (1..200), stage, amount, probability_bp (0..10000; 10000
 * when won, 0 when lost), expected_close, lost_reason (required when lost,
 * only then allowed), note, customer_id (absent or not seen by who),
 * store_id (required; no such store), owner_id (absent, inactive, or
 * store-bound outside the store). ERR_FORBIDDEN when a store-bound who names
 * another store. won and lost set closed_at. Audited (ids and figures). */
int opportunity_create(struct db *db, struct arena *a, const struct actor *who,
		       const struct opportunity_input *in, int64_t now,
		       struct opportunity **out, struct err *e);
/* Changes one who sees (else ERR_NOT_FOUND). A stage move writes a history
 * row and, unless probability_bp is given, takes the new stage's
 * probability; a move that opportunity_move_allowed refuses is ERR_STATE;
 * reopening clears closed_at and lost_reason. Field errors as create. */
int opportunity_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       const struct opportunity_input *in, int64_t now,
		       struct opportunity **out, struct err *e);
/* With its stage history. ERR_NOT_FOUND when absent or not seen by who. */
int opportunity_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct opportunity **out, struct err *e);
/* A page of those who sees, newest first (without history). */
int opportunity_list(struct db *db, struct arena *a, const struct actor *who,
		     const struct opportunity_filter *f, struct opportunity ***out, int *n,
		     int *more, struct err *e);

#endif
