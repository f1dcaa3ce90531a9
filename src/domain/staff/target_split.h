/* target_split.h: the pure arithmetic of targets: a total split over months
 * by weights (last year's same months) with the largest remainder so the
 * parts sum to the total exactly, and the rebalance after one month is
 * edited by hand. No database. */
#ifndef TERSA_TARGET_SPLIT_H
#define TERSA_TARGET_SPLIT_H

#include <stdint.h>

/* Splits total (>= 0) over n parts by weights (a negative weight counts as
 * 0): out[i] = floor(total × w[i] / W), then one more unit to the largest
 * remainders, ties to the earlier part, so Σ out == total. share_bp (may be
 * NULL) gets each part's share of 10000 split the same way. 0, or -1 when
 * every weight is 0 (the caller falls back to another curve) or n < 1 or
 * total < 0 (out untouched). */
int target_split(const int64_t *weights, int n, int64_t total, int64_t *out,
		 int64_t *share_bp);

/* Sets amounts[idx] to value and lets the other parts that are not locked
 * (locked[i] != 0: edited by hand) absorb the difference in proportion to
 * their amounts (evenly when they are all 0), largest remainder, so the sum
 * of amounts stays. 0, or -1 when no part can absorb it or one would go
 * below 0 (amounts untouched). */
int target_rebalance(int64_t *amounts, const int *locked, int n, int idx, int64_t value);

#endif
