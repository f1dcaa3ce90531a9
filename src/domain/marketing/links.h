/* links.h: signed links that a customer opens without logging in (the
 * unsubscribe link; later survey links): a payload and its HMAC-SHA256 under
 * the company's link key, base64url, so a link can be checked but not made
 * up. The key is marketing_settings.link_key, created on first use. */
#ifndef TERSA_LINKS_H
#define TERSA_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

#define LINK_KEY_BYTES 32
/* The most payload bytes a signed link carries. */
#define LINK_PAYLOAD_MAX 128

/* The token for payload (text without '.', at most LINK_PAYLOAD_MAX bytes):
 * base64url(payload) "." base64url(first 16 bytes of HMAC-SHA256(key,
 * payload)), in a. NULL when payload is too long or holds a '.'. Pure. */
char *signed_link(struct arena *a, const unsigned char key[LINK_KEY_BYTES], const char *payload);
/* Checks token against key: 0 with the payload copied into out (size n,
 * NUL-terminated), or -1 when it is malformed or its signature is wrong
 * (compared in constant time). Pure. */
int signed_link_open(const unsigned char key[LINK_KEY_BYTES], const char *token, char *out,
		     size_t n);

/* The company's link key (created at random on first use, then kept). 0 or
 * negative. */
int link_key_get(struct db *db, unsigned char key[LINK_KEY_BYTES], struct err *e);

/* Unsubscribe tokens: the payload "u:<customer id>:<channel>". */
char *unsubscribe_token(struct arena *a, const unsigned char key[LINK_KEY_BYTES],
			int64_t customer_id, const char *channel);
/* 0 with *customer_id and *channel (one of outbox_channels) set, or -1. */
int unsubscribe_token_open(const unsigned char key[LINK_KEY_BYTES], const char *token,
			   int64_t *customer_id, const char **channel);

/* The unsubscribe behind a checked token: the customer's consent for
 * channel turned off (when on), with a customer_consents row (source
 * "unsubscribe") and an audit row by who (the public: no user). *lang gets
 * the language of the customer's messages (customers.lang, else the
 * company's), in a. 404 when the customer is gone. 0 or negative. */
struct actor;
int unsubscribe_apply(struct db *db, struct arena *a, const struct actor *who,
		      int64_t customer_id, const char *channel, const char **lang, struct err *e);
/* The small HTML page answering an unsubscribe link, in lang ("zh-CN" or
 * else English): UNSUB_ASK asks to confirm with a button that POSTs back
 * to the link of token (a GET never unsubscribes: mail scanners open
 * links), UNSUB_DONE confirms, UNSUB_BAD says the link is not valid. In a. */
enum unsub_page { UNSUB_BAD, UNSUB_ASK, UNSUB_DONE };
char *unsubscribe_page(struct arena *a, const char *lang, const char *channel,
		       enum unsub_page what, const char *token);

/* An unsubscribe link opened (apply 0: GET, the page asking to confirm)
 * or posted (apply 1: unsubscribe_apply, then the page confirming): *page
 * gets the HTML (in a) and *valid 0 when the token is bad or its customer
 * is gone (merged into another profile): the page says the link is not
 * valid. 0 or negative. */
int unsubscribe_link(struct db *db, struct arena *a, const struct actor *who, const char *token,
		     int apply, char **page, int *valid, struct err *e);

#endif
