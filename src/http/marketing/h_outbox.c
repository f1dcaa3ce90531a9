/* h_outbox.c: the outbox (back office: the messages with status and reason,
 * retry, "send to those missed") and the gateways' signed delivery
 * receipts (public, checked by signature). */
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/loyalty/outbox.h"
#include "domain/marketing/gateway.h"
#include "domain/marketing/outbox_send.h"
#include "http/handlers.h"
#include "http/req.h"

static json_t *outbox_row(const void *rows, int i)
{
	return outbox_to_json(&((const struct outbox_msg *)rows)[i]);
}

int h_outbox_list(struct req *r)
{
	struct outbox_filter f = {0};
	struct outbox_msg *list;
	int n, more;
	req_page(r, &f.limit, &f.after_id);
	f.status = req_query_enum(r, "status", outbox_statuses);
	f.channel = req_query_enum(r, "channel", outbox_channels);
	f.source = req_query(r, "source");
	if (f.source && !*f.source)
		f.source = NULL;
	jx_qint(req_query(r, "customer_id"), "customer_id", 1, INT64_MAX, &f.customer_id, &r->err);
	jx_qint(req_query(r, "source_id"), "source_id", 1, INT64_MAX, &f.source_id, &r->err);
	int dead = req_query_bool(r, "dead");
	f.dead = dead < 0 ? 0 : dead ? 1 : -1;
	req_time_range(r, &f.from, &f.to);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = outbox_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, outbox_row);
}

int h_outbox_retry(struct req *r)
{
	struct outbox_msg *m;
	int rc = outbox_retry(r->db, r->a, &r->actor, r->ids[0], &m, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, outbox_to_json(m));
}

int h_campaigns_resend(struct req *r)
{
	int64_t n;
	int rc = outbox_campaign_resend(r->db, r->a, &r->actor, r->ids[0], &n, &r->err);
	if (rc < 0)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "requeued", json_integer(n));
	return reply_json(r, 200, o);
}

/* POST /outbox/receipts/{sms|email|wechat}: signed with the gateway's
 * secret like the webhooks it receives; a bad or old signature is 401. */
static int receipt(struct req *r, const char *channel)
{
	static const char *const fields[] = {"id", "ref", "status", "reason", NULL};
	int ok;
	int rc = gateway_check_signed(r->db, r->a, channel, req_header(r, "X-Tersa-Timestamp"),
				      req_header(r, "X-Tersa-Signature"), r->body ? r->body : "",
				      r->body_len, ts_now_ms() / 1000, &ok, &r->err);
	if (rc < 0)
		return rc;
	if (!ok)
		return err_set(&r->err, ERR_UNAUTHORIZED, "bad or expired signature");
	json_t *in;
	int64_t id = 0;
	const char *ref = NULL, *status = NULL, *reason = NULL;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "id", 0, 1, INT64_MAX, &id, &r->err);
	jx_str(in, "ref", JX_NONEMPTY, 128, &ref, &r->err);
	jx_enum(in, "status", JX_REQUIRED, outbox_receipt_statuses, &status, &r->err);
	jx_str(in, "reason", 0, 300, &reason, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (!id && !ref)
		err_field(&r->err, "id", "id or ref is required");
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = outbox_receipt(r->db, channel, id, ref, status, reason, ts_now_ms(), &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

int h_outbox_receipt_sms(struct req *r)
{
	return receipt(r, "sms");
}

int h_outbox_receipt_email(struct req *r)
{
	return receipt(r, "email");
}

int h_outbox_receipt_wechat(struct req *r)
{
	return receipt(r, "wechat");
}
