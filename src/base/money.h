/* money.h: money as int64 minor units and quantities as int64 thousandths,
 * with checked arithmetic and exact parsing. */
#ifndef TERSA_MONEY_H
#define TERSA_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define QTY_SCALE 1000
/* Largest amount accepted from a request: 10^13 minor units (10^11 yuan),
 * far below INT64_MAX so that sums of many lines cannot overflow silently. */
#define MONEY_MAX INT64_C(10000000000000)
/* Largest quantity accepted: 10^9 units. */
#define QTY_MAX (INT64_C(1000000000) * QTY_SCALE)

/* Each returns 0, or -1 on overflow (leaving *out unchanged). */
int money_add(int64_t a, int64_t b, int64_t *out);
int money_sub(int64_t a, int64_t b, int64_t *out);
int money_mul(int64_t a, int64_t b, int64_t *out);
/* A running total: *acc += v, 0; or -1 (leaving *acc unchanged) when the
 * sum leaves -MONEY_MAX..MONEY_MAX, the range an amount may be recorded in. */
int money_sum(int64_t *acc, int64_t v);
/* price (minor units) × qty (thousandths) / 1000, rounded half away from
 * zero: 0 or -1 on overflow. */
int money_mul_qty(int64_t price, int64_t qty, int64_t *out);
/* a × bp / 10000 (basis points), rounded half away from zero. */
int money_mul_bp(int64_t a, int64_t bp, int64_t *out);

/* Splits amount over n shares in proportion to weights (>= 0), exactly:
 * each part is rounded down, then the fen left over go one each to the
 * shares with the largest fractions (Hamilton's method), so no part exceeds
 * its weight. With all weights 0 everything goes to share 0. 0, or -1 when
 * amount < 0, a weight < 0, or amount > the sum of the weights. */
int money_prorate(int64_t amount, const int64_t *weights, int n, int64_t *parts);

/* Parses a decimal amount with at most two decimals ("12.99", "-3", "0.5")
 * into minor units. 0, or -1 if malformed, more decimals or out of range. */
int money_parse(const char *s, int64_t *out);
/* Formats minor units as "12.99" / "-0.05"; out needs 24 bytes. */
void money_format(int64_t v, char *out, size_t n);

/* Parses a decimal with at most three decimals ("2", "0.75", "-1.5") into
 * thousandths, exactly. 0, or -1 if malformed, more decimals, or past QTY_MAX. */
int qty_parse(const char *s, int64_t *out);
/* Converts a JSON real to thousandths exactly as its shortest decimal text
 * reads: 0.1 -> 100, 1.0005 -> -1 (too many decimals). */
int qty_from_double(double d, int64_t *out);
/* Formats thousandths as "2", "0.75", "-1.5"; out needs 32 bytes. */
void qty_format(int64_t q, char *out, size_t n);
/* q rounded up to a multiple of step (step <= 0 or q <= 0: unchanged).
 * 0, or -1 on overflow. */
int qty_round_up(int64_t q, int64_t step, int64_t *out);

#endif
