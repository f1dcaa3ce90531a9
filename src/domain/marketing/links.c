/* links.c: signed links and unsubscribe tokens (see links.h). */
#include "domain/marketing/links.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/loyalty/outbox.h"
#include "domain/org/actor.h"
#include "domain/org/audit.h"

/* Signature bytes kept in a link: 128 bits is plenty against guessing and
 * keeps the link short. */
#define LINK_MAC_BYTES 16
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static void link_mac(const unsigned char key[LINK_KEY_BYTES], const char *payload, size_t len,
		     unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, LINK_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, len);
	crypto_auth_hmacsha256_final(&st, mac);
}

char *signed_link(struct arena *a, const unsigned char key[LINK_KEY_BYTES], const char *payload)
{
	size_t len = strlen(payload);
	if (len == 0 || len > LINK_PAYLOAD_MAX || strchr(payload, '.'))
		return NULL;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	link_mac(key, payload, len, mac);
	size_t pl = sodium_base64_ENCODED_LEN(len, B64), ml = sodium_base64_ENCODED_LEN(LINK_MAC_BYTES, B64);
	char *out = arena_alloc(a, pl + ml + 1);
	sodium_bin2base64(out, pl, (const unsigned char *)payload, len, B64);
	size_t n = strlen(out);
	out[n] = '.';
	sodium_bin2base64(out + n + 1, ml, mac, LINK_MAC_BYTES, B64);
	return out;
}

int signed_link_open(const unsigned char key[LINK_KEY_BYTES], const char *token, char *out,
		     size_t n)
{
	const char *dot = token ? strchr(token, '.') : NULL;
	unsigned char payload[LINK_PAYLOAD_MAX + 1], mac[crypto_auth_hmacsha256_BYTES];
	unsigned char got[LINK_MAC_BYTES + 1];
	size_t plen, mlen;
	if (!dot || dot == token || strlen(dot + 1) > 2 * LINK_MAC_BYTES)
		return -1;
	if (sodium_base642bin(payload, LINK_PAYLOAD_MAX, token, (size_t)(dot - token), NULL, &plen,
			      NULL, B64) != 0 ||
	    sodium_base642bin(got, sizeof got, dot + 1, strlen(dot + 1), NULL, &mlen, NULL, B64) != 0)
		return -1;
	if (plen == 0 || mlen != LINK_MAC_BYTES || plen + 1 > n || memchr(payload, 0, plen))
		return -1;
	link_mac(key, (const char *)payload, plen, mac);
	if (sodium_memcmp(mac, got, LINK_MAC_BYTES) != 0)
		return -1;
	memcpy(out, payload, plen);
	out[plen] = 0;
	return 0;
}

int link_key_get(struct db *db, unsigned char key[LINK_KEY_BYTES], struct err *e)
{
	static const char sql_get[] = "SELECT link_key FROM marketing_settings WHERE id = 1";
	/* Two first uses at once: the first write wins, both read it back. */
	static const char sql_set[] =
		"UPDATE marketing_settings SET link_key = ? WHERE id = 1 AND link_key IS NULL";
	char hex[2 * LINK_KEY_BYTES + 1] = "";
	int rc = db_text(db_query(db, e, sql_get, ""), hex, sizeof hex, e);
	if (rc < 0)
		return rc;
	if (strlen(hex) != 2 * LINK_KEY_BYTES) {
		unsigned char k[LINK_KEY_BYTES];
		char fresh[2 * LINK_KEY_BYTES + 1];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(fresh, sizeof fresh, k, sizeof k);
		if ((rc = db_write(db, e, sql_set, "t", fresh)) < 0)
			return rc;
		if ((rc = db_text(db_query(db, e, sql_get, ""), hex, sizeof hex, e)) < 0)
			return rc;
	}
	if (strlen(hex) != 2 * LINK_KEY_BYTES ||
	    sodium_hex2bin(key, LINK_KEY_BYTES, hex, strlen(hex), NULL, NULL, NULL) != 0)
		return err_set(e, ERR_INTERNAL, "the link key is damaged");
	return 0;
}

char *unsubscribe_token(struct arena *a, const unsigned char key[LINK_KEY_BYTES],
			int64_t customer_id, const char *channel)
{
	char payload[64];
	snprintf(payload, sizeof payload, "u:%" PRId64 ":%s", customer_id, channel);
	return signed_link(a, key, payload);
}

int unsubscribe_token_open(const unsigned char key[LINK_KEY_BYTES], const char *token,
			   int64_t *customer_id, const char **channel)
{
	char p[LINK_PAYLOAD_MAX + 1], *end;
	if (signed_link_open(key, token, p, sizeof p) < 0 || strncmp(p, "u:", 2) != 0)
		return -1;
	long long id = strtoll(p + 2, &end, 10);
	if (end == p + 2 || *end != ':' || id <= 0)
		return -1;
	for (int i = 0; outbox_channels[i]; i++)
		if (strcmp(end + 1, outbox_channels[i]) == 0) {
			*customer_id = id;
			*channel = outbox_channels[i];
			return 0;
		}
	return -1;
}

int unsubscribe_apply(struct db *db, struct arena *a, const struct actor *who,
		      int64_t customer_id, const char *channel, const char **lang, struct err *e)
{
	static const char sql_get[] =
		"SELECT c.consent_sms, c.consent_email, c.consent_wechat, "
		"COALESCE(c.lang, s.locale) FROM customers c, settings s WHERE c.id = ? AND s.id = 1";
	static const char sql_log[] =
		"INSERT INTO customer_consents (customer_id, channel, granted, at, source, user_id) "
		"VALUES (?, ?, 0, ?, 'unsubscribe', NULL)";
	/* One statement per channel: the column name is never pasted in. */
	static const char *const sql_off[] = {
		"UPDATE customers SET consent_sms = 0, updated_at = ? WHERE id = ?",
		"UPDATE customers SET consent_email = 0, updated_at = ? WHERE id = ?",
		"UPDATE customers SET consent_wechat = 0, updated_at = ? WHERE id = ?"};
	int ch = 0, rc;
	while (outbox_channels[ch] && strcmp(outbox_channels[ch], channel) != 0)
		ch++;
	if (!outbox_channels[ch] || ch > 2)
		return err_set(e, ERR_NOT_FOUND, "no such channel");
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_get, "i", customer_id);
	if ((rc = db_get_row(st, "customer", customer_id, e)) < 0)
		goto fail;
	int on = db_col_int64(st, ch) != 0;
	*lang = arena_strdup(a, db_col_text(st, 3));
	db_reset(st);
	if (!on) {
		db_rollback(db);
		return 0;
	}
	int64_t now = ts_now_ms();
	if ((rc = db_write(db, e, sql_off[ch], "ii", now, customer_id)) < 0 ||
	    (rc = db_write(db, e, sql_log, "iti", customer_id, channel, now)) < 0)
		goto fail;
	char key[24];
	snprintf(key, sizeof key, "consent_%s", channel);
	json_t *before = json_object(), *after = json_object();
	json_object_set_new(before, key, json_true());
	json_object_set_new(after, key, json_false());
	json_object_set_new(after, "source", json_string("unsubscribe"));
	if ((rc = audit_commit(db, who, "unsubscribe", "customer", customer_id, 0, before, after,
			       e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

static const char *channel_words(const char *channel, int zh)
{
	if (!channel)
		return "";
	if (strcmp(channel, "sms") == 0)
		return zh ? "短信" : "text messages";
	if (strcmp(channel, "email") == 0)
		return zh ? "邮件" : "emails";
	return zh ? "微信消息" : "WeChat messages";
}

char *unsubscribe_page(struct arena *a, const char *lang, const char *channel,
		       enum unsub_page what, const char *token)
{
	int zh = lang && strncmp(lang, "zh", 2) == 0;
	const char *words = channel_words(channel, zh), *title = zh ? "退订" : "Unsubscribe";
	const char *text;
	if (what == UNSUB_BAD)
		text = zh ? "<p>这个退订链接无效或已损坏。</p>"
			  : "<p>This unsubscribe link is not valid.</p>";
	else if (what == UNSUB_DONE)
		text = zh ? arena_printf(a, "<p>您已退订%s，今后不会再收到我们的营销%s。</p>", words,
					 words)
			  : arena_printf(a, "<p>You are unsubscribed: we will send you no more "
					    "marketing %s.</p>", words);
	else
		/* The token is base64url and '.', safe inside an attribute. */
		text = arena_printf(a,
				    "<p>%s</p>\n<form method=\"post\" action=\"/api/v1/unsubscribe?t=%s\">"
				    "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
				    "<button type=\"submit\">%s</button></form>",
				    zh ? arena_printf(a, "不想再收到我们的营销%s？", words)
				       : arena_printf(a, "No more marketing %s from us?", words),
				    token, zh ? "退订" : "Unsubscribe");
	return arena_printf(a,
			    "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			    "<title>%s</title></head>\n<body style=\"font-family:sans-serif;"
			    "max-width:32em;margin:3em auto;padding:0 1em\">\n<h1>%s</h1>\n"
			    "%s\n</body></html>\n",
			    zh ? "zh-CN" : "en", title, title, text);
}

int unsubscribe_link(struct db *db, struct arena *a, const struct actor *who, const char *token,
		     int apply, char **page, int *valid, struct err *e)
{
	static const char sql_lang[] =
		"SELECT COALESCE(c.lang, s.locale) FROM customers c, settings s "
		"WHERE c.id = ? AND s.id = 1";
	static const char sql_locale[] = "SELECT locale FROM settings WHERE id = 1";
	unsigned char key[LINK_KEY_BYTES];
	int64_t cid;
	const char *channel, *lang = NULL;
	char buf[16] = "";
	int rc = link_key_get(db, key, e);
	if (rc < 0)
		return rc;
	*valid = unsubscribe_token_open(key, token, &cid, &channel) == 0;
	if (*valid && apply) {
		rc = unsubscribe_apply(db, a, who, cid, channel, &lang, e);
		if (rc == ERR_NOT_FOUND) { /* merged away: the link is dead */
			*valid = 0;
			err_init(e);
		}
		else if (rc < 0)
			return rc;
	} else if (*valid) {
		if ((rc = db_text(db_query(db, e, sql_lang, "i", cid), buf, sizeof buf, e)) < 0)
			return rc;
		*valid = rc == 1;
		lang = buf;
	}
	if (!*valid) {
		if ((rc = db_text(db_query(db, e, sql_locale, ""), buf, sizeof buf, e)) < 0)
			return rc;
		*page = unsubscribe_page(a, buf, NULL, UNSUB_BAD, NULL);
		return 0;
	}
	*page = unsubscribe_page(a, lang, channel, apply ? UNSUB_DONE : UNSUB_ASK, token);
	return 0;
}
