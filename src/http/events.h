/* events.h: the live feed (GET /api/v1/events, Server-Sent Events): an
 * in-process hub keeping the last EVENTS_RING events, the streams reading
 * it, and the publish calls made after a sale or a return is committed. */
#ifndef TERSA_EVENTS_H
#define TERSA_EVENTS_H

#include <jansson.h>
#include <stdint.h>

struct req;

#define EVENTS_RING 4096      /* events kept for Last-Event-ID resumption */
#define EVENTS_PER_USER 4     /* open streams per user; the next one 429 */
#define EVENTS_MAX_STREAMS 256 /* open streams in all */
#define EVENTS_PING_MS 15000  /* a comment line on every idle stream */
#define EVENTS_MAX_AGE_MS (10 * 60 * 1000) /* a stream then ends; the
					     client reconnects with its
					     Last-Event-ID, authenticated
					     again */

enum event_kind { EVENT_SALE, EVENT_RETURN, EVENT_ALERT };

/* Starts the hub: reads where the stock alerts stand (only alerts raised
 * from now on are sent) and starts its thread, which publishes new stock
 * alerts (whatever raised them, also another server on the same PostgreSQL
 * database) and sends heartbeats. 0, or -1 when the database cannot be
 * read (the feed then carries sales and returns only). */
int events_start(const char *db_target);
/* Ends every stream (each answers its end of stream at once and is not
 * suspended again), so the daemon can stop. New streams are refused. */
void events_close_streams(void);
/* Stops the thread and frees the ring, after the daemon stopped. */
void events_stop(void);

/* Appends an event for store_id's users and wakes the streams; never waits
 * for a client. data (an object) is stolen. Call after the commit. */
void events_publish(enum event_kind kind, int64_t store_id, json_t *data);
/* The publish calls of the sale and return handlers: sale is the sale as
 * answered (GET /sales/{id}); a return event names the sale's newest
 * return. Reads the store's code and name through r->db. The sale's store
 * decides who sees the event. */
void events_sale(struct req *r, const json_t *sale);
void events_return(struct req *r, const json_t *sale);

/* Opens a stream for r's user as the reply to r (text/event-stream):
 * store_id 0 for all the user's stores; last_id the client's Last-Event-ID
 * (has_last 0: none, only new events). 0, or ERR_TOO_MANY (r->retry_after
 * set) past the per-user or total limit, ERR_UNAVAILABLE while stopping. */
int events_open(struct req *r, int64_t store_id, int has_last, uint64_t last_id);

#endif
