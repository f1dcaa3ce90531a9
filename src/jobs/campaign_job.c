/* campaign_job.c: the campaigns job and the campaign environment (see
 * campaign_job.h). */
#include "jobs/campaign_job.h"

#include "analytics/saved_segments.h"
#include "analytics/uplift.h"
#include "base/log.h"
#include "base/timeutil.h"

/* A page of the segment's member ids, as the system sees them (every
 * store's: the campaign narrows them to its own). */
static int segment_page(struct db *db, struct arena *a, int64_t segment_id, int64_t now,
                        int64_t after_id, int limit, int64_t **ids, int *n, int *more,
                        struct err *e)
{
	static const struct actor system = {0};
	struct seg_member *m;
	int64_t count;
	int rc = saved_segment_members(db, a, &system, segment_id, now, after_id, limit, &m, n,
	                               more, &count, e);
	if (rc < 0)
		return rc;
	*ids = arena_calloc(a, (size_t)(*n ? *n : 1), sizeof **ids);
	for (int i = 0; i < *n; i++)
		(*ids)[i] = m[i].id;
	return 0;
}

static void two_prop_test(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double *z, double *p)
{
	if (uplift_two_prop_test(x1, n1, x2, n2, z, p) < 0) {
		*z = 0;
		*p = 1;
	}
}

const struct campaign_env campaign_env_default = {segment_page, two_prop_test};

int campaigns_job(struct db *db, struct err *e)
{
	int64_t done = 0;
	int rc = campaign_run_due(db, &campaign_env_default, ts_now_ms(), &done, e);
	if (done)
		log_info("campaigns: %lld campaigns started, decided, queued or completed",
		         (long long)done);
	return rc;
}
