/* recommend_data.h: a customer's personal recommendations read from the
 * sales history (the item-to-item method of recommend.h). */
#ifndef TERSA_RECOMMEND_DATA_H
#define TERSA_RECOMMEND_DATA_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define RECO_WINDOW_DAYS 365 /* the purchases the similarities are taken from */
#define RECO_RECENT_DAYS 30  /* what the customer bought this recently is not suggested */
#define RECO_LIMIT_MAX 50

/* Up to limit products for the customer: similar (recommend.h) to the
 * products they bought in the non-voided sales of the last
 * RECO_WINDOW_DAYS, over every customer's purchases in that window,
 * leaving out inactive products and those the customer bought in the last
 * RECO_RECENT_DAYS: {customer_id, window_days, recent_days,
 * basket_products, items:[{product_id, sku, name, price, score,
 * from:[{product_id, name, similarity}]}]}, score and similarity rounded to
 * 4 decimals. ERR_NOT_FOUND when who may not see the customer; ERR_DB. New
 * reference in *out. */
int customer_recommendations(struct db *db, struct arena *a, const struct actor *who,
			     int64_t customer_id, int limit, int64_t now, json_t **out,
			     struct err *e);

#endif
