/* customer.h: customer profiles: create and change them (phone unique and
 * normalized, lookup initials, member code, tags, preferences, consent per
 * channel with its history), read one with its 360° view, and look them up
 * (phone, last four digits, member code, name or initials, tag, tier, home
 * store) within the actor's stores. */
#ifndef TERSA_CUSTOMER_H
#define TERSA_CUSTOMER_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define CUSTOMER_TAGS_MAX 20
#define CUSTOMER_TAG_MAX_CHARS 32
#define CUSTOMER_PREFS_MAX 20
#define CUSTOMER_NAME_MAX_CHARS 100
#define MEMBER_CODE_LEN 12

struct customer {
	int64_t id;
	const char *name, *name_initials;
	const char *phone, *phone_last4, *email; /* may be NULL */
	const char *birthday, *gender, *city;    /* may be NULL */
	int64_t home_store_id;                   /* 0 = none */
	const char *member_code;
	const char *tags;        /* JSON array text */
	const char *preferences; /* JSON object text */
	int consent_sms, consent_email, consent_wechat;
	int64_t bucket;
	int64_t tier_id;                     /* 0 = none */
	const char *tier_code, *tier_name;   /* NULL when no tier */
	int64_t points_balance, points_owed, sv_paid_balance, sv_bonus_balance;
	int64_t lifetime_spend, orders_count, first_purchase_at, last_purchase_at;
	int rfm_r, rfm_f, rfm_m; /* 0 = no score */
	int64_t rfm_at, erased_at, created_by, created_at, updated_at;
	const char *lang; /* messages' language (customer_langs), NULL = the company's */
};

/* For create every field is read; for update only those with set_* = 1.
 * Text "" or NULL clears an optional field. phone is as typed (normalized
 * here). tags: ntags strings; preferences: a JSON object's text with
 * nprefs keys (the caller checked its value types). consent_*: -1
 * unchanged (create: not given, 0). */
struct customer_input {
	const char *name, *phone, *email, *birthday, *gender, *city, *lang;
	const char *member_code, *consent_source;
	const char *const *tags;
	int ntags;
	const char *preferences;
	int nprefs;
	int consent_sms, consent_email, consent_wechat;
	int64_t home_store_id; /* 0 none */
	unsigned set_name : 1, set_phone : 1, set_email : 1, set_birthday : 1,
		set_gender : 1, set_city : 1, set_member_code : 1, set_tags : 1,
		set_preferences : 1, set_home_store : 1, set_lang : 1;
};

/* A list's filters; NULL / 0 = any. q: a name prefix; ASCII letters also
 * match the initials; digits match the phone or member code (four digits:
 * the last four of the phone). */
struct customer_filter {
	const char *phone, *phone_last4, *member_code, *q, *tag, *tier;
	int64_t home_store_id;
	int64_t scope_user_id; /* a store-bound user: only their customers */
	int64_t after_id;
	int limit;
};

extern const char *const customer_genders[]; /* NULL-terminated */
extern const char *const customer_channels[]; /* sms, email, wechat */
extern const char *const customer_langs[];    /* zh-CN, en: a message's language */

/* The profile's own fields as JSON (lists and replies). mask_phone: the
 * phone as 138****5678. Caller owns it. */
json_t *customer_to_json(const struct customer *c, int mask_phone);

/* Creates a profile. Bad values: ERR_INVALID naming each field; a phone or
 * member code in use: ERR_DUPLICATE (field phone / member_code); a
 * store-bound actor naming another store: ERR_FORBIDDEN. Audited with ids
 * and field names only. */
int customer_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct customer_input *in, struct customer **out,
		    struct err *e);
/* Changes the fields set in `in` (same errors; ERR_NOT_FOUND for a
 * customer the actor does not see). */
int customer_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct customer_input *in,
		    struct customer **out, struct err *e);
/* The row, erased or not (callers check visibility first). ERR_NOT_FOUND
 * when absent. */
int customer_get(struct db *db, struct arena *a, int64_t id,
		 struct customer **out, struct err *e);
/* The full profile with the 360° view (balances, purchases, favourite
 * categories, RFM, consents with their latest change) for who, logging
 * the read in customer_reads. ERR_NOT_FOUND when not visible. *out owned
 * by the caller. */
int customer_profile(struct db *db, struct arena *a, const struct actor *who,
		     int64_t id, int64_t now, json_t **out, struct err *e);
/* Records that who read the customer's full data (what: "profile",
 * "export") in customer_reads. 0 or ERR_DB. */
int customer_log_read(struct db *db, const struct actor *who, int64_t id, int64_t now,
		      const char *what, struct err *e);
/* One keyset page by id. ERR_INVALID for bad filter values (phone,
 * phone_last4). */
int customer_list(struct db *db, struct arena *a, const struct customer_filter *f,
		  struct customer ***out, int *n, int *more, struct err *e);

/* Likely duplicates among the customers scope_user_id sees (0: all): pairs
 * with the same name and birthday, or the same e-mail. Keyset by
 * (a_id, b_id) after (after_a, after_b). */
struct customer_dup {
	int64_t a_id, b_id;
	const char *reason; /* "name_birthday" or "email" */
};
int customer_duplicates(struct db *db, struct arena *a, int64_t scope_user_id,
			int64_t after_a, int64_t after_b, int limit,
			struct customer_dup **out, int *n, int *more, struct err *e);

/* A new member code: 11 random digits (the first not 0) and a Luhn check
 * digit. out needs MEMBER_CODE_LEN + 1 bytes. */
void member_code_generate(char *out, size_t n);

#endif
