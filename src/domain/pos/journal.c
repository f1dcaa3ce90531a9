/* journal.c: appending to and verifying the per-store hash chain over
 * completed sales, returns and voids. */
#include "domain/pos/journal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* SHA-256 over prev, a newline and content, as hex (out[65]). */
static void chain_hash(const char *prev, const char *content, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)content, strlen(content));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void journal_hash(const char *prev, const char *content, char *out)
{
	chain_hash(prev, content, out);
}

int journal_append(struct db *db, int64_t store_id, const char *kind,
		   int64_t doc_id, int64_t at, const char *content,
		   struct err *e)
{
	/* One upsert takes the row lock and answers the new seq with the
	 * previous hash (GENESIS for a store's first record). */
	static const char sql_next[] =
		"INSERT INTO journal_heads (store_id, seq, hash) VALUES (?, 1, ?) "
		"ON CONFLICT (store_id) DO UPDATE SET seq = journal_heads.seq + 1 "
		"RETURNING seq, hash";
	static const char sql_set[] = "UPDATE journal_heads SET hash = ? WHERE store_id = ?";
	static const char sql_ins[] =
		"INSERT INTO journal (store_id, seq, kind, doc_id, at, content, prev_hash, hash) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct db_stmt *st = db_query(db, e, sql_next, "it", store_id, GENESIS);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t seq = db_col_int64(st, 0);
	char prev[65], hash[65];
	const char *p = db_col_text(st, 1);
	size_t pl = p ? strlen(p) : 0;
	if (pl != 64)
		return err_set(e, ERR_INTERNAL, "journal head of store %lld is damaged",
			       (long long)store_id);
	memcpy(prev, p, 65);
	db_reset(st);
	chain_hash(prev, content, hash);
	if (!(st = db_query(db, e, sql_set, "ti", hash, store_id)) || db_run(st, e) < 0)
		return db_fail(e);
	if (!(st = db_query(db, e, sql_ins, "iitiittt", store_id, seq, kind, doc_id, at,
			    content, prev, hash)) ||
	    db_run(st, e) < 0)
		return db_fail(e);
	return 0;
}

/* ---- canonical content ---- */

void journal_fmt_sale(struct buf *b, int64_t id, const char *number, int64_t store_id,
		      int64_t cashier_id, int64_t at, int64_t subtotal, int64_t discount_total,
		      int64_t rounding, int64_t vat_total, int64_t total)
{
	buf_printf(b, "sale|%lld|%s|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld\n", (long long)id,
		   number, (long long)store_id, (long long)cashier_id, (long long)at,
		   (long long)subtotal, (long long)discount_total, (long long)rounding,
		   (long long)vat_total, (long long)total);
}

void journal_fmt_line(struct buf *b, int64_t line_no, int64_t product_id, int64_t quantity,
		      int64_t unit_price, int64_t discount, int64_t total, int64_t vat)
{
	buf_printf(b, "line|%lld|%lld|%lld|%lld|%lld|%lld|%lld\n", (long long)line_no,
		   (long long)product_id, (long long)quantity, (long long)unit_price,
		   (long long)discount, (long long)total, (long long)vat);
}

void journal_fmt_pay(struct buf *b, const char *method, int64_t amount)
{
	buf_printf(b, "pay|%s|%lld\n", method, (long long)amount);
}

void journal_fmt_points(struct buf *b, int64_t points_earned, int64_t points_redeemed)
{
	if (points_earned || points_redeemed)
		buf_printf(b, "points|%lld|%lld\n", (long long)points_earned,
			   (long long)points_redeemed);
}

void journal_fmt_promotions(struct buf *b, int promotions_applied)
{
	if (!promotions_applied)
		buf_printf(b, "promotions|off\n");
}

int journal_sale_content(struct db *db, int64_t sale_id, char **out, struct err *e)
{
	static const char sql_sale[] =
		"SELECT id, number, store_id, cashier_id, at, subtotal, discount_total, rounding, "
		"vat_total, total, points_earned, points_redeemed, promotions_applied "
		"FROM sales WHERE id = ?";
	static const char sql_lines[] =
		"SELECT line_no, product_id, quantity, unit_price, discount, total, vat "
		"FROM sale_lines WHERE sale_id = ? ORDER BY line_no";
	static const char sql_pay[] =
		"SELECT method, amount FROM sale_payments WHERE sale_id = ? ORDER BY id";
	struct buf b;
	buf_init(&b, 0);
	struct db_stmt *st = db_query(db, e, sql_sale, "i", sale_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		goto fail;
	if (rc == DB_DONE) {
		err_set(e, ERR_NOT_FOUND, "no sale %lld", (long long)sale_id);
		goto fail;
	}
	journal_fmt_sale(&b, db_col_int64(st, 0), db_col_text(st, 1), db_col_int64(st, 2),
			 db_col_int64(st, 3), db_col_int64(st, 4), db_col_int64(st, 5),
			 db_col_int64(st, 6), db_col_int64(st, 7), db_col_int64(st, 8),
			 db_col_int64(st, 9));
	int64_t earned = db_col_int64(st, 10), redeemed = db_col_int64(st, 11);
	int promotions = db_col_int64(st, 12) != 0;
	db_reset(st);
	if (!(st = db_query(db, e, sql_lines, "i", sale_id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		journal_fmt_line(&b, db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
				 db_col_int64(st, 3), db_col_int64(st, 4), db_col_int64(st, 5),
				 db_col_int64(st, 6));
	if (rc < 0 || !(st = db_query(db, e, sql_pay, "i", sale_id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		journal_fmt_pay(&b, db_col_text(st, 0), db_col_int64(st, 1));
	if (rc < 0)
		goto fail;
	journal_fmt_points(&b, earned, redeemed);
	journal_fmt_promotions(&b, promotions);
	*out = buf_detach(&b, NULL);
	return 0;
fail:
	buf_release(&b);
	return db_fail(e);
}

int journal_return_content(struct db *db, int64_t return_id, char **out, struct err *e)
{
	static const char sql_ret[] =
		"SELECT id, sale_id, kind, at, user_id, refund_total, refund_method, "
		"COALESCE(reason, '') FROM sale_returns WHERE id = ?";
	static const char sql_lines[] =
		"SELECT sale_line_id, product_id, quantity, refund, vat FROM sale_return_lines "
		"WHERE return_id = ? ORDER BY id";
	struct buf b;
	buf_init(&b, 0);
	struct db_stmt *st = db_query(db, e, sql_ret, "i", return_id);
	int rc;
	if (!st || (rc = db_step(st, e)) < 0)
		goto fail;
	if (rc == DB_DONE) {
		err_set(e, ERR_NOT_FOUND, "no return %lld", (long long)return_id);
		goto fail;
	}
	buf_printf(&b, "%s|%lld|%lld|%lld|%lld|%lld|%s|%s\n", db_col_text(st, 2),
		   (long long)db_col_int64(st, 0), (long long)db_col_int64(st, 1),
		   (long long)db_col_int64(st, 3), (long long)db_col_int64(st, 4),
		   (long long)db_col_int64(st, 5), db_col_text(st, 6), db_col_text(st, 7));
	db_reset(st);
	if (!(st = db_query(db, e, sql_lines, "i", return_id)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		buf_printf(&b, "line|%lld|%lld|%lld|%lld|%lld\n", (long long)db_col_int64(st, 0),
			   (long long)db_col_int64(st, 1), (long long)db_col_int64(st, 2),
			   (long long)db_col_int64(st, 3), (long long)db_col_int64(st, 4));
	if (rc < 0)
		goto fail;
	*out = buf_detach(&b, NULL);
	return 0;
fail:
	buf_release(&b);
	return db_fail(e);
}

/* ---- verification ---- */

/* One journal record as read for verification. */
struct head_rec {
	int64_t store_id, seq, doc_id;
	char kind[16];
	char *content;
	char prev[65], hash[65];
};

/* The last record of each store must be its head: a record deleted from
 * the end leaves the chain whole but the head ahead of it. */
static int check_heads(struct db *db, int64_t store_id, const struct head_rec *recs, size_t n,
		       struct journal_report *out, struct err *e);

int journal_verify(struct db *db, struct arena *a, int64_t store_id,
		   struct journal_report *out, struct err *e)
{
	static const char sql[] =
		"SELECT store_id, seq, kind, doc_id, content, prev_hash, hash FROM journal "
		"WHERE (? = 0 OR store_id = ?) ORDER BY store_id, seq";
	(void)a;
	memset(out, 0, sizeof *out);
	out->store_id = store_id;
	struct db_stmt *st = db_query(db, e, sql, "ii", store_id, store_id);
	if (!st)
		return db_fail(e);
	int64_t cur_store = -1, expect_seq = 0;
	char prev[65] = GENESIS;
	/* Rows are copied out first: content checks run other queries. */
	struct head_rec *recs = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			recs = xrealloc(recs, cap * sizeof *recs);
		}
		struct head_rec *r = &recs[n++];
		r->store_id = db_col_int64(st, 0);
		r->seq = db_col_int64(st, 1);
		snprintf(r->kind, sizeof r->kind, "%s", db_col_text(st, 2));
		r->doc_id = db_col_int64(st, 3);
		r->content = xstrdup(db_col_text(st, 4) ? db_col_text(st, 4) : "");
		snprintf(r->prev, sizeof r->prev, "%s", db_col_text(st, 5) ? db_col_text(st, 5) : "");
		snprintf(r->hash, sizeof r->hash, "%s", db_col_text(st, 6) ? db_col_text(st, 6) : "");
	}
	if (rc < 0)
		goto done;
	rc = 0;
	for (size_t i = 0; i < n && !out->bad_seq; i++) {
		struct head_rec *r = &recs[i];
		if (r->store_id != cur_store) {
			cur_store = r->store_id;
			expect_seq = 1;
			memcpy(prev, GENESIS, 65);
		}
		out->store_id = r->store_id;
		out->records++;
		char h[65];
		chain_hash(r->prev, r->content, h);
		const char *why = NULL;
		if (r->seq != expect_seq)
			why = "a record is missing";
		else if (strcmp(r->prev, prev) != 0)
			why = "the link to the previous record is broken";
		else if (strcmp(h, r->hash) != 0)
			why = "the record's hash does not match its content";
		else {
			char *now = NULL;
			int crc = strcmp(r->kind, "sale") == 0 || strcmp(r->kind, "void") == 0
					  ? journal_sale_content(db, r->doc_id, &now, e)
					  : journal_return_content(db, r->doc_id, &now, e);
			if (crc == ERR_NOT_FOUND) {
				err_init(e);
				why = "the document was deleted";
			} else if (crc < 0) {
				rc = crc;
				break;
			} else if (strcmp(r->kind, "void") != 0 && strcmp(now, r->content) != 0) {
				why = "the document was changed after it was recorded";
			} else if (strcmp(r->kind, "void") == 0 &&
				   strcmp(now, r->content + strcspn(r->content, "\n") + 1) != 0) {
				why = "the voided sale was changed after it was recorded";
			}
			free(now);
		}
		if (why) {
			out->bad_seq = r->seq;
			out->problem = why;
		}
		memcpy(prev, r->hash, 65);
		expect_seq++;
	}
	if (rc == 0 && !out->bad_seq)
		rc = check_heads(db, store_id, recs, n, out, e);
done:
	for (size_t i = 0; i < n; i++)
		free(recs[i].content);
	free(recs);
	return rc < 0 ? db_fail(e) : 0;
}

static int check_heads(struct db *db, int64_t store_id, const struct head_rec *recs, size_t n,
		       struct journal_report *out, struct err *e)
{
	static const char sql[] =
		"SELECT store_id, seq FROM journal_heads WHERE (? = 0 OR store_id = ?) ORDER BY store_id";
	struct db_stmt *st = db_query(db, e, sql, "ii", store_id, store_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t s = db_col_int64(st, 0), head = db_col_int64(st, 1), last = 0;
		for (size_t i = 0; i < n; i++)
			if (recs[i].store_id == s && recs[i].seq > last)
				last = recs[i].seq;
		if (last != head) {
			out->store_id = s;
			out->bad_seq = last + 1;
			out->problem = "records at the end of the journal are missing";
			break;
		}
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}
