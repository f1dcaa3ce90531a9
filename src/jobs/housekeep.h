/* housekeep.h: the serving process's housekeeping thread. At start and then
 * hourly, on its own connection, it prunes idempotency keys past their
 * keeping time (idem.h) and expired sessions (session.h). */
#ifndef TERSA_HOUSEKEEP_H
#define TERSA_HOUSEKEEP_H

/* Starts the thread on the database at target; 0, or -1 (logged). */
int housekeep_start(const char *target);
/* Stops it (an unfinished pass ends after its current slice). */
void housekeep_stop(void);

#endif
