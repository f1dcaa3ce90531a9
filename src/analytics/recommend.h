/* recommend.h: item-to-item recommendations: products similar to those a
 * customer bought, by the cosine similarity of the products' buyers (two
 * products are alike when the same customers bought both). Pure: plain
 * arrays, no database; thread-safe. */
#ifndef TERSA_RECOMMEND_H
#define TERSA_RECOMMEND_H

#define RECO_FROM_MAX 3 /* source products kept per recommendation */

/* The purchases: for each customer c (0..ncust-1) the distinct products it
 * bought are items[start[c] .. start[c+1]-1], products numbered
 * 0..nproducts-1. buyers[p]: how many customers bought product p, over
 * every customer (the customers listed may be only those who share a
 * product with the basket, as long as buyers counts everyone). */
struct reco_data {
	int ncust, nproducts;
	const int *start; /* ncust + 1 offsets */
	const int *items;
	const int *buyers; /* nproducts counts */
};

/* One recommendation: a product, its score and the basket products it
 * comes from (the most similar first). */
struct reco_item {
	int product;
	double score; /* the sum of its similarities to the basket's products */
	int nfrom;
	int from[RECO_FROM_MAX];
	double from_sim[RECO_FROM_MAX];
};

/* The cosine similarity of two products' buyer sets: co / sqrt(na × nb),
 * co being the customers who bought both; 0 when na or nb is 0. */
double reco_cosine(int co, int na, int nb);

/* The top `limit` products for a customer whose basket is basket[0..nb-1]
 * (distinct product numbers): every product p bought by a customer who
 * also bought a basket product, not flagged in exclude (nproducts flags,
 * may be NULL), scored as the sum over the basket products b != p of
 * cosine(b, p); products scoring 0 are left out. Highest score first; ties:
 * the lower product number first. Writes at most limit items to out
 * (caller-owned) and returns how many, or -1 on bad arguments (limit < 0,
 * nb < 0, a product number out of range). */
int reco_item_to_item(const struct reco_data *d, const int *basket, int nb,
		      const unsigned char *exclude, int limit, struct reco_item *out);

#endif
