/* outbox_send.c: the outbox sender and the changes to messages (see
 * outbox_send.h). No transaction is held while a message goes out: each
 * state change is one conditional UPDATE, so two senders never send one
 * message and a crash leaves the message in sending for the next run. */
#include "domain/marketing/outbox_send.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "domain/marketing/campaign.h"
#include "domain/marketing/gateway.h"
#include "domain/marketing/links.h"
#include "domain/marketing/marketing_settings.h"
#include "domain/marketing/smtp.h"
#include "domain/marketing/webhook.h"
#include "domain/org/audit.h"
#include "domain/org/settings.h"

#define NCH 3 /* sms email wechat, as outbox_channels */
#define BATCH 50
#define DETAIL 300

const char *const outbox_receipt_statuses[] = {"delivered", "failed", "bounced", NULL};

static int64_t env_ms(const char *name, int64_t def)
{
	const char *s = getenv(name);
	char *end;
	if (!s || !*s)
		return def;
	long long v = strtoll(s, &end, 10);
	return (*end || v <= 0) ? def : (int64_t)v;
}

void outbox_send_opts_default(struct outbox_send_opts *o)
{
	o->backoff_ms = env_ms("TERSA_OUTBOX_BACKOFF_MS", OUTBOX_BACKOFF_MS);
	o->claim_ms = env_ms("TERSA_OUTBOX_CLAIM_MS", OUTBOX_CLAIM_MS);
	o->budget_ms = 50 * 1000;
	o->stop = NULL;
}

int64_t outbox_backoff_ms(int64_t attempts, int64_t base)
{
	if (attempts < 1)
		attempts = 1;
	int64_t d = base;
	for (int64_t i = 1; i < attempts && d < 60 * base; i++)
		d *= 2;
	return d < 60 * base ? d : 60 * base;
}

int64_t outbox_quiet_until(int64_t now_ms, int64_t offset_s, int start_min, int end_min)
{
	if (start_min == end_min || start_min < 0 || end_min < 0)
		return 0;
	int64_t now_s = now_ms / 1000;
	int64_t sec = ((now_s + offset_s) % 86400 + 86400) % 86400;
	int64_t s = start_min * 60LL, t = end_min * 60LL;
	int quiet = s < t ? (sec >= s && sec < t) : (sec >= s || sec < t);
	if (!quiet)
		return 0;
	return (now_s + ((t - sec) % 86400 + 86400) % 86400) * 1000;
}

/* 16 random hex digits, for Message-IDs and test keys. */
static void random_hex(char out[17])
{
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out, 17, rnd, sizeof rnd);
}

/* ---- one pass of the sender ---- */

struct sender {
	struct db *db;
	struct arena *a;
	int64_t now;
	const struct outbox_send_opts *o;
	struct outbox_send_stats *st;
	struct gateway gw[NCH];
	int usable[NCH];
	int64_t budget[NCH]; /* messages this channel may still send this minute */
	struct mkt_settings *ms;
	const char *locale; /* the company's */
	unsigned char key[LINK_KEY_BYTES];
	int have_key;
};

struct due {
	int64_t id, customer_id, attempts;
	const char *channel, *recipient, *subject, *body, *lang;
	int ch;
};

static int chan_index(const char *c)
{
	for (int i = 0; outbox_channels[i]; i++)
		if (strcmp(outbox_channels[i], c) == 0)
			return i;
	return -1;
}

/* Claims left in sending by a sender that died (older than claim_ms). */
static int recover(struct sender *s, struct err *e)
{
	static const char sql_mail[] =
		"UPDATE outbox SET status = 'failed', error = 'interrupted; delivery unknown', "
		"updated_at = ? WHERE status = 'sending' AND channel = 'email' AND claimed_at < ?";
	static const char sql_hook[] =
		"UPDATE outbox SET status = 'queued', next_at = NULL, "
		"error = 'interrupted; sent again with the same Idempotency-Key', updated_at = ? "
		"WHERE status = 'sending' AND channel <> 'email' AND claimed_at < ?";
	int64_t a = 0, b = 0, before = s->now - s->o->claim_ms;
	int rc = db_write_count(s->db, e, &a, sql_mail, "ii", s->now, before);
	if (rc == 0)
		rc = db_write_count(s->db, e, &b, sql_hook, "ii", s->now, before);
	s->st->interrupted += a + b;
	return rc;
}

/* The reason queued messages of an unusable channel wait. */
static int note_waiting(struct sender *s, int ch, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET error = ?, updated_at = ? WHERE status = 'queued' AND channel = ? "
		"AND (error IS NULL OR error <> ?)";
	char why[80];
	const struct gateway *g = &s->gw[ch];
	json_t *m = gateway_missing(g);
	if (g->exists && json_array_size(m) == 0 && !g->enabled)
		snprintf(why, sizeof why, "the %s gateway is disabled", outbox_channels[ch]);
	else
		snprintf(why, sizeof why, "no %s gateway configured", outbox_channels[ch]);
	json_decref(m);
	return db_write(s->db, e, sql, "titt", why, s->now, outbox_channels[ch], why);
}

/* Sends of channel ch claimed in the minute up to now (any outcome). */
static const char SQL_RATE_USED[] =
	"SELECT COUNT(*) FROM outbox WHERE channel = ? AND claimed_at > ?";

/* How many messages channel ch may still send in the minute up to now. */
static int rate_budget(struct sender *s, int ch, struct err *e)
{
	int64_t n;
	int rc = db_int(db_query(s->db, e, SQL_RATE_USED, "ti", outbox_channels[ch], s->now - 60000),
			&n, e);
	if (rc < 0)
		return rc;
	s->budget[ch] = s->gw[ch].rate_per_minute - n;
	return 0;
}

/* Quiet hours (company time) hold every due SMS until they end, with the
 * reason; *quiet 1 when they hold now. */
static int hold_quiet(struct sender *s, int *quiet, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET next_at = ?, error = ?, updated_at = ? WHERE status = 'queued' "
		"AND channel = 'sms' AND (next_at IS NULL OR next_at < ?)";
	int64_t until = outbox_quiet_until(s->now, ts_utc_offset(s->now), mkt_hhmm(s->ms->quiet_start),
					   mkt_hhmm(s->ms->quiet_end));
	int64_t n = 0;
	*quiet = until != 0;
	if (!until)
		return 0;
	int rc = db_write_count(s->db, e, &n, sql, "itii", until,
				arena_printf(s->a, "quiet hours %s-%s: waits until they end",
					     s->ms->quiet_start, s->ms->quiet_end),
				s->now, until);
	s->st->deferred += n;
	return rc;
}

static int fetch_due(struct sender *s, struct due **out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT id, customer_id, channel, recipient, subject, body, lang, attempts FROM outbox "
		"WHERE status = 'queued' AND (next_at IS NULL OR next_at <= ?) "
		"AND channel IN (?, ?, ?) ORDER BY id LIMIT ?";
	const char *c[NCH];
	for (int i = 0; i < NCH; i++)
		c[i] = s->usable[i] && s->budget[i] > 0 ? outbox_channels[i] : NULL;
	struct db_stmt *st = db_query(s->db, e, sql, "itttI", s->now, c[0], c[1], c[2],
				      (int64_t)BATCH);
	if (!st)
		return db_fail(e);
	struct due *d = arena_calloc(s->a, BATCH, sizeof *d);
	int k = 0, rc;
	while (k < BATCH && (rc = db_step(st, e)) == DB_ROW) {
		d[k].id = db_col_int64(st, 0);
		d[k].customer_id = db_col_int64(st, 1);
		d[k].channel = arena_strdup(s->a, db_col_text(st, 2));
		d[k].recipient = arena_strdup(s->a, db_col_text(st, 3));
		d[k].subject = arena_strdup(s->a, db_col_text(st, 4));
		d[k].body = arena_strdup(s->a, db_col_text(st, 5));
		d[k].lang = arena_strdup(s->a, db_col_text(st, 6));
		d[k].attempts = db_col_int64(st, 7);
		d[k].ch = chan_index(d[k].channel);
		k++;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*out = d;
	*n = k;
	return 0;
}

/* Takes a due message for this sender, if no other took it and its
 * channel's rate allows one more (checked in the same statement, so that
 * senders running side by side keep to the rate). */
static int claim(struct sender *s, const struct due *d, int *won, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET status = 'sending', claimed_at = ?, updated_at = ? "
		"WHERE id = ? AND status = 'queued' AND (next_at IS NULL OR next_at <= ?) "
		"AND (SELECT COUNT(*) FROM outbox o WHERE o.channel = ? AND o.claimed_at > ?) < ?";
	int64_t n = 0;
	int rc = db_write_count(s->db, e, &n, sql, "iiiitii", s->now, s->now, d->id, s->now,
				d->channel, s->now - 60000, s->gw[d->ch].rate_per_minute);
	*won = n == 1;
	if (rc == 0 && !*won)
		s->budget[d->ch]--; /* taken by another, or the rate is used up */
	return rc;
}

/* A claimed message's end: status, reason (NULL clears), next_at (0:
 * none), attempts, dead, provider ref (NULL keeps). */
static int finish(struct sender *s, int64_t id, const char *status, const char *reason,
		  int64_t next_at, int64_t attempts, int dead, const char *ref, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET status = ?, error = ?, next_at = ?, attempts = ?, dead = ?, "
		"provider_ref = COALESCE(?, provider_ref), "
		"sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, updated_at = ? "
		"WHERE id = ? AND status = 'sending'";
	return db_write(s->db, e, sql, "ttIiittiii", status, reason, next_at, attempts,
			(int64_t)dead, ref, status, s->now, s->now, id);
}

struct person {
	int found, erased, consent[NCH];
	const char *email, *phone, *lang;
};

static int read_person(struct sender *s, int64_t id, struct person *p, struct err *e)
{
	static const char sql[] =
		"SELECT erased_at, email, phone, consent_sms, consent_email, consent_wechat, lang "
		"FROM customers WHERE id = ?";
	memset(p, 0, sizeof *p);
	struct db_stmt *st = db_query(s->db, e, sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW) {
		p->found = 1;
		p->erased = !db_col_null(st, 0);
		p->email = arena_strdup(s->a, db_col_text(st, 1));
		p->phone = arena_strdup(s->a, db_col_text(st, 2));
		for (int i = 0; i < NCH; i++)
			p->consent[i] = db_col_int64(st, 3 + i) != 0;
		p->lang = arena_strdup(s->a, db_col_text(st, 6));
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static int is_zh(const char *lang)
{
	return lang && strncmp(lang, "zh", 2) == 0;
}

/* One email through gateway g: Message-ID <label.random@from-domain>, the
 * List-Unsubscribe header when url. 0 sent, -1 not (see smtp_send). */
static int gateway_mail(struct arena *a, const struct gateway *g, const char *to,
			const char *subject, const char *body, const char *url, const char *label,
			int64_t now, long timeout_s, int *permanent, char *detail, size_t n)
{
	char hex[17];
	random_hex(hex);
	struct mail m = {
		.from_address = g->from_address,
		.from_name = g->from_name,
		.to = to,
		.subject = subject,
		.body = body,
		.unsubscribe_url = url,
		.message_id = arena_printf(a, "<%s.%s%s>", label, hex, strchr(g->from_address, '@')),
		.date_ms = now,
	};
	struct buf b;
	buf_init(&b, 0);
	smtp_build(&b, &m);
	struct smtp_server srv = {g->smtp_url, g->username, g->secret, g->starttls, timeout_s};
	int rc = smtp_send(&srv, g->from_address, to, b.data, b.len, permanent, detail, n);
	buf_release(&b);
	return rc;
}

/* One webhook through gateway g: {id, channel, to, body, customer_id}
 * (id: the outbox id, or a test key when id_text), Idempotency-Key the id. */
static int gateway_hook(const struct gateway *g, int64_t id, const char *id_text, const char *to,
			const char *text, int64_t customer_id, int64_t now, long timeout_s,
			char *ref, size_t rn, char *detail, size_t n)
{
	char key[32];
	json_t *o = json_object();
	if (id_text)
		snprintf(key, sizeof key, "%s", id_text);
	else
		snprintf(key, sizeof key, "%" PRId64, id);
	json_object_set_new(o, "id", id_text ? json_string(id_text) : json_integer(id));
	json_object_set_new(o, "channel", json_string(g->channel));
	json_object_set_new(o, "to", json_string(to));
	json_object_set_new(o, "body", json_string(text));
	json_object_set_new(o, "customer_id", customer_id ? json_integer(customer_id) : json_null());
	if (id_text)
		json_object_set_new(o, "test", json_true());
	char *body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	int rc = webhook_post(g->url, g->secret, key, body, now / 1000, timeout_s, ref, rn, detail, n);
	free(body);
	return rc;
}

/* The email of d: its body with the unsubscribe link at the foot, in the
 * customer's language, and the List-Unsubscribe header. 0 sent, 1 not, or
 * a negative database error. */
static int send_email(struct sender *s, const struct due *d, const char *to, const char *lang,
		      int *permanent, char *detail, size_t n, struct err *e)
{
	const char *url = NULL, *body = d->body;
	if (d->customer_id) {
		if (!s->have_key) {
			int rc = link_key_get(s->db, s->key, e);
			if (rc < 0)
				return rc;
			s->have_key = 1;
		}
		url = arena_printf(s->a, "%s/api/v1/unsubscribe?t=%s", s->gw[1].public_url,
				   unsubscribe_token(s->a, s->key, d->customer_id, "email"));
		body = arena_printf(s->a, is_zh(lang) ? "%s\n\n——\n退订：%s\n" : "%s\n\n--\nUnsubscribe: %s\n",
				    d->body, url);
	}
	return gateway_mail(s->a, &s->gw[1], to, d->subject, body, url,
			    arena_printf(s->a, "outbox-%" PRId64, d->id), s->now, 60, permanent,
			    detail, n) < 0;
}

/* Sends one claimed message and records the outcome. */
static int send_one(struct sender *s, const struct due *d, struct err *e)
{
	struct person p = {0};
	const char *to = d->recipient, *lang = d->lang;
	int rc;
	if (d->customer_id) {
		if ((rc = read_person(s, d->customer_id, &p, e)) < 0)
			return rc;
		if (!p.found || p.erased) {
			s->st->suppressed++;
			return finish(s, d->id, "suppressed",
				      p.found ? "the customer was erased" : "the customer is gone", 0,
				      d->attempts, 0, NULL, e);
		}
		if (!p.consent[d->ch]) {
			s->st->opted_out++;
			return finish(s, d->id, "opted_out",
				      arena_printf(s->a, "no %s consent at send time", d->channel), 0,
				      d->attempts, 0, NULL, e);
		}
		if (d->ch == 0)
			to = p.phone;
		else if (d->ch == 1)
			to = p.email;
		if (!lang)
			lang = p.lang;
	}
	if (!to || !*to) {
		s->st->suppressed++;
		return finish(s, d->id, "suppressed",
			      arena_printf(s->a, "no %s address", d->ch == 0 ? "phone" : d->channel),
			      0, d->attempts, 0, NULL, e);
	}
	if (!lang)
		lang = s->locale;
	char detail[DETAIL] = "", ref[128] = "";
	int permanent = 0, failed;
	s->budget[d->ch]--;
	if (d->ch == 1) {
		if ((failed = send_email(s, d, to, lang, &permanent, detail, sizeof detail, e)) < 0)
			return failed;
	} else {
		failed = gateway_hook(&s->gw[d->ch], d->id, NULL, to, d->body, d->customer_id, s->now,
				      30, ref, sizeof ref, detail, sizeof detail) < 0;
	}
	int64_t attempts = d->attempts + 1;
	if (!failed) {
		s->st->sent++;
		return finish(s, d->id, "sent", NULL, 0, attempts, 0, *ref ? ref : NULL, e);
	}
	if (permanent || attempts >= OUTBOX_MAX_ATTEMPTS) {
		s->st->failed++;
		return finish(s, d->id, "failed",
			      arena_printf(s->a, "%s (attempt %" PRId64 ", given up)", detail,
					   attempts),
			      0, attempts, 1, NULL, e);
	}
	s->st->retried++;
	return finish(s, d->id, "queued",
		      arena_printf(s->a, "%s (attempt %" PRId64 " of %d, retried later)", detail,
				   attempts, OUTBOX_MAX_ATTEMPTS),
		      s->now + outbox_backoff_ms(attempts, s->o->backoff_ms), attempts, 0, NULL, e);
}

static int sender_start(struct sender *s, struct err *e)
{
	struct settings *cs;
	int rc;
	if ((rc = mkt_settings_get(s->db, s->a, &s->ms, e)) < 0)
		return rc;
	if ((rc = settings_get(s->db, s->a, &cs, e)) < 0)
		return rc;
	s->locale = cs->locale;
	for (int i = 0; i < NCH; i++) {
		if ((rc = gateway_get(s->db, s->a, outbox_channels[i], &s->gw[i], e)) < 0)
			return rc;
		s->usable[i] = gateway_usable(&s->gw[i]);
		if (!s->usable[i] && (rc = note_waiting(s, i, e)) < 0)
			return rc;
		if (s->usable[i] && (rc = rate_budget(s, i, e)) < 0)
			return rc;
	}
	int quiet;
	if (s->usable[0] && (rc = hold_quiet(s, &quiet, e)) == 0 && quiet)
		s->budget[0] = 0;
	return rc;
}

int outbox_send_run(struct db *db, int64_t now, const struct outbox_send_opts *o,
		    struct outbox_send_stats *st, struct err *e)
{
	struct sender s = {.db = db, .a = arena_new(), .now = now, .o = o, .st = st};
	int64_t t0 = ts_mono_ms();
	int rc = recover(&s, e);
	if (rc == 0)
		rc = sender_start(&s, e);
	while (rc == 0) {
		struct due *d;
		int n = 0;
		if ((rc = fetch_due(&s, &d, &n, e)) < 0 || n == 0)
			break;
		for (int i = 0; i < n && rc == 0; i++) {
			if (d[i].ch < 0 || s.budget[d[i].ch] <= 0)
				continue;
			if ((o->stop && o->stop()) || ts_mono_ms() - t0 > o->budget_ms)
				goto out;
			int won;
			s.now = ts_now_ms() > s.now ? ts_now_ms() : s.now;
			if ((rc = claim(&s, &d[i], &won, e)) < 0 || !won)
				continue;
			rc = send_one(&s, &d[i], e);
		}
	}
out:
	for (int i = 0; i < NCH; i++)
		gateway_release(&s.gw[i]);
	arena_free(s.a);
	return rc;
}

/* ---- changes to messages ---- */

static json_t *msg_summary(const char *status, int64_t attempts)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "attempts", json_integer(attempts));
	return o;
}

static int read_msg(struct db *db, struct arena *a, int64_t id, struct outbox_msg **out,
		    struct err *e)
{
	struct outbox_filter f = {.after_id = id - 1, .limit = 1};
	struct outbox_msg *list;
	int n, more;
	int rc = outbox_list(db, a, &f, &list, &n, &more, e);
	if (rc < 0)
		return rc;
	if (n != 1 || list[0].id != id)
		return err_set(e, ERR_NOT_FOUND, "no message %" PRId64, id);
	*out = list;
	return 0;
}

int outbox_retry(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct outbox_msg **out, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET status = 'queued', attempts = 0, dead = 0, next_at = NULL, "
		"error = NULL, updated_at = ? WHERE id = ? AND status IN ('failed', 'bounced')";
	struct outbox_msg *m;
	int64_t n = 0;
	int rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = read_msg(db, a, id, &m, e)) < 0)
		goto fail;
	if ((rc = db_write_count(db, e, &n, sql, "ii", ts_now_ms(), id)) < 0)
		goto fail;
	if (n != 1) {
		rc = err_set(e, ERR_STATE, "message %" PRId64 " is %s: only a failed or bounced "
					   "message is sent again", id, m->status);
		goto fail;
	}
	if ((rc = audit_commit(db, who, "retry", "outbox", id, 0,
			       msg_summary(m->status, m->attempts), msg_summary("queued", 0), e)) < 0)
		goto fail;
	return read_msg(db, a, id, out, e);
fail:
	db_rollback(db);
	return rc;
}

int outbox_campaign_resend(struct db *db, struct arena *a, const struct actor *who,
			   int64_t campaign_id, int64_t *requeued, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET status = 'queued', attempts = 0, dead = 0, next_at = NULL, "
		"error = NULL, updated_at = ? WHERE source = 'campaign' AND source_id = ? "
		"AND status IN ('failed', 'bounced')";
	struct campaign *c;
	int rc;
	*requeued = 0;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	/* campaign_get: a store-bound user sees their stores' campaigns only. */
	if ((rc = campaign_get(db, a, who, campaign_id, &c, e)) < 0)
		goto fail;
	int64_t store_id = c->store_id;
	if (strcmp(c->status, "running") != 0 && strcmp(c->status, "completed") != 0) {
		rc = err_set(e, ERR_STATE, "campaign %" PRId64 " is %s: only a running or completed "
					   "campaign's messages are sent again", campaign_id, c->status);
		goto fail;
	}
	if ((rc = db_write_count(db, e, requeued, sql, "ii", ts_now_ms(), campaign_id)) < 0)
		goto fail;
	json_t *after = json_object();
	json_object_set_new(after, "requeued", json_integer(*requeued));
	if ((rc = audit_commit(db, who, "resend", "campaign", campaign_id, store_id, NULL, after,
			       e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int outbox_receipt(struct db *db, const char *channel, int64_t id, const char *ref,
		   const char *status, const char *reason, int64_t now, struct err *e)
{
	static const char sql_find[] =
		"SELECT id, status FROM outbox WHERE channel = ? AND ((? > 0 AND id = ?) OR "
		"(? = 0 AND provider_ref = ?))";
	static const char sql_set[] =
		"UPDATE outbox SET status = ?, error = COALESCE(?, error), "
		"delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END, "
		"dead = CASE WHEN ? = 'delivered' THEN 0 ELSE dead END, updated_at = ? WHERE id = ?";
	int rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_find, "tiiit", channel, id, id, id, ref);
	if (!st) {
		rc = db_fail(e);
		goto fail;
	}
	if ((rc = db_step(st, e)) < 0)
		goto fail;
	if (rc != DB_ROW) {
		db_reset(st);
		rc = id ? err_set(e, ERR_NOT_FOUND, "no %s message %" PRId64, channel, id)
			: err_set(e, ERR_NOT_FOUND, "no %s message with that ref", channel);
		goto fail;
	}
	int64_t mid = db_col_int64(st, 0);
	char cur[32];
	snprintf(cur, sizeof cur, "%s", db_col_text(st, 1));
	db_reset(st);
	if (strcmp(cur, "sent") != 0 && strcmp(cur, "delivered") != 0 &&
	    strcmp(cur, "failed") != 0 && strcmp(cur, "bounced") != 0) {
		rc = err_set(e, ERR_STATE, "message %" PRId64 " is %s: not sent yet", mid, cur);
		goto fail;
	}
	if ((rc = db_write(db, e, sql_set, "tttitii", status, reason, status, now, status, now,
			   mid)) < 0)
		goto fail;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return rc;
}

int outbox_gateway_test(struct db *db, struct arena *a, const char *channel, const char *to,
			int *ok, char *detail, size_t n, struct err *e)
{
	struct gateway g;
	int rc = gateway_get(db, a, channel, &g, e);
	if (rc < 0)
		return rc;
	*ok = 0;
	json_t *missing = gateway_missing(&g);
	if (!g.exists || json_array_size(missing) > 0) {
		char *m = json_dumps(missing, JSON_COMPACT);
		snprintf(detail, n, "the %s gateway is not configured: missing %s", channel, m);
		free(m);
	} else if (strcmp(channel, "email") == 0) {
		int permanent;
		*ok = gateway_mail(a, &g, to, "Tersa test message / 测试邮件",
				   "This is a test message from Tersa.\n这是 Tersa 发送的测试邮件。\n", NULL,
				   "test", ts_now_ms(), 15, &permanent, detail, n) == 0;
	} else {
		char hex[17], key[24], ref[128];
		random_hex(hex);
		snprintf(key, sizeof key, "test-%s", hex);
		*ok = gateway_hook(&g, 0, key, to, "Tersa test message / 测试消息", 0, ts_now_ms(), 15,
				   ref, sizeof ref, detail, n) == 0;
	}
	if (*ok)
		snprintf(detail, n, "sent to %s", to);
	json_decref(missing);
	gateway_release(&g);
	return 0;
}
