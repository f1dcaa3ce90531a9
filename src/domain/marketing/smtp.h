/* smtp.h: one email as MIME text (UTF-8, RFC 2047 encoded headers, base64
 * body, List-Unsubscribe with one-click), and sending it through an SMTP
 * server with libcurl (smtp:// with STARTTLS as configured, smtps://, auth). */
#ifndef TERSA_SMTP_H
#define TERSA_SMTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct mail {
	const char *from_address, *from_name; /* from_name may be NULL */
	const char *to;
	const char *subject;                  /* may be NULL */
	const char *body;                     /* UTF-8 text */
	const char *unsubscribe_url;          /* NULL: no List-Unsubscribe */
	const char *message_id;               /* "<...@...>" */
	int64_t date_ms;
};

/* Appends header text as RFC 2047 encoded words ("=?UTF-8?B?...?=", each at
 * most 75 characters, never splitting a UTF-8 sequence, folded with CRLF
 * SP) when it holds a non-ASCII byte, a control character or "=?", or is
 * long; else as is. CR and LF never reach the output. Pure. */
void smtp_header_text(struct buf *out, const char *text);
/* The whole message (headers CRLF CRLF base64 body in 76-column lines) into
 * out. Pure. */
void smtp_build(struct buf *out, const struct mail *m);

struct smtp_server {
	const char *url;      /* smtp://host[:port] or smtps://host[:port] */
	const char *username; /* NULL: no AUTH */
	const char *password;
	const char *starttls; /* try | require | none (smtp:// only) */
	long timeout_s;       /* whole transfer */
};

/* A libcurl handle with what every gateway send shares (libcurl started
 * once per process, no signals, 10 s to connect, timeout_s in all, the
 * error text into errbuf of CURL_ERROR_SIZE bytes); NULL when libcurl
 * cannot make one. The caller cleans it up. */
void *smtp_curl_handle(long timeout_s, char *errbuf);

/* Sends message (from smtp_build) to one recipient. 0 when the server took
 * it; else -1 with detail (size n) saying why and *permanent 1 when the
 * server refused for good (a 5xx reply: retrying will not help). */
int smtp_send(const struct smtp_server *s, const char *from, const char *to, const char *message,
	      size_t len, int *permanent, char *detail, size_t n);

#endif
