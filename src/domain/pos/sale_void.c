/* sale_void.c: the void of a sale of the still-open shift, in one write
 * transaction that first locks the sale's row (as a return does). */
#include "domain/pos/sale_void.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/loyalty/loyalty_sale.h"
#include "domain/org/audit.h"
#include "domain/loyalty/coupon_sale.h"
#include "domain/pos/journal.h"
#include "domain/pos/sale.h"
#include "domain/pos/sale_effects.h"
#include "domain/pos/sale_return.h"
#include "domain/pos/shift.h"

/* Checks that the locked sale may be voided: completed, of a shift still
 * open (locked open until the commit, so a close waits for this void). */
static int check_voidable(struct db *db, const struct sale_locked *s, struct err *e)
{
	if (strcmp(s->status, "completed") != 0)
		return err_set(e, ERR_STATE, "sale %lld is %s: only a completed sale without "
					     "returns can be voided", (long long)s->id, s->status);
	int rc = s->shift_id ? shift_lock_open(db, s->shift_id, e) : ERR_STATE;
	if (rc == ERR_STATE || rc == ERR_NOT_FOUND) {
		err_init(e);
		return err_set(e, ERR_STATE, "sale %lld belongs to a closed shift: return it instead",
			       (long long)s->id);
	}
	return rc;
}

/* Marks the sale voided, then takes back exactly what it added: stock,
 * rollups (on the sale's day), with the void's journal record (the
 * customer's part follows in void_loyalty). */
static int write_void(struct db *db, struct arena *a, const struct actor *who,
		      const struct sale_locked *s, const struct sale_locked_line *ls, int n,
		      const char *reason, int64_t at, struct err *e)
{
	static const char sql_upd[] =
		"UPDATE sales SET status = 'voided', voided_by = ?, voided_at = ?, void_reason = ? "
		"WHERE id = ? AND status = 'completed'";
	int64_t uid = who->user ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, sql_upd, "Iiti", uid, at, reason, s->id);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	if (db_changes(st) != 1)
		return err_set(e, ERR_CONFLICT, "sale %lld changed meanwhile: try again",
			       (long long)s->id);
	/* The sale's coupons may be used again. */
	if (coupon_sale_give_back(db, s->id, e) < 0)
		return db_fail(e);

	/* The void record: its own line, then the sale's canonical content
	 * (journal_verify compares that part with the sale as stored). */
	char *content = NULL;
	int rc = journal_sale_content(db, s->id, &content, e);
	if (rc < 0)
		return rc;
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "void|%lld|%lld|%lld|%s\n%s", (long long)s->id, (long long)at,
		   (long long)uid, reason, content);
	free(content);

	struct sale_effect_line *fl = arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof *fl);
	for (int i = 0; i < n; i++)
		fl[i] = (struct sale_effect_line){
			.product_id = ls[i].product_id, .category_id = ls[i].category_id,
			.quantity = ls[i].quantity, .unit_cost = ls[i].unit_cost,
			.total = ls[i].total, .vat = ls[i].vat, .cost = ls[i].cost,
			.discount = ls[i].discount, .line_no = i};
	struct sale_effects fx = {
		.kind = SALE_FX_VOID, .store_id = s->store_id, .day = s->day,
		.staff_id = sale_locked_staff(s), .rounding = s->rounding,
		.customer_id = s->customer_id,
		.doc_type = "sale_void", .doc_id = s->id, .lines = fl, .n = n,
		.journal_kind = "void", .journal_doc_id = s->id, .journal_at = at,
		.journal_content = b.data};
	rc = sale_effects_apply(db, who, &fx, NULL, e);
	buf_release(&b);
	return rc;
}

/* Gives the customer back what the sale took and takes back what it
 * gave: points, stored value, aggregates (loyalty_void). */
static int void_loyalty(struct db *db, const struct actor *who, const struct sale_locked *s,
			int64_t at, struct err *e)
{
	struct loyalty_reversal r = {
		.sale_id = s->id, .customer_id = s->customer_id, .store_id = s->store_id,
		.user_id = who->user ? who->user->id : 0, .at = at,
		.points_earned = s->points_earned, .points_redeemed = s->points_redeemed,
		.paid = s->paid};
	return loyalty_void(db, &r, e);
}

int sale_void(struct db *db, struct arena *a, const struct actor *who, int64_t sale_id,
	      const char *reason, json_t **out, struct err *e)
{
	sale_reason_check(reason, e);
	if (err_fields_done(e) < 0)
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct sale_locked s;
	struct sale_locked_line *ls;
	int n;
	int64_t at = ts_now_ms(), sid;
	json_t *sale = NULL;
	if (sale_lock(db, a, sale_id, &s, &ls, &n, e) < 0 || check_voidable(db, &s, e) < 0 ||
	    write_void(db, a, who, &s, ls, n, reason, at, e) < 0 ||
	    void_loyalty(db, who, &s, at, e) < 0 ||
	    sale_get(db, sale_id, &sale, &sid, e) < 0)
		goto fail;
	json_t *before = json_pack("{s:s}", "status", "completed");
	json_t *after = json_pack("{s:s,s:s,s:I}", "status", "voided", "reason", reason,
				  "paid", (json_int_t)s.paid);
	rc = audit_add(db, who, "void", "sale", sale_id, s.store_id, before, after, e);
	json_decref(before);
	json_decref(after);
	if (rc < 0 || db_commit(db, e) < 0) {
		json_decref(sale);
		goto fail;
	}
	*out = sale;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
