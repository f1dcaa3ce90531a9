/* campaign_split.h: the pure parts of a campaign's plan: which bucket range
 * a customer falls in (the company holdout, a campaign's control group),
 * the A/B variant a test member gets, and which message language a
 * customer is written to. No database, no allocation. */
#ifndef TERSA_CAMPAIGN_SPLIT_H
#define TERSA_CAMPAIGN_SPLIT_H

#include <stdint.h>

#define CAMPAIGN_BUCKETS 10000

/* 1 when bucket (0..9999) lies in the range of width buckets starting at lo,
 * taken modulo CAMPAIGN_BUCKETS (so a range may wrap past 9999 to 0);
 * width 0: never; width >= CAMPAIGN_BUCKETS: always. */
int campaign_bucket_in(int64_t bucket, int64_t lo, int64_t width);

/* The index of the variant the next A/B test member gets, given how many
 * test members each of the n variants has so far: one of those with the
 * fewest, chosen by r (any random number), so the split stays even (the
 * counts never differ by more than one) and random. n >= 1. */
int campaign_variant_pick(const int64_t *counts, int n, uint32_t r);

/* 1 when a test member is drawn for the A/B share: r (uniform 0..9999)
 * below ab_pct percent of the buckets. */
int campaign_ab_draw(uint32_t r, int64_t ab_pct);

/* The index among n languages (langs[i], NULL = no text in that one) of
 * the message to send: the customer's language when present, else the
 * company's, else the first present; -1 when none is. Either wanted
 * language may be NULL. Campaigns and journeys both choose with it. */
int campaign_lang_pick(const char *const *langs, int n, const char *customer_lang,
                       const char *company_lang);

#endif
