/* staff_req.h: request readers shared by the staff handlers. */
#ifndef TERSA_STAFF_REQ_H
#define TERSA_STAFF_REQ_H

#include "http/req.h"

/* Reads ?from=&to= as business days (default: the 30 days to today), from
 * not after to, at most 366 days apart; bad values are noted in r->err. */
void staff_req_days(struct req *r, const char **from, const char **to);

#endif
