/* demo_journeys.c: the demo company's three journeys — a welcome with the
 * new-member coupon, a winback after 60 days without a purchase with a
 * coupon and a reminder, and a birthday greeting with a gift coupon a week
 * ahead — each written in Chinese and English. */
#include "domain/demo/demo_internal.h"

#include "domain/loyalty/coupon.h"
#include "domain/marketing/journey.h"

static int make_template(struct db *db, struct arena *a, const char *name, int64_t value,
			 int64_t min_spend, int64_t *id, struct err *e)
{
	static const struct actor system = {0};
	struct coupon_template_input in = {.name = name, .kind = "amount_off", .value = value,
					   .min_spend = min_spend, .valid_days = 30,
					   .stackable = 0, .active = 1, .set_name = 1, .set_kind = 1,
					   .set_value = 1, .set_min_spend = 1, .set_valid_days = 1};
	struct coupon_template *t;
	int rc = coupon_template_create(db, a, &system, &in, &t, e);
	*id = rc < 0 ? 0 : t->id;
	return rc;
}

static struct journey_step msg_step(int64_t delay, const char *channel, int64_t tpl,
				    const char *zh_subject, const char *zh,
				    const char *en_subject, const char *en)
{
	return (struct journey_step){.delay_days = delay, .channel = channel, .template_id = tpl,
				     .msg = {{zh_subject, zh}, {en_subject, en}}};
}

int demo_journeys(struct db *db, struct err *e)
{
	static const char sql_welcome[] =
		"SELECT id FROM coupon_templates WHERE purpose = 'welcome' ORDER BY id LIMIT 1";
	static const struct actor system = {0};
	struct arena *a = arena_new();
	int64_t welcome_tpl = 0, winback_tpl = 0, birthday_tpl = 0;
	struct journey *j;
	int rc = db_int(db_query(db, e, sql_welcome, ""), &welcome_tpl, e) < 0 ? db_fail(e) : 0;
	if (rc == 0)
		rc = make_template(db, a, "回归礼 满100减20", 2000, 10000, &winback_tpl, e);
	if (rc == 0)
		rc = make_template(db, a, "生日礼 ¥20", 2000, 0, &birthday_tpl, e);

	struct journey_step welcome[] = {
		msg_step(0, "sms", welcome_tpl, NULL,
			 "{name}，欢迎加入！新会员礼券 {coupon} 已放入您的账户，{store}期待您的光临。",
			 NULL, "Welcome, {name}! Your new-member coupon {coupon} is waiting at {store}."),
		msg_step(7, "email", 0, "{name}，您的会员权益",
			 "{name}，您已有 {points} 积分，每消费一元都在累积。下次到{store}记得出示会员码。",
			 "{name}, your member benefits",
			 "{name}, you have {points} points and every yuan you spend adds more. "
			 "Show your member code at {store} next time."),
	};
	struct journey_step winback[] = {
		msg_step(0, "sms", winback_tpl, NULL,
			 "{name}，好久不见！送您满100减20券 {coupon}，30天内在{store}使用。",
			 NULL, "{name}, we miss you! Here is ¥20 off ¥100: {coupon}, valid 30 days at {store}."),
		msg_step(14, "sms", 0, NULL, "{name}，您的券 {coupon} 还有两周到期，别错过。", NULL,
			 "{name}, your coupon {coupon} expires in two weeks."),
	};
	struct journey_step birthday[] = {
		msg_step(0, "sms", birthday_tpl, NULL,
			 "{name}，生日快乐！送您生日礼券 {coupon}，生日前后到{store}使用。", NULL,
			 "Happy birthday, {name}! A gift coupon for you: {coupon}, at {store}."),
	};
	const struct journey_input ins[] = {
		{.kind = "welcome", .name = "新会员欢迎", .active = 1, .steps = welcome, .nsteps = 2,
		 .set_steps = 1},
		{.kind = "winback", .name = "60天未消费召回", .trigger_days = 60, .active = 1,
		 .steps = winback, .nsteps = 2, .set_trigger_days = 1, .set_steps = 1},
		{.kind = "birthday", .name = "生日关怀", .trigger_days = 7, .active = 1,
		 .steps = birthday, .nsteps = 1, .set_trigger_days = 1, .set_steps = 1},
	};
	for (size_t i = 0; rc == 0 && i < sizeof ins / sizeof ins[0]; i++)
		rc = journey_create(db, a, &system, &ins[i], &j, e);
	arena_free(a);
	return rc;
}
