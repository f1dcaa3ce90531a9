/* money.c: checked arithmetic on int64 minor units and int64 thousandths,
 * and exact decimal parsing and formatting of both. */
#include "base/money.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

int money_sum(int64_t *acc, int64_t v)
{
	int64_t r;

	if (__builtin_add_overflow(*acc, v, &r) || r > MONEY_MAX || r < -MONEY_MAX)
		return -1;
	*acc = r;
	return 0;
}

int money_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

int money_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

/* a × b / d rounded half away from zero, in 128 bits (cannot overflow for
 * int64 operands); -1 if the result does not fit in int64. */
static int mul_div_round(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	__int128 p = (__int128)a * b;
	__int128 q = p / d, r = p % d;

	if (r < 0)
		r = -r;
	if (r * 2 >= d)
		q += p < 0 ? -1 : 1;
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*out = (int64_t)q;
	return 0;
}

int money_mul_qty(int64_t price, int64_t qty, int64_t *out)
{
	return mul_div_round(price, qty, QTY_SCALE, out);
}

int money_mul_bp(int64_t a, int64_t bp, int64_t *out)
{
	return mul_div_round(a, bp, 10000, out);
}

/* Parses [-]digits[.d{1,maxdec}] into value × 10^maxdec, |result| <= max.
 * 0 or -1. */
static int dec_parse(const char *s, int maxdec, int64_t max, int64_t *out)
{
	int64_t ip = 0, frac = 0, scale = 1, v;
	int neg = 0, nd = 0, i;

	if (!s)
		return -1;
	for (i = 0; i < maxdec; i++)
		scale *= 10;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, nd++) {
		ip = ip * 10 + (*s - '0');
		if (ip > max / scale)
			return -1;
	}
	if (nd == 0)
		return -1;
	if (*s == '.') {
		int64_t unit = scale;

		s++;
		for (nd = 0; *s >= '0' && *s <= '9'; s++, nd++) {
			if (nd == maxdec)
				return -1;
			unit /= 10;
			frac += (*s - '0') * unit;
		}
		if (nd == 0)
			return -1;
	}
	if (*s != '\0')
		return -1;
	v = ip * scale + frac;
	if (v > max)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int money_parse(const char *s, int64_t *out)
{
	return dec_parse(s, 2, MONEY_MAX, out);
}

/* Magnitude of v as unsigned (INT64_MIN safe). */
static uint64_t mag(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void money_format(int64_t v, char *out, size_t n)
{
	uint64_t m = mag(v);

	snprintf(out, n, "%s%" PRIu64 ".%02" PRIu64, v < 0 ? "-" : "", m / 100,
		 m % 100);
}

int qty_parse(const char *s, int64_t *out)
{
	return dec_parse(s, 3, QTY_MAX, out);
}

int qty_from_double(double d, int64_t *out)
{
	char txt[64], plain[96], digits[40];
	char *e, *p;
	size_t nd = 0, k, intlen = 0;
	long ex;
	int neg = 0, pos, seen_point = 0;

	if (!isfinite(d))
		return -1;
	snprintf(txt, sizeof(txt), "%.15g", d);
	e = strpbrk(txt, "eE");
	if (!e)
		return qty_parse(txt, out);
	/* Exponent form: shift the decimal point of the mantissa. */
	*e = '\0';
	ex = strtol(e + 1, NULL, 10);
	if (ex > 30 || ex < -30)
		return -1;
	p = txt;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p; p++) {
		if (*p == '.') {
			seen_point = 1;
			continue;
		}
		if (*p < '0' || *p > '9' || nd >= sizeof(digits) - 1)
			return -1;
		digits[nd++] = *p;
		if (!seen_point)
			intlen++;
	}
	if (nd == 0)
		return -1;
	pos = (int)intlen + (int)ex;  /* digits before the point */
	k = 0;
	if (neg)
		plain[k++] = '-';
	if (pos <= 0) {
		plain[k++] = '0';
		plain[k++] = '.';
		for (int i = 0; i < -pos; i++)
			plain[k++] = '0';
		memcpy(plain + k, digits, nd);
		k += nd;
	} else if ((size_t)pos >= nd) {
		memcpy(plain + k, digits, nd);
		k += nd;
		for (size_t i = nd; i < (size_t)pos; i++)
			plain[k++] = '0';
	} else {
		memcpy(plain + k, digits, (size_t)pos);
		k += (size_t)pos;
		plain[k++] = '.';
		memcpy(plain + k, digits + pos, nd - (size_t)pos);
		k += nd - (size_t)pos;
	}
	plain[k] = '\0';
	return qty_parse(plain, out);
}

void qty_format(int64_t q, char *out, size_t n)
{
	uint64_t m = mag(q);
	unsigned frac = (unsigned)(m % QTY_SCALE);
	char fs[8];
	size_t len;

	if (frac == 0) {
		snprintf(out, n, "%s%" PRIu64, q < 0 ? "-" : "", m / QTY_SCALE);
		return;
	}
	snprintf(fs, sizeof(fs), "%03u", frac);
	len = strlen(fs);
	while (len > 0 && fs[len - 1] == '0')
		fs[--len] = '\0';
	snprintf(out, n, "%s%" PRIu64 ".%s", q < 0 ? "-" : "", m / QTY_SCALE, fs);
}

int money_prorate(int64_t amount, const int64_t *weights, int n, int64_t *parts)
{
	if (amount < 0 || n <= 0)
		return -1;
	__int128 sum = 0;
	for (int i = 0; i < n; i++) {
		if (weights[i] < 0)
			return -1;
		sum += weights[i];
	}
	if (sum == 0) {
		for (int i = 0; i < n; i++)
			parts[i] = 0;
		parts[0] = amount;
		return 0;
	}
	if (amount > sum)
		return -1;
	int64_t given = 0;
	for (int i = 0; i < n; i++) {
		parts[i] = (int64_t)((__int128)amount * weights[i] / sum);
		given += parts[i];
	}
	/* The fen left over go one each to the shares with the largest
	 * fractions (ties: the larger weight, then the first). A share with a
	 * fraction is below its weight, so no part passes its weight. */
	for (int64_t r = amount - given; r > 0; r--) {
		int best = -1;
		__int128 bestf = 0;
		for (int i = 0; i < n; i++) {
			__int128 f = (__int128)amount * weights[i] % sum;
			if (f == 0 || (__int128)parts[i] * sum > (__int128)amount * weights[i])
				continue; /* exact, or already given its fen */
			if (best < 0 || f > bestf || (f == bestf && weights[i] > weights[best])) {
				best = i;
				bestf = f;
			}
		}
		parts[best]++;
	}
	return 0;
}

int qty_round_up(int64_t q, int64_t step, int64_t *out)
{
	int64_t r;

	if (step <= 0 || q <= 0) {
		*out = q;
		return 0;
	}
	r = q % step;
	if (r == 0) {
		*out = q;
		return 0;
	}
	return __builtin_add_overflow(q, step - r, out) ? -1 : 0;
}
