/* saved_segments.h: saved customer segments for marketing: a name, a
 * description and a filter over the customers (tiers, tags, RFM segments,
 * spend and recency ranges, home stores, birthday month, consent per
 * channel, a category bought in a period), with the live count, a sample
 * and the members, all within the customers the viewer sees. */
#ifndef TERSA_SAVED_SEGMENTS_H
#define TERSA_SAVED_SEGMENTS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define SEG_TIERS_MAX 10
#define SEG_TAGS_MAX 10
#define SEG_STORES_MAX 20
#define SEG_RFM_MAX 8
#define SEG_CHANNELS 3
#define SEG_NAME_MAX_CHARS 100
#define SEG_DESCRIPTION_MAX_CHARS 500
#define SEG_SAMPLE 10
#define SEG_RECENCY_MAX_DAYS 36500

/* A filter; every part is optional and the parts are ANDed. Strings point
 * into the JSON they were read from (or the arena). */
struct seg_filter {
	const char *tiers[SEG_TIERS_MAX]; /* tier codes: any of them */
	int ntiers;
	int64_t tier_ids[SEG_TIERS_MAX];  /* resolved by saved_segment_check */
	const char *tags[SEG_TAGS_MAX];   /* distinct */
	int ntags;
	int tags_all;                     /* 1: every tag; 0: any of them */
	const char *rfm[SEG_RFM_MAX];     /* RFM segment codes: any of them */
	int nrfm;
	int64_t spend_min, spend_max;     /* lifetime spend, fen; -1 = open */
	int64_t recency_min, recency_max; /* days since the last purchase; -1 = open */
	int64_t stores[SEG_STORES_MAX];   /* home store: any of them */
	int nstores;
	int birthday_month;               /* 1..12; 0 = any */
	int consent[SEG_CHANNELS];        /* 1: consent on sms, email, wechat required */
	int64_t bought_category_id;       /* 0 = none; the category and those under it */
	const char *bought_from, *bought_to; /* business days, NULL = open */
};

/* Reads a filter object (as the API sends it and as it is stored) into f:
 * tiers, tags, tags_match (any|all), rfm_segments, spend_min, spend_max,
 * recency_min_days, recency_max_days, home_store_ids, birthday_month,
 * consent (channels), bought_category_id, bought_from, bought_to. obj NULL:
 * the empty filter. Wrong JSON types are type errors and values out of
 * range field errors in e, each named "filter.<key>"; unknown keys too. */
void seg_filter_read(json_t *obj, struct arena *a, struct seg_filter *f, struct err *e);

/* The filter as its normalized JSON object (only the parts given). Caller
 * owns it. */
json_t *seg_filter_to_json(const struct seg_filter *f);

/* Checks the filter's values against the database (known tiers, RFM
 * segments, stores and category; ranges in order; consent channels) and
 * resolves the tier ids. Field errors go to e ("filter.<key>"); returns
 * ERR_INVALID when any, ERR_DB, or 0. */
int saved_segment_check(struct db *db, struct seg_filter *f, struct err *e);

struct saved_segment {
	int64_t id;
	const char *name, *description;
	int64_t store_id; /* 0 = company-wide */
	const char *filter; /* normalized JSON text */
	int64_t created_by, created_at, updated_at;
};

/* One member as lists show it. */
struct seg_member {
	int64_t id, home_store_id, lifetime_spend, orders_count, last_purchase_at;
	const char *name, *member_code, *phone_last4, *tier;
	int rfm_r, rfm_f;
};

json_t *saved_segment_to_json(const struct saved_segment *s);
json_t *seg_member_to_json(const struct seg_member *m);

/* The input of a create (every field read) or an update (those with set_*). */
struct saved_segment_input {
	const char *name, *description;
	int64_t store_id; /* create only; 0 = company-wide (or the actor's only store) */
	struct seg_filter filter;
	unsigned set_name : 1, set_description : 1, set_filter : 1;
};

/* The count of the customers matching f that who sees (store-bound roles:
 * linked to one of their stores), within store_id's customers when it is
 * not 0, and the first SEG_SAMPLE of them by id (*sample in a). f must have
 * passed saved_segment_check. 0 or ERR_DB. */
int saved_segment_preview(struct db *db, struct arena *a, const struct actor *who,
			  int64_t store_id, const struct seg_filter *f, int64_t now,
			  int64_t *count, struct seg_member **sample, int *n, struct err *e);

/* Creates a segment. Bad values: ERR_INVALID naming each field; a
 * store-bound actor with several stores must name one (store_id), and may
 * name only theirs (ERR_FORBIDDEN); an unknown store: ERR_INVALID. Audited. */
int saved_segment_create(struct db *db, struct arena *a, const struct actor *who,
			 struct saved_segment_input *in, struct saved_segment **out,
			 struct err *e);
/* Changes the fields set in `in`. ERR_NOT_FOUND for a segment who does not
 * see (another store's); field errors as create. Audited. */
int saved_segment_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 struct saved_segment_input *in, struct saved_segment **out,
			 struct err *e);
/* Deletes it (ERR_NOT_FOUND as above). Audited with its last state. */
int saved_segment_delete(struct db *db, const struct actor *who, int64_t id, struct err *e);
/* One segment who sees (a store-bound user: only their stores' segments),
 * else ERR_NOT_FOUND. */
int saved_segment_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		      struct saved_segment **out, struct err *e);
/* A keyset page of the segments who sees, by id; q: a name substring. */
int saved_segment_list(struct db *db, struct arena *a, const struct actor *who,
		       const char *q, int64_t after_id, int limit, struct saved_segment ***out,
		       int *n, int *more, struct err *e);
/* A keyset page (by customer id) of the segment's members that who sees,
 * with the count of them all. A stored filter naming a tier or category
 * removed since matches nobody on that part. ERR_NOT_FOUND as get. */
int saved_segment_members(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			  int64_t now, int64_t after_id, int limit, struct seg_member **out,
			  int *n, int *more, int64_t *count, struct err *e);

#endif
