/* receipt.c: a sale laid out once as receipt rows (title, centred text,
 * rules, label/amount pairs), then written as fixed-column text for thermal
 * printers or as a printable HTML page. */
#include "domain/pos/receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "base/timeutil.h"
#include "domain/pos/sale.h"
#include "domain/org/settings.h"
#include "domain/org/store.h"
#include "domain/org/user.h"

int receipt_columns(int paper_mm)
{
	return paper_mm == 58 ? 32 : paper_mm == 80 ? 48 : 0;
}

/* ---- character widths ---- */

/* East Asian Wide (W) and Fullwidth (F) ranges that matter on receipts,
 * sorted. */
static const uint32_t wide_ranges[][2] = {
	{0x1100, 0x115f},   /* Hangul Jamo initials */
	{0x231a, 0x231b},   {0x2329, 0x232a},
	{0x2e80, 0x303e},   /* CJK radicals, Kangxi, CJK symbols and punctuation */
	{0x3041, 0x33ff},   /* Hiragana, Katakana, Bopomofo, compatibility */
	{0x3400, 0x4dbf},   /* CJK extension A */
	{0x4e00, 0x9fff},   /* CJK unified ideographs */
	{0xa000, 0xa4cf},   /* Yi */
	{0xa960, 0xa97f},   {0xac00, 0xd7a3}, /* Hangul syllables */
	{0xf900, 0xfaff},   /* CJK compatibility ideographs */
	{0xfe10, 0xfe19},   {0xfe30, 0xfe6f}, /* vertical and small forms */
	{0xff00, 0xff60},   /* fullwidth forms */
	{0xffe0, 0xffe6},   {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff},
	{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

int receipt_cp_width(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		return 0;
	if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff)
		return 0;
	size_t lo = 0, hi = sizeof wide_ranges / sizeof wide_ranges[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c < wide_ranges[mid][0])
			hi = mid;
		else if (c > wide_ranges[mid][1])
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

/* Decodes the code point at s (n >= 1 bytes left); *len gets its length.
 * An invalid or truncated sequence reads as U+FFFD of one byte. */
static uint32_t utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c = s[0], min;
	size_t need;
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3, c &= 0x07, min = 0x10000;
	} else {
		goto bad;
	}
	if (n < need + 1)
		goto bad;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*len = need + 1;
	return c;
bad:
	*len = 1;
	return 0xfffd;
}

size_t receipt_text_width(const char *s)
{
	size_t w = 0, n = s ? strlen(s) : 0, i = 0, cl;
	while (i < n) {
		uint32_t c = utf8_decode((const unsigned char *)s + i, n - i, &cl);
		w += (size_t)receipt_cp_width(c);
		i += cl;
	}
	return w;
}

void receipt_html_escape(struct buf *b, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *p);
		}
	}
}

/* A copy of s fit to print (in a): invalid UTF-8 becomes '?', tabs and
 * line breaks become spaces, other control characters are dropped. */
static char *clean(struct arena *a, const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0, o = 0, cl;
	char *out = arena_alloc(a, n + 1);
	while (i < n) {
		uint32_t c = utf8_decode((const unsigned char *)s + i, n - i, &cl);
		if (c == 0xfffd && cl == 1)
			out[o++] = '?';
		else if (c == '\t' || c == '\n' || c == '\r')
			out[o++] = ' ';
		else if (!(c < 0x20 || (c >= 0x7f && c < 0xa0)))
			memcpy(out + o, s + i, cl), o += cl;
		i += cl;
	}
	out[o] = 0;
	return out;
}

/* ---- wrapping ---- */

/* One output line: bytes of the source and its width in columns. */
struct span {
	const char *p;
	size_t n;
	int w;
};

static void span_push(struct span **v, int *n, int *cap, const char *p, size_t len, int w)
{
	while (len > 0 && p[len - 1] == ' ')
		len--, w--;
	if (*n == *cap) {
		*cap *= 2;
		*v = xrealloc(*v, (size_t)*cap * sizeof **v);
	}
	(*v)[(*n)++] = (struct span){p, len, w};
}

/* Breaks s (one paragraph, already cleaned) into lines of at most width
 * columns: at spaces, or between wide (CJK) characters, which need none; a
 * word longer than a line is cut between characters. Leading and trailing
 * spaces of each line are dropped. Returns the count (0 for blank text);
 * *out is malloc'd (caller frees). */
static int wrap(const char *s, int width, struct span **out)
{
	size_t len = strlen(s), pos = 0;
	int n = 0, cap = 4;
	struct span *v = xmalloc((size_t)cap * sizeof *v);
	if (width < 2)
		width = 2;
	for (;;) {
		while (pos < len && s[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
		size_t i = pos, brk = 0, resume = 0, cl;
		int w = 0, brk_w = 0, prev_wide = 0, prev_space = 0, over = 0;
		while (i < len) {
			uint32_t c = utf8_decode((const unsigned char *)s + i, len - i, &cl);
			int cw = receipt_cp_width(c);
			if (c == ' ') {
				if (!prev_space) {
					brk = i, brk_w = w;
					for (resume = i; resume < len && s[resume] == ' '; resume++)
						;
				}
			} else if ((prev_wide || cw == 2) && i > pos) {
				brk = i, brk_w = w, resume = i;
			}
			if (w + cw > width) {
				over = 1;
				break;
			}
			w += cw;
			i += cl;
			prev_wide = cw == 2;
			prev_space = c == ' ';
		}
		if (!over) {
			span_push(&v, &n, &cap, s + pos, i - pos, w);
			break;
		}
		if (brk > pos) {
			span_push(&v, &n, &cap, s + pos, brk - pos, brk_w);
			pos = resume;
		} else {
			if (i == pos) /* never: one character always fits two columns */
				i += cl, w = 2;
			span_push(&v, &n, &cap, s + pos, i - pos, w);
			pos = i;
		}
	}
	*out = v;
	return n;
}

/* ---- labels ---- */

enum label {
	L_RECEIPT, L_NO, L_TIME, L_CASHIER, L_SALESPERSON, L_SUBTOTAL, L_DISCOUNTS,
	L_TOTAL, L_ROUNDING, L_DUE, L_VAT, L_CHANGE, L_POINTS_EARNED, L_POINTS_USED,
	L_POINTS_BALANCE, L_REFUNDED, L_VOIDED, L_RETURNED, L_GIFT, L_D_PROMOTION,
	L_D_MANUAL, L_D_TIER, L_D_COUPON, L__COUNT
};

static const char *const labels_en[L__COUNT] = {
	"Receipt", "No.", "Time", "Cashier", "Salesperson", "Subtotal", "Discounts",
	"Total", "Rounding", "Due", "VAT included", "Change", "Points earned",
	"Points used", "Points balance", "Refunded", "VOIDED", "Returned", "gift",
	"Promotion", "Manual discount", "Member discount", "Coupon"};
static const char *const labels_zh[L__COUNT] = {
	"购物小票", "单号", "时间", "收银员", "导购", "商品金额", "优惠",
	"合计", "抹零", "应付", "其中税额", "找零", "本次积分",
	"积分抵扣", "积分余额", "已退款", "已作废", "已退", "赠品",
	"促销", "手工折扣", "会员折扣", "优惠券"};

static const char *const tenders[][3] = {
	{"cash", "Cash", "现金"},       {"card", "Card", "银行卡"},
	{"wechat", "WeChat Pay", "微信支付"}, {"alipay", "Alipay", "支付宝"},
	{"voucher", "Voucher", "代金券"}, {"points", "Points", "积分"},
	{"stored_value", "Stored value", "储值卡"},
};

static int is_zh(const struct receipt_info *info)
{
	return info->locale && strncmp(info->locale, "zh", 2) == 0;
}

/* ---- the layout ---- */

enum row_kind { ROW_TITLE, ROW_CENTER, ROW_RULE, ROW_TEXT, ROW_PAIR };

struct row {
	enum row_kind kind;
	int indent; /* columns */
	int strong;
	const char *left, *right;
};

struct layout {
	struct arena *a;
	struct row *rows;
	int n, cap;
	const char *const *t; /* labels */
	const struct receipt_info *info;
};

static void add(struct layout *L, enum row_kind kind, int indent, int strong, const char *left,
		const char *right)
{
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 32;
		L->rows = xrealloc(L->rows, (size_t)L->cap * sizeof *L->rows);
	}
	L->rows[L->n++] = (struct row){kind, indent, strong, clean(L->a, left),
				       right ? clean(L->a, right) : NULL};
}

/* One row per non-blank line of s. */
static void add_lines(struct layout *L, enum row_kind kind, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		char *line = arena_strndup(L->a, s, n);
		size_t k = 0;
		while (line[k] == ' ' || line[k] == '\t')
			k++;
		if (line[k])
			add(L, kind, 0, 0, line, NULL);
		s += n;
		s += strspn(s, "\r\n");
	}
}

static int64_t num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *money(struct layout *L, int64_t v)
{
	char m[32];
	money_format(v, m, sizeof m);
	return arena_strdup(L->a, m);
}

/* A quantity as the sale JSON holds it (integer, or a real with at most
 * three decimals) as text: "2", "0.75". */
static const char *qty_text(struct layout *L, const json_t *v)
{
	int64_t q = 0;
	char out[32];
	if (json_is_integer(v))
		q = json_integer_value(v) * QTY_SCALE;
	else if (json_is_real(v) && qty_from_double(json_real_value(v), &q) < 0)
		q = 0;
	qty_format(q, out, sizeof out);
	return arena_strdup(L->a, out);
}

static const char *discount_label(struct layout *L, const json_t *d)
{
	const char *src = str(d, "source");
	json_int_t id = json_integer_value(json_object_get(d, "source_id"));
	const char *name = strcmp(src, "promotion") == 0 ? L->t[L_D_PROMOTION]
			   : strcmp(src, "manual") == 0  ? L->t[L_D_MANUAL]
			   : strcmp(src, "tier") == 0    ? L->t[L_D_TIER]
			   : strcmp(src, "coupon") == 0  ? L->t[L_D_COUPON]
							 : src;
	return id > 0 ? arena_printf(L->a, "%s #%lld", name, (long long)id) : name;
}

static const char *tender_label(struct layout *L, const char *method)
{
	for (size_t i = 0; i < sizeof tenders / sizeof tenders[0]; i++)
		if (strcmp(tenders[i][0], method) == 0)
			return tenders[i][is_zh(L->info) ? 2 : 1];
	return method;
}

static void add_line_items(struct layout *L, const json_t *lines)
{
	size_t i;
	const json_t *l;
	json_array_foreach(lines, i, l) {
		const char *name = str(l, "name");
		if (json_is_true(json_object_get(l, "is_gift")))
			name = arena_printf(L->a, "%s (%s)", name, L->t[L_GIFT]);
		add(L, ROW_TEXT, 0, 0, name, NULL);
		add(L, ROW_PAIR, 2, 0,
		    arena_printf(L->a, "%s x %s", qty_text(L, json_object_get(l, "quantity")),
				 money(L, num(l, "unit_price"))),
		    money(L, num(l, "gross")));
		size_t k;
		const json_t *d;
		json_array_foreach(json_object_get(l, "discounts"), k, d)
			add(L, ROW_PAIR, 2, 0, discount_label(L, d), money(L, -num(d, "amount")));
		const json_t *rq = json_object_get(l, "returned_quantity");
		if ((json_is_integer(rq) && json_integer_value(rq) != 0) ||
		    (json_is_real(rq) && json_real_value(rq) != 0))
			add(L, ROW_PAIR, 2, 0,
			    arena_printf(L->a, "%s %s", L->t[L_RETURNED], qty_text(L, rq)),
			    money(L, -num(l, "refunded")));
	}
}

static void build(struct layout *L, const json_t *sale)
{
	const struct receipt_info *info = L->info;
	const char *const *t = L->t;
	if (info->company_name && *info->company_name)
		add(L, ROW_TITLE, 0, 1, info->company_name, NULL);
	add_lines(L, ROW_CENTER, info->header);
	if (info->store_name && *info->store_name)
		add(L, ROW_CENTER, 0, 0, info->store_name, NULL);
	if (info->store_address && *info->store_address)
		add(L, ROW_CENTER, 0, 0, info->store_address, NULL);
	add(L, ROW_RULE, 0, 0, "", NULL);
	if (strcmp(str(sale, "status"), "voided") == 0)
		add(L, ROW_TITLE, 0, 1, t[L_VOIDED], NULL);
	add(L, ROW_PAIR, 0, 0, t[L_NO], str(sale, "number"));
	if (info->local_time)
		add(L, ROW_PAIR, 0, 0, t[L_TIME], info->local_time);
	if (info->cashier)
		add(L, ROW_PAIR, 0, 0, t[L_CASHIER], info->cashier);
	if (info->salesperson)
		add(L, ROW_PAIR, 0, 0, t[L_SALESPERSON], info->salesperson);
	add(L, ROW_RULE, 0, 0, "", NULL);

	add_line_items(L, json_object_get(sale, "lines"));
	add(L, ROW_RULE, 0, 0, "", NULL);

	int64_t discount = num(sale, "discount_total"), rounding = num(sale, "rounding");
	int64_t total = num(sale, "total");
	add(L, ROW_PAIR, 0, 0, t[L_SUBTOTAL], money(L, num(sale, "subtotal")));
	if (discount)
		add(L, ROW_PAIR, 0, 0, t[L_DISCOUNTS], money(L, -discount));
	const char *cur = info->currency && *info->currency
				  ? arena_printf(L->a, "%s (%s)", t[L_TOTAL], info->currency)
				  : t[L_TOTAL];
	add(L, ROW_PAIR, 0, 1, cur, money(L, total));
	if (rounding) {
		add(L, ROW_PAIR, 0, 0, t[L_ROUNDING], money(L, -rounding));
		add(L, ROW_PAIR, 0, 1, t[L_DUE], money(L, total - rounding));
	}
	add(L, ROW_PAIR, 0, 0, t[L_VAT], money(L, num(sale, "vat_total")));
	add(L, ROW_RULE, 0, 0, "", NULL);

	size_t i;
	const json_t *p;
	int cash = 0;
	json_array_foreach(json_object_get(sale, "payments"), i, p) {
		cash |= strcmp(str(p, "method"), "cash") == 0;
		add(L, ROW_PAIR, 0, 0, tender_label(L, str(p, "method")),
		    money(L, num(p, "amount")));
	}
	int64_t change = num(sale, "change_due");
	if (cash || change)
		add(L, ROW_PAIR, 0, 0, t[L_CHANGE], money(L, change));
	if (num(sale, "refunded_total"))
		add(L, ROW_PAIR, 0, 0, t[L_REFUNDED], money(L, -num(sale, "refunded_total")));

	int64_t earned = num(sale, "points_earned"), used = num(sale, "points_redeemed");
	int customer = json_is_integer(json_object_get(sale, "customer_id"));
	if (customer || earned || used) {
		add(L, ROW_RULE, 0, 0, "", NULL);
		add(L, ROW_PAIR, 0, 0, t[L_POINTS_EARNED],
		    arena_printf(L->a, "%lld", (long long)earned));
		if (used)
			add(L, ROW_PAIR, 0, 0, t[L_POINTS_USED],
			    arena_printf(L->a, "%lld", (long long)used));
		if (info->points_balance >= 0)
			add(L, ROW_PAIR, 0, 0, t[L_POINTS_BALANCE],
			    arena_printf(L->a, "%lld", (long long)info->points_balance));
	}
	if (info->footer && info->footer[strspn(info->footer, " \t\r\n")]) {
		add(L, ROW_RULE, 0, 0, "", NULL);
		add_lines(L, ROW_CENTER, info->footer);
	}
}

/* ---- text ---- */

static void spaces(struct buf *b, int n)
{
	for (int i = 0; i < n; i++)
		buf_putc(b, ' ');
}

static void text_line(struct buf *b, int pad, const struct span *s)
{
	spaces(b, pad);
	buf_append(b, s->p, s->n);
	buf_putc(b, '\n');
}

/* Lines of s, each right-aligned to column width + indent. */
static void text_right(struct buf *b, const char *s, int indent, int width)
{
	struct span *v;
	int n = wrap(s, width, &v);
	for (int i = 0; i < n; i++)
		text_line(b, indent + width - v[i].w, &v[i]);
	free(v);
}

static void text_pair(struct buf *b, const struct row *r, int cols)
{
	int avail = cols - r->indent, rw = (int)receipt_text_width(r->right);
	int lw = (int)receipt_text_width(r->left);
	int need = lw < 8 ? lw : 8; /* a label column narrower than this wraps badly */
	struct span *v;
	if (rw + 1 + need <= avail) {
		int n = wrap(r->left, avail - rw - 1, &v);
		spaces(b, r->indent);
		if (n > 0)
			buf_append(b, v[0].p, v[0].n);
		spaces(b, avail - rw - (n > 0 ? v[0].w : 0));
		buf_puts(b, r->right);
		buf_putc(b, '\n');
		for (int i = 1; i < n; i++)
			text_line(b, r->indent, &v[i]);
		free(v);
		return;
	}
	/* The value does not fit beside the label: the label, then the value
	 * right-aligned below it. */
	int n = wrap(r->left, avail, &v);
	for (int i = 0; i < n; i++)
		text_line(b, r->indent, &v[i]);
	free(v);
	text_right(b, r->right, r->indent, avail);
}

static void render_text(const struct layout *L, int cols, struct buf *b)
{
	for (int i = 0; i < L->n; i++) {
		const struct row *r = &L->rows[i];
		struct span *v;
		int n;
		switch (r->kind) {
		case ROW_TITLE:
		case ROW_CENTER:
			n = wrap(r->left, cols, &v);
			for (int k = 0; k < n; k++)
				text_line(b, (cols - v[k].w) / 2, &v[k]);
			free(v);
			break;
		case ROW_RULE:
			for (int k = 0; k < cols; k++)
				buf_putc(b, '-');
			buf_putc(b, '\n');
			break;
		case ROW_TEXT:
			n = wrap(r->left, cols - r->indent, &v);
			for (int k = 0; k < n; k++)
				text_line(b, r->indent, &v[k]);
			free(v);
			break;
		case ROW_PAIR:
			text_pair(b, r, cols);
			break;
		}
	}
}

/* ---- HTML ---- */

static const char html_style[] =
	"*{box-sizing:border-box}"
	"html{background:#fff;color:#000}"
	"body{margin:0 auto;padding:2mm;font-family:\"Courier New\",Courier,"
	"\"Noto Sans Mono CJK SC\",monospace;line-height:1.35;overflow-wrap:anywhere}"
	".c{text-align:center}.b{font-weight:bold}.t{font-size:1.25em}"
	".r{display:flex;justify-content:space-between;gap:.6em}"
	".r>span:last-child{text-align:right;white-space:nowrap}"
	".i{padding-left:1.2em}"
	"hr{border:0;border-top:1px dashed #000;margin:1mm 0}"
	"@media screen{body{margin:1em auto;box-shadow:0 0 3px #888}}";

static void render_html(const struct layout *L, const json_t *sale, int paper_mm, struct buf *b)
{
	const char *lang = L->info->locale && *L->info->locale ? L->info->locale : "en";
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
	receipt_html_escape(b, lang);
	buf_puts(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	receipt_html_escape(b, L->t[L_RECEIPT]);
	buf_putc(b, ' ');
	receipt_html_escape(b, clean(L->a, str(sale, "number")));
	buf_printf(b, "</title>\n<style>@page{size:%dmm auto;margin:0}"
		      "body{width:%dmm;font-size:%s}%s</style>\n</head>\n<body>\n",
		   paper_mm, paper_mm, paper_mm == 58 ? "11px" : "12px", html_style);
	for (int i = 0; i < L->n; i++) {
		const struct row *r = &L->rows[i];
		const char *cls = r->kind == ROW_TITLE    ? "c b t"
				  : r->kind == ROW_CENTER ? "c"
				  : r->kind == ROW_PAIR   ? (r->strong ? "r b" : "r")
							  : "";
		if (r->kind == ROW_RULE) {
			buf_puts(b, "<hr>\n");
			continue;
		}
		const char *ind = r->indent ? (*cls ? " i" : "i") : "";
		if (*cls || *ind)
			buf_printf(b, "<div class=\"%s%s\">", cls, ind);
		else
			buf_puts(b, "<div>");
		if (r->kind == ROW_PAIR) {
			buf_puts(b, "<span>");
			receipt_html_escape(b, r->left);
			buf_puts(b, "</span><span>");
			receipt_html_escape(b, r->right);
			buf_puts(b, "</span>");
		} else {
			receipt_html_escape(b, r->left);
		}
		buf_puts(b, "</div>\n");
	}
	buf_puts(b, "</body>\n</html>\n");
}

int receipt_render(const json_t *sale, const struct receipt_info *info,
		   enum receipt_format fmt, int paper_mm, struct buf *out, struct err *e)
{
	int cols = receipt_columns(paper_mm);
	if (!cols)
		return err_set(e, ERR_INVALID, "paper width must be 58 or 80 mm");
	if (fmt != RECEIPT_TEXT && fmt != RECEIPT_HTML)
		return err_set(e, ERR_INVALID, "unknown receipt format");
	if (!json_is_object(sale) || !json_is_string(json_object_get(sale, "number")) ||
	    !json_is_array(json_object_get(sale, "lines")))
		return err_set(e, ERR_INVALID, "the sale lacks its number or lines");
	struct layout L = {.a = arena_new(), .info = info,
			   .t = is_zh(info) ? labels_zh : labels_en};
	build(&L, sale);
	if (fmt == RECEIPT_TEXT)
		render_text(&L, cols, out);
	else
		render_html(&L, sale, paper_mm, out);
	free(L.rows);
	arena_free(L.a);
	return 0;
}

/* ---- loading ---- */

/* A user's display name (in a), or "#id" when the user is gone. */
static int staff_name(struct db *db, struct arena *a, int64_t id, const char **out,
		      struct err *e)
{
	struct user *u;
	int rc = user_get(db, a, id, &u, e);
	if (rc == ERR_NOT_FOUND) {
		err_init(e);
		*out = arena_printf(a, "#%lld", (long long)id);
		return 0;
	}
	if (rc < 0)
		return rc;
	*out = u->display_name && *u->display_name ? u->display_name : u->username;
	return 0;
}

int receipt_get(struct db *db, struct arena *a, int64_t id, const struct user *viewer,
		enum receipt_format fmt, int paper_mm, char **out, size_t *len,
		struct err *e)
{
	json_t *sale;
	int64_t store_id;
	int rc = sale_get(db, id, &sale, &store_id, e);
	if (rc < 0)
		return rc;
	struct receipt_info info = {.points_balance = -1};
	struct settings *set;
	struct store *st;
	if (viewer && !user_sees_store(viewer, store_id)) {
		rc = err_set(e, ERR_NOT_FOUND, "no sale %lld", (long long)id);
		goto done;
	}
	if ((rc = settings_get(db, a, &set, e)) < 0 ||
	    (rc = store_get(db, a, store_id, &st, e)) < 0 ||
	    (rc = staff_name(db, a, num(sale, "cashier_id"), &info.cashier, e)) < 0)
		goto done;
	int64_t sp = num(sale, "salesperson_id");
	if (sp && (rc = staff_name(db, a, sp, &info.salesperson, e)) < 0)
		goto done;
	info.company_name = set->company_name;
	info.header = set->receipt_header;
	info.footer = set->receipt_footer;
	info.currency = set->currency;
	info.locale = set->locale;
	info.store_name = st->name;
	info.store_address = st->address && *st->address ? st->address : st->city;
	int64_t at;
	char day[11];
	int minute;
	/* Seconds are the same in every zone (offsets are whole minutes). */
	if (ts_parse(str(sale, "at"), &at) == 0 &&
	    ts_local(at, day, sizeof day, NULL, &minute) == 0)
		info.local_time = arena_printf(a, "%s %02d:%02d:%02d", day, minute / 60,
					       minute % 60, (int)(((at / 1000) % 60 + 60) % 60));
	struct buf b;
	buf_init(&b, 0);
	if ((rc = receipt_render(sale, &info, fmt, paper_mm, &b, e)) < 0) {
		buf_release(&b);
		goto done;
	}
	*out = buf_detach(&b, len);
done:
	json_decref(sale);
	return rc;
}
