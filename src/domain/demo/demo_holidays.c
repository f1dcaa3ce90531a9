/* demo_holidays.c: the Chinese public holidays of the years the demo covers
 * (a year before its sales begin to a year after they end), as the company
 * calendar the forecasts read. Make-up working days are left out. */
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/demo/demo_internal.h"
#include "domain/org/holidays.h"

/* The lunar-calendar holidays by year: Spring Festival (the first day of
 * the lunar year), Dragon Boat and Mid-Autumn; Qingming's day in April. */
static const struct {
	int year;
	int sf_m, sf_d, qm_d, db_m, db_d, ma_m, ma_d;
} lunar[] = {
	{2023, 1, 22, 5, 6, 22, 9, 29}, {2024, 2, 10, 4, 6, 10, 9, 17},
	{2025, 1, 29, 4, 5, 31, 10, 6}, {2026, 2, 17, 5, 6, 19, 9, 25},
	{2027, 2, 6, 5, 6, 9, 9, 15},   {2028, 1, 26, 4, 5, 28, 10, 3},
};

/* Seeds name on count days from y-m-d. */
static int seed(struct db *db, int y, int m, int d, int count, const char *name, struct err *e)
{
	char day[32];
	int64_t dn;
	snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
	if (ts_day_number(day, &dn) < 0)
		return 0;
	for (int i = 0; i < count; i++) {
		char s[11];
		ts_day_from_number(dn + i, s);
		int rc = holidays_seed(db, s, name, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int demo_holidays(struct db *db, const char *end_day, struct err *e)
{
	char today[11];
	if (!end_day) {
		ts_day(ts_now_ms(), today, sizeof today);
		end_day = today;
	}
	int last = (end_day[0] - '0') * 1000 + (end_day[1] - '0') * 100 + (end_day[2] - '0') * 10 +
		   (end_day[3] - '0') + 1;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < sizeof lunar / sizeof *lunar && rc == 0; i++) {
		int y = lunar[i].year;
		if (y < last - 3 || y > last)
			continue;
		char sf[32];
		int64_t sfn;
		snprintf(sf, sizeof sf, "%04d-%02d-%02d", y, lunar[i].sf_m, lunar[i].sf_d);
		ts_day_number(sf, &sfn);
		ts_day_from_number(sfn - 1, sf); /* New Year's Eve to the sixth day */
		if ((rc = seed(db, y, 1, 1, 1, "元旦", e)) < 0 ||
		    (rc = seed(db, y, (sf[5] - '0') * 10 + (sf[6] - '0'),
			       (sf[8] - '0') * 10 + (sf[9] - '0'), 8, "春节", e)) < 0 ||
		    (rc = seed(db, y, 4, lunar[i].qm_d, 1, "清明节", e)) < 0 ||
		    (rc = seed(db, y, 5, 1, 5, "劳动节", e)) < 0 ||
		    (rc = seed(db, y, lunar[i].db_m, lunar[i].db_d, 1, "端午节", e)) < 0 ||
		    (rc = seed(db, y, lunar[i].ma_m, lunar[i].ma_d, 1, "中秋节", e)) < 0 ||
		    (rc = seed(db, y, 10, 1, 7, "国庆节", e)) < 0)
			break;
	}
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}
