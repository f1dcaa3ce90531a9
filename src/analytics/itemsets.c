/* itemsets.c: FP-growth (Han, Pei, Yin 2000) over integer item ids, with
 * every tree node and header in two pooled arrays rewound after each
 * conditional tree, and association rules read from the itemset list. */
#include "analytics/itemsets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

struct fpnode {
	int32_t item;    /* rank of the item; -1 at a root */
	int32_t parent;  /* node index; -1 at a root */
	int32_t child;   /* first child, -1 none */
	int32_t sibling; /* next child of the parent, -1 none */
	int32_t link;    /* next node of the same item in this tree, -1 none */
	int64_t count;
};

struct fphdr {
	int32_t head; /* first node of the item in the tree, -1 none */
	int64_t count;
};

struct setrec {
	size_t off; /* into storage while mining */
	int size;
	int64_t count;
};

struct miner {
	int64_t min_count;
	int max_size;
	const int32_t *rank_id; /* rank -> caller's id */
	struct fpnode *nodes;
	size_t nn, capn;
	struct fphdr *hdr;
	size_t nh, caph;
	int32_t *prefix; /* ranks of the current prefix */
	int32_t *path;   /* scratch: one path, leaf first */
	int32_t *ids;    /* scratch: one itemset's ids */
	struct setrec *sets;
	size_t nsets, capsets;
	int32_t *store;
	size_t nstore, capstore;
};

static void *grow(void *p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 64;
	while (c < need) {
		if (c > SIZE_MAX / 2 / sz)
			abort();
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * sz);
}

static int32_t node_new(struct miner *m, int32_t item, int32_t parent, int64_t count)
{
	if (m->nn >= INT32_MAX)
		abort();
	m->nodes = grow(m->nodes, &m->capn, m->nn + 1, sizeof *m->nodes);
	int32_t i = (int32_t)m->nn++;
	m->nodes[i] = (struct fpnode){item, parent, -1, -1, -1, count};
	if (parent >= 0) {
		m->nodes[i].sibling = m->nodes[parent].child;
		m->nodes[parent].child = i;
	}
	return i;
}

/* Adds ranks (ascending from the root side) with count under root; links new
 * nodes into the header at hb. */
static void tree_insert(struct miner *m, int32_t root, size_t hb, const int32_t *ranks, int n,
                        int64_t count)
{
	int32_t cur = root;
	for (int k = 0; k < n; k++) {
		int32_t c = m->nodes[cur].child;
		while (c >= 0 && m->nodes[c].item != ranks[k])
			c = m->nodes[c].sibling;
		if (c >= 0) {
			m->nodes[c].count += count;
		} else {
			c = node_new(m, ranks[k], cur, count);
			m->nodes[c].link = m->hdr[hb + ranks[k]].head;
			m->hdr[hb + ranks[k]].head = c;
		}
		cur = c;
	}
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void emit(struct miner *m, int size, int64_t count)
{
	for (int k = 0; k < size; k++)
		m->ids[k] = m->rank_id[m->prefix[k]];
	/* insertion sort: itemsets are short */
	for (int k = 1; k < size; k++) {
		int32_t v = m->ids[k];
		int j = k;
		while (j > 0 && m->ids[j - 1] > v) {
			m->ids[j] = m->ids[j - 1];
			j--;
		}
		m->ids[j] = v;
	}
	m->store = grow(m->store, &m->capstore, m->nstore + (size_t)size, sizeof *m->store);
	memcpy(m->store + m->nstore, m->ids, (size_t)size * sizeof *m->ids);
	m->sets = grow(m->sets, &m->capsets, m->nsets + 1, sizeof *m->sets);
	m->sets[m->nsets++] = (struct setrec){m->nstore, size, count};
	m->nstore += (size_t)size;
}

/* Mines the tree at root whose header (nranks entries) starts at hb; the
 * prefix holds depth ranks. Each frequent item r of the tree gives prefix+r,
 * then the conditional tree of r's prefix paths is built on top of the
 * pools and dropped when mined. */
static void mine(struct miner *m, size_t hb, int nranks, int depth)
{
	for (int r = nranks - 1; r >= 0; r--) {
		int64_t cnt = m->hdr[hb + (size_t)r].count;
		if (cnt < m->min_count || m->hdr[hb + (size_t)r].head < 0)
			continue;
		m->prefix[depth] = r;
		emit(m, depth + 1, cnt);
		if (r == 0 || (m->max_size && depth + 1 >= m->max_size))
			continue;

		/* counts of r's ancestors over its prefix paths */
		size_t nb = m->nh, nmark = m->nn;
		m->hdr = grow(m->hdr, &m->caph, nb + (size_t)r, sizeof *m->hdr);
		m->nh = nb + (size_t)r;
		for (int k = 0; k < r; k++)
			m->hdr[nb + (size_t)k] = (struct fphdr){-1, 0};
		int any = 0;
		for (int32_t x = m->hdr[hb + (size_t)r].head; x >= 0; x = m->nodes[x].link) {
			int64_t c = m->nodes[x].count;
			for (int32_t p = m->nodes[x].parent; m->nodes[p].item >= 0;
			     p = m->nodes[p].parent)
				m->hdr[nb + (size_t)m->nodes[p].item].count += c;
		}
		for (int k = 0; k < r && !any; k++)
			any = m->hdr[nb + (size_t)k].count >= m->min_count;
		if (any) {
			int32_t root = node_new(m, -1, -1, 0);
			for (int32_t x = m->hdr[hb + (size_t)r].head; x >= 0;
			     x = m->nodes[x].link) {
				int n = 0;
				for (int32_t p = m->nodes[x].parent; m->nodes[p].item >= 0;
				     p = m->nodes[p].parent)
					if (m->hdr[nb + (size_t)m->nodes[p].item].count >=
					    m->min_count)
						m->path[n++] = m->nodes[p].item;
				/* leaf first -> root first */
				for (int i = 0, j = n - 1; i < j; i++, j--) {
					int32_t t = m->path[i];
					m->path[i] = m->path[j];
					m->path[j] = t;
				}
				if (n)
					tree_insert(m, root, nb, m->path, n, m->nodes[x].count);
			}
			mine(m, nb, r, depth + 1);
		}
		m->nn = nmark;
		m->nh = nb;
	}
}

int64_t itemsets_min_count(double min_support, int64_t ntx)
{
	if (!(min_support > 0) || ntx <= 0)
		return 1;
	double v = floor(min_support * (double)ntx + 0.5);
	if (v < 1)
		return 1;
	if (v > (double)INT64_MAX / 2)
		return INT64_MAX / 2;
	return (int64_t)v;
}

static int cmp_sets(const struct itemset *a, const struct itemset *b)
{
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	for (int k = 0; k < a->size; k++)
		if (a->items[k] != b->items[k])
			return a->items[k] < b->items[k] ? -1 : 1;
	return 0;
}

static int cmp_sets_q(const void *a, const void *b)
{
	return cmp_sets(a, b);
}

struct item_count {
	int32_t id, dense;
	int64_t count;
};

static int cmp_freq(const void *a, const void *b)
{
	const struct item_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Index of id in the sorted distinct ids (present by construction). */
static int32_t dense_of(const int32_t *distinct, size_t nd, int32_t id)
{
	size_t lo = 0, hi = nd;
	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (distinct[mid] <= id)
			lo = mid;
		else
			hi = mid;
	}
	return (int32_t)lo;
}

/* Sorts v[0..n) ascending: insertion sort for a short basket. */
static void sort_ranks(int32_t *v, int n)
{
	if (n > 48) {
		qsort(v, (size_t)n, sizeof *v, cmp_i32);
		return;
	}
	for (int k = 1; k < n; k++) {
		int32_t x = v[k];
		int j = k;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

int itemsets_mine(const struct itemset_input *in, const struct itemset_opts *o,
                  struct itemset_list *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	int bad = 0;
	if (o->min_count < 1) {
		err_field(e, "min_count", "must be 1 or more");
		bad = 1;
	}
	if (o->max_size < 0) {
		err_field(e, "max_size", "must be 0 (no limit) or more");
		bad = 1;
	}
	size_t ntx = in->ntx, total = 0;
	if (ntx && in->off[0] != 0) {
		err_field(e, "items", "offsets must start at 0");
		bad = 1;
	}
	for (size_t t = 0; t < ntx && !bad; t++)
		if (in->off[t + 1] < in->off[t] || in->off[t + 1] - in->off[t] > INT32_MAX) {
			err_field(e, "items", "transaction %zu: offsets decrease", t);
			bad = 1;
		}
	if (!bad && ntx)
		total = in->off[ntx];
	for (size_t i = 0; i < total && !bad; i++)
		if (in->items[i] < 0) {
			err_field(e, "items", "item %zu: negative id", i);
			bad = 1;
		}
	if (bad)
		return e ? err_fields_done(e) : ERR_INVALID;
	out->ntx = (int64_t)ntx;
	if (total == 0)
		return 0;

	/* every item's dense index (first-seen order): a direct table when the
	 * ids are small, else the sorted distinct ids searched */
	int32_t maxid = 0;
	for (size_t i = 0; i < total; i++)
		if (in->items[i] > maxid)
			maxid = in->items[i];
	int32_t *dense = xmalloc(total * sizeof *dense);
	int32_t *dense_id = xmalloc(total * sizeof *dense_id); /* dense -> id */
	size_t nd = 0;
	if ((size_t)maxid <= 4 * total + 1024) {
		int32_t *table = xmalloc(((size_t)maxid + 1) * sizeof *table);
		memset(table, 0xff, ((size_t)maxid + 1) * sizeof *table);
		for (size_t i = 0; i < total; i++) {
			int32_t *d = &table[in->items[i]];
			if (*d < 0) {
				*d = (int32_t)nd;
				dense_id[nd++] = in->items[i];
			}
			dense[i] = *d;
		}
		free(table);
	} else {
		memcpy(dense_id, in->items, total * sizeof *dense_id);
		qsort(dense_id, total, sizeof *dense_id, cmp_i32);
		for (size_t i = 0; i < total; i++)
			if (nd == 0 || dense_id[nd - 1] != dense_id[i])
				dense_id[nd++] = dense_id[i];
		for (size_t i = 0; i < total; i++)
			dense[i] = dense_of(dense_id, nd, in->items[i]);
	}

	/* counts, an item repeated within a transaction once (seen[d] holds the
	 * last transaction + 1 that counted it) */
	size_t maxlen = 0;
	for (size_t t = 0; t < ntx; t++)
		if (in->off[t + 1] - in->off[t] > maxlen)
			maxlen = in->off[t + 1] - in->off[t];
	int32_t *buf = xmalloc((maxlen ? maxlen : 1) * sizeof *buf);
	struct item_count *freq = xcalloc(nd, sizeof *freq);
	size_t *seen = xcalloc(nd, sizeof *seen);
	for (size_t d = 0; d < nd; d++)
		freq[d] = (struct item_count){dense_id[d], (int32_t)d, 0};
	for (size_t t = 0; t < ntx; t++)
		for (size_t i = in->off[t]; i < in->off[t + 1]; i++)
			if (seen[dense[i]] != t + 1) {
				seen[dense[i]] = t + 1;
				freq[dense[i]].count++;
			}

	/* ranks: frequent items by count descending, then id */
	int32_t *dense_rank = xmalloc(nd * sizeof *dense_rank);
	qsort(freq, nd, sizeof *freq, cmp_freq);
	int nranks = 0;
	while ((size_t)nranks < nd && freq[nranks].count >= o->min_count)
		nranks++;
	int32_t *rank_id = xmalloc(((size_t)nranks + 1) * sizeof *rank_id);
	for (size_t d = 0; d < nd; d++)
		dense_rank[d] = -1;
	for (int r = 0; r < nranks; r++) {
		rank_id[r] = freq[r].id;
		dense_rank[freq[r].dense] = r;
	}
	for (size_t d = 0; d < nd; d++)
		seen[d] = 0;
	struct miner m = {0};
	m.min_count = o->min_count;
	m.max_size = o->max_size;
	m.rank_id = rank_id;
	m.prefix = xmalloc(((size_t)nranks + 1) * sizeof *m.prefix);
	m.path = xmalloc(((size_t)nranks + 1) * sizeof *m.path);
	m.ids = xmalloc(((size_t)nranks + 1) * sizeof *m.ids);
	if (nranks > 0) {
		m.hdr = grow(NULL, &m.caph, (size_t)nranks, sizeof *m.hdr);
		m.nh = (size_t)nranks;
		for (int r = 0; r < nranks; r++)
			m.hdr[r] = (struct fphdr){-1, freq[r].count};
		int32_t root = node_new(&m, -1, -1, 0);
		for (size_t t = 0; t < ntx; t++) {
			int n = 0;
			for (size_t i = in->off[t]; i < in->off[t + 1]; i++) {
				int32_t r = dense_rank[dense[i]];
				if (r >= 0 && seen[dense[i]] != t + 1) {
					seen[dense[i]] = t + 1;
					buf[n++] = r;
				}
			}
			sort_ranks(buf, n);
			if (n)
				tree_insert(&m, root, 0, buf, n, 1);
		}
		mine(&m, 0, nranks, 0);
	}

	out->storage = m.store;
	out->n = m.nsets;
	out->sets = xmalloc((m.nsets ? m.nsets : 1) * sizeof *out->sets);
	for (size_t i = 0; i < m.nsets; i++)
		out->sets[i] =
		    (struct itemset){m.store + m.sets[i].off, m.sets[i].size, m.sets[i].count};
	qsort(out->sets, out->n, sizeof *out->sets, cmp_sets_q);

	free(m.sets);
	free(m.nodes);
	free(m.hdr);
	free(m.prefix);
	free(m.path);
	free(m.ids);
	free(rank_id);
	free(dense_rank);
	free(freq);
	free(buf);
	free(seen);
	free(dense);
	free(dense_id);
	return 0;
}

void itemset_list_free(struct itemset_list *l)
{
	if (!l)
		return;
	free(l->sets);
	free(l->storage);
	memset(l, 0, sizeof *l);
}

int64_t itemset_list_count(const struct itemset_list *l, const int32_t *items, int size)
{
	struct itemset key = {items, size, 0};
	const struct itemset *hit =
	    l->n ? bsearch(&key, l->sets, l->n, sizeof *l->sets, cmp_sets_q) : NULL;
	return hit ? hit->count : 0;
}

static int cmp_ids(const int32_t *a, int na, const int32_t *b, int nb)
{
	for (int k = 0; k < na && k < nb; k++)
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	return (na > nb) - (na < nb);
}

static int cmp_rules(const void *pa, const void *pb)
{
	const struct assoc_rule *a = pa, *b = pb;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->lift != b->lift)
		return a->lift > b->lift ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	int c = cmp_ids(a->lhs, a->nlhs, b->lhs, b->nlhs);
	return c ? c : cmp_ids(a->rhs, a->nrhs, b->rhs, b->nrhs);
}

#define RULES_MAX_SET 20

int itemsets_rules(const struct itemset_list *sets, const struct rule_opts *o,
                   struct rule_list *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (o->min_confidence < 0 || isnan(o->min_confidence))
		err_field(e, "min_confidence", "must be 0 or more");
	if (o->min_lift < 0 || isnan(o->min_lift))
		err_field(e, "min_lift", "must be 0 or more");
	if (o->max_consequent < 0)
		err_field(e, "max_consequent", "must be 0 (no limit) or more");
	if (o->min_confidence < 0 || isnan(o->min_confidence) || o->min_lift < 0 ||
	    isnan(o->min_lift) || o->max_consequent < 0)
		return e ? err_fields_done(e) : ERR_INVALID;

	struct rulerec {
		size_t off;
		int nlhs, nrhs;
		int64_t count;
		double support, confidence, lift;
	} *recs = NULL;
	size_t nrec = 0, caprec = 0, nst = 0, capst = 0;
	int32_t *st = NULL;
	int32_t lhs[RULES_MAX_SET], rhs[RULES_MAX_SET];
	double n = (double)sets->ntx;

	for (size_t i = 0; i < sets->n; i++) {
		const struct itemset *s = &sets->sets[i];
		if (s->size < 2 || s->size > RULES_MAX_SET)
			continue;
		uint32_t full = (1u << s->size) - 1;
		for (uint32_t mask = 1; mask < full; mask++) {
			int nl = 0, nr = 0;
			for (int k = 0; k < s->size; k++) {
				if (mask & (1u << k))
					lhs[nl++] = s->items[k];
				else
					rhs[nr++] = s->items[k];
			}
			if (o->max_consequent && nr > o->max_consequent)
				continue;
			int64_t cl = itemset_list_count(sets, lhs, nl);
			int64_t cr = itemset_list_count(sets, rhs, nr);
			if (cl <= 0 || cr <= 0)
				continue; /* not in the list: cannot happen for a full list */
			double conf = (double)s->count / (double)cl;
			double lift = conf * n / (double)cr;
			if (conf < o->min_confidence || lift < o->min_lift)
				continue;
			st = grow(st, &capst, nst + (size_t)s->size, sizeof *st);
			memcpy(st + nst, lhs, (size_t)nl * sizeof *lhs);
			memcpy(st + nst + nl, rhs, (size_t)nr * sizeof *rhs);
			recs = grow(recs, &caprec, nrec + 1, sizeof *recs);
			recs[nrec++] = (struct rulerec){
			    nst, nl, nr, s->count, (double)s->count / n, conf, lift};
			nst += (size_t)s->size;
		}
	}
	out->storage = st;
	out->n = nrec;
	out->rules = xmalloc((nrec ? nrec : 1) * sizeof *out->rules);
	for (size_t i = 0; i < nrec; i++)
		out->rules[i] = (struct assoc_rule){
		    st + recs[i].off,   recs[i].nlhs,  st + recs[i].off + recs[i].nlhs,
		    recs[i].nrhs,       recs[i].count, recs[i].support,
		    recs[i].confidence, recs[i].lift};
	qsort(out->rules, out->n, sizeof *out->rules, cmp_rules);
	free(recs);
	return 0;
}

void rule_list_free(struct rule_list *l)
{
	if (!l)
		return;
	free(l->rules);
	free(l->storage);
	memset(l, 0, sizeof *l);
}
