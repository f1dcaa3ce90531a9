/* customer_rfm_job.h: the nightly RFM scoring as a scheduler job (the work
 * is customer_rfm_run in domain/crm/customer_rfm.h). */
#ifndef TERSA_CUSTOMER_RFM_JOB_H
#define TERSA_CUSTOMER_RFM_JOB_H

#include "base/err.h"
#include "db/db.h"

/* Scores every customer as of now. 0 or negative (e filled). */
int customer_rfm_job(struct db *db, struct err *e);

#endif
