/* kmeans.h: k-means clustering on plain arrays — standardization, k-means++
 * seeding from a fixed seed, Lloyd iterations with restarts, the silhouette
 * score, and k chosen by the best silhouette. Pure: no database, no I/O;
 * the caller owns every array. */
#ifndef TERSA_KMEANS_H
#define TERSA_KMEANS_H

#include <stdint.h>

#define KMEANS_MAX_ITER 100 /* Lloyd iterations per run at most */
#define KMEANS_RESTARTS 10  /* runs per k; the lowest inertia is kept */
#define KMEANS_SEED UINT64_C(20261207)
/* kmeans_choose scores the silhouette on at most this many points (every
 * ceil(n / KMEANS_SIL_MAX)-th row) so that its O(n²) stays bounded. */
#define KMEANS_SIL_MAX 2000

/* Standardizes x (n rows × d columns, row-major) in place: each column to
 * mean 0 and standard deviation 1 (population sd, over n). A constant
 * column (sd 0, or n < 2) becomes all 0. mean and sd (d values each; either
 * may be NULL) receive the column's mean and sd (sd 0 for a constant
 * column). Never writes NaN for finite input. */
void kmeans_standardize(double *x, int n, int d, double *mean, double *sd);

/* Squared Euclidean distance of two d-vectors. */
double kmeans_dist2(const double *a, const double *b, int d);

/* Clusters the n rows of x (n × d) into k clusters: restarts runs, each
 * seeded by k-means++ (the first centre uniform, each next one drawn with
 * probability proportional to D², the squared distance to the nearest
 * centre chosen; when every D² is 0 the next row in order is taken) from a
 * generator seeded with seed, then Lloyd iterations (each row to its
 * nearest centre, lowest index on ties; centres to their rows' means; an
 * emptied cluster takes the row farthest from its centre) until no row
 * moves or max_iter. Keeps the run of lowest inertia (sum of squared
 * distances to the centres; the first on ties). Writes assign (n: 0..k-1),
 * centroid (k × d) and *inertia (may be NULL). The same input and seed
 * give the same output. 0, or -1 (nothing written) when n < 1, d < 1,
 * k < 1, k > n, restarts < 1 or max_iter < 1. */
int kmeans_run(const double *x, int n, int d, int k, int restarts, int max_iter, uint64_t seed,
	       int *assign, double *centroid, double *inertia);

/* The mean silhouette of an assignment (Rousseeuw 1987): for row i in
 * cluster A, a = mean distance (Euclidean) to the other rows of A, b = the
 * least mean distance to the rows of another non-empty cluster,
 * s = (b - a) / max(a, b); s = 0 for a row alone in its cluster and when
 * a = b = 0. The mean over the rows; 0 when fewer than 2 clusters are
 * non-empty or n < 2. assign holds 0..k-1. Never NaN. */
double kmeans_silhouette(const double *x, int n, int d, const int *assign, int k);

/* Runs kmeans_run (KMEANS_RESTARTS, KMEANS_MAX_ITER, seed) for each k from
 * kmin to kmax (kmin >= 2) that is below n, scores each by its silhouette
 * (on at most KMEANS_SIL_MAX rows, see above), and keeps the best (the
 * smallest k on ties). sil (kmax - kmin + 1 values; may be NULL) gets each
 * k's silhouette, or -2 for a k not tried (k >= n). Writes the chosen
 * clustering into assign (n) and centroid (kmax × d at least). Returns the
 * chosen k; 1 with every row in cluster 0 (the centroid their mean) when
 * no k could be tried (n <= kmin); 0 when n < 1 or the bounds are bad. */
int kmeans_choose(const double *x, int n, int d, int kmin, int kmax, uint64_t seed, double *sil,
		  int *assign, double *centroid);

#endif
