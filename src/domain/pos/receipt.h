/* receipt.h: a sale's receipt as plain text for 58/80 mm thermal printers
 * (fixed columns, CJK counted as two) or as a printable HTML page. The
 * renderer is a pure function of the sale JSON and the receipt info. */
#ifndef TERSA_RECEIPT_H
#define TERSA_RECEIPT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

enum receipt_format { RECEIPT_TEXT = 1, RECEIPT_HTML = 2 };

/* What a receipt shows besides the sale itself. Strings may be NULL (left
 * out); header and footer may hold several lines. */
struct receipt_info {
	const char *company_name;
	const char *header;
	const char *footer;
	const char *store_name;
	const char *store_address;
	const char *cashier;     /* display name */
	const char *salesperson; /* display name, NULL when none */
	const char *local_time;  /* "2026-11-27 14:55:03" in the company zone */
	const char *currency;    /* "CNY" */
	const char *locale;      /* "zh-CN" (Chinese labels) or anything else (English) */
	int64_t points_balance;  /* the customer's balance after the sale; -1 unknown */
};

/* Columns of a text receipt: 32 for 58 mm paper, 48 for 80 mm; 0 for any
 * other width. */
int receipt_columns(int paper_mm);

/* Display columns of one code point on a terminal printer: 2 for East
 * Asian wide and fullwidth characters (CJK, kana, hangul, fullwidth forms),
 * 0 for combining marks, zero-width and control characters, else 1. */
int receipt_cp_width(uint32_t cp);
/* Display columns of UTF-8 text (invalid bytes count 1 each). */
size_t receipt_text_width(const char *s);

/* Appends s with & < > " ' escaped for HTML text and attribute values. */
void receipt_html_escape(struct buf *b, const char *s);

/* Renders the receipt of sale (the JSON of sale_get) into out (appended).
 * paper_mm is 58 or 80. 0, or ERR_INVALID for a bad paper width or a sale
 * object missing its fields. */
int receipt_render(const json_t *sale, const struct receipt_info *info,
		   enum receipt_format fmt, int paper_mm, struct buf *out,
		   struct err *e);

/* Loads sale id with its store, the company settings and the staff names
 * and renders its receipt. A store-bound `viewer` that does not see the
 * sale's store gets ERR_NOT_FOUND (viewer NULL: no scope). *out is
 * malloc'd (caller frees), *len its length. */
int receipt_get(struct db *db, struct arena *a, int64_t id, const struct user *viewer,
		enum receipt_format fmt, int paper_mm, char **out, size_t *len,
		struct err *e);

#endif
