/* pipeline_report.h: the opportunity pipeline by stage and by owner (count,
 * amount, weighted amount), with the deals won and lost in a period, the
 * win rate and the sales cycle (days from creation to won). Reads
 * opportunities; writes nothing. */
#ifndef TERSA_PIPELINE_REPORT_H
#define TERSA_PIPELINE_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct pipeline_query {
	int64_t store_id, owner_id; /* 0: any */
	int64_t from, to;           /* ms, [from, to); 0: open */
};

/* *out (caller owns) is
 * {"from","to","stages":[{stage,count,amount,weighted_amount}],
 *  "owners":[{owner_id,owner_name,count,amount,weighted_amount,won,won_amount,
 *             lost,win_rate_bp}],
 *  "totals":{count,amount,weighted_amount,open_count,open_amount,
 *            open_weighted_amount,won,won_amount,lost,win_rate_bp,
 *            avg_cycle_days,median_cycle_days}}.
 * stages (every stage, in pipeline order) and the owners' count and amounts
 * cover the opportunities created in the period, as they stand now; won,
 * lost, the win rate (won / (won + lost), basis points, half up; null when
 * none closed) and the cycle (days with one decimal, half up; null when
 * none won) cover the deals closed in the period. Weighted amount: amount ×
 * probability_bp / 10000, half up per deal. Only the stores who sees. */
int pipeline_report(struct db *db, const struct actor *who, const struct pipeline_query *q,
		    json_t **out, struct err *e);

/* The report as rows for CSV/XLSX: one per stage, one per owner and one of
 * totals, each {group,key,label,count,amount,weighted_amount,won,
 * won_amount,win_rate_bp}. Caller owns the array. */
json_t *pipeline_rows(json_t *report);

#endif
