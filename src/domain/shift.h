/* shift.h: a shift per store register: opened with the opening cash, holds
 * the sales and returns made while open, closed with the counted amounts per
 * tender into a Z-report. */
#ifndef TERSA_SHIFT_H
#define TERSA_SHIFT_H

#include <jansson.h>

#include "auth.h"

/* The open shift of store × register inside the caller's write
 * transaction; when none is open and autoopen is set, opens one with
 * opening cash 0 (a sale before anyone opened the till). *id 0 if none. */
int shift_current(struct db *db, const struct actor *who, int64_t store_id,
		  const char *register_id, int autoopen, int64_t *id, struct err *e);

#endif
