/* rfm_segments.c: the R × F segment grid (see rfm_segments.h). */
#include "analytics/rfm_segments.h"

#include <stddef.h>

#define CH RFM_CHAMPIONS
#define LO RFM_LOYAL
#define PO RFM_POTENTIAL
#define NE RFM_NEW
#define AR RFM_AT_RISK
#define CL RFM_CANT_LOSE
#define HI RFM_HIBERNATING
#define LS RFM_LOST

/* grid[r - 1][f - 1] */
static const unsigned char grid[5][5] = {
	{LS, LS, AR, AR, CL}, /* R=1 */
	{HI, HI, AR, AR, CL}, /* R=2 */
	{HI, HI, PO, LO, LO}, /* R=3 */
	{PO, PO, PO, LO, LO}, /* R=4 */
	{NE, PO, PO, CH, CH}, /* R=5 */
};

static const char *const codes[RFM_SEGMENTS] = {
	"champions", "loyal", "potential", "new", "at_risk", "cant_lose", "hibernating", "lost",
};

static const char *const rules[RFM_SEGMENTS] = {
	"R 5, F 4-5",
	"R 3-4, F 4-5",
	"R 4-5, F 2-3; R 4, F 1; R 3, F 3",
	"R 5, F 1",
	"R 1-2, F 3-4",
	"R 1-2, F 5",
	"R 2-3, F 1-2",
	"R 1, F 1-2",
};

int rfm_segment_of(int r, int f, int m)
{
	(void)m;
	if (r < 1 || r > 5 || f < 1 || f > 5)
		return -1;
	return grid[r - 1][f - 1];
}

const char *rfm_segment_code(int segment)
{
	return segment >= 0 && segment < RFM_SEGMENTS ? codes[segment] : NULL;
}

const char *rfm_segment_rule(int segment)
{
	return segment >= 0 && segment < RFM_SEGMENTS ? rules[segment] : NULL;
}
