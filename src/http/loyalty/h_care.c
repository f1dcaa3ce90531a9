/* h_care.c: birthday and holiday care rules (hq and admin); the outbox
 * they queue into is read in http/marketing/h_outbox.c. */
#include <string.h>

#include "base/jx.h"
#include "domain/loyalty/care.h"
#include "domain/loyalty/outbox.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const rule_fields[] = {"kind",        "name",     "month_day", "days_before",
					  "template_id", "channels", "message",   "active",
					  NULL};

/* channels: an array of distinct sms, email, wechat (null: none). */
static int read_channels(struct req *r, json_t *in, unsigned *out)
{
	json_t *arr = json_object_get(in, "channels"), *v;
	size_t i;
	*out = 0;
	if (!arr)
		return 0;
	if (json_is_null(arr))
		return 1;
	if (!json_is_array(arr)) {
		err_type(&r->err, "channels", "an array of channel names");
		return 0;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			err_type(&r->err, "channels", "an array of channel names");
			return 0;
		}
		int k = 0;
		while (outbox_channels[k] && strcmp(outbox_channels[k], json_string_value(v)) != 0)
			k++;
		if (!outbox_channels[k] || (*out & (1u << k))) {
			err_field(&r->err, "channels", "must hold sms, email and wechat, each at most once");
			return 0;
		}
		*out |= 1u << k;
	}
	return 1;
}

static void read_rule(struct req *r, json_t *in, struct care_rule_input *ri)
{
	int b;
	jx_no_unknown(in, rule_fields, &r->err);
	ri->set_kind = jx_enum(in, "kind", 0, care_kinds, &ri->kind, &r->err) || jx_null(in, "kind");
	ri->set_name = jx_str(in, "name", JX_NONEMPTY, CARE_NAME_MAX, &ri->name, &r->err) ||
		       jx_null(in, "name");
	ri->set_month_day = jx_str(in, "month_day", 0, 5, &ri->month_day, &r->err) ||
			    jx_null(in, "month_day");
	ri->set_days_before = jx_int(in, "days_before", 0, 0, CARE_DAYS_BEFORE_MAX,
				     &ri->days_before, &r->err);
	ri->set_template_id = jx_int(in, "template_id", 0, 1, INT64_MAX, &ri->template_id,
				     &r->err) ||
			      jx_null(in, "template_id");
	ri->set_channels = read_channels(r, in, &ri->channels);
	ri->set_message = jx_str(in, "message", JX_NONEMPTY, CARE_MESSAGE_MAX, &ri->message,
				 &r->err) ||
			  jx_null(in, "message");
	ri->active = -1;
	if (jx_bool(in, "active", 0, &b, &r->err))
		ri->active = b;
}

int h_care_rules_create(struct req *r)
{
	json_t *in;
	struct care_rule_input ri = {0};
	struct care_rule *cr;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_rule(r, in, &ri);
	if (req_bad_types(r))
		return r->err.code;
	int rc = care_rule_create(r->db, r->a, &r->actor, &ri, &cr, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, care_rule_to_json(cr), cr->id);
}

int h_care_rules_patch(struct req *r)
{
	json_t *in;
	struct care_rule_input ri = {0};
	struct care_rule *cr;
	if (req_json(r, &in) < 0)
		return r->err.code;
	read_rule(r, in, &ri);
	if (req_bad_types(r))
		return r->err.code;
	int rc = care_rule_update(r->db, r->a, &r->actor, r->ids[0], &ri, &cr, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, care_rule_to_json(cr));
}

int h_care_rules_get(struct req *r)
{
	struct care_rule *cr;
	int rc = care_rule_get(r->db, r->a, r->ids[0], &cr, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, care_rule_to_json(cr));
}

int h_care_rules_list(struct req *r)
{
	struct care_rule *rules;
	int n;
	int rc = care_rule_list(r->db, r->a, &rules, &n, &r->err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, care_rule_to_json(&rules[i]));
	return reply_list(r, items, 0, 0);
}
