/* h_customers.c: customer profiles over HTTP: create, change, the 360°
 * read, lookups and lists (phones masked for the sales role), sales and
 * timeline, duplicates and merge, export and erasure. Parse and check,
 * call the domain, render. */
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/crm/customer.h"
#include "domain/crm/customer_history.h"
#include "domain/crm/customer_merge.h"
#include "http/handlers.h"
#include "http/req.h"

#define Q_MAX 100
#define PREF_KEY_MAX 40
#define PREF_VALUE_MAX 200

static const char *const customer_fields[] = {
	"name", "phone", "email", "birthday", "gender", "tags", "consent_sms",
	"consent_email", "consent_wechat", "consent_source", "home_store_id", "city",
	"preferences", "member_code", "lang", NULL};

/* Optional text: set when the key is present (null clears it). */
static unsigned opt_str(json_t *in, const char *key, size_t max, const char **out,
			struct err *e)
{
	return jx_str(in, key, 0, max, out, e) || jx_present(in, key);
}

static int opt_bool(json_t *in, const char *key, struct err *e)
{
	int b;

	if (jx_null(in, key)) {
		err_field(e, key, "must be true or false");
		return -1;
	}
	return jx_bool(in, key, 0, &b, e) ? b : -1;
}

/* tags: an array of strings (other items: a type error). */
static void read_tags(struct req *r, json_t *in, struct customer_input *ci)
{
	json_t *arr, *t;
	size_t i;

	if (!jx_array(in, "tags", 0, &arr, &r->err)) {
		ci->set_tags = jx_present(in, "tags");
		return;
	}
	ci->set_tags = 1;
	const char **tags = arena_calloc(r->a, json_array_size(arr) + 1, sizeof *tags);
	json_array_foreach(arr, i, t) {
		if (!json_is_string(t)) {
			err_type(&r->err, "tags", "an array of strings");
			return;
		}
		tags[i] = json_string_value(t);
	}
	ci->tags = tags;
	ci->ntags = (int)json_array_size(arr);
}

/* preferences: an object of string or number values, kept as JSON text. */
static void read_preferences(struct req *r, json_t *in, struct customer_input *ci)
{
	json_t *p = json_object_get(in, "preferences"), *v;
	const char *k;

	if (!p)
		return;
	ci->set_preferences = 1;
	if (json_is_null(p))
		return;
	if (!json_is_object(p)) {
		err_type(&r->err, "preferences", "an object");
		return;
	}
	json_object_foreach(p, k, v) {
		if (!*k || strlen(k) > PREF_KEY_MAX)
			err_field(&r->err, "preferences", "keys must be 1 to %d bytes",
				  PREF_KEY_MAX);
		else if (json_is_string(v) && json_string_length(v) > PREF_VALUE_MAX)
			err_field(&r->err, "preferences", "values must be at most %d bytes",
				  PREF_VALUE_MAX);
		else if (!json_is_string(v) && !json_is_number(v))
			err_field(&r->err, "preferences", "values must be strings or numbers");
		else
			continue;
		return;
	}
	char *s = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	ci->preferences = arena_strdup(r->a, s);
	free(s);
	ci->nprefs = (int)json_object_size(p);
}

static void read_customer(struct req *r, json_t *in, int creating, struct customer_input *ci)
{
	struct err *e = &r->err;
	int64_t v;

	jx_no_unknown(in, customer_fields, e);
	ci->set_name = jx_str(in, "name", creating || jx_present(in, "name") ? JX_REQUIRED : 0,
			      CUSTOMER_NAME_MAX_CHARS, &ci->name, e) || jx_present(in, "name");
	ci->set_phone = opt_str(in, "phone", 32, &ci->phone, e);
	ci->set_email = opt_str(in, "email", 254, &ci->email, e);
	if (jx_present(in, "birthday")) {
		ci->set_birthday = 1;
		if (!jx_null(in, "birthday"))
			jx_day(in, "birthday", JX_REQUIRED, &ci->birthday, e);
	}
	ci->set_gender = opt_str(in, "gender", 16, &ci->gender, e);
	ci->set_city = opt_str(in, "city", 50, &ci->city, e);
	ci->set_lang = opt_str(in, "lang", 8, &ci->lang, e);
	ci->set_member_code = opt_str(in, "member_code", 32, &ci->member_code, e);
	if (ci->set_member_code && !ci->member_code)
		err_field(e, "member_code", "must not be null");
	jx_str(in, "consent_source", 0, 32, &ci->consent_source, e);
	read_tags(r, in, ci);
	read_preferences(r, in, ci);
	ci->consent_sms = opt_bool(in, "consent_sms", e);
	ci->consent_email = opt_bool(in, "consent_email", e);
	ci->consent_wechat = opt_bool(in, "consent_wechat", e);
	if (jx_present(in, "home_store_id")) {
		ci->set_home_store = 1;
		if (jx_int_null(in, "home_store_id", 1, INT64_MAX, 0, &v, e))
			ci->home_store_id = v;
	}
}

int h_customers_create(struct req *r)
{
	struct customer_input ci = {0};
	struct customer *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_customer(r, in, 1, &ci);
	if (req_bad_types(r))
		return r->err.code;
	rc = customer_create(r->db, r->a, &r->actor, &ci, &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, customer_to_json(c, 0), c->id);
}

int h_customers_patch(struct req *r)
{
	struct customer_input ci = {0};
	struct customer *c;
	json_t *in;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_customer(r, in, 0, &ci);
	if (req_bad_types(r))
		return r->err.code;
	rc = customer_update(r->db, r->a, &r->actor, r->ids[0], &ci, &c, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, customer_to_json(c, 0));
}

int h_customers_get(struct req *r)
{
	json_t *o;
	int rc = customer_profile(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &o, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}

static json_t *customer_row(const void *rows, int i)
{
	return customer_to_json(((struct customer *const *)rows)[i], 0);
}

static json_t *customer_row_masked(const void *rows, int i)
{
	return customer_to_json(((struct customer *const *)rows)[i], 1);
}

/* GET /customers?phone=&phone_last4=&member_code=&q=&tag=&tier=&home_store_id= */
int h_customers_list(struct req *r)
{
	struct customer_filter f = {0};
	struct customer **list;
	int64_t cursor;
	int n, more, rc;

	req_page(r, &f.limit, &cursor);
	f.after_id = cursor;
	f.phone = req_query(r, "phone");
	f.phone_last4 = req_query(r, "phone_last4");
	f.member_code = req_query(r, "member_code");
	f.q = req_query(r, "q");
	f.tag = req_query(r, "tag");
	f.tier = req_query(r, "tier");
	const char *const texts[] = {f.phone, f.member_code, f.q, f.tag, f.tier};
	const char *const names[] = {"phone", "member_code", "q", "tag", "tier"};
	for (int i = 0; i < 5; i++)
		if (texts[i] && strlen(texts[i]) > Q_MAX)
			err_field(&r->err, names[i], "must be at most %d bytes", Q_MAX);
	jx_qint(req_query(r, "home_store_id"), "home_store_id", 1, INT64_MAX, &f.home_store_id,
		&r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.home_store_id && !req_store_visible(r, f.home_store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		f.scope_user_id = r->user->id;
	rc = customer_list(r->db, r->a, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0,
			  r->user->role == ROLE_SALES ? customer_row_masked : customer_row);
}

static json_t *sale_row(const void *rows, int i)
{
	return sale_head_to_json(&((const struct sale_head *)rows)[i]);
}

int h_customer_sales_list(struct req *r)
{
	struct sale_head *list;
	int64_t cursor;
	int limit, n, more, rc;

	req_page(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = customer_sales(r->db, r->a, &r->actor, r->ids[0], cursor, limit, &list, &n, &more,
			    &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1].id : 0, sale_row);
}

static json_t *event_row(const void *rows, int i)
{
	return customer_event_to_json(&((const struct customer_event *)rows)[i]);
}

int h_customer_timeline(struct req *r)
{
	struct customer_event *list;
	const char *cursor, *next;
	int limit, n, rc;

	req_page_text(r, &limit, &cursor);
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = customer_timeline(r->db, r->a, &r->actor, r->ids[0], cursor, limit, &list, &n,
			       &next, &r->err);
	if (rc < 0)
		return rc;
	return reply_page_cursor(r, list, n, next, event_row);
}

static json_t *dup_row(const void *rows, int i)
{
	const struct customer_dup *d = &((const struct customer_dup *)rows)[i];

	return json_pack("{s:I,s:I,s:s}", "a_id", (json_int_t)d->a_id, "b_id",
			 (json_int_t)d->b_id, "reason", d->reason);
}

/* GET /customers/duplicates; the cursor is "a_id:b_id". */
int h_customers_duplicates(struct req *r)
{
	struct customer_dup *list;
	const char *cursor;
	int64_t after_a = 0, after_b = 0;
	int limit, n, more, rc;

	req_page_text(r, &limit, &cursor);
	if (cursor) {
		char *end;
		after_a = strtoll(cursor, &end, 10);
		if (*end != ':' || after_a < 0 || end == cursor)
			err_field(&r->err, "cursor", "must be a cursor from a previous page");
		else if (jx_qint(end + 1, "cursor", 0, INT64_MAX, &after_b, &r->err) != 1)
			err_field(&r->err, "cursor", "must be a cursor from a previous page");
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = customer_duplicates(r->db, r->a,
				 (r->user->role & ROLE_STORE_BOUND) ? r->user->id : 0, after_a,
				 after_b, limit, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	const char *next = more && n ? arena_printf(r->a, "%lld:%lld", (long long)list[n - 1].a_id,
						    (long long)list[n - 1].b_id)
				     : NULL;
	return reply_page_cursor(r, list, n, next, dup_row);
}

/* POST /customers/{id}/merge {"from_id": N}: from_id folds into {id}. */
int h_customers_merge(struct req *r)
{
	static const char *const allowed[] = {"from_id", NULL};
	json_t *in;
	int64_t from_id = 0;
	struct customer *c;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	jx_int(in, "from_id", JX_REQUIRED, 1, INT64_MAX, &from_id, &r->err);
	if (req_bad_types(r) || err_fields_done(&r->err))
		return r->err.code;
	rc = customer_merge(r->db, &r->actor, r->ids[0], from_id, &r->err);
	if (rc < 0)
		return rc;
	if ((rc = customer_get(r->db, r->a, r->ids[0], &c, &r->err)) < 0)
		return rc;
	return reply_json(r, 200, customer_to_json(c, 0));
}

int h_customers_export(struct req *r)
{
	json_t *o;
	int rc = customer_export(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &o, &r->err);

	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}

int h_customers_erase(struct req *r)
{
	int rc = customer_erase(r->db, &r->actor, r->ids[0], &r->err);

	if (rc < 0)
		return rc;
	return reply_no_content(r);
}
