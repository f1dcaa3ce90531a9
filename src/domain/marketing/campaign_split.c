/* campaign_split.c: bucket ranges, the A/B split and the message language
 * (see campaign_split.h). */
#include "domain/marketing/campaign_split.h"

#include <string.h>

int campaign_bucket_in(int64_t bucket, int64_t lo, int64_t width)
{
	if (width <= 0)
		return 0;
	if (width >= CAMPAIGN_BUCKETS)
		return 1;
	int64_t off = ((bucket - lo) % CAMPAIGN_BUCKETS + CAMPAIGN_BUCKETS) % CAMPAIGN_BUCKETS;
	return off < width;
}

int campaign_variant_pick(const int64_t *counts, int n, uint32_t r)
{
	int64_t min = counts[0];
	int ties = 0;

	for (int i = 1; i < n; i++)
		if (counts[i] < min)
			min = counts[i];
	for (int i = 0; i < n; i++)
		ties += counts[i] == min;
	int k = (int)(r % (uint32_t)ties);
	for (int i = 0; i < n; i++)
		if (counts[i] == min && k-- == 0)
			return i;
	return 0;
}

int campaign_ab_draw(uint32_t r, int64_t ab_pct)
{
	return (int64_t)(r % CAMPAIGN_BUCKETS) < ab_pct * (CAMPAIGN_BUCKETS / 100);
}

int campaign_lang_pick(const char *const *langs, int n, const char *customer_lang,
                       const char *company_lang)
{
	const char *want[2] = {customer_lang, company_lang};

	for (int w = 0; w < 2; w++)
		for (int i = 0; want[w] && i < n; i++)
			if (langs[i] && strcmp(langs[i], want[w]) == 0)
				return i;
	for (int i = 0; i < n; i++)
		if (langs[i])
			return i;
	return -1;
}
