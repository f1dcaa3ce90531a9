/* care.h: birthday and holiday care. A rule says when (a customer's
 * birthday, or a holiday's month and day, days_before ahead), which coupon
 * template to issue and what greeting to queue on which channels; the daily
 * run issues the coupons and queues the messages, once per customer, rule
 * and year however often it runs. */
#ifndef TERSA_CARE_H
#define TERSA_CARE_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define CARE_NAME_MAX 100
#define CARE_MESSAGE_MAX 500
#define CARE_DAYS_BEFORE_MAX 90

/* Channel bits of care_rule.channels, in the order of outbox_channels. */
enum { CARE_SMS = 1, CARE_EMAIL = 2, CARE_WECHAT = 4 };

struct care_rule {
	int64_t id;
	const char *kind;      /* birthday, holiday */
	const char *name;
	const char *month_day; /* holiday: "MM-DD"; birthday: NULL */
	int64_t days_before;
	int64_t template_id;   /* 0 = no coupon */
	unsigned channels;     /* CARE_* bits */
	const char *message;   /* with {name}, {coupon}, {store} */
	int active;
	int64_t created_at, updated_at;
};

extern const char *const care_kinds[]; /* birthday holiday */

/* Create reads every field; update those with set_* = 1. */
struct care_rule_input {
	const char *kind, *name, *month_day, *message;
	int64_t days_before, template_id; /* template 0 = none */
	unsigned channels;
	int active; /* -1 unchanged (create: 1) */
	unsigned set_kind : 1, set_name : 1, set_month_day : 1, set_message : 1,
	    set_days_before : 1, set_template_id : 1, set_channels : 1;
};

/* Every bad field named (ERR_INVALID): kind, name, month_day (required
 * "MM-DD" for a holiday, none for a birthday), days_before 0..90, an
 * existing template_id, message. Audited. ERR_NOT_FOUND on update. */
int care_rule_create(struct db *db, struct arena *a, const struct actor *who,
		     const struct care_rule_input *in, struct care_rule **out, struct err *e);
int care_rule_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     const struct care_rule_input *in, struct care_rule **out, struct err *e);
int care_rule_get(struct db *db, struct arena *a, int64_t id, struct care_rule **out,
		  struct err *e);
/* Every rule by id (a few at most). */
int care_rule_list(struct db *db, struct arena *a, struct care_rule **out, int *n,
		   struct err *e);
json_t *care_rule_to_json(const struct care_rule *r);

/* A message to a customer (care greetings, campaigns, journeys): message
 * with {name}, {coupon}, {store} and {points} replaced (NULL values by "",
 * other braces kept as written); in a. */
char *care_render(struct arena *a, const char *message, const char *name, const char *coupon,
		  const char *store, const char *points);

struct care_stats {
	int64_t customers; /* cared for in this run */
	int64_t coupons;   /* issued */
	int64_t messages;  /* queued */
};

/* The daily run at now: for each active rule whose occasion falls
 * days_before days after today (company day), every customer not erased
 * and not yet cared for by that rule in the occasion's year — birthday
 * rules: those born on that month and day (on 02-28 of a common year also
 * those born on 02-29); holiday rules: everyone — gets the template's
 * coupon (unless the per-customer limit is reached) and one queued message
 * per rule channel the customer consented to and has an address for (sms:
 * phone, email: email, wechat: member code). One transaction per slice of
 * customers. *st (may be NULL) gets the counts. 0 or negative. */
int care_run(struct db *db, int64_t now, struct care_stats *st, struct err *e);

#endif
