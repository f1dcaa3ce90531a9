/* gateway.h: the sending gateway of each channel (email: an SMTP server;
 * sms and wechat: a signed HTTP webhook), its settings and what is still
 * missing before it can send. The secret (SMTP password or webhook HMAC
 * key) is stored but never rendered. */
#ifndef TERSA_GATEWAY_H
#define TERSA_GATEWAY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define GATEWAY_RATE_MAX 100000
#define GATEWAY_TEXT_MAX 300

extern const char *const gateway_starttls[]; /* try require none */

struct gateway {
	const char *channel;
	int exists;          /* a row is stored */
	int enabled;
	json_t *config;      /* owned by the arena's caller: see gateway_get */
	const char *secret;  /* NULL when none */
	int64_t rate_per_minute;
	int64_t updated_at;
	/* the config read out (NULL when absent) */
	const char *url;                                   /* sms, wechat */
	const char *smtp_url, *username, *from_address, *from_name, *starttls; /* email */
	/* email: marketing_settings.public_url, which unsubscribe links need */
	const char *public_url;
};

/* The gateway of channel (one of outbox_channels); a channel never set up
 * reads as not existing, disabled, config {}. config is a new reference the
 * caller releases with gateway_release. 0 or negative. */
int gateway_get(struct db *db, struct arena *a, const char *channel, struct gateway *g,
		struct err *e);
void gateway_release(struct gateway *g);
/* The config fields still needed before g can send, as a JSON array of
 * names (new reference); empty when it can. Pure. */
json_t *gateway_missing(const struct gateway *g);
/* 1 when g is enabled and nothing is missing. Pure. */
int gateway_usable(const struct gateway *g);
/* {channel, enabled, configured, config, has_secret, rate_per_minute,
 * updated_at, missing}: never the secret. */
json_t *gateway_to_json(const struct gateway *g);

/* The audit rows name the gateway by its channel's place in outbox_channels
 * (1 sms, 2 email, 3 wechat). A change: config (borrowed; NULL keeps it) replaces the whole config;
 * secret: set_secret 1 with NULL clears it, with text sets it; enabled -1
 * keeps; rate_per_minute 0 keeps. */
struct gateway_input {
	json_t *config;
	int set_secret;
	const char *secret;
	int enabled;
	int64_t rate_per_minute;
};
/* Stores the gateway of channel after checking its config (422 naming
 * "config.<field>": email smtp_url smtp:// or smtps://, from_address an
 * address, starttls try|require|none; sms/wechat url http(s)://; unknown
 * fields). Audited ("gateway", without the secret). 0 or negative. */
int gateway_put(struct db *db, struct arena *a, const struct actor *who, const char *channel,
		const struct gateway_input *in, struct gateway *out, struct err *e);

/* A request signed by channel's gateway (delivery receipts): *ok 1 when
 * signature and timestamp (header texts, may be NULL) match body under the
 * gateway's secret within WEBHOOK_WINDOW_S of now_s; 0 when not, or when
 * the gateway has no secret. 0 or negative. */
int gateway_check_signed(struct db *db, struct arena *a, const char *channel,
			 const char *timestamp, const char *signature, const char *body,
			 size_t len, int64_t now_s, int *ok, struct err *e);

#endif
