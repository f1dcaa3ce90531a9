/* smtp.c: building and sending one email (see smtp.h). */
#include "domain/marketing/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

/* Bytes of text per encoded word: 45 → 60 base64 characters, 72 with
 * "=?UTF-8?B?" and "?=" (at most 75 allowed). */
#define WORD_BYTES 45

static int needs_encoding(const char *s)
{
	size_t n = strlen(s);
	if (n > 70 || strstr(s, "=?"))
		return 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

void smtp_header_text(struct buf *out, const char *text)
{
	if (!needs_encoding(text)) {
		buf_puts(out, text);
		return;
	}
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text);
	int first = 1;
	while (n > 0) {
		size_t take = n < WORD_BYTES ? n : WORD_BYTES;
		/* Back off to the start of a UTF-8 sequence (a byte 10xxxxxx
		 * continues one). */
		while (take < n && take > 0 && (p[take] & 0xC0) == 0x80)
			take--;
		if (take == 0)
			take = n < WORD_BYTES ? n : WORD_BYTES;
		unsigned char chunk[WORD_BYTES];
		size_t k = 0;
		for (size_t i = 0; i < take; i++)
			chunk[k++] = (p[i] == '\r' || p[i] == '\n') ? ' ' : p[i];
		char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof b64, chunk, k, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
		first = 0;
		p += take;
		n -= take;
	}
}

/* An address as given, with CR, LF and angle brackets left out. */
static void put_address(struct buf *out, const char *a)
{
	buf_putc(out, '<');
	for (const char *p = a; *p; p++)
		if (*p != '\r' && *p != '\n' && *p != '<' && *p != '>')
			buf_putc(out, *p);
	buf_putc(out, '>');
}

void smtp_build(struct buf *out, const struct mail *m)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(m->date_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wd[tm.tm_wday], tm.tm_mday,
		   mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_puts(out, "From: ");
	if (m->from_name && *m->from_name) {
		smtp_header_text(out, m->from_name);
		buf_putc(out, ' ');
	}
	put_address(out, m->from_address);
	buf_puts(out, "\r\nTo: ");
	put_address(out, m->to);
	buf_puts(out, "\r\nSubject: ");
	smtp_header_text(out, m->subject ? m->subject : "");
	buf_printf(out, "\r\nMessage-ID: %s\r\n", m->message_id);
	if (m->unsubscribe_url) {
		buf_puts(out, "List-Unsubscribe: ");
		put_address(out, m->unsubscribe_url);
		buf_puts(out, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	buf_puts(out, "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n");
	/* 57 bytes → one 76-character line. */
	const unsigned char *p = (const unsigned char *)m->body;
	size_t n = strlen(m->body);
	while (n > 0) {
		size_t take = n < 57 ? n : 57;
		char line[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(line, sizeof line, p, take, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(out, line);
		buf_puts(out, "\r\n");
		p += take;
		n -= take;
	}
}

/* ---- sending ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void *smtp_curl_handle(long timeout_s, char *errbuf)
{
	pthread_once(&curl_once, curl_start);
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	*errbuf = 0;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return c;
}

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nmemb < r->left ? size * nmemb : r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

int smtp_send(const struct smtp_server *s, const char *from, const char *to, const char *message,
	      size_t len, int *permanent, char *detail, size_t n)
{
	char errbuf[CURL_ERROR_SIZE], fromb[320], tob[320];
	*permanent = 0;
	CURL *c = smtp_curl_handle(s->timeout_s > 0 ? s->timeout_s : 60L, errbuf);
	if (!c) {
		snprintf(detail, n, "cannot start an SMTP client");
		return -1;
	}
	snprintf(fromb, sizeof fromb, "<%s>", from);
	snprintf(tob, sizeof tob, "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, tob);
	struct reader rd = {message, len};
	long use_ssl = CURLUSESSL_TRY;
	if (s->starttls && strcmp(s->starttls, "require") == 0)
		use_ssl = CURLUSESSL_ALL;
	else if (s->starttls && strcmp(s->starttls, "none") == 0)
		use_ssl = CURLUSESSL_NONE;
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
	if (s->username) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, fromb);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return 0;
	*permanent = code >= 500 && code < 600;
	if (code)
		snprintf(detail, n, "SMTP %ld: %s", code, *errbuf ? errbuf : curl_easy_strerror(rc));
	else
		snprintf(detail, n, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	return -1;
}
