/* h_basket.c: GET /basket/rules (association rules over the sales of a
 * period) and GET /products/{id}/bought-together; store-bound roles see
 * only their stores' sales. */
#include <math.h>
#include <stdlib.h>

#include "analytics/basket.h"
#include "base/jx.h"
#include "http/handlers.h"
#include "http/req.h"

/* "" reads as absent. */
static const char *param(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* A number in [min, max] (min itself excluded when open): def when absent;
 * a field error otherwise. */
static double num_param(struct req *r, const char *name, double def, double min, int open,
                        double max, const char *rule)
{
	const char *v = param(r, name);
	if (!v)
		return def;
	char *end = NULL;
	double d = strtod(v, &end);
	if (!end || *end || !isfinite(d) || d < min || (open && d == min) || d > max) {
		err_field(&r->err, name, "%s", rule);
		return def;
	}
	return d;
}

/* The viewer's store scope: 0, or 404 for a store they do not see. */
static int scope(struct req *r, int64_t store_id, int64_t *scope_user_id)
{
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	*scope_user_id = (r->user->role & ROLE_STORE_BOUND) ? r->user->id : 0;
	return 0;
}

/* GET /basket/rules?from=&to=&store_id=&category_level=&min_support=
 * &min_confidence=&limit= */
int h_basket_rules(struct req *r)
{
	struct basket_rules_query q = {0};
	int64_t level = 0, limit = 50;
	q.from = param(r, "from");
	q.to = param(r, "to");
	jx_qint(param(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	jx_qint(param(r, "category_level"), "category_level", 0, BASKET_MAX_LEVEL, &level, &r->err);
	jx_qint(param(r, "limit"), "limit", 1, BASKET_MAX_LIMIT, &limit, &r->err);
	q.min_support =
	    num_param(r, "min_support", 0.01, 0, 1, 1, "must be a number above 0, at most 1");
	q.min_confidence =
	    num_param(r, "min_confidence", 0, 0, 0, 1, "must be a number from 0 to 1");
	q.category_level = (int)level;
	q.limit = (int)limit;
	/* bad fields go on to the period's checks: one answer names them all */
	if (!r->err.nfields && scope(r, q.store_id, &q.scope_user_id) < 0)
		return r->err.code;
	json_t *rep;
	int rc = basket_rules(r->db, r->a, &q, &rep, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, rep);
}

/* GET /products/{id}/bought-together?store_id=&limit= */
int h_products_bought_together(struct req *r)
{
	struct basket_together_query q = {0};
	int64_t limit = 10;
	q.product_id = r->ids[0];
	jx_qint(param(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	jx_qint(param(r, "limit"), "limit", 1, BASKET_MAX_LIMIT, &limit, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	q.limit = (int)limit;
	if (scope(r, q.store_id, &q.scope_user_id) < 0)
		return r->err.code;
	json_t *rep;
	int rc = basket_bought_together(r->db, r->a, &q, &rep, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, rep);
}
