/* gateway.c: the channels' gateways (see gateway.h). */
#include "domain/marketing/gateway.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/loyalty/outbox.h"
#include "domain/marketing/webhook.h"
#include "domain/org/audit.h"

const char *const gateway_starttls[] = {"try", "require", "none", NULL};

static const char *const email_fields[] = {"smtp_url", "username", "from_address", "from_name",
					   "starttls", NULL};
static const char *const hook_fields[] = {"url", NULL};

static const char *cfg_text(json_t *cfg, const char *key)
{
	const char *s = json_string_value(json_object_get(cfg, key));
	return s && *s ? s : NULL;
}

static void read_config(struct gateway *g)
{
	g->url = cfg_text(g->config, "url");
	g->smtp_url = cfg_text(g->config, "smtp_url");
	g->username = cfg_text(g->config, "username");
	g->from_address = cfg_text(g->config, "from_address");
	g->from_name = cfg_text(g->config, "from_name");
	g->starttls = cfg_text(g->config, "starttls");
	if (!g->starttls)
		g->starttls = "try";
}

int gateway_get(struct db *db, struct arena *a, const char *channel, struct gateway *g,
		struct err *e)
{
	static const char sql[] =
		"SELECT enabled, config, secret, rate_per_minute, updated_at FROM marketing_gateways "
		"WHERE channel = ?";
	memset(g, 0, sizeof *g);
	g->channel = channel;
	g->rate_per_minute = 60;
	struct db_stmt *st = db_query(db, e, sql, "t", channel);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		g->exists = 1;
		g->enabled = db_col_int64(st, 0) != 0;
		g->config = json_loads(db_col_text(st, 1) ? db_col_text(st, 1) : "{}", 0, NULL);
		g->secret = arena_strdup(a, db_col_text(st, 2));
		g->rate_per_minute = db_col_int64(st, 3);
		g->updated_at = db_col_int64(st, 4);
	}
	db_reset(st);
	if (strcmp(channel, "email") == 0) {
		static const char sql_url[] = "SELECT public_url FROM marketing_settings WHERE id = 1";
		char url[512] = "";
		if ((rc = db_text(db_query(db, e, sql_url, ""), url, sizeof url, e)) < 0) {
			json_decref(g->config);
			g->config = NULL;
			return rc;
		}
		g->public_url = *url ? arena_strdup(a, url) : NULL;
	}
	if (!json_is_object(g->config)) {
		json_decref(g->config);
		g->config = json_object();
	}
	read_config(g);
	return 0;
}

void gateway_release(struct gateway *g)
{
	json_decref(g->config);
	g->config = NULL;
}

json_t *gateway_missing(const struct gateway *g)
{
	json_t *m = json_array();
	if (strcmp(g->channel, "email") == 0) {
		if (!g->smtp_url)
			json_array_append_new(m, json_string("smtp_url"));
		if (!g->from_address)
			json_array_append_new(m, json_string("from_address"));
		if (g->username && !(g->secret && *g->secret))
			json_array_append_new(m, json_string("secret"));
		if (!g->public_url)
			json_array_append_new(m, json_string("public_url"));
	} else {
		if (!g->url)
			json_array_append_new(m, json_string("url"));
		if (!(g->secret && *g->secret))
			json_array_append_new(m, json_string("secret"));
	}
	return m;
}

int gateway_usable(const struct gateway *g)
{
	json_t *m = gateway_missing(g);
	int ok = g->exists && g->enabled && json_array_size(m) == 0;
	json_decref(m);
	return ok;
}

json_t *gateway_to_json(const struct gateway *g)
{
	json_t *o = json_object(), *m = gateway_missing(g);
	json_object_set_new(o, "channel", json_string(g->channel));
	json_object_set_new(o, "enabled", json_boolean(g->exists && g->enabled));
	json_object_set_new(o, "configured", json_boolean(g->exists && json_array_size(m) == 0));
	json_object_set(o, "config", g->config);
	json_object_set_new(o, "has_secret", json_boolean(g->secret && *g->secret));
	json_object_set_new(o, "rate_per_minute", json_integer(g->rate_per_minute));
	json_object_set_new(o, "updated_at", jx_time(g->updated_at));
	json_object_set_new(o, "missing", m);
	return o;
}

/* A URL of one of the schemes (each "x://"), without spaces or quotes. */
static int url_ok(const char *u, const char *const *schemes)
{
	int ok = 0;
	for (int i = 0; schemes[i]; i++) {
		size_t n = strlen(schemes[i]);
		if (strncmp(u, schemes[i], n) == 0 && u[n] && u[n] != '/')
			ok = 1;
	}
	for (const char *p = u; ok && *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			ok = 0;
	return ok;
}

/* A plain address local@domain, without spaces, quotes or angle brackets. */
static int address_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"<>(),;:\\[]", *p))
			return 0;
	return 1;
}

/* Checks config for channel; problems in e named config.<field>. */
static void check_config(const char *channel, json_t *cfg, struct err *e)
{
	static const char *const smtp_schemes[] = {"smtp://", "smtps://", NULL};
	static const char *const http_schemes[] = {"http://", "https://", NULL};
	struct err ce;
	const char *s;
	err_init(&ce);
	if (strcmp(channel, "email") == 0) {
		jx_no_unknown(cfg, email_fields, &ce);
		if (jx_str(cfg, "smtp_url", 0, GATEWAY_TEXT_MAX, &s, &ce) && *s &&
		    !url_ok(s, smtp_schemes))
			err_field(&ce, "smtp_url", "must be an smtp:// or smtps:// address");
		jx_str(cfg, "username", 0, GATEWAY_TEXT_MAX, &s, &ce);
		if (jx_str(cfg, "from_address", 0, GATEWAY_TEXT_MAX, &s, &ce) && *s && !address_ok(s))
			err_field(&ce, "from_address", "must be an email address");
		jx_str(cfg, "from_name", 0, 100, &s, &ce);
		jx_enum(cfg, "starttls", 0, gateway_starttls, &s, &ce);
	} else {
		jx_no_unknown(cfg, hook_fields, &ce);
		if (jx_str(cfg, "url", 0, GATEWAY_TEXT_MAX, &s, &ce) && *s && !url_ok(s, http_schemes))
			err_field(&ce, "url", "must be an http:// or https:// address");
	}
	err_merge(e, &ce, "config.");
}

static json_t *audit_view(const struct gateway *g)
{
	json_t *o = gateway_to_json(g);
	json_object_del(o, "missing");
	return o;
}

int gateway_put(struct db *db, struct arena *a, const struct actor *who, const char *channel,
		const struct gateway_input *in, struct gateway *out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO marketing_gateways (channel, enabled, config, secret, rate_per_minute, "
		"updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel) DO UPDATE "
		"SET enabled = excluded.enabled, config = excluded.config, secret = excluded.secret, "
		"rate_per_minute = excluded.rate_per_minute, updated_by = excluded.updated_by, "
		"updated_at = excluded.updated_at";
	struct gateway cur;
	int rc;
	if (in->config)
		check_config(channel, in->config, e);
	if (in->set_secret && in->secret && strlen(in->secret) > 1000)
		err_field(e, "secret", "must be at most 1000 characters");
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = gateway_get(db, a, channel, &cur, e)) < 0) {
		db_rollback(db);
		return rc;
	}
	char *cfg = json_dumps(in->config ? in->config : cur.config, JSON_COMPACT | JSON_SORT_KEYS);
	const char *secret = in->set_secret ? in->secret : cur.secret;
	if (secret && !*secret)
		secret = NULL;
	rc = db_write(db, e, sql, "tittiIi", channel,
		      (int64_t)(in->enabled >= 0 ? in->enabled : cur.exists ? cur.enabled : 1), cfg,
		      secret, in->rate_per_minute > 0 ? in->rate_per_minute : cur.rate_per_minute,
		      who->user ? who->user->id : 0, ts_now_ms());
	free(cfg);
	if (rc < 0 || (rc = gateway_get(db, a, channel, out, e)) < 0) {
		gateway_release(&cur);
		db_rollback(db);
		return rc;
	}
	json_t *before = cur.exists ? audit_view(&cur) : NULL;
	gateway_release(&cur);
	json_t *after = audit_view(out);
	json_object_set_new(after, "secret_changed", json_boolean(in->set_secret));
	int64_t eid = 1;
	while (outbox_channels[eid - 1] && strcmp(outbox_channels[eid - 1], channel) != 0)
		eid++;
	if ((rc = audit_commit(db, who, cur.exists ? "update" : "create", "gateway", eid, 0, before,
			       after, e)) < 0) {
		gateway_release(out);
		db_rollback(db);
		return rc;
	}
	return 0;
}

int gateway_check_signed(struct db *db, struct arena *a, const char *channel,
			 const char *timestamp, const char *signature, const char *body,
			 size_t len, int64_t now_s, int *ok, struct err *e)
{
	struct gateway g;
	int rc = gateway_get(db, a, channel, &g, e);
	if (rc < 0)
		return rc;
	*ok = g.secret && webhook_verify(g.secret, timestamp, signature, body, len, now_s) == 0;
	gateway_release(&g);
	return 0;
}
