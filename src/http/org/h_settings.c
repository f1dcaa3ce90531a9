/* h_settings.c: GET/PUT /settings, the company settings (PUT replaces all
 * six fields at once). */
#include <string.h>

#include "base/jx.h"
#include "domain/org/settings.h"
#include "http/handlers.h"
#include "http/req.h"

/* A required string that may be empty and may span lines (jx_str refuses
 * line breaks); the domain checks its length and characters. */
static void read_text(json_t *in, const char *key, const char **out,
		      struct err *e)
{
	json_t *v = json_object_get(in, key);

	if (!v || json_is_null(v))
		err_field(e, key, "is required");
	else if (!json_is_string(v))
		err_type(e, key, "a string");
	else if (strlen(json_string_value(v)) != json_string_length(v))
		err_field(e, key, "must not contain control characters");
	else
		*out = json_string_value(v);
}

int h_settings_get(struct req *r)
{
	struct settings *s;
	int rc = settings_get(r->db, r->a, &s, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, settings_to_json(s));
}

int h_settings_put(struct req *r)
{
	static const char *const allowed[] = {
		"company_name", "currency", "time_zone", "locale",
		"receipt_header", "receipt_footer", NULL};
	static const char *const locales[] = {"zh-CN", "en", NULL};
	struct settings in = {0}, *s;
	json_t *body;
	int rc;

	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, allowed, &r->err);
	jx_str(body, "company_name", JX_REQUIRED | JX_NONEMPTY, 200,
	       &in.company_name, &r->err);
	jx_str(body, "currency", JX_REQUIRED, 16, &in.currency, &r->err);
	jx_str(body, "time_zone", JX_REQUIRED | JX_NONEMPTY, 100, &in.time_zone,
	       &r->err);
	jx_enum(body, "locale", JX_REQUIRED, locales, &in.locale, &r->err);
	read_text(body, "receipt_header", &in.receipt_header, &r->err);
	read_text(body, "receipt_footer", &in.receipt_footer, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	rc = settings_put(r->db, r->a, &r->actor, &in, &s, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, settings_to_json(s));
}
