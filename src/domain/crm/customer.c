/* customer.c: customer profiles (create, change, the 360° read, lookups and
 * likely duplicates). Audit rows name ids and changed fields only, never the
 * personal data itself, so that an erasure leaves nothing behind. */
#include "domain/crm/customer.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/crm/customer_scope.h"
#include "domain/crm/customer_text.h"
#include "domain/org/audit.h"
#include "domain/purchasing/supplier.h"

#define CITY_MAX_CHARS 50
#define EMAIL_MAX 254
#define SOURCE_MAX_CHARS 32
#define MEMBER_CODE_MIN 4
#define MEMBER_CODE_MAX 32
#define PREFS_MAX_BYTES 4000
#define INITIALS_MAX 64
#define FAVOURITES 3
#define DAY_MS 86400000LL

const char *const customer_genders[] = {"female", "male", "other", NULL};
const char *const customer_channels[] = {"sms", "email", "wechat", NULL};
const char *const customer_langs[] = {"zh-CN", "en", NULL};

#define CUST_COLS                                                              \
	"c.id, c.name, c.name_initials, c.phone, c.phone_last4, c.email,"       \
	" c.birthday, c.gender, c.city, c.home_store_id, c.member_code, c.tags," \
	" c.preferences, c.consent_sms, c.consent_email, c.consent_wechat,"    \
	" c.bucket, c.tier_id, t.code, t.name, c.points_balance, c.points_owed," \
	" c.sv_paid_balance, c.sv_bonus_balance, c.lifetime_spend,"            \
	" c.orders_count, c.first_purchase_at, c.last_purchase_at, c.rfm_r,"   \
	" c.rfm_f, c.rfm_m, c.rfm_at, c.erased_at, c.created_by, c.created_at," \
	" c.updated_at, c.lang"
#define CUST_FROM " FROM customers c LEFT JOIN tiers t ON t.id = c.tier_id"

static struct customer *customer_from_row(struct db_stmt *st, struct arena *a)
{
	struct customer *c = arena_calloc(a, 1, sizeof *c);
	int i = 0;

	c->id = db_col_int64(st, i++);
	c->name = arena_strdup(a, db_col_text(st, i++));
	c->name_initials = arena_strdup(a, db_col_text(st, i++));
	c->phone = arena_strdup(a, db_col_text(st, i++));
	c->phone_last4 = arena_strdup(a, db_col_text(st, i++));
	c->email = arena_strdup(a, db_col_text(st, i++));
	c->birthday = arena_strdup(a, db_col_text(st, i++));
	c->gender = arena_strdup(a, db_col_text(st, i++));
	c->city = arena_strdup(a, db_col_text(st, i++));
	c->home_store_id = db_col_int64(st, i++);
	c->member_code = arena_strdup(a, db_col_text(st, i++));
	c->tags = arena_strdup(a, db_col_text(st, i++));
	c->preferences = arena_strdup(a, db_col_text(st, i++));
	c->consent_sms = (int)db_col_int64(st, i++);
	c->consent_email = (int)db_col_int64(st, i++);
	c->consent_wechat = (int)db_col_int64(st, i++);
	c->bucket = db_col_int64(st, i++);
	c->tier_id = db_col_int64(st, i++);
	c->tier_code = arena_strdup(a, db_col_text(st, i++));
	c->tier_name = arena_strdup(a, db_col_text(st, i++));
	c->points_balance = db_col_int64(st, i++);
	c->points_owed = db_col_int64(st, i++);
	c->sv_paid_balance = db_col_int64(st, i++);
	c->sv_bonus_balance = db_col_int64(st, i++);
	c->lifetime_spend = db_col_int64(st, i++);
	c->orders_count = db_col_int64(st, i++);
	c->first_purchase_at = db_col_int64(st, i++);
	c->last_purchase_at = db_col_int64(st, i++);
	c->rfm_r = (int)db_col_int64(st, i++);
	c->rfm_f = (int)db_col_int64(st, i++);
	c->rfm_m = (int)db_col_int64(st, i++);
	c->rfm_at = db_col_int64(st, i++);
	c->erased_at = db_col_int64(st, i++);
	c->created_by = db_col_int64(st, i++);
	c->created_at = db_col_int64(st, i++);
	c->updated_at = db_col_int64(st, i++);
	c->lang = arena_strdup(a, db_col_text(st, i++));
	if (!c->name)
		c->name = "";
	if (!c->name_initials)
		c->name_initials = "";
	return c;
}

static json_t *json_or(const char *text, json_t *fallback)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

	if (!v)
		return fallback;
	json_decref(fallback);
	return v;
}

json_t *customer_to_json(const struct customer *c, int mask_phone)
{
	char masked[PHONE_NORM_MAX + 8];
	const char *phone = c->phone;

	if (mask_phone && phone) {
		phone_mask(phone, masked, sizeof masked);
		phone = masked;
	}
	json_t *o = json_pack(
		"{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:b,s:b,s:b,"
		"s:o,s:o,s:I,s:I,s:I,s:I,s:o,s:o,s:o}",
		"id", (json_int_t)c->id, "name", c->name, "name_initials", c->name_initials,
		"phone", jx_strn(phone), "phone_last4", jx_strn(c->phone_last4),
		"email", jx_strn(c->email), "birthday", jx_strn(c->birthday),
		"gender", jx_strn(c->gender), "city", jx_strn(c->city),
		"home_store_id", c->home_store_id ? json_integer(c->home_store_id) : json_null(),
		"member_code", c->member_code ? c->member_code : "",
		"tags", json_or(c->tags, json_array()),
		"preferences", json_or(c->preferences, json_object()),
		"consent_sms", c->consent_sms, "consent_email", c->consent_email,
		"consent_wechat", c->consent_wechat,
		"tier", jx_strn(c->tier_code), "tier_name", jx_strn(c->tier_name),
		"points_balance", (json_int_t)c->points_balance,
		"stored_value_balance", (json_int_t)(c->sv_paid_balance + c->sv_bonus_balance),
		"lifetime_spend", (json_int_t)c->lifetime_spend,
		"orders_count", (json_int_t)c->orders_count,
		"last_purchase_at", jx_time(c->last_purchase_at),
		"created_at", jx_time(c->created_at), "updated_at", jx_time(c->updated_at));
	json_object_set_new(o, "lang", jx_strn(c->lang));
	return o;
}

static const char SQL_CUSTOMER_GET[] =
	"SELECT " CUST_COLS CUST_FROM " WHERE c.id = ?";

int customer_get(struct db *db, struct arena *a, int64_t id, struct customer **out,
		 struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_CUSTOMER_GET, "i", id);
	int rc = db_get_row(st, "customer", id, e);

	if (rc < 0)
		return rc;
	*out = customer_from_row(st, a);
	db_reset(st);
	return 0;
}

void member_code_generate(char *out, size_t n)
{
	char body[MEMBER_CODE_LEN];

	if (n < MEMBER_CODE_LEN + 1) {
		if (n)
			out[0] = '\0';
		return;
	}
	/* 11 uniform digits, the first not 0, from two draws (each draw is a
	 * system call: an import makes 100,000 codes) */
	snprintf(body, sizeof body, "%05u%06u", 10000 + randombytes_uniform(90000),
		 randombytes_uniform(1000000));
	memcpy(out, body, MEMBER_CODE_LEN - 1);
	out[MEMBER_CODE_LEN - 1] = (char)('0' + member_code_check_digit(body));
	out[MEMBER_CODE_LEN] = '\0';
}

/* ---- checks ------------------------------------------------------------ */

/* The values a write stores, normalized; strings in the arena. */
struct cust_values {
	const char *name, *initials, *phone, *last4, *email, *birthday, *birth_md;
	const char *gender, *city, *member_code, *tags, *prefs, *lang;
	int64_t home_store_id;
	int consent[3];
};

static int member_code_chars_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < MEMBER_CODE_MIN || n > MEMBER_CODE_MAX)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z')))
			return 0;
	return 1;
}

/* Checks the fields of `in` that apply (all when creating) and fills v with
 * their normalized values over the old ones. Field errors go to e. */
static void check_input(struct arena *a, const struct customer_input *in, int creating,
			int64_t now, struct cust_values *v, struct err *e)
{
	if (creating || in->set_name) {
		text_check(e, "name", in->name, 1, CUSTOMER_NAME_MAX_CHARS);
		if (in->name) {
			char ini[INITIALS_MAX];
			name_initials(in->name, ini, sizeof ini);
			v->name = in->name;
			v->initials = arena_strdup(a, ini);
		}
	}
	if (creating || in->set_phone) {
		const char *p = text_or_null(in->phone);
		char norm[PHONE_NORM_MAX];
		v->phone = v->last4 = NULL;
		if (p && phone_normalize(p, norm, sizeof norm) < 0) {
			err_field(e, "phone", "must be a mainland mobile number (11 digits "
				  "starting 13-19) or E.164 (+ and 8 to 15 digits)");
		} else if (p) {
			v->phone = arena_strdup(a, norm);
			v->last4 = arena_strdup(a, norm + strlen(norm) - 4);
		}
	}
	if (creating || in->set_email) {
		const char *m = text_or_null(in->email);
		v->email = NULL;
		if (m && (strlen(m) > EMAIL_MAX || !supplier_email_valid(m)))
			err_field(e, "email", "is not a valid e-mail address");
		else
			v->email = m;
	}
	if (creating || in->set_birthday) {
		const char *b = text_or_null(in->birthday);
		char today[11];
		ts_day(now, today, sizeof today);
		v->birthday = v->birth_md = NULL;
		if (b && !ts_day_valid(b))
			err_field(e, "birthday", "is not a valid date (YYYY-MM-DD)");
		else if (b && strcmp(b, today) > 0)
			err_field(e, "birthday", "must not be in the future");
		else if (b && strcmp(b, "1900-01-01") < 0)
			err_field(e, "birthday", "must be on or after 1900-01-01");
		else if (b) {
			v->birthday = b;
			v->birth_md = arena_strdup(a, b + 5);
		}
	}
	if (creating || in->set_gender) {
		const char *g = text_or_null(in->gender);
		int ok = !g;
		for (int i = 0; g && customer_genders[i]; i++)
			ok |= strcmp(g, customer_genders[i]) == 0;
		if (!ok)
			err_field(e, "gender", "must be one of: female, male, other");
		v->gender = ok ? g : NULL;
	}
	if (creating || in->set_city) {
		v->city = text_or_null(in->city);
		if (v->city)
			text_check(e, "city", v->city, 0, CITY_MAX_CHARS);
	}
	if (in->set_member_code) {
		const char *m = text_or_null(in->member_code);
		if (!m || !member_code_chars_ok(m))
			err_field(e, "member_code", "must be %d to %d letters or digits",
				  MEMBER_CODE_MIN, MEMBER_CODE_MAX);
		else
			v->member_code = m;
	}
	if (creating || in->set_tags) {
		json_t *arr = json_array();
		if (in->ntags > CUSTOMER_TAGS_MAX)
			err_field(e, "tags", "must hold at most %d tags", CUSTOMER_TAGS_MAX);
		for (int i = 0; i < in->ntags && i < CUSTOMER_TAGS_MAX; i++) {
			const char *t = in->tags[i];
			size_t k, dup = 0;
			if (!t || text_blank(t, strlen(t)) ||
			    utf8_chars(t) > CUSTOMER_TAG_MAX_CHARS) {
				err_field(e, "tags", "each tag must be 1 to %d characters",
					  CUSTOMER_TAG_MAX_CHARS);
				break;
			}
			for (k = 0; k < json_array_size(arr); k++)
				dup |= strcmp(json_string_value(json_array_get(arr, k)), t) == 0;
			if (!dup)
				json_array_append_new(arr, json_string(t));
		}
		char *s = json_dumps(arr, JSON_COMPACT);
		v->tags = arena_strdup(a, s);
		free(s);
		json_decref(arr);
	}
	if (creating || in->set_preferences) {
		const char *p = in->preferences ? in->preferences : "{}";
		if (in->nprefs > CUSTOMER_PREFS_MAX)
			err_field(e, "preferences", "must hold at most %d keys",
				  CUSTOMER_PREFS_MAX);
		else if (strlen(p) > PREFS_MAX_BYTES)
			err_field(e, "preferences", "must be at most %d bytes as JSON",
				  PREFS_MAX_BYTES);
		v->prefs = p;
	}
	if (creating || in->set_lang) {
		const char *l = text_or_null(in->lang);
		int ok = !l;
		for (int i = 0; l && customer_langs[i]; i++)
			ok |= strcmp(l, customer_langs[i]) == 0;
		if (!ok)
			err_field(e, "lang", "must be one of: zh-CN, en");
		v->lang = ok ? l : NULL;
	}
	if (in->consent_source)
		text_check(e, "consent_source", in->consent_source, 0, SOURCE_MAX_CHARS);
	if (in->consent_sms >= 0)
		v->consent[0] = in->consent_sms != 0;
	if (in->consent_email >= 0)
		v->consent[1] = in->consent_email != 0;
	if (in->consent_wechat >= 0)
		v->consent[2] = in->consent_wechat != 0;
}

static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";

/* The home store: a known store (422), one of a store-bound actor's (403). */
static int check_home_store(struct db *db, const struct actor *who, int64_t store_id,
			    struct err *e)
{
	int rc;

	if (!store_id)
		return 0;
	rc = db_exists(db_query(db, e, SQL_STORE_EXISTS, "i", store_id), e);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		err_field(e, "home_store_id", "no such store");
		return err_fields_done(e);
	}
	if (!actor_sees_store(who, store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
			       (long long)store_id);
	return 0;
}

static const char SQL_PHONE_TAKEN[] =
	"SELECT 1 FROM customers WHERE phone = ? AND id <> ?";
static const char SQL_CODE_TAKEN[] =
	"SELECT 1 FROM customers WHERE member_code = ? AND id <> ?";

static int taken(struct db *db, const char *sql, const char *val, int64_t id,
		 const char *field, struct err *e)
{
	int rc;

	if (!val)
		return 0;
	rc = db_exists(db_query(db, e, sql, "ti", val, id), e);
	if (rc < 0)
		return rc;
	if (rc) {
		err_field(e, field, "is already in use");
		return err_set(e, ERR_DUPLICATE, "the %s is already in use by another customer",
			       field);
	}
	return 0;
}

/* A unique violation that raced past the checks still names its field. */
static void note_duplicate(struct err *e)
{
	if (e->code != ERR_DUPLICATE || e->nfields)
		return;
	err_field(e, strstr(e->msg, "member_code") ? "member_code" : "phone",
		  "is already in use");
}

static const char SQL_TAGS_CLEAR[] = "DELETE FROM customer_tags WHERE customer_id = ?";
static const char SQL_TAG_ADD[] =
	"INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)";

static int write_tags(struct db *db, int64_t id, const char *tags_json, struct err *e)
{
	json_t *arr = json_loads(tags_json, 0, NULL);
	size_t i;
	json_t *t;
	int rc = db_run(db_query(db, e, SQL_TAGS_CLEAR, "i", id), e);

	json_array_foreach(arr, i, t) {
		if (rc < 0)
			break;
		rc = db_run(db_query(db, e, SQL_TAG_ADD, "it", id, json_string_value(t)), e);
	}
	json_decref(arr);
	return rc < 0 ? db_fail(e) : 0;
}

static const char SQL_CONSENT_ADD[] =
	"INSERT INTO customer_consents (customer_id, channel, granted, at, source, user_id)"
	" VALUES (?, ?, ?, ?, ?, ?)";

/* One customer_consents row per channel whose consent was given in `in`
 * and differs from old (old NULL: creating, every given channel). Adds the
 * changed channels to the audit summary. */
static int write_consents(struct db *db, const struct actor *who, int64_t id,
			  const struct customer_input *in, const int *old,
			  const int *now_vals, int64_t now, json_t *changes, struct err *e)
{
	const int given[3] = {in->consent_sms, in->consent_email, in->consent_wechat};
	const char *src = in->consent_source && *in->consent_source ? in->consent_source : "api";
	int64_t uid = who->user ? who->user->id : 0;

	for (int i = 0; i < 3; i++) {
		char key[24];
		if (given[i] < 0 || (old && old[i] == now_vals[i]))
			continue;
		if (db_run(db_query(db, e, SQL_CONSENT_ADD, "itiitI", id, customer_channels[i],
				    (int64_t)now_vals[i], now, src, uid), e) < 0)
			return db_fail(e);
		snprintf(key, sizeof key, "consent_%s", customer_channels[i]);
		json_object_set_new(changes, key, json_boolean(now_vals[i]));
	}
	return 0;
}

static void note_changed(json_t *fields, const char *name, const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		json_array_append_new(fields, json_string(name));
}

static const char SQL_CUSTOMER_INSERT[] =
	"INSERT INTO customers (name, name_initials, phone, phone_last4, email, birthday,"
	" birth_md, gender, city, home_store_id, member_code, tags, preferences,"
	" consent_sms, consent_email, consent_wechat, bucket, created_by, created_at,"
	" updated_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" RETURNING id";

int customer_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct customer_input *in, struct customer **out,
		    struct err *e)
{
	struct cust_values v = {0};
	int64_t now = ts_now_ms(), id = 0;
	char code[MEMBER_CODE_LEN + 1];
	json_t *after, *fields;
	int rc;

	check_input(a, in, 1, now, &v, e);
	v.home_store_id = in->home_store_id;
	/* A store-bound creator's customer belongs to their (first) store. */
	if (!v.home_store_id && who->user && (who->user->role & ROLE_STORE_BOUND) &&
	    who->user->nstores > 0)
		v.home_store_id = who->user->store_ids[0];
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (check_home_store(db, who, v.home_store_id, e) < 0 ||
	    taken(db, SQL_PHONE_TAKEN, v.phone, 0, "phone", e) < 0 ||
	    taken(db, SQL_CODE_TAKEN, v.member_code, 0, "member_code", e) < 0)
		goto fail;
	if (!v.member_code) {
		/* 10^11 codes: a collision is rare; a few tries make it vanish. */
		for (int i = 0; i < 8; i++) {
			member_code_generate(code, sizeof code);
			rc = db_exists(db_query(db, e, SQL_CODE_TAKEN, "ti", code, (int64_t)0), e);
			if (rc < 0)
				goto fail;
			if (rc == 0)
				break;
		}
		v.member_code = code;
	}
	rc = db_int(db_query(db, e, SQL_CUSTOMER_INSERT, "tttttttttItttiiiiIiit", v.name,
			     v.initials, v.phone, v.last4, v.email, v.birthday, v.birth_md,
			     v.gender, v.city, v.home_store_id, v.member_code, v.tags, v.prefs,
			     (int64_t)v.consent[0], (int64_t)v.consent[1],
			     (int64_t)v.consent[2], (int64_t)randombytes_uniform(10000),
			     who->user ? who->user->id : 0, now, now, v.lang),
		    &id, e);
	if (rc <= 0) {
		note_duplicate(e);
		goto fail;
	}
	if (write_tags(db, id, v.tags, e) < 0)
		goto fail;
	if (v.home_store_id && customer_link_store(db, id, v.home_store_id, e) < 0)
		goto fail;
	fields = json_array();
	after = json_pack("{s:o,s:o}", "fields", fields,
			  "home_store_id", v.home_store_id ? json_integer(v.home_store_id)
							   : json_null());
	static const char *const names[] = {"name", "phone", "email", "birthday", "gender",
					    "city", "member_code", "tags", "preferences", "lang"};
	const char *vals[] = {v.name, v.phone, v.email, v.birthday, v.gender, v.city,
			      in->set_member_code ? v.member_code : NULL,
			      in->ntags ? v.tags : NULL, in->nprefs ? v.prefs : NULL, v.lang};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (vals[i])
			json_array_append_new(fields, json_string(names[i]));
	if (write_consents(db, who, id, in, NULL, v.consent, now, after, e) < 0 ||
	    customer_get(db, a, id, out, e) < 0) {
		json_decref(after);
		goto fail;
	}
	rc = audit_commit(db, who, "create", "customer", id, v.home_store_id, NULL, after, e);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_CUSTOMER_UPDATE[] =
	"UPDATE customers SET name = ?, name_initials = ?, phone = ?, phone_last4 = ?,"
	" email = ?, birthday = ?, birth_md = ?, gender = ?, city = ?, home_store_id = ?,"
	" member_code = ?, tags = ?, preferences = ?, consent_sms = ?, consent_email = ?,"
	" consent_wechat = ?, lang = ?, updated_at = ? WHERE id = ?";

int customer_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct customer_input *in,
		    struct customer **out, struct err *e)
{
	struct customer *old;
	struct cust_values v = {0};
	int64_t now = ts_now_ms();
	json_t *after, *fields;
	int rc;

	check_input(a, in, 0, now, &v, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (customer_visible(db, who, id, e) < 0 || customer_get(db, a, id, &old, e) < 0)
		goto fail;
	const int old_consent[3] = {old->consent_sms, old->consent_email, old->consent_wechat};
	if (!in->set_name) {
		v.name = old->name;
		v.initials = old->name_initials;
	}
	if (!in->set_phone) {
		v.phone = old->phone;
		v.last4 = old->phone_last4;
	}
	if (!in->set_email)
		v.email = old->email;
	if (!in->set_birthday) {
		v.birthday = old->birthday;
		v.birth_md = old->birthday ? arena_strdup(a, old->birthday + 5) : NULL;
	}
	if (!in->set_gender)
		v.gender = old->gender;
	if (!in->set_city)
		v.city = old->city;
	if (!in->set_lang)
		v.lang = old->lang;
	if (!in->set_member_code)
		v.member_code = old->member_code;
	if (!in->set_tags)
		v.tags = old->tags;
	if (!in->set_preferences)
		v.prefs = old->preferences;
	v.home_store_id = in->set_home_store ? in->home_store_id : old->home_store_id;
	for (int i = 0; i < 3; i++) {
		const int given[3] = {in->consent_sms, in->consent_email, in->consent_wechat};
		if (given[i] < 0)
			v.consent[i] = old_consent[i];
	}
	if ((in->set_home_store && v.home_store_id != old->home_store_id &&
	     check_home_store(db, who, v.home_store_id, e) < 0) ||
	    (in->set_phone && taken(db, SQL_PHONE_TAKEN, v.phone, id, "phone", e) < 0) ||
	    (in->set_member_code &&
	     taken(db, SQL_CODE_TAKEN, v.member_code, id, "member_code", e) < 0))
		goto fail;
	rc = db_run(db_query(db, e, SQL_CUSTOMER_UPDATE, "tttttttttItttiiitii", v.name,
			     v.initials, v.phone, v.last4, v.email, v.birthday, v.birth_md,
			     v.gender, v.city, v.home_store_id, v.member_code, v.tags, v.prefs,
			     (int64_t)v.consent[0], (int64_t)v.consent[1],
			     (int64_t)v.consent[2], v.lang, now, id), e);
	if (rc < 0) {
		note_duplicate(e);
		goto fail;
	}
	if (in->set_tags && strcmp(v.tags, old->tags) != 0 && write_tags(db, id, v.tags, e) < 0)
		goto fail;
	if (v.home_store_id && v.home_store_id != old->home_store_id &&
	    customer_link_store(db, id, v.home_store_id, e) < 0)
		goto fail;
	fields = json_array();
	note_changed(fields, "name", old->name, v.name);
	note_changed(fields, "phone", old->phone, v.phone);
	note_changed(fields, "email", old->email, v.email);
	note_changed(fields, "birthday", old->birthday, v.birthday);
	note_changed(fields, "gender", old->gender, v.gender);
	note_changed(fields, "city", old->city, v.city);
	note_changed(fields, "lang", old->lang, v.lang);
	note_changed(fields, "member_code", old->member_code, v.member_code);
	note_changed(fields, "tags", old->tags, v.tags);
	note_changed(fields, "preferences", old->preferences, v.prefs);
	if (v.home_store_id != old->home_store_id)
		json_array_append_new(fields, json_string("home_store_id"));
	after = json_pack("{s:o}", "fields", fields);
	if (v.home_store_id != old->home_store_id)
		json_object_set_new(after, "home_store_id",
				    v.home_store_id ? json_integer(v.home_store_id) : json_null());
	if (write_consents(db, who, id, in, old_consent, v.consent, now, after, e) < 0 ||
	    customer_get(db, a, id, out, e) < 0) {
		json_decref(after);
		goto fail;
	}
	rc = audit_commit(db, who, "update", "customer", id, v.home_store_id, NULL, after, e);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- the 360° profile ------------------------------------------------- */

static const char SQL_FAVOURITES[] =
	"SELECT k.id, k.name, SUM(l.total) AS spend FROM sales s"
	" JOIN sale_lines l ON l.sale_id = s.id"
	" JOIN products p ON p.id = l.product_id"
	" JOIN categories k ON k.id = p.category_id"
	" WHERE s.customer_id = ? AND s.at >= ? AND s.status <> 'voided'"
	" GROUP BY k.id, k.name ORDER BY spend DESC, k.id LIMIT ?";
static const char SQL_CONSENTS_LATEST[] =
	"SELECT channel, granted, at, source FROM customer_consents"
	" WHERE customer_id = ? ORDER BY id DESC";
static const char SQL_READ_LOG[] =
	"INSERT INTO customer_reads (customer_id, user_id, at, what) VALUES (?, ?, ?, ?)";

int customer_log_read(struct db *db, const struct actor *who, int64_t id, int64_t now,
		      const char *what, struct err *e)
{
	return db_write(db, e, SQL_READ_LOG, "iIit", id, who->user ? who->user->id : 0, now,
			what);
}

int customer_profile(struct db *db, struct arena *a, const struct actor *who,
		     int64_t id, int64_t now, json_t **out, struct err *e)
{
	struct customer *c;
	struct db_stmt *st;
	json_t *o, *fav, *cons;
	int rc;

	if (customer_visible(db, who, id, e) < 0 || customer_get(db, a, id, &c, e) < 0)
		return db_fail(e);
	o = customer_to_json(c, 0);
	json_object_set_new(o, "points_owed", json_integer(c->points_owed));
	json_object_set_new(o, "stored_value_paid", json_integer(c->sv_paid_balance));
	json_object_set_new(o, "stored_value_bonus", json_integer(c->sv_bonus_balance));
	json_object_set_new(o, "first_purchase_at", jx_time(c->first_purchase_at));
	json_object_set_new(o, "avg_basket", c->orders_count > 0
		? json_integer(c->lifetime_spend / c->orders_count) : json_null());
	json_object_set_new(o, "rfm", c->rfm_r > 0
		? json_pack("{s:i,s:i,s:i}", "r", c->rfm_r, "f", c->rfm_f, "m", c->rfm_m)
		: json_null());
	json_object_set_new(o, "rfm_at", jx_time(c->rfm_at));

	fav = json_array();
	json_object_set_new(o, "favourite_categories", fav);
	st = db_query(db, e, SQL_FAVOURITES, "iii", id, now - 365 * DAY_MS, (int64_t)FAVOURITES);
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(fav, json_pack("{s:I,s:s,s:I}", "category_id",
			(json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1),
			"spend", (json_int_t)db_col_int64(st, 2)));
	db_reset(st);
	if (rc < 0)
		goto fail;

	cons = json_object();
	json_object_set_new(o, "consents", cons);
	const int cur[3] = {c->consent_sms, c->consent_email, c->consent_wechat};
	for (int i = 0; i < 3; i++)
		json_object_set_new(cons, customer_channels[i],
				    json_pack("{s:b,s:n,s:n}", "granted", cur[i], "at", "source"));
	st = db_query(db, e, SQL_CONSENTS_LATEST, "i", id);
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *ch = json_object_get(cons, db_col_text(st, 0));
		if (ch && json_is_null(json_object_get(ch, "at"))) {
			json_object_set_new(ch, "at", jx_time(db_col_int64(st, 2)));
			json_object_set_new(ch, "source", jx_strn(db_col_text(st, 3)));
		}
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (customer_log_read(db, who, id, now, "profile", e) < 0)
		goto fail;
	*out = o;
	return 0;
fail:
	json_decref(o);
	return db_fail(e);
}

/* ---- lists -------------------------------------------------------------- */

/* Every list query: a driving condition that an index serves, then these
 * optional filters, the scope and the keyset. */
#define SCOPE_OF(alias)                                                        \
	"(SELECT 1 FROM customer_stores cs JOIN user_stores us"                \
	" ON us.store_id = cs.store_id WHERE cs.customer_id = " alias ".id"    \
	" AND us.user_id = ?)"
#define CUST_FILTERS                                                           \
	" AND c.erased_at IS NULL"                                             \
	" AND (CAST(? AS TEXT) IS NULL OR c.phone = ?)"                         \
	" AND (CAST(? AS TEXT) IS NULL OR c.member_code = ?)"                   \
	" AND (CAST(? AS TEXT) IS NULL OR c.phone_last4 = ?)"                   \
	" AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM customer_tags ct" \
	" WHERE ct.customer_id = c.id AND ct.tag = ?))"                         \
	" AND (CAST(? AS TEXT) IS NULL OR t.code = ?)"                          \
	" AND (? = 0 OR c.home_store_id = ?)"
#define CUST_PAGE " AND c.id > ? ORDER BY c.id LIMIT ?"
#define CUST_SELECT "SELECT " CUST_COLS CUST_FROM
/* Each driver twice: for every customer, and within a store-bound user's
 * stores (a plain EXISTS, which PostgreSQL turns into an indexed semi-join
 * where an OR with a parameter would make it hash all of customer_stores). */
#define LIST_SQL(where)                                                        \
	{CUST_SELECT where CUST_FILTERS CUST_PAGE,                              \
	 CUST_SELECT where CUST_FILTERS " AND EXISTS " SCOPE_OF("c") CUST_PAGE}

enum list_driver { L_PHONE, L_CODE, L_DIGITS, L_LAST4, L_NAME, L_LETTERS, L_TAG,
		   L_HOME, L_TIER, L_SCOPED, L_ALL, L__COUNT };

static const char *const list_sql[L__COUNT][2] = {
	[L_PHONE] = LIST_SQL(" WHERE c.phone = ?"),
	[L_CODE] = LIST_SQL(" WHERE c.member_code = ?"),
	[L_DIGITS] = LIST_SQL(" WHERE (c.phone = ? OR c.member_code = ?)"),
	[L_LAST4] = LIST_SQL(" WHERE c.phone_last4 = ?"),
	/* A name range as an id list read from the index alone: only the
	 * page's rows are then read from the table, in id order. */
	[L_NAME] = LIST_SQL(" WHERE c.id IN (SELECT n.id FROM customers n"
			    " WHERE n.name >= ? AND n.name < ?"
			    " AND substr(n.name, 1, CAST(? AS INTEGER)) = ?)"),
	/* Two index ranges (initials, name) as one id list: an OR of the two
	 * would scan the table by id. */
	[L_LETTERS] = LIST_SQL(" WHERE c.id IN (SELECT i.id FROM customers i"
			       " WHERE i.name_initials >= ? AND i.name_initials < ?"
			       " UNION ALL SELECT n.id FROM customers n"
			       " WHERE n.name >= ? AND n.name < ?"
			       " AND substr(n.name, 1, CAST(? AS INTEGER)) = ?)"),
	[L_TAG] = LIST_SQL(" WHERE c.id IN (SELECT tg.customer_id FROM customer_tags tg"
			   " WHERE tg.tag = ?)"),
	[L_HOME] = LIST_SQL(" WHERE c.home_store_id = ?"),
	[L_TIER] = LIST_SQL(" WHERE c.tier_id = (SELECT id FROM tiers WHERE code = ?)"),
	[L_SCOPED] = LIST_SQL(" WHERE c.id IN (SELECT cs2.customer_id FROM customer_stores cs2"
			      " JOIN user_stores us2 ON us2.store_id = cs2.store_id"
			      " WHERE us2.user_id = ?)"),
	[L_ALL] = LIST_SQL(" WHERE 1 = 1"),
};

/* The smallest string greater than every string starting with s: s with
 * its last code point raised by one (in a). NULL for an empty s. */
static char *prefix_end(struct arena *a, const char *s)
{
	size_t n = strlen(s), i;
	unsigned cp;
	char *out;

	if (n == 0)
		return NULL;
	i = n - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	const unsigned char *p = (const unsigned char *)s + i;
	size_t len = n - i;
	if (len == 1)
		cp = p[0];
	else if (len == 2)
		cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
	else if (len == 3)
		cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
	else
		cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
		     (p[3] & 0x3Fu);
	cp++;
	if (cp == 0xD800)
		cp = 0xE000;
	out = arena_alloc(a, i + 5);
	memcpy(out, s, i);
	char *q = out + i;
	if (cp < 0x80) {
		*q++ = (char)cp;
	} else if (cp < 0x800) {
		*q++ = (char)(0xC0 | (cp >> 6));
		*q++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*q++ = (char)(0xE0 | (cp >> 12));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*q++ = (char)(0x80 | (cp & 0x3F));
	} else {
		if (cp > 0x10FFFF)
			cp = 0x10FFFF;
		*q++ = (char)(0xF0 | (cp >> 18));
		*q++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*q++ = (char)(0x80 | (cp & 0x3F));
	}
	*q = '\0';
	return out;
}

static int all_in(const char *s, const char *lo, const char *hi)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= lo[0] && *s <= hi[0]) || (lo[1] && *s >= lo[1] && *s <= hi[1])))
			return 0;
	return 1;
}

int customer_list(struct db *db, struct arena *a, const struct customer_filter *f,
		  struct customer ***out, int *n, int *more, struct err *e)
{
	char norm[PHONE_NORM_MAX];
	const char *phone = NULL, *q = f->q && *f->q ? f->q : NULL;
	struct db_stmt *st;
	struct page pg;
	int idx = 1, rc;

	if (f->phone && *f->phone) {
		if (phone_normalize(f->phone, norm, sizeof norm) < 0)
			err_field(e, "phone", "is not a valid phone number");
		else
			phone = arena_strdup(a, norm);
	}
	if (f->phone_last4 && *f->phone_last4 &&
	    (strlen(f->phone_last4) != 4 || !all_in(f->phone_last4, "0", "9")))
		err_field(e, "phone_last4", "must be 4 digits");
	if (err_fields_done(e))
		return e->code;
	const char *last4 = f->phone_last4 && *f->phone_last4 ? f->phone_last4 : NULL;
	const char *code = f->member_code && *f->member_code ? f->member_code : NULL;
	const char *tag = f->tag && *f->tag ? f->tag : NULL;
	const char *tier = f->tier && *f->tier ? f->tier : NULL;

	/* The driver: the most selective filter given. */
	enum list_driver d = phone ? L_PHONE
		: code ? L_CODE
		: q && all_in(q, "0", "9") ? (strlen(q) == 4 ? L_LAST4 : L_DIGITS)
		: q && all_in(q, "aA", "zZ") ? L_LETTERS
		: q ? L_NAME
		: last4 ? L_LAST4
		: tag ? L_TAG
		: f->home_store_id ? L_HOME
		: tier ? L_TIER
		: f->scope_user_id ? L_SCOPED
		: L_ALL;
	page_init(&pg, a, f->limit, sizeof(struct customer *));
	if (!(st = db_prepare(db, list_sql[d][f->scope_user_id != 0], e)))
		return db_fail(e);
	switch (d) {
	case L_PHONE:
		db_bind_text(st, idx++, phone);
		break;
	case L_CODE:
		db_bind_text(st, idx++, code);
		break;
	case L_DIGITS:
		db_bind_text(st, idx++, phone_normalize(q, norm, sizeof norm) == 0 ? norm : q);
		db_bind_text(st, idx++, q);
		break;
	case L_LAST4:
		db_bind_text(st, idx++, q ? q : last4);
		break;
	case L_LETTERS: { /* the initials range, then the name range */
		char *low = arena_strdup(a, q);
		for (char *p = low; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p | 0x20);
		db_bind_text(st, idx++, low);
		db_bind_text(st, idx++, prefix_end(a, low));
	}
		/* fall through */
	case L_NAME:
		db_bind_text(st, idx++, q);
		db_bind_text(st, idx++, prefix_end(a, q));
		db_bind_int64(st, idx++, (int64_t)utf8_chars(q));
		db_bind_text(st, idx++, q);
		break;
	case L_TAG:
		db_bind_text(st, idx++, tag);
		break;
	case L_HOME:
		db_bind_int64(st, idx++, f->home_store_id);
		break;
	case L_TIER:
		db_bind_text(st, idx++, tier);
		break;
	case L_SCOPED:
		db_bind_int64(st, idx++, f->scope_user_id);
		break;
	default:
		break;
	}
	const char *pairs[] = {phone, code, last4, tag, tier};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		db_bind_text(st, idx++, pairs[i]);
		db_bind_text(st, idx++, pairs[i]);
	}
	db_bind_int64(st, idx++, f->home_store_id);
	db_bind_int64(st, idx++, f->home_store_id);
	if (f->scope_user_id)
		db_bind_int64(st, idx++, f->scope_user_id);
	db_bind_int64(st, idx++, f->after_id);
	db_bind_int64(st, idx++, page_fetch(&pg));
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct customer **)page_add(&pg) = customer_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* ---- duplicates ---------------------------------------------------------- */

static const char SQL_DUPLICATES[] =
	"SELECT d.a_id, d.b_id, d.reason FROM ("
	"SELECT x.id AS a_id, y.id AS b_id, 'name_birthday' AS reason"
	" FROM customers x JOIN customers y ON y.name = x.name AND y.birthday = x.birthday"
	" AND y.id > x.id"
	" WHERE x.birthday IS NOT NULL AND x.erased_at IS NULL AND y.erased_at IS NULL"
	" AND (? = 0 OR (EXISTS " SCOPE_OF("x") " AND EXISTS " SCOPE_OF("y") "))"
	" UNION ALL "
	"SELECT x.id, y.id, 'email'"
	" FROM customers x JOIN customers y ON lower(y.email) = lower(x.email)"
	" AND y.id > x.id"
	" WHERE x.email IS NOT NULL AND x.erased_at IS NULL AND y.erased_at IS NULL"
	" AND (? = 0 OR (EXISTS " SCOPE_OF("x") " AND EXISTS " SCOPE_OF("y") "))"
	") d WHERE d.a_id > ? OR (d.a_id = ? AND d.b_id > ?)"
	" ORDER BY d.a_id, d.b_id, d.reason LIMIT ?";

int customer_duplicates(struct db *db, struct arena *a, int64_t scope_user_id,
			int64_t after_a, int64_t after_b, int limit,
			struct customer_dup **out, int *n, int *more, struct err *e)
{
	struct page pg;
	struct db_stmt *st;
	int rc;

	page_init(&pg, a, limit, sizeof(struct customer_dup));
	st = db_query(db, e, SQL_DUPLICATES, "iiiiiiiiii", scope_user_id, scope_user_id,
		      scope_user_id, scope_user_id, scope_user_id, scope_user_id, after_a,
		      after_a, after_b, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct customer_dup *d = page_add(&pg);
		d->a_id = db_col_int64(st, 0);
		d->b_id = db_col_int64(st, 1);
		d->reason = arena_strdup(a, db_col_text(st, 2));
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
