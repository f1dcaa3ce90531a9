/* target_split.c: largest-remainder splits of targets (see target_split.h). */
#include "domain/staff/target_split.h"

#include <string.h>

/* The largest-remainder split of total by weights w (each >= 0, sum W > 0)
 * into out; 128-bit products so any money total times any weight fits. */
static void split_lr(const int64_t *w, int n, int64_t W, int64_t total, int64_t *out)
{
	int64_t given = 0;
	unsigned char used[64];
	int64_t rem[64];
	for (int i = 0; i < n; i++) {
		__int128 p = (__int128)total * w[i];
		out[i] = (int64_t)(p / W);
		rem[i] = (int64_t)(p % W);
		used[i] = 0;
		given += out[i];
	}
	for (int64_t left = total - given; left > 0; left--) {
		int best = -1;
		for (int i = 0; i < n; i++)
			if (!used[i] && (best < 0 || rem[i] > rem[best]))
				best = i;
		if (best < 0)
			break;
		out[best]++;
		used[best] = 1;
	}
}

int target_split(const int64_t *weights, int n, int64_t total, int64_t *out,
		 int64_t *share_bp)
{
	int64_t w[64], W = 0;
	if (n < 1 || n > 64 || total < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		w[i] = weights[i] > 0 ? weights[i] : 0;
		if (W > INT64_MAX - w[i])
			return -1;
		W += w[i];
	}
	if (W == 0)
		return -1;
	split_lr(w, n, W, total, out);
	if (share_bp)
		split_lr(w, n, W, 10000, share_bp);
	return 0;
}

int target_rebalance(int64_t *amounts, const int *locked, int n, int idx, int64_t value)
{
	int64_t w[64], parts[64], others = 0, W = 0;
	int m = 0, map[64];
	if (n < 1 || n > 64 || idx < 0 || idx >= n || value < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (i == idx || locked[i])
			continue;
		map[m] = i;
		w[m] = amounts[i];
		W += amounts[i];
		others += amounts[i];
		m++;
	}
	int64_t left = others + amounts[idx] - value;
	if (m == 0)
		return value == amounts[idx] ? 0 : -1;
	if (left < 0)
		return -1;
	if (W == 0)
		for (int j = 0; j < m; j++)
			w[j] = 1, W++;
	split_lr(w, m, W, left, parts);
	for (int j = 0; j < m; j++)
		amounts[map[j]] = parts[j];
	amounts[idx] = value;
	return 0;
}
