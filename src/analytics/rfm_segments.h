/* rfm_segments.h: the named RFM segments (champions, loyal, potential, new,
 * at_risk, cant_lose, hibernating, lost) from a customer's R and F scores.
 * Pure: no database. */
#ifndef TERSA_RFM_SEGMENTS_H
#define TERSA_RFM_SEGMENTS_H

/* The rule is the R × F segment grid widely published with RFM analysis
 * (the ten-segment map of RFM tutorials, e.g. Kaggle's "RFM analysis"
 * notebooks: hibernating R1-2 F1-2, at risk R1-2 F3-4, can't lose R1-2 F5,
 * about to sleep R3 F1-2, need attention R3 F3, loyal R3-4 F4-5, promising
 * R4 F1, new R5 F1, potential loyalists R4-5 F2-3, champions R5 F4-5),
 * folded into eight segments: hibernating's R1 row is "lost", "about to
 * sleep" joins hibernating, "need attention" and "promising" join
 * potential. R is the recency score (5 = most recent), F the frequency
 * score (5 = most orders); M does not move a customer between segments.
 *
 *          F=1          F=2          F=3        F=4        F=5
 *   R=5    new          potential    potential  champions  champions
 *   R=4    potential    potential    potential  loyal      loyal
 *   R=3    hibernating  hibernating  potential  loyal      loyal
 *   R=2    hibernating  hibernating  at_risk    at_risk    cant_lose
 *   R=1    lost         lost         at_risk    at_risk    cant_lose
 */
enum rfm_segment {
	RFM_CHAMPIONS,
	RFM_LOYAL,
	RFM_POTENTIAL,
	RFM_NEW,
	RFM_AT_RISK,
	RFM_CANT_LOSE,
	RFM_HIBERNATING,
	RFM_LOST,
	RFM_SEGMENTS /* how many */
};

/* The segment of scores r, f (1..5 each; m is accepted for the record and
 * not used), or -1 when r or f is outside 1..5 (a customer not scored). */
int rfm_segment_of(int r, int f, int m);

/* The segment's code as the API answers it ("champions", ..., "lost"), or
 * NULL outside 0..RFM_SEGMENTS-1. Static strings. */
const char *rfm_segment_code(int segment);

/* The segment's rule in words ("R 5, F 4-5"), as the API answers it, or
 * NULL outside 0..RFM_SEGMENTS-1. Static strings. */
const char *rfm_segment_rule(int segment);

#endif
