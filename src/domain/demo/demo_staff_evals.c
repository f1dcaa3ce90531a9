/* demo_staff_evals.c: the demo company's evaluations (templates per role,
 * published and open evaluations), weekly stock-count routines and a team
 * meeting, written through the staff domain functions. */
#include "domain/demo/demo_internal.h"

#include <string.h>

#include "base/arena.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/actor.h"
#include "domain/staff/evaluation.h"
#include "domain/staff/meeting.h"
#include "domain/staff/task_recurrence.h"

#define DEMO_EV_STORES 3
#define DEMO_EV_STAFF 4

struct ev_store {
	int64_t id, manager;
	int64_t staff[DEMO_EV_STAFF];
	int nstaff;
};

/* The direct stores (at most DEMO_EV_STORES) with their manager and
 * salespeople. */
static int load_stores(struct db *db, struct ev_store *s, int *n, struct err *e)
{
	static const char sql_stores[] =
		"SELECT id FROM stores WHERE channel = 'direct' ORDER BY id LIMIT 3";
	static const char sql_people[] =
		"SELECT u.id, u.role FROM users u JOIN user_stores us ON us.user_id = u.id"
		" WHERE us.store_id = ? AND u.active = 1 AND u.role IN ('store_manager', 'sales')"
		" ORDER BY u.id";
	struct db_stmt *st = db_query(db, e, sql_stores, "");
	int rc;

	*n = 0;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW && *n < DEMO_EV_STORES)
		s[(*n)++] = (struct ev_store){.id = db_col_int64(st, 0)};
	db_reset(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < *n; i++) {
		if (!(st = db_query(db, e, sql_people, "i", s[i].id)))
			return db_fail(e);
		while ((rc = db_step(st, e)) == DB_ROW) {
			if (strcmp(db_col_text(st, 1), "store_manager") == 0)
				s[i].manager = s[i].manager ? s[i].manager : db_col_int64(st, 0);
			else if (s[i].nstaff < DEMO_EV_STAFF)
				s[i].staff[s[i].nstaff++] = db_col_int64(st, 0);
		}
		db_reset(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int make_templates(struct db *db, struct arena *a, int64_t *sales_tpl,
			  int64_t *manager_tpl, struct err *e)
{
	static const struct actor system = {0};
	static struct eval_criterion sales[] = {
		{"selling", "销售业绩 Selling", 30},
		{"product_knowledge", "产品知识 Product knowledge", 25},
		{"service", "顾客服务 Service", 25},
		{"teamwork", "团队合作 Teamwork", 10},
		{"punctuality", "考勤守时 Punctuality", 10},
	};
	static struct eval_criterion manager[] = {
		{"results", "门店业绩 Store results", 30},
		{"team_development", "团队培养 Team development", 25},
		{"operations", "运营管理 Operations", 20},
		{"customer_experience", "顾客体验 Customer experience", 15},
		{"compliance", "制度执行 Compliance", 10},
	};
	struct eval_template_input in[] = {
		{.name = "导购半年考评 Sales half-year review", .role = "sales", .criteria = sales,
		 .ncriteria = 5, .cadence_months = 6, .set_cadence = 1},
		{.name = "店长半年考评 Store manager half-year review", .role = "store_manager",
		 .criteria = manager, .ncriteria = 5, .cadence_months = 6, .set_cadence = 1},
	};
	struct eval_template *t;
	int rc;

	if ((rc = eval_template_create(db, a, &system, &in[0], ts_now_ms(), &t, e)) < 0)
		return rc;
	*sales_tpl = t->id;
	if ((rc = eval_template_create(db, a, &system, &in[1], ts_now_ms(), &t, e)) < 0)
		return rc;
	*manager_tpl = t->id;
	return 0;
}

/* The first day of the month `back` months before day's month, and the
 * last day of the month before day's month. */
static void months_back(const char *day, int back, char *from, char *to)
{
	char first[11] = "";

	text_catf(first, sizeof first, "%.7s-01", day);
	eval_add_months(first, -back, from);
	eval_add_months(first, -1, to);
	/* the last day of that month */
	char next[11];
	int64_t z;
	eval_add_months(to, 1, next);
	ts_day_number(next, &z);
	ts_day_from_number(z - 1, to);
}

static int64_t day_plus(const char *day, int64_t n, char *out)
{
	int64_t z = 0;

	ts_day_number(day, &z);
	ts_day_from_number(z + n, out);
	return z + n;
}

/* One evaluation of person by the store's manager: published with both
 * parts and actions, or left open with a draft self part. */
static int make_eval(struct db *db, struct arena *a, const struct actor *mgr,
		     const struct actor *person, int64_t tpl_id, int64_t user_id, const char *from,
		     const char *to, const char *today, int publish, int k, struct err *e)
{
	struct eval_template *tpl;
	struct evaluation *ev;
	char due[11], act1[11], act2[11];
	struct eval_input in = {.template_id = tpl_id, .user_id = user_id, .period_from = from,
				.period_to = to, .due_day = due};
	int rc;

	day_plus(to, 15, due);
	day_plus(today, 14, act1);
	day_plus(today, 30, act2);
	if ((rc = eval_template_get(db, a, tpl_id, &tpl, e)) < 0 ||
	    (rc = eval_create(db, a, mgr, &in, today, ts_now_ms(), &ev, e)) < 0)
		return rc;
	struct eval_score *self = arena_calloc(a, (size_t)tpl->ncriteria, sizeof *self);
	struct eval_score *mine = arena_calloc(a, (size_t)tpl->ncriteria, sizeof *mine);
	for (int i = 0; i < tpl->ncriteria; i++) {
		self[i] = (struct eval_score){tpl->criteria[i].key, 4 + (i + k) % 2};
		mine[i] = (struct eval_score){tpl->criteria[i].key, 3 + (i + 2 * k) % 3};
	}
	struct eval_part sp = {.scores = self, .nscores = tpl->ncriteria, .set_scores = 1,
			       .comment = "本期完成了主要目标，希望多学习新品知识。", .set_comment = 1,
			       .submit = publish};
	if ((rc = eval_put_self(db, a, person, ev->id, &sp, ts_now_ms(), &ev, e)) < 0 || !publish)
		return rc;
	struct eval_action acts[] = {{"完成新品培训课程 Finish the new-range course", act1},
				     {"跟岗学习连带销售 Shadow a senior seller on add-on sales", act2}};
	struct eval_part mp = {.scores = mine, .nscores = tpl->ncriteria, .set_scores = 1,
			       .comment = "业绩稳定，服务细致；连带率还有提升空间。", .set_comment = 1,
			       .actions = acts, .nactions = 1 + k % 2, .set_actions = 1};
	if ((rc = eval_put_manager(db, a, mgr, ev->id, &mp, ts_now_ms(), &ev, e)) < 0)
		return rc;
	return eval_publish(db, a, mgr, ev->id, ts_now_ms(), &ev, e);
}

/* A store-bound user of one store as an actor (for the demo's writes). */
static void as_user(struct user *u, struct actor *who, int64_t id, int role, int64_t *store)
{
	*u = (struct user){.id = id, .username = "demo", .display_name = "demo", .role = role,
			   .active = 1, .store_ids = store, .nstores = 1};
	*who = (struct actor){.user = u};
}

int demo_staff_evals(struct db *db, const char *end_day, struct err *e)
{
	static const struct actor system = {0};
	static const char *const count_list[] = {"货架 A–C 区盘点 Shelves A–C",
						 "仓库盘点 Back room",
						 "临期商品检查 Near-expiry check",
						 "差异上报 Report differences"};
	struct arena *a = arena_new();
	struct ev_store s[DEMO_EV_STORES];
	char today[11] = "", h_from[11], h_to[11], q_from[11], q_to[11];
	int64_t sales_tpl, manager_tpl;
	int n = 0, rc;

	if (end_day)
		text_catf(today, sizeof today, "%s", end_day);
	else
		ts_day(ts_now_ms(), today, sizeof today);
	months_back(today, 6, h_from, h_to);
	months_back(today, 3, q_from, q_to);
	/* One transaction for all of it: the small demo stays fast. */
	if ((rc = db_hold(db, e)) < 0) {
		arena_free(a);
		return rc;
	}
	rc = load_stores(db, s, &n, e);
	if (rc == 0)
		rc = make_templates(db, a, &sales_tpl, &manager_tpl, e);
	for (int i = 0; rc == 0 && i < n; i++) {
		struct user mu, pu;
		struct actor mgr, person;
		if (!s[i].manager)
			continue;
		as_user(&mu, &mgr, s[i].manager, ROLE_STORE_MANAGER, &s[i].id);
		for (int k = 0; rc == 0 && k < s[i].nstaff; k++) {
			as_user(&pu, &person, s[i].staff[k], ROLE_SALES, &s[i].id);
			rc = k < 2 ? make_eval(db, a, &mgr, &person, sales_tpl, s[i].staff[k], h_from,
					       h_to, today, 1, k, e)
				   : make_eval(db, a, &mgr, &person, sales_tpl, s[i].staff[k], q_from,
					       q_to, today, 0, k, e);
		}
		/* The store manager's own evaluation, open, by head office. */
		as_user(&pu, &person, s[i].manager, ROLE_STORE_MANAGER, &s[i].id);
		if (rc == 0)
			rc = make_eval(db, a, &system, &person, manager_tpl, s[i].manager, q_from,
				       q_to, today, 0, i, e);
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		struct task_recurrence *r;
		struct recur_input in = {.title = "每周盘点 Weekly stock count",
					 .note = "周一闭店前完成，差异当天上报。",
					 .store_id = s[i].id, .assignee_id = s[i].nstaff ? s[i].staff[0] : 0,
					 .rule = "weekly", .weekday = 1, .checklist = count_list,
					 .nchecklist = 4};
		rc = recur_create(db, a, &system, &in, today, ts_now_ms(), &r, e);
	}
	if (rc == 0 && n > 0 && s[0].nstaff > 0) {
		struct meeting *m;
		struct meeting_action acts[] = {
			{"补齐礼品货架 Restock the gift shelf", NULL, s[0].staff[0]},
			{"回访本周 VIP 顾客 Call back this week's VIP customers", NULL,
			 s[0].staff[s[0].nstaff > 1 ? 1 : 0]},
		};
		char d1[11], d2[11], yday[11];
		int64_t at = 0;
		day_plus(today, 3, d1);
		day_plus(today, 7, d2);
		day_plus(today, -1, yday);
		acts[0].due_day = d1;
		acts[1].due_day = d2;
		ts_day_start(yday, &at);
		struct meeting_input in = {.store_id = s[0].id, .title = "周一晨会 Monday huddle",
					   .at = at + (9 * 60 + 30) * 60000LL,
					   .notes = "1. 本月目标进度\n2. 新品陈列\n3. 会员招募",
					   .attendee_ids = s[0].staff, .nattendees = s[0].nstaff,
					   .actions = acts, .nactions = 2};
		rc = meeting_create(db, a, &system, &in, ts_now_ms(), &m, e);
	}
	if (rc == 0)
		rc = db_unhold(db, 1, e);
	else
		db_unhold(db, 0, e);
	arena_free(a);
	return rc;
}
