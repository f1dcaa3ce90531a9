/* events.c: the live feed hub. Publishers append to a ring of the last
 * EVENTS_RING events under one mutex and wake the streams; a stream is a
 * libmicrohttpd callback reply that copies what its user may see, and is
 * suspended (holding no thread) while there is nothing to send. */
#include "http/events.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "domain/org/store.h"
#include "domain/stock/stock_alert.h"
#include "http/req.h"

/* Bytes a stream gathers per fill: a client far behind is sent the ring
 * in pieces, between which other connections are served. */
#define FILL_MAX 16384
/* Alert pages read per look (newest first, 100 each). */
#define ALERT_PAGES 10
/* At most this many looks for new alerts a second. */
#define ALERT_PAUSE_US 100000

static const char *const kind_names[] = {"sale", "return", "alert"};

struct slot {
	uint64_t seq;    /* 0: empty */
	int64_t store_id;
	enum event_kind kind;
	char *data;      /* compact JSON (malloc'd) */
};

struct stream {
	struct MHD_Connection *conn;
	int64_t user_id;
	int64_t *stores;   /* a store-bound user's stores, sorted; NULL: all */
	int nstores;
	int64_t store_id;  /* ?store_id=, 0 for any */
	uint64_t next;     /* sequence number of the next event to look at */
	int reset;         /* an `event: reset` is due */
	int hello;         /* the retry: line went out */
	int suspended;     /* by stream_read, to be resumed by a publisher */
	int ended;
	int probe;         /* send a heartbeat now: finds a client gone */
	unsigned ping_seen;
	int64_t opened;    /* monotonic ms */
	struct buf out;    /* bytes gathered, sent from off */
	size_t off;
	struct stream *prev, *nx;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct slot ring[EVENTS_RING];
static uint64_t head = 1;  /* sequence number of the next event */
static uint64_t id_base;   /* an event's id is id_base + its sequence */
static struct stream *streams;
static int nstreams;
static int closing;
static unsigned ping_gen;
static int poke;           /* look for new alerts now */
static int quit;
static int running;
static pthread_t thread;

/* Owned by the hub thread once started. */
static struct db *hub_db;
static int64_t alert_mark; /* the newest alert already published */

/* Ids go on from one server process to the next (the start time in ms,
 * times 1000, plus the sequence), so an id from before a restart is never
 * taken for one of this process. Under lock. */
static uint64_t base_id(void)
{
	if (!id_base)
		id_base = (uint64_t)ts_now_ms() * 1000u;
	return id_base;
}

/* Under lock. */
static void wake_streams(void)
{
	for (struct stream *s = streams; s; s = s->nx)
		if (s->suspended) {
			s->suspended = 0;
			MHD_resume_connection(s->conn);
		}
}

void events_publish(enum event_kind kind, int64_t store_id, json_t *data)
{
	char *text = json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(data);
	if (!text)
		return;
	pthread_mutex_lock(&lock);
	base_id();
	struct slot *sl = &ring[head % EVENTS_RING];
	free(sl->data);
	sl->seq = head++;
	sl->store_id = store_id;
	sl->kind = kind;
	sl->data = text;
	wake_streams();
	if (kind != EVENT_ALERT) {
		/* a sale or return may have raised a stock alert */
		poke = 1;
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
}

/* Adds the store's code and name (null when it cannot be read). */
static void add_store(struct db *db, struct arena *a, int64_t store_id, json_t *o)
{
	struct store *st = NULL;
	struct err e;
	err_init(&e);
	if (db && store_get(db, a, store_id, &st, &e) < 0)
		st = NULL;
	json_object_set_new(o, "store_id", json_integer(store_id));
	json_object_set_new(o, "store_code", jx_strn(st ? st->code : NULL));
	json_object_set_new(o, "store_name", jx_strn(st ? st->name : NULL));
}

static json_t *copy_of(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v ? json_deep_copy(v) : json_null();
}

void events_sale(struct req *r, const json_t *sale)
{
	int64_t store_id = json_integer_value(json_object_get(sale, "store_id"));
	json_t *d = json_object();
	json_object_set_new(d, "sale_id", copy_of(sale, "id"));
	json_object_set_new(d, "number", copy_of(sale, "number"));
	add_store(r->db, r->a, store_id, d);
	json_object_set_new(d, "total", copy_of(sale, "total"));
	json_object_set_new(d, "at", copy_of(sale, "at"));
	events_publish(EVENT_SALE, store_id, d);
}

void events_return(struct req *r, const json_t *sale)
{
	int64_t store_id = json_integer_value(json_object_get(sale, "store_id"));
	json_t *rets = json_object_get(sale, "returns");
	json_t *last = NULL;
	size_t i;
	json_t *ret;
	json_array_foreach(rets, i, ret)
		if (!last || json_integer_value(json_object_get(ret, "id")) >
				     json_integer_value(json_object_get(last, "id")))
			last = ret;
	if (!last)
		return;
	json_t *d = json_object();
	json_object_set_new(d, "return_id", copy_of(last, "id"));
	json_object_set_new(d, "sale_id", copy_of(sale, "id"));
	json_object_set_new(d, "sale_number", copy_of(sale, "number"));
	add_store(r->db, r->a, store_id, d);
	json_object_set_new(d, "kind", copy_of(last, "kind"));
	json_object_set_new(d, "refund", copy_of(last, "refund_total"));
	json_object_set_new(d, "at", copy_of(last, "at"));
	events_publish(EVENT_RETURN, store_id, d);
}

/* Stock alerts raised since the last look, oldest first. Hub thread. */
static void publish_new_alerts(void)
{
	if (!hub_db)
		return;
	struct arena *a = arena_new();
	struct err e;
	err_init(&e);
	struct alert **found = NULL;
	int nfound = 0, cap = 0;
	struct alert_filter f = {.limit = 100};
	for (int page = 0; page < ALERT_PAGES; page++) {
		struct alert **list;
		int n, more, stop = 0;
		if (alert_list(hub_db, a, NULL, &f, &list, &n, &more, &e) < 0) {
			log_warn("live feed: reading stock alerts failed: %s", e.msg);
			break;
		}
		for (int i = 0; i < n && !stop; i++) {
			if (list[i]->id <= alert_mark) {
				stop = 1;
				break;
			}
			if (nfound == cap) {
				cap = cap ? cap * 2 : 16;
				found = xrealloc(found, sizeof *found * (size_t)cap);
			}
			found[nfound++] = list[i];
		}
		if (stop || !more || !n)
			break;
		f.before_id = list[n - 1]->id;
	}
	for (int i = nfound - 1; i >= 0; i--) {
		const struct alert *al = found[i];
		json_t *d = json_object();
		json_object_set_new(d, "alert_id", json_integer(al->id));
		json_object_set_new(d, "kind", json_string(al->kind));
		add_store(hub_db, a, al->store_id, d);
		json_object_set_new(d, "product_id",
				    al->product_id ? json_integer(al->product_id) : json_null());
		json_object_set_new(d, "message", jx_strn(al->message));
		json_t *details = al->details ? json_loads(al->details, 0, NULL) : NULL;
		json_object_set_new(d, "details", details ? details : json_null());
		json_object_set_new(d, "at", jx_time(al->raised_at));
		events_publish(EVENT_ALERT, al->store_id, d);
		if (al->id > alert_mark)
			alert_mark = al->id;
	}
	free(found);
	db_idle(hub_db);
	arena_free(a);
}

/* The hub thread: stock alerts after each publish (at most ten looks a
 * second) and every second; heartbeats every EVENTS_PING_MS. */
static void *hub_main(void *arg)
{
	int64_t last_ping = ts_mono_ms();
	pthread_mutex_lock(&lock);
	while (!quit) {
		if (!poke) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&wake, &lock, &ts);
		}
		if (quit)
			break;
		poke = 0;
		pthread_mutex_unlock(&lock);
		publish_new_alerts();
		usleep(ALERT_PAUSE_US);
		int64_t now = ts_mono_ms();
		pthread_mutex_lock(&lock);
		if (now - last_ping >= EVENTS_PING_MS) {
			/* also ends streams past their age */
			ping_gen++;
			wake_streams();
			last_ping = now;
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int events_start(const char *db_target)
{
	int rc = 0;
	struct err e;
	err_init(&e);
	if (db_open(db_target, &hub_db, &e) < 0) {
		hub_db = NULL;
		rc = -1;
	} else {
		struct arena *a = arena_new();
		struct alert_filter f = {.limit = 1};
		struct alert **list;
		int n, more;
		if (alert_list(hub_db, a, NULL, &f, &list, &n, &more, &e) < 0) {
			db_close(hub_db);
			hub_db = NULL;
			rc = -1;
		} else {
			alert_mark = n ? list[0]->id : 0;
			db_idle(hub_db);
		}
		arena_free(a);
	}
	pthread_mutex_lock(&lock);
	base_id();
	quit = 0;
	closing = 0;
	pthread_mutex_unlock(&lock);
	if (pthread_create(&thread, NULL, hub_main, NULL) != 0) {
		log_error("live feed: cannot start its thread");
		return -1;
	}
	running = 1;
	return rc;
}

void events_close_streams(void)
{
	pthread_mutex_lock(&lock);
	closing = 1;
	wake_streams();
	pthread_mutex_unlock(&lock);
}

void events_stop(void)
{
	pthread_mutex_lock(&lock);
	closing = 1;
	quit = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	if (running)
		pthread_join(thread, NULL);
	running = 0;
	if (hub_db)
		db_close(hub_db);
	hub_db = NULL;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < EVENTS_RING; i++) {
		free(ring[i].data);
		ring[i].data = NULL;
		ring[i].seq = 0;
	}
	pthread_mutex_unlock(&lock);
}

static int sees(const struct stream *s, const struct slot *sl)
{
	if (s->store_id && sl->store_id != s->store_id)
		return 0;
	if (!s->stores)
		return 1;
	int lo = 0, hi = s->nstores - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (s->stores[mid] == sl->store_id)
			return 1;
		if (s->stores[mid] < sl->store_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* Gathers what is due into s->out. Under lock. */
static void fill(struct stream *s)
{
	if (closing || ts_mono_ms() - s->opened >= EVENTS_MAX_AGE_MS) {
		s->ended = 1;
		return;
	}
	uint64_t base = base_id();
	if (!s->hello) {
		buf_puts(&s->out, "retry: 3000\n: tersa live feed\n\n");
		s->hello = 1;
	}
	uint64_t oldest = head > EVENTS_RING ? head - EVENTS_RING : 1;
	if (s->next < oldest)
		s->reset = 1;
	if (s->reset) {
		/* What the client missed is gone from the ring: it reloads its
		 * figures and goes on from here. */
		buf_printf(&s->out, "id: %llu\nevent: reset\ndata: {\"reason\":\"missed events\"}\n\n",
			   (unsigned long long)(base + head - 1));
		s->next = head;
		s->reset = 0;
	}
	while (s->next < head && s->out.len < FILL_MAX) {
		const struct slot *sl = &ring[s->next % EVENTS_RING];
		if (sees(s, sl))
			buf_printf(&s->out, "id: %llu\nevent: %s\ndata: %s\n\n",
				   (unsigned long long)(base + sl->seq), kind_names[sl->kind],
				   sl->data);
		s->next++;
	}
	if (s->out.len == 0 && (s->ping_seen != ping_gen || s->probe))
		buf_puts(&s->out, ": ping\n\n");
	s->ping_seen = ping_gen;
	s->probe = 0;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	pthread_mutex_lock(&lock);
	if (s->off >= s->out.len) {
		buf_reset(&s->out);
		s->off = 0;
		if (!s->ended)
			fill(s);
	}
	size_t left = s->out.len - s->off;
	if (left == 0) {
		if (s->ended) {
			pthread_mutex_unlock(&lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		/* Nothing to send: the connection leaves the poll set until a
		 * publish (or a heartbeat) resumes it. */
		s->suspended = 1;
		MHD_suspend_connection(s->conn);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	size_t n = left < max ? left : max;
	memcpy(buf, s->out.data + s->off, n);
	s->off += n;
	pthread_mutex_unlock(&lock);
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	pthread_mutex_lock(&lock);
	if (s->prev)
		s->prev->nx = s->nx;
	else
		streams = s->nx;
	if (s->nx)
		s->nx->prev = s->prev;
	nstreams--;
	pthread_mutex_unlock(&lock);
	buf_release(&s->out);
	free(s->stores);
	free(s);
}

int events_open(struct req *r, int64_t store_id, int has_last, uint64_t last_id)
{
	const struct user *u = r->user;
	pthread_mutex_lock(&lock);
	if (closing) {
		pthread_mutex_unlock(&lock);
		return err_set(&r->err, ERR_UNAVAILABLE, "the server is stopping");
	}
	int mine = 0;
	for (struct stream *s = streams; s; s = s->nx)
		mine += s->user_id == u->id;
	if (mine >= EVENTS_PER_USER || nstreams >= EVENTS_MAX_STREAMS) {
		/* A suspended stream does not notice its client left until it
		 * writes: a heartbeat now to each of the user's streams (to
		 * every stream when the total is reached) frees the places of
		 * those that are gone (a reloaded page) before the client
		 * tries again. */
		for (struct stream *s = streams; s; s = s->nx)
			if (s->user_id == u->id || mine < EVENTS_PER_USER) {
				s->probe = 1;
				if (s->suspended) {
					s->suspended = 0;
					MHD_resume_connection(s->conn);
				}
			}
		pthread_mutex_unlock(&lock);
		r->retry_after = "2";
		if (mine >= EVENTS_PER_USER)
			return err_set(&r->err, ERR_TOO_MANY,
				       "you have %d live feeds open: close one first",
				       EVENTS_PER_USER);
		return err_set(&r->err, ERR_TOO_MANY, "too many live feeds are open: try again later");
	}
	struct stream *s = xcalloc(1, sizeof *s);
	s->conn = r->conn;
	s->user_id = u->id;
	s->store_id = store_id;
	s->opened = ts_mono_ms();
	s->ping_seen = ping_gen;
	buf_init(&s->out, 0);
	if (u->role & ROLE_STORE_BOUND) {
		s->nstores = u->nstores;
		s->stores = xcalloc(u->nstores ? (size_t)u->nstores : 1, sizeof *s->stores);
		if (u->nstores)
			memcpy(s->stores, u->store_ids, sizeof *s->stores * (size_t)u->nstores);
	}
	uint64_t base = base_id();
	uint64_t oldest = head > EVENTS_RING ? head - EVENTS_RING : 1;
	s->next = head;
	if (has_last) {
		/* Resumes after last_id while the ring still holds what follows;
		 * an id from another process, too old, or unknown: reset. */
		if (last_id >= base && last_id - base < head && last_id - base + 1 >= oldest)
			s->next = last_id - base + 1;
		else
			s->reset = 1;
	}
	s->nx = streams;
	if (streams)
		streams->prev = s;
	streams = s;
	nstreams++;
	pthread_mutex_unlock(&lock);

	/* Heartbeats keep a live client well inside this; a client that
	 * stopped reading is dropped by it. */
	MHD_set_connection_option(r->conn, MHD_CONNECTION_OPTION_TIMEOUT, 60u);
	r->stream_read = stream_read;
	r->stream_free = stream_free;
	r->stream_cls = s;
	r->status = 200;
	r->content_type = "text/event-stream";
	reply_header(r, "X-Accel-Buffering", "no");
	return 0;
}
