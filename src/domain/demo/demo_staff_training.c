/* demo_staff_training.c: the demo company's training and recognition —
 * three published courses (product knowledge of the first category with a
 * five-question quiz, selling skills, service) required for salespeople,
 * some passed long ago, some overdue; the first category gated by the
 * product course; a few recognitions from the store managers. */
#include "domain/demo/demo_internal.h"

#include <string.h>

#include "base/timeutil.h"
#include "db/page.h"
#include "domain/catalog/category.h"
#include "domain/staff/course.h"
#include "domain/staff/recognition.h"
#include "domain/staff/training.h"

#define DAY_MS (24LL * 3600 * 1000)

static const char *const o_x[] = {"一年", "两年", "三年"};
static const char *const o_y[] = {"先问需求再推荐", "先报最低价", "直接推荐最贵的"};
static const char *const o_z[] = {"看保质期和生产日期", "只看包装", "只看价格"};
static const char *const o_w[] = {"先致歉并倾听", "让顾客找厂家", "拒绝处理"};
static const char *const o_v[] = {"会员积分可抵现", "会员不能退货", "会员价仅限周末"};

static struct quiz_question q(const char *text, const char *const *opts, int n, int answer)
{
	return (struct quiz_question){.question = text, .options = (const char **)opts,
				      .noptions = n, .answer = answer};
}

/* A published course required for sales (due in 30 days). *id gets it. */
static int make_course(struct db *db, struct arena *a, const char *title, const char *kind,
		       const char *desc, struct course_material *m, int nm,
		       struct quiz_question *quiz, int nq, int64_t now, int64_t *id,
		       struct err *e)
{
	static const struct actor system = {0};
	static const struct course_role sales = {.role = "sales", .due_days = 30};
	struct course_input in = {.title = title, .kind = kind, .description = desc,
				  .materials = m, .nmaterials = nm, .quiz = quiz, .nquiz = nq,
				  .pass_bp = 8000, .set_title = 1, .set_kind = 1,
				  .set_description = 1, .set_materials = 1, .set_quiz = 1,
				  .set_pass_bp = 1};
	struct course *c;
	int rc = course_create(db, a, &system, &in, now, &c, e);

	if (rc == 0)
		rc = course_publish(db, a, &system, c->id, now, &c, e);
	if (rc == 0)
		rc = training_roles_set(db, a, &system, c->id, &sales, 1, now, &c, e);
	*id = rc == 0 ? c->id : 0;
	return rc;
}

struct person {
	int64_t id, store_id;
	int role;
};

static const char SQL_PEOPLE[] =
	"SELECT u.id, MIN(us.store_id), u.role FROM users u JOIN user_stores us ON us.user_id = u.id"
	" WHERE u.role IN ('sales', 'store_manager') AND u.active = 1 GROUP BY u.id, u.role"
	" ORDER BY u.id";

static int people(struct db *db, struct arena *a, struct person **out, int *n, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_PEOPLE, "");
	struct page pg;
	int rc;

	if (!st)
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct person));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct person *p = page_add(&pg);
		p->id = db_col_int64(st, 0);
		p->store_id = db_col_int64(st, 1);
		p->role = role_parse(db_col_text(st, 2));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	return 0;
}

/* Salespeople: two of three pass the product course (60 days ago) and one
 * in two the selling course (20 days ago, one wrong answer: at the pass
 * mark); the others' assignments, due 60 days ago, are overdue. Managers
 * recognise the first salesperson of their store. */
static int progress(struct db *db, struct arena *a, const int64_t *courses,
		    const int64_t *key0, const int64_t *key1, int64_t now, struct err *e)
{
	static const char *const badges[] = {"top_seller", "customer_star", "team_player"};
	static const char *const notes[] = {"本月门店销售冠军", "顾客点名表扬，服务耐心细致",
					    "盘点时主动帮忙，团队协作好"};
	struct person *ps = NULL;
	int n = 0, k = 0, rc;

	if ((rc = people(db, a, &ps, &n, e)) < 0)
		return rc;
	for (int i = 0; rc == 0 && i < n; i++) {
		struct user u = {.id = ps[i].id, .role = ps[i].role};
		struct actor who = {.user = &u};
		struct attempt_result res;
		int64_t almost[5];

		if (ps[i].role != ROLE_SALES)
			continue;
		k++;
		if (k % 3 != 0)
			rc = training_attempt(db, a, &who, 0, courses[0], key0, 5, now - 60 * DAY_MS,
					      &res, e);
		memcpy(almost, key1, sizeof almost);
		almost[0] = 1;
		if (rc == 0 && k % 2 == 0)
			rc = training_attempt(db, a, &who, 0, courses[1], almost, 5, now - 20 * DAY_MS,
					      &res, e);
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		struct user u = {.id = ps[i].id, .role = ps[i].role};
		struct actor who = {.user = &u};
		struct recognition *r;

		if (ps[i].role != ROLE_STORE_MANAGER)
			continue;
		for (int j = 0; j < n; j++)
			if (ps[j].role == ROLE_SALES && ps[j].store_id == ps[i].store_id) {
				int b = (int)(ps[j].id % 3);
				rc = recognition_give(db, a, &who, ps[j].id, badges[b], notes[b],
						      now - (int64_t)b * DAY_MS, &r, e);
				break;
			}
	}
	return rc;
}

static const char SQL_FIRST_CATEGORY[] =
	"SELECT id, name FROM categories WHERE parent_id IS NULL ORDER BY id LIMIT 1";

int demo_staff_training(struct db *db, struct err *e)
{
	struct arena *a = arena_new();
	int64_t now = ts_now_ms(), courses[3] = {0}, cat_id = 0;
	char cat_name[101] = "商品";
	struct db_stmt *st = db_query(db, e, SQL_FIRST_CATEGORY, "");
	int rc = st ? db_step(st, e) : db_fail(e);

	if (rc == DB_ROW) {
		cat_id = db_col_int64(st, 0);
		snprintf(cat_name, sizeof cat_name, "%s", db_col_text(st, 1));
	}
	if (st)
		db_reset(st);
	if (rc < 0) {
		arena_free(a);
		return rc;
	}
	struct quiz_question product[] = {
		q("主推款的保修期是多久？", o_x, 3, 1),
		q("向顾客推荐时第一步应该做什么？", o_y, 3, 0),
		q("检查食品类商品时最重要的是？", o_z, 3, 0),
		q("顾客投诉商品质量时应该？", o_w, 3, 0),
		q("以下哪项是会员权益？", o_v, 3, 0),
	};
	struct quiz_question selling[] = {
		q("开场时最好的做法是？", o_y, 3, 0),
		q("顾客犹豫时应该？", o_w, 3, 0),
		q("连带销售的关键是？", o_y, 3, 0),
		q("介绍会员时应强调？", o_v, 3, 0),
		q("讲解保修时应说明？", o_x, 3, 1),
	};
	struct quiz_question service[] = {
		q("处理退货投诉的第一步是？", o_w, 3, 0),
		q("会员权益说明正确的是？", o_v, 3, 0),
	};
	struct course_material m_product[] = {
		{.kind = "text", .title = "品类概览",
		 .body = "本品类的主推款、卖点与常见问题。每件商品先看保质期与生产日期，再讲卖点。"},
		{.kind = "link", .title = "厂家培训视频", .url = "https://example.com/training/product"},
	};
	struct course_material m_selling[] = {
		{.kind = "text", .title = "销售五步法",
		 .body = "迎接、了解需求、推荐、处理异议、成交与连带。先问需求，再推荐。"},
	};
	struct course_material m_service[] = {
		{.kind = "text", .title = "服务标准",
		 .body = "微笑迎客；投诉先致歉并倾听；退换货按门店规则当场处理。"},
	};
	const int64_t key0[] = {1, 0, 0, 0, 0}, key1[] = {0, 0, 0, 0, 1};
	char *title = arena_printf(a, "产品知识：%s", cat_name);

	rc = make_course(db, a, title, "product", "新品上架前必修，通过后该品类销售才计提成。",
			 m_product, 2, product, 5, now - 90 * DAY_MS, &courses[0], e);
	if (rc == 0)
		rc = make_course(db, a, "销售技巧入门", "selling", "从迎客到成交的五个步骤。",
				 m_selling, 1, selling, 5, now - 90 * DAY_MS, &courses[1], e);
	if (rc == 0)
		rc = make_course(db, a, "门店服务规范", "service", "服务标准与投诉处理。", m_service,
				 1, service, 2, now, &courses[2], e);
	if (rc == 0 && cat_id) {
		struct category_input ci = {.required_course_id = courses[0],
					    .set_required_course = 1};
		struct category *c;
		rc = category_update(db, a, NULL, cat_id, &ci, &c, e);
	}
	if (rc == 0)
		rc = progress(db, a, courses, key0, key1, now, e);
	arena_free(a);
	return rc;
}
