/* journal.h: the tamper-evident journal of completed sales, returns and
 * voids: per store, each record holds SHA-256(previous hash, content). */
#ifndef TERSA_JOURNAL_H
#define TERSA_JOURNAL_H

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Appends inside the caller's write transaction. content is the record's
 * canonical text (journal_sale_content etc.). 0 or negative. */
int journal_append(struct db *db, int64_t store_id, const char *kind,
		   int64_t doc_id, int64_t at, const char *content,
		   struct err *e);

/* A record's hash: SHA-256 over prev (64 hex digits; a store's first
 * record has 64 zeros), a newline and content, as hex into out[65]. For
 * writers of many records at once (the demo company), which keep the
 * journal_heads row themselves. */
void journal_hash(const char *prev, const char *content, char *out);

struct journal_report {
	int64_t store_id;
	int64_t records;   /* records checked */
	int64_t bad_seq;   /* first broken record, 0 if none */
	const char *problem; /* why it is broken (static text), NULL if fine */
};

/* Walks a store's chain (store_id 0: every store, stopping at the first
 * broken one): each hash must match its content and predecessor, and each
 * record's content must match the document as stored now. */
int journal_verify(struct db *db, struct arena *a, int64_t store_id,
		   struct journal_report *out, struct err *e);

/* The canonical text of a sale record, piece by piece: shared by the sale,
 * which writes it from memory, and journal_sale_content, which reads it
 * back from the tables, so that the two cannot drift apart. */
struct buf;
void journal_fmt_sale(struct buf *b, int64_t id, const char *number, int64_t store_id,
		      int64_t cashier_id, int64_t at, int64_t subtotal, int64_t discount_total,
		      int64_t rounding, int64_t vat_total, int64_t total);
void journal_fmt_line(struct buf *b, int64_t line_no, int64_t product_id, int64_t quantity,
		      int64_t unit_price, int64_t discount, int64_t total, int64_t vat);
void journal_fmt_pay(struct buf *b, const char *method, int64_t amount);
/* The points line, last, only in a sale that earned or redeemed points (so
 * that the content of other sales is as it always was). The customer is not
 * part of the content: a merge of two profiles moves sales to the kept one. */
void journal_fmt_points(struct buf *b, int64_t points_earned, int64_t points_redeemed);
/* After the points: "promotions|off" only in a sale recorded without the
 * promotion engine (apply_promotions false), other sales as they were. */
void journal_fmt_promotions(struct buf *b, int promotions_applied);

/* Canonical content of a sale / return / void as stored now (malloc'd). */
int journal_sale_content(struct db *db, int64_t sale_id, char **out, struct err *e);
int journal_return_content(struct db *db, int64_t return_id, char **out, struct err *e);

#endif
