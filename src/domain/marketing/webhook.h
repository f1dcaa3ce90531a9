/* webhook.h: the signed HTTP webhooks of the SMS and WeChat gateways: a
 * POST of JSON with X-Tersa-Timestamp (Unix s), X-Tersa-Signature
 * "sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>" and
 * Idempotency-Key; delivery receipts come back signed the same way. */
#ifndef TERSA_WEBHOOK_H
#define TERSA_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

/* How far a receipt's timestamp may be from now (s). */
#define WEBHOOK_WINDOW_S 300
#define WEBHOOK_SIG_LEN 72 /* "sha256=" + 64 hex + NUL */

/* "sha256=<hex>" of timestamp "." body under secret into out. Pure. */
void webhook_signature(const char *secret, int64_t timestamp, const char *body, size_t len,
		       char out[WEBHOOK_SIG_LEN]);
/* 0 when signature (the header's text) is body's under secret and
 * timestamp (the header's text, decimal Unix s) is within
 * WEBHOOK_WINDOW_S of now_s; else -1. Constant-time comparison. Pure. */
int webhook_verify(const char *secret, const char *timestamp, const char *signature,
		   const char *body, size_t len, int64_t now_s);

/* POSTs body to url signed with secret at now_s, with Idempotency-Key key.
 * 0 on a 2xx answer, with the answer's "ref" (if any) in ref (size rn, ""
 * when none); else -1 with detail (size n). */
int webhook_post(const char *url, const char *secret, const char *key, const char *body,
		 int64_t now_s, long timeout_s, char *ref, size_t rn, char *detail, size_t n);

#endif
