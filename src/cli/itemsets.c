/* itemsets.c: the `tersa itemsets` command: reads baskets (one per line,
 * items separated by commas), names the items with ints in byte order,
 * mines them (analytics/itemsets.h) and writes "count<TAB>a,b,c" lines. */
#include "cli/itemsets.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analytics/itemsets.h"
#include "base/arena.h"

static int usage_error(const char *why)
{
	fprintf(stderr,
	        "tersa itemsets: %s\n"
	        "usage: tersa itemsets --min-support S [--max-size K] < baskets\n",
	        why);
	return 2;
}

/* The whole of f in one buffer (NUL-terminated); NULL on a read error. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	struct stat sb;
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (uint64_t)sb.st_size < SIZE_MAX / 2)
		cap = (size_t)sb.st_size + 2; /* a file: one read, no regrowth */
	char *b = xmalloc(cap);
	for (;;) {
		if (cap - n < 2) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
		size_t got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		return NULL;
	}
	b[n] = 0;
	*len = n;
	return b;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Names to dense ids: open addressing on FNV-1a, grown at half load. */
struct names {
	const char **name; /* by first-seen id */
	size_t n, cap;
	int32_t *slot; /* id + 1, 0 empty */
	size_t nslot;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void names_grow(struct names *nm)
{
	size_t ns = nm->nslot ? nm->nslot * 2 : 1024;
	int32_t *slot = xcalloc(ns, sizeof *slot);
	for (size_t i = 0; i < nm->n; i++) {
		size_t j = hash(nm->name[i]) & (ns - 1);
		while (slot[j])
			j = (j + 1) & (ns - 1);
		slot[j] = (int32_t)i + 1;
	}
	free(nm->slot);
	nm->slot = slot;
	nm->nslot = ns;
}

static int32_t names_id(struct names *nm, const char *s)
{
	if ((nm->n + 1) * 2 > nm->nslot)
		names_grow(nm);
	size_t j = hash(s) & (nm->nslot - 1);
	while (nm->slot[j]) {
		if (strcmp(nm->name[nm->slot[j] - 1], s) == 0)
			return nm->slot[j] - 1;
		j = (j + 1) & (nm->nslot - 1);
	}
	if (nm->n >= INT32_MAX - 1) {
		fprintf(stderr, "tersa itemsets: too many distinct items\n");
		exit(1);
	}
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 1024;
		nm->name = xrealloc(nm->name, nm->cap * sizeof *nm->name);
	}
	nm->name[nm->n] = s;
	nm->slot[j] = (int32_t)nm->n + 1;
	return (int32_t)nm->n++;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cli_itemsets(int argc, char **argv)
{
	double support = -1;
	long max_size = 0;
	for (int i = 1; i < argc; i++) {
		char *end;
		if (strcmp(argv[i], "--min-support") == 0 && i + 1 < argc) {
			errno = 0;
			support = strtod(argv[++i], &end);
			if (errno || end == argv[i] || *end || !isfinite(support) ||
			    !(support > 0 && support <= 1))
				return usage_error(
				    "--min-support wants a number above 0, at most 1");
		} else if (strcmp(argv[i], "--max-size") == 0 && i + 1 < argc) {
			errno = 0;
			max_size = strtol(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end || max_size < 1 || max_size > 1000000)
				return usage_error("--max-size wants a whole number from 1");
		} else {
			return usage_error("unknown option or missing value");
		}
	}
	if (support < 0)
		return usage_error("--min-support is required");

	size_t len = 0;
	char *text = slurp(stdin, &len);
	if (!text) {
		fprintf(stderr, "tersa itemsets: cannot read standard input\n");
		return 1;
	}

	/* one transaction per line; a blank line is an empty transaction that
	 * counts in N; a final newline does not start another one */
	struct names nm = {0};
	int32_t *items = NULL;
	size_t *off = NULL, nitems = 0, capitems = 0, ntx = 0, capoff = 0;
	char *p = text, *stop = text + len;
	while (p < stop) {
		char *eol = memchr(p, '\n', (size_t)(stop - p));
		if (!eol)
			eol = stop;
		*eol = 0;
		ntx++;
		if (ntx + 1 > capoff) {
			capoff = capoff ? capoff * 2 : 1024;
			off = xrealloc(off, capoff * sizeof *off);
		}
		off[ntx - 1] = nitems;
		char *q = p;
		while (is_space(*q))
			q++;
		if (*q) {
			for (char *f = p;;) {
				char *comma = strchr(f, ',');
				char *fe = comma ? comma : eol;
				while (f < fe && is_space(*f))
					f++;
				while (fe > f && is_space(fe[-1]))
					fe--;
				if (fe == f) {
					fprintf(stderr, "tersa itemsets: line %zu: an empty item\n",
					        ntx);
					free(nm.name);
					free(nm.slot);
					free(items);
					free(off);
					free(text);
					return 1;
				}
				*fe = 0;
				if (nitems == capitems) {
					capitems = capitems ? capitems * 2 : 4096;
					items = xrealloc(items, capitems * sizeof *items);
				}
				items[nitems++] = names_id(&nm, f);
				if (!comma)
					break;
				f = comma + 1;
			}
		}
		p = eol + 1;
	}
	if (!off)
		off = xmalloc(sizeof *off);
	off[ntx] = nitems;

	/* ids in byte order of the names, so that the itemsets' order is */
	const char **sorted = xmalloc((nm.n ? nm.n : 1) * sizeof *sorted);
	if (nm.n) { /* no input: nm.name is NULL, which memcpy and qsort may not see */
		memcpy(sorted, nm.name, nm.n * sizeof *sorted);
		qsort(sorted, nm.n, sizeof *sorted, cmp_name);
	}
	int32_t *remap = xmalloc((nm.n ? nm.n : 1) * sizeof *remap);
	for (size_t r = 0; r < nm.n; r++)
		remap[names_id(&nm, sorted[r])] = (int32_t)r;
	for (size_t i = 0; i < nitems; i++)
		items[i] = remap[items[i]];

	struct itemset_input in = {items, off, ntx};
	struct itemset_opts o = {itemsets_min_count(support, (int64_t)ntx), (int)max_size};
	struct itemset_list l;
	int rc = itemsets_mine(&in, &o, &l, NULL), wrote = 1;
	if (rc == 0) {
		static char obuf[1 << 16];
		setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
		for (size_t i = 0; i < l.n; i++) {
			printf("%lld\t", (long long)l.sets[i].count);
			for (int k = 0; k < l.sets[i].size; k++) {
				if (k)
					putchar(',');
				fputs(sorted[l.sets[i].items[k]], stdout);
			}
			putchar('\n');
		}
		wrote = fflush(stdout) == 0;
	}
	itemset_list_free(&l);
	free(remap);
	free(sorted);
	free(nm.name);
	free(nm.slot);
	free(items);
	free(off);
	free(text);
	if (rc || !wrote) {
		fprintf(stderr, "tersa itemsets: %s\n",
		        rc ? "bad input" : "cannot write the output");
		return 1;
	}
	return 0;
}
