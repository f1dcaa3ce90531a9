/* shift.h: a shift per store register: opened with the opening cash, holds
 * the sales and returns made while open, closed with the counted amounts per
 * tender into a Z-report. */
#ifndef TERSA_SHIFT_H
#define TERSA_SHIFT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* The open shift of store × register inside the caller's write
 * transaction; when none is open and autoopen is set, opens one with
 * opening cash 0 (a sale before anyone opened the till). *id 0 if none.
 * The shift's row stays locked until the caller's transaction ends, so a
 * close waits for the sales and returns being written into it. */
int shift_current(struct db *db, const struct actor *who, int64_t store_id, const char *register_id,
                  int autoopen, int64_t *id, struct err *e);

/* Locks shift id inside the caller's write transaction for a change that
 * belongs to it (a void of one of its sales): 0 when it is open, ERR_STATE
 * when closed, ERR_NOT_FOUND. A close then waits for the caller. */
int shift_lock_open(struct db *db, int64_t id, struct err *e);

struct shift_input {
	int64_t store_id;
	const char *register_id; /* NULL: "1" */
	int64_t opening_cash;    /* minor units, >= 0 */
};

/* Opens a shift (one open shift per store × register: ERR_STATE when one
 * is open). *out is the shift as shift_get answers it (caller owns it). */
int shift_open(struct db *db, struct arena *a, const struct actor *who,
               const struct shift_input *in, json_t **out, struct err *e);

/* The shift: {id, store_id, register, status, opened_at, opened_by,
 * opening_cash, closed_at, closed_by}, plus "totals" (the Z-report figures
 * so far, nothing counted) while open, or "z_report" (as stored at the
 * close) once closed. ERR_NOT_FOUND. *store_id gets the shift's store for
 * the caller's scope check. */
int shift_get(struct db *db, int64_t id, json_t **out, int64_t *store_id, struct err *e);

struct shift_filter {
	int64_t scope_user_id;   /* a store-bound user: only their stores; 0 = all */
	int64_t store_id;        /* 0 = any */
	const char *status;      /* "open", "closed" or NULL */
	const char *register_id; /* NULL = any */
	int64_t before_id;       /* keyset, newest first */
	int limit;
};
extern const char *const shift_statuses[]; /* open closed */

/* A shift's row. */
struct shift_row {
	int64_t id, store_id, opened_by, opened_at, opening_cash, closed_by, closed_at;
	char status[8];
	char register_id[40];
	char *z_report; /* malloc'd or NULL; NULL in a shift_list row */
};
/* The shift as JSON without totals or Z-report: {id, store_id, register,
 * status, opened_at, opened_by, opening_cash, closed_at, closed_by}. Caller
 * owns it. */
json_t *shift_to_json(const struct shift_row *s);

/* Shifts without totals or Z-reports, newest first: a keyset page of *n
 * rows in a (*more: another page follows). ERR_DB. */
int shift_list(struct db *db, struct arena *a, const struct shift_filter *f,
               struct shift_row **out, int *n, int *more, struct err *e);

/* The tenders counted at the close; -1 = not counted. cash is required. */
struct shift_counted {
	int64_t cash, card, wechat, alipay, voucher;
};

/* Closes an open shift: computes the Z-report with a few aggregate queries
 * (sales, payments, returns and units of the shift), stores it in the
 * shift's row and answers it in *out (caller owns it). A shift of a store
 * the acting store-bound user does not hold is ERR_NOT_FOUND; a closed one
 * ERR_STATE. */
int shift_close(struct db *db, const struct actor *who, int64_t id,
                const struct shift_counted *counted, json_t **out, struct err *e);

#endif
