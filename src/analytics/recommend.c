/* recommend.c: item-to-item recommendations by cosine similarity of the
 * products' buyers (see recommend.h). */
#include "analytics/recommend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

double reco_cosine(int co, int na, int nb)
{
	if (co <= 0 || na <= 0 || nb <= 0)
		return 0;
	return (double)co / sqrt((double)na * (double)nb);
}

static int by_score(const void *x, const void *y)
{
	const struct reco_item *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->product > b->product) - (a->product < b->product);
}

/* 1 when source (p, s) ranks before (q, t): more similar, or as similar
 * with the lower product number. */
static int before(int p, double s, int q, double t)
{
	return s > t || (s == t && p < q);
}

/* Keeps the RECO_FROM_MAX most similar sources, in rank order. */
static void add_from(struct reco_item *it, int product, double sim)
{
	int k;

	if (it->nfrom < RECO_FROM_MAX)
		k = it->nfrom++;
	else if (before(product, sim, it->from[RECO_FROM_MAX - 1], it->from_sim[RECO_FROM_MAX - 1]))
		k = RECO_FROM_MAX - 1;
	else
		return;
	for (; k > 0 && before(product, sim, it->from[k - 1], it->from_sim[k - 1]); k--) {
		it->from[k] = it->from[k - 1];
		it->from_sim[k] = it->from_sim[k - 1];
	}
	it->from[k] = product;
	it->from_sim[k] = sim;
}

int reco_item_to_item(const struct reco_data *d, const int *basket, int nb,
		      const unsigned char *exclude, int limit, struct reco_item *out)
{
	int np = d->nproducts, n = 0;

	if (limit < 0 || nb < 0 || np < 0 || d->ncust < 0)
		return -1;
	for (int i = 0; i < nb; i++)
		if (basket[i] < 0 || basket[i] >= np)
			return -1;
	for (int i = 0; i < d->start[d->ncust]; i++)
		if (d->items[i] < 0 || d->items[i] >= np)
			return -1;
	if (nb == 0 || np == 0 || limit == 0)
		return 0;
	int *slot = xmalloc((size_t)np * sizeof *slot); /* product -> basket index or -1 */
	for (int p = 0; p < np; p++)
		slot[p] = -1;
	for (int i = 0; i < nb; i++)
		slot[basket[i]] = i;
	int *co = xcalloc((size_t)nb * (size_t)np, sizeof *co); /* co[b * np + p] */
	int *mine = xmalloc((size_t)nb * sizeof *mine);
	for (int c = 0; c < d->ncust; c++) {
		int k = 0;
		for (int i = d->start[c]; i < d->start[c + 1]; i++)
			if (slot[d->items[i]] >= 0)
				mine[k++] = slot[d->items[i]];
		for (int i = d->start[c]; k && i < d->start[c + 1]; i++)
			for (int j = 0; j < k; j++)
				co[(size_t)mine[j] * (size_t)np + (size_t)d->items[i]]++;
	}
	struct reco_item *all = xcalloc((size_t)np, sizeof *all);
	for (int p = 0; p < np; p++) {
		if (exclude && exclude[p])
			continue;
		struct reco_item it = {.product = p};
		for (int b = 0; b < nb; b++) {
			if (basket[b] == p)
				continue;
			double s = reco_cosine(co[(size_t)b * (size_t)np + (size_t)p],
					       d->buyers[basket[b]], d->buyers[p]);
			if (s <= 0)
				continue;
			it.score += s;
			add_from(&it, basket[b], s);
		}
		if (it.score > 0)
			all[n++] = it;
	}
	qsort(all, (size_t)n, sizeof *all, by_score);
	if (n > limit)
		n = limit;
	memcpy(out, all, (size_t)n * sizeof *all);
	free(all);
	free(mine);
	free(co);
	free(slot);
	return n;
}
