/* webhook.c: signing, checking and sending gateway webhooks (see webhook.h). */
#include "domain/marketing/webhook.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/marketing/smtp.h"

void webhook_signature(const char *secret, int64_t timestamp, const char *body, size_t len,
		       char out[WEBHOOK_SIG_LEN])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];
	int tn = snprintf(ts, sizeof ts, "%" PRId64 ".", timestamp);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)tn);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, WEBHOOK_SIG_LEN - 7, mac, sizeof mac);
}

int webhook_verify(const char *secret, const char *timestamp, const char *signature,
		   const char *body, size_t len, int64_t now_s)
{
	char want[WEBHOOK_SIG_LEN], *end;
	if (!secret || !*secret || !timestamp || !signature || !*timestamp)
		return -1;
	errno = 0;
	long long ts = strtoll(timestamp, &end, 10);
	if (errno || *end || end == timestamp || ts < now_s - WEBHOOK_WINDOW_S ||
	    ts > now_s + WEBHOOK_WINDOW_S)
		return -1;
	webhook_signature(secret, ts, body, len, want);
	if (strlen(signature) != strlen(want))
		return -1;
	return sodium_memcmp(want, signature, strlen(want)) == 0 ? 0 : -1;
}

static size_t keep_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	buf_append(arg, p, size * nmemb); /* capped: the rest is dropped */
	return size * nmemb;
}

int webhook_post(const char *url, const char *secret, const char *key, const char *body,
		 int64_t now_s, long timeout_s, char *ref, size_t rn, char *detail, size_t n)
{
	char sig[WEBHOOK_SIG_LEN], h_ts[64], h_sig[128], h_key[96], errbuf[CURL_ERROR_SIZE];
	*ref = 0;
	CURL *c = smtp_curl_handle(timeout_s > 0 ? timeout_s : 30L, errbuf);
	if (!c) {
		snprintf(detail, n, "cannot start an HTTP client");
		return -1;
	}
	webhook_signature(secret, now_s, body, strlen(body), sig);
	snprintf(h_ts, sizeof h_ts, "X-Tersa-Timestamp: %" PRId64, now_s);
	snprintf(h_sig, sizeof h_sig, "X-Tersa-Signature: %s", sig);
	snprintf(h_key, sizeof h_key, "Idempotency-Key: %s", key);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, h_ts);
	h = curl_slist_append(h, h_sig);
	h = curl_slist_append(h, h_key);
	h = curl_slist_append(h, "Expect:");
	struct buf answer;
	buf_init(&answer, 4096);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	int ok = rc == CURLE_OK && code >= 200 && code < 300;
	if (ok && answer.data) {
		json_t *j = json_loads(answer.data, 0, NULL);
		const char *r = json_string_value(json_object_get(j, "ref"));
		if (r)
			snprintf(ref, rn, "%s", r);
		json_decref(j);
	} else if (rc != CURLE_OK) {
		snprintf(detail, n, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	} else if (!ok) {
		snprintf(detail, n, "the gateway answered HTTP %ld", code);
	}
	buf_release(&answer);
	return ok ? 0 : -1;
}
