/* customer_text.c: phone normalization and masking, pinyin initials by the
 * GB2312 level-1 boundary table, Luhn check digits, NTILE buckets. */
#include "domain/crm/customer_text.h"

#include <iconv.h>
#include <string.h>

int phone_normalize(const char *s, char *out, size_t n)
{
	char d[40];
	size_t k = 0;
	int plus = 0;

	if (!s || n < PHONE_NORM_MAX)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '.' || *p == '(' || *p == ')')
			continue;
		if (*p == '+' && k == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (*p < '0' || *p > '9' || k + 1 >= sizeof d)
			return -1;
		d[k++] = *p;
	}
	d[k] = '\0';
	const char *m = d;
	if (plus && k == 13 && strncmp(d, "86", 2) == 0)
		m = d + 2;
	else if (!plus && k == 15 && strncmp(d, "0086", 4) == 0)
		m = d + 4;
	else if (plus)
		m = NULL;
	if (m && strlen(m) == 11 && m[0] == '1' && m[1] >= '3' && m[1] <= '9') {
		memcpy(out, m, 12);
		return 0;
	}
	/* +86 1...: a mainland mobile or nothing (it matched above if valid). */
	if (!plus || k < 8 || k > 15 || d[0] == '0' || strncmp(d, "861", 3) == 0)
		return -1;
	out[0] = '+';
	memcpy(out + 1, d, k + 1);
	return 0;
}

void phone_mask(const char *phone, char *out, size_t n)
{
	size_t len = phone ? strlen(phone) : 0;

	if (n == 0)
		return;
	if (len + 1 > n)
		len = n - 1;
	if (phone)
		memcpy(out, phone, len);
	out[len] = '\0';
	if (len <= 7)
		return;
	for (size_t i = 3; i < len - 4; i++)
		out[i] = '*';
}

/* The first GB2312 code of each initial's run in level 1 (0xB0A1..0xD7F9),
 * which is ordered by pinyin; i, u and v begin no syllable. */
static const struct {
	unsigned code;
	char letter;
} gb_initials[] = {
	{0xB0A1, 'a'}, {0xB0C5, 'b'}, {0xB2C1, 'c'}, {0xB4EE, 'd'}, {0xB6EA, 'e'},
	{0xB7A2, 'f'}, {0xB8C1, 'g'}, {0xB9FE, 'h'}, {0xBBF7, 'j'}, {0xBFA6, 'k'},
	{0xC0AC, 'l'}, {0xC2E8, 'm'}, {0xC4C3, 'n'}, {0xC5B6, 'o'}, {0xC5BE, 'p'},
	{0xC6DA, 'q'}, {0xC8BB, 'r'}, {0xC8F6, 's'}, {0xCBFA, 't'}, {0xCDDA, 'w'},
	{0xCEF4, 'x'}, {0xD1B9, 'y'}, {0xD4D1, 'z'},
};
#define GB_LEVEL1_END 0xD7F9

static char gb_initial(unsigned code)
{
	char c = 0;

	if (code < gb_initials[0].code || code > GB_LEVEL1_END)
		return 0;
	for (size_t i = 0; i < sizeof gb_initials / sizeof gb_initials[0]; i++)
		if (code >= gb_initials[i].code)
			c = gb_initials[i].letter;
	return c;
}

/* The initial of the one UTF-8 character at s (len bytes) through GBK. */
static char cjk_initial(iconv_t cd, const char *s, size_t len)
{
	char in[8], outb[8];
	char *ip = in, *op = outb;
	size_t il = len, ol = sizeof outb;

	if (cd == (iconv_t)-1 || len > sizeof in)
		return 0;
	memcpy(in, s, len);
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op - outb != 2)
		return 0;
	return gb_initial(((unsigned)(unsigned char)outb[0] << 8) | (unsigned char)outb[1]);
}

void name_initials(const char *name, char *out, size_t n)
{
	size_t k = 0;
	int in_word = 0;
	iconv_t cd = (iconv_t)-1;

	if (n == 0)
		return;
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && k + 1 < n;) {
		size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		char c = 0;

		if (*p < 0x80) {
			int letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
			if (letter && !in_word)
				c = (char)(*p | 0x20);
			in_word = letter;
		} else {
			in_word = 0;
			if (len == 3) {
				if (cd == (iconv_t)-1)
					cd = iconv_open("GBK", "UTF-8");
				c = cjk_initial(cd, (const char *)p, len);
			}
		}
		if (c)
			out[k++] = c;
		for (size_t i = 0; i < len && *p; i++)
			p++;
	}
	out[k] = '\0';
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

int member_code_check_digit(const char *digits)
{
	size_t len = strlen(digits);
	int sum = 0;

	/* From the right, the digit next to the check digit is doubled. */
	for (size_t i = 0; i < len; i++) {
		int d = digits[len - 1 - i] - '0';
		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

int member_code_luhn_ok(const char *s)
{
	char body[64];
	size_t len = s ? strlen(s) : 0;

	if (len < 2 || len >= sizeof body)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	memcpy(body, s, len - 1);
	body[len - 1] = '\0';
	return member_code_check_digit(body) == s[len - 1] - '0';
}

int ntile(int64_t i, int64_t n, int buckets)
{
	int64_t small, big, r;

	if (i < 0 || i >= n || buckets < 1)
		return 0;
	small = n / buckets;
	r = n % buckets;
	big = small + 1;
	/* The first r buckets hold big rows each. */
	if (i < r * big)
		return (int)(i / big) + 1;
	return (int)(r + (i - r * big) / small) + 1;
}
