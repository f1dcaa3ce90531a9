/* h_gateways.c: the channels' gateways (the secret is taken, never shown),
 * a test message through one, and the marketing settings. */
#include "base/jx.h"
#include "domain/loyalty/outbox.h"
#include "domain/marketing/gateway.h"
#include "domain/marketing/marketing_settings.h"
#include "domain/marketing/outbox_send.h"
#include "http/handlers.h"
#include "http/req.h"

int h_gateways_list(struct req *r)
{
	json_t *items = json_array();
	for (int i = 0; outbox_channels[i]; i++) {
		struct gateway g;
		int rc = gateway_get(r->db, r->a, outbox_channels[i], &g, &r->err);
		if (rc < 0) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, gateway_to_json(&g));
		gateway_release(&g);
	}
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	return reply_json(r, 200, o);
}

static int gateway_put_channel(struct req *r, const char *channel)
{
	static const char *const fields[] = {"enabled", "config", "secret", "rate_per_minute", NULL};
	struct gateway_input in = {.enabled = -1};
	struct gateway g;
	json_t *body, *cfg = NULL;
	int b;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, fields, &r->err);
	if (jx_bool(body, "enabled", 0, &b, &r->err))
		in.enabled = b;
	cfg = json_object_get(body, "config");
	if (cfg && !json_is_null(cfg) && !json_is_object(cfg))
		err_type(&r->err, "config", "an object");
	else if (cfg && json_is_object(cfg))
		in.config = cfg;
	in.set_secret = jx_present(body, "secret");
	jx_str(body, "secret", 0, 0, &in.secret, &r->err);
	jx_int(body, "rate_per_minute", 0, 1, GATEWAY_RATE_MAX, &in.rate_per_minute, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	int rc = gateway_put(r->db, r->a, &r->actor, channel, &in, &g, &r->err);
	if (rc < 0)
		return rc;
	json_t *o = gateway_to_json(&g);
	gateway_release(&g);
	return reply_json(r, 200, o);
}

static int gateway_test_channel(struct req *r, const char *channel)
{
	static const char *const fields[] = {"to", NULL};
	json_t *body;
	const char *to = NULL;
	char detail[300] = "";
	int ok;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, fields, &r->err);
	jx_str(body, "to", JX_REQUIRED | JX_NONEMPTY, 254, &to, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = outbox_gateway_test(r->db, r->a, channel, to, &ok, detail, sizeof detail,
				     &r->err);
	if (rc < 0)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "ok", json_boolean(ok));
	json_object_set_new(o, "detail", json_string(detail));
	return reply_json(r, 200, o);
}

int h_gateways_put_sms(struct req *r)
{
	return gateway_put_channel(r, "sms");
}

int h_gateways_test_sms(struct req *r)
{
	return gateway_test_channel(r, "sms");
}

int h_gateways_put_email(struct req *r)
{
	return gateway_put_channel(r, "email");
}

int h_gateways_test_email(struct req *r)
{
	return gateway_test_channel(r, "email");
}

int h_gateways_put_wechat(struct req *r)
{
	return gateway_put_channel(r, "wechat");
}

int h_gateways_test_wechat(struct req *r)
{
	return gateway_test_channel(r, "wechat");
}

int h_marketing_settings_get(struct req *r)
{
	struct mkt_settings *s;
	int rc = mkt_settings_get(r->db, r->a, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, mkt_settings_to_json(s));
}

int h_marketing_settings_put(struct req *r)
{
	static const char *const fields[] = {"approval_threshold", "holdout_pct", "quiet_start",
					     "quiet_end", "public_url", NULL};
	struct mkt_settings_input in = {.approval_threshold = -1, .holdout_pct = -1};
	struct mkt_settings *s;
	json_t *body;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, fields, &r->err);
	jx_money(body, "approval_threshold", 0, 0, &in.approval_threshold, &r->err);
	jx_int(body, "holdout_pct", 0, 0, MKT_HOLDOUT_MAX, &in.holdout_pct, &r->err);
	jx_str(body, "quiet_start", 0, 5, &in.quiet_start, &r->err);
	jx_str(body, "quiet_end", 0, 5, &in.quiet_end, &r->err);
	jx_str(body, "public_url", 0, MKT_URL_MAX, &in.public_url, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	int rc = mkt_settings_put(r->db, r->a, &r->actor, &in, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, mkt_settings_to_json(s));
}
