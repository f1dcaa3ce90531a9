/* export.c: CSV and XLSX renderings of list replies, with each column typed
 * (money, quantity, percent, date, datetime, number, text) by one table of
 * key names and the JSON type of its values. */
#include "http/export.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/money.h"
#include "base/timeutil.h"

/* How a key name matches a rule. */
enum match { M_EXACT, M_SUFFIX, M_PREFIX, M_INFIX };

/* THE table: a column's class from its key name (for a flattened column,
 * the part after the dot). First match wins; no match is EXPORT_AUTO
 * (numbers as numbers, text as text). The naming rules of every list and
 * report follow it: money in minor units (revenue, cost, discount,
 * gross_margin, avg_basket, value, amount, total, price, refunded,
 * balance...), *_pct a percent number (12.5 = 12.5%), *_rate a ratio 0..1
 * (an integer *_rate such as vat_rate, and *_bp, are basis points),
 * day, date and names ending _day, _date or _on are dates, _at RFC 3339
 * instants. */
static const struct {
	const char *name;
	enum match how;
	enum export_class cls;
} rules[] = {
	/* snapshots of any shape (audit rows): one cell of JSON text */
	{"before", M_EXACT, EXPORT_JSON},
	{"after", M_EXACT, EXPORT_JSON},
	{"id", M_EXACT, EXPORT_ID},
	{"_id", M_SUFFIX, EXPORT_ID},
	/* points are counts, whatever else the name says */
	{"points", M_INFIX, EXPORT_AUTO},
	{"_bp", M_SUFFIX, EXPORT_BP},
	{"_pct", M_SUFFIX, EXPORT_PCT},
	{"_share", M_SUFFIX, EXPORT_RATE},
	{"_rate", M_SUFFIX, EXPORT_RATE},
	{"_at", M_SUFFIX, EXPORT_DATETIME},
	{"at", M_EXACT, EXPORT_DATETIME},
	{"day", M_EXACT, EXPORT_DATE},
	{"date", M_EXACT, EXPORT_DATE},
	{"birthday", M_EXACT, EXPORT_DATE},
	{"_day", M_SUFFIX, EXPORT_DATE},
	{"_date", M_SUFFIX, EXPORT_DATE},
	{"_on", M_SUFFIX, EXPORT_DATE},
	{"valid_from", M_EXACT, EXPORT_DATE},
	{"valid_to", M_EXACT, EXPORT_DATE},
	{"expected_close", M_EXACT, EXPORT_DATE},
	{"quantity", M_INFIX, EXPORT_QTY},
	{"units", M_INFIX, EXPORT_QTY},
	{"qty", M_INFIX, EXPORT_QTY},
	{"on_hand", M_INFIX, EXPORT_QTY},
	{"counted", M_EXACT, EXPORT_QTY},
	{"safety_stock", M_EXACT, EXPORT_QTY},
	{"pack_size", M_EXACT, EXPORT_QTY},
	/* money: minor units */
	{"revenue", M_INFIX, EXPORT_MONEY},
	{"cost", M_INFIX, EXPORT_MONEY},
	{"discount", M_INFIX, EXPORT_MONEY},
	{"margin", M_INFIX, EXPORT_MONEY},
	{"basket", M_INFIX, EXPORT_MONEY},
	{"value", M_EXACT, EXPORT_MONEY},
	{"_value", M_SUFFIX, EXPORT_MONEY},
	{"amount", M_INFIX, EXPORT_MONEY},
	{"total", M_INFIX, EXPORT_MONEY},
	{"price", M_INFIX, EXPORT_MONEY},
	{"refunded", M_INFIX, EXPORT_MONEY},
	{"balance", M_INFIX, EXPORT_MONEY},
	{"spend", M_INFIX, EXPORT_MONEY},
	{"spent", M_INFIX, EXPORT_MONEY},
	{"cash", M_INFIX, EXPORT_MONEY},
	{"paid", M_INFIX, EXPORT_MONEY},
	{"change_due", M_EXACT, EXPORT_MONEY},
	{"subtotal", M_EXACT, EXPORT_MONEY},
	{"tax", M_INFIX, EXPORT_MONEY},
};

static int rule_matches(const char *key, const char *name, enum match how)
{
	size_t kl = strlen(key), nl = strlen(name);
	switch (how) {
	case M_EXACT:
		return strcmp(key, name) == 0;
	case M_SUFFIX:
		return kl > nl && strcmp(key + kl - nl, name) == 0;
	case M_PREFIX:
		return strncmp(key, name, nl) == 0;
	case M_INFIX:
		return strstr(key, name) != NULL;
	}
	return 0;
}

enum export_class export_class_of(const char *key)
{
	const char *dot = strrchr(key, '.');
	if (dot)
		key = dot + 1;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rule_matches(key, rules[i].name, rules[i].how))
			return rules[i].cls;
	return EXPORT_AUTO;
}

int export_formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	       s[0] == '\t' || s[0] == '\r';
}

size_t export_text_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p, cp;
		size_t n;
		if (c < 0x80)
			cp = c, n = 1;
		else if ((c & 0xe0) == 0xc0)
			cp = c & 0x1f, n = 2;
		else if ((c & 0xf0) == 0xe0)
			cp = c & 0x0f, n = 3;
		else
			cp = c & 0x07, n = 4;
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				n = i;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		p += n;
		/* East Asian wide: Hangul Jamo, CJK, Hangul, compatibility and
		 * full-width forms, the supplementary ideographic planes */
		int wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
			   (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
			   (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
			   (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
		w += wide ? 2 : 1;
	}
	return w;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* 1970-01-01 is Excel serial 25569 (the 1900 date system). */
#define EXCEL_EPOCH 25569

int export_date_serial(const char *s, double *serial)
{
	if (strlen(s) != 10 || !ts_day_valid(s))
		return -1;
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1900)
		return -1;
	*serial = (double)(days_from_civil(y, m, d) + EXCEL_EPOCH);
	return 0;
}

int export_datetime_serial(const char *s, double *serial)
{
	int64_t ms;
	char day[16];
	int wd, minute;
	if (strlen(s) < 20 || s[10] != 'T' || ts_parse(s, &ms) != 0 ||
	    ts_local(ms, day, sizeof day, &wd, &minute) != 0 ||
	    export_date_serial(day, serial) != 0)
		return -1;
	int64_t sub = ms % 60000;
	if (sub < 0)
		sub += 60000;
	*serial += ((double)minute * 60000.0 + (double)sub) / 86400000.0;
	return 0;
}

/* The text of one cell; *owned set when the caller must free it. */
static const char *cell_text(json_t *v, char *tmp, size_t n, char **owned)
{
	*owned = NULL;
	if (!v || json_is_null(v))
		return "";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, n, "%.15g", json_real_value(v));
		return tmp;
	}
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	*owned = json_dumps(v, JSON_COMPACT);
	return *owned ? *owned : "";
}

static void csv_field(struct buf *b, const char *s, int is_text)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (is_text && export_formula_like(s)) {
		quote = 1;
		buf_puts(b, "\"'");
	} else if (quote) {
		buf_putc(b, '"');
	}
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	if (quote)
		buf_putc(b, '"');
}

/* One column: a key of the first row, or key.sub for a nested object of
 * the first row (flattened one level). */
struct col {
	char *key;           /* top-level key (malloc'd) */
	char *sub;           /* key inside it, or NULL */
	char *title;         /* "key" or "key.sub" (malloc'd) */
	enum export_class cls;
	size_t width;        /* widest cell so far, in character cells */
};

struct export_writer {
	int xlsx;
	struct col *cols;
	size_t ncols;
	size_t rows;           /* rows written, header excluded */
	int failed;
	struct buf csv;
	char path[32];         /* xlsx: the workbook's temp file */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money, *qty, *pct, *date, *datetime;
};

struct export_writer *export_begin(int xlsx, const char *sheet)
{
	struct export_writer *w = xcalloc(1, sizeof *w);
	w->xlsx = xlsx;
	if (!xlsx) {
		buf_init(&w->csv, 0);
		buf_puts(&w->csv, "\xEF\xBB\xBF");
		return w;
	}
	snprintf(w->path, sizeof w->path, "/tmp/tersa-export-XXXXXX");
	int fd = mkstemp(w->path);
	if (fd < 0) {
		w->path[0] = '\0';
		w->failed = 1;
		return w;
	}
	close(fd);
	/* constant memory: each row goes to the file as it is written */
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
	w->wb = workbook_new_opt(w->path, &opt);
	if (!w->wb) {
		w->failed = 1;
		return w;
	}
	w->ws = workbook_add_worksheet(w->wb, sheet);
	w->bold = workbook_add_format(w->wb);
	format_set_bold(w->bold);
	w->money = workbook_add_format(w->wb);
	format_set_num_format(w->money, EXPORT_MONEY_FORMAT);
	w->qty = workbook_add_format(w->wb);
	format_set_num_format(w->qty, "#,##0.###");
	w->pct = workbook_add_format(w->wb);
	format_set_num_format(w->pct, "0.00%");
	w->date = workbook_add_format(w->wb);
	format_set_num_format(w->date, "yyyy-mm-dd");
	w->datetime = workbook_add_format(w->wb);
	format_set_num_format(w->datetime, "yyyy-mm-dd hh:mm:ss");
	worksheet_freeze_panes(w->ws, 1, 0);
	return w;
}

static void add_col(struct export_writer *w, const char *key, const char *sub)
{
	struct col *c = &w->cols[w->ncols++];
	c->key = xstrdup(key);
	c->sub = sub ? xstrdup(sub) : NULL;
	if (sub) {
		size_t n = strlen(key) + strlen(sub) + 2;
		c->title = xmalloc(n);
		snprintf(c->title, n, "%s.%s", key, sub);
	} else {
		c->title = xstrdup(key);
	}
	c->cls = export_class_of(c->title);
	c->width = export_text_width(c->title);
}

/* 1 if the first row's value v under key becomes one column per key. */
static int flattened(const char *key, json_t *v)
{
	return json_is_object(v) && json_object_size(v) && export_class_of(key) != EXPORT_JSON;
}

/* The columns and the header row from the first row's keys. */
static void export_header(struct export_writer *w, json_t *row)
{
	const char *key, *sk;
	json_t *v, *sv;
	size_t n = 0;
	json_object_foreach(row, key, v)
		n += flattened(key, v) ? json_object_size(v) : 1;
	w->cols = xcalloc(n + 1, sizeof *w->cols);
	json_object_foreach(row, key, v) {
		if (flattened(key, v)) {
			json_object_foreach(v, sk, sv)
				add_col(w, key, sk);
		} else {
			add_col(w, key, NULL);
		}
	}
	for (size_t c = 0; c < w->ncols; c++) {
		if (w->xlsx) {
			if (w->ws)
				worksheet_write_string(w->ws, 0, (lxw_col_t)c, w->cols[c].title, w->bold);
		} else {
			if (c)
				buf_putc(&w->csv, ',');
			csv_field(&w->csv, w->cols[c].title, 1);
		}
	}
	if (!w->xlsx)
		buf_puts(&w->csv, "\r\n");
}

enum export_kind export_kind_of(enum export_class cls, json_t *v)
{
	if (!v || json_is_null(v))
		return EXPORT_K_EMPTY;
	if (json_is_boolean(v))
		return EXPORT_K_BOOL;
	if (json_is_string(v)) {
		double s;
		const char *t = json_string_value(v);
		if (cls == EXPORT_DATE && export_date_serial(t, &s) == 0)
			return EXPORT_K_DATE;
		if (cls == EXPORT_DATETIME && export_datetime_serial(t, &s) == 0)
			return EXPORT_K_DATETIME;
		return EXPORT_K_TEXT;
	}
	if (!json_is_number(v))
		return EXPORT_K_TEXT; /* nested: JSON text */
	switch (cls) {
	case EXPORT_MONEY:
		return EXPORT_K_MONEY;
	case EXPORT_QTY:
		return EXPORT_K_QTY;
	case EXPORT_PCT:
		return EXPORT_K_PCT;
	case EXPORT_BP:
		return EXPORT_K_BP;
	case EXPORT_RATE:
		return json_is_integer(v) && json_integer_value(v) > 1 ? EXPORT_K_BP : EXPORT_K_RATE;
	default:
		return EXPORT_K_NUMBER;
	}
}

/* A money cell's CSV text: minor units as "12.99". */
static const char *money_text(json_t *v, char *tmp, size_t n)
{
	if (json_is_integer(v))
		money_format(json_integer_value(v), tmp, n);
	else
		snprintf(tmp, n, "%.2f", json_real_value(v) / 100.0);
	return tmp;
}

static void xlsx_cell(struct export_writer *w, lxw_row_t r, lxw_col_t c, enum export_kind k,
		      json_t *v, const char *text)
{
	double d = json_is_number(v) ? json_number_value(v) : 0;
	switch (k) {
	case EXPORT_K_EMPTY:
		return;
	case EXPORT_K_BOOL:
		worksheet_write_boolean(w->ws, r, c, json_is_true(v), NULL);
		return;
	case EXPORT_K_MONEY:
		worksheet_write_number(w->ws, r, c, d / 100.0, w->money);
		return;
	case EXPORT_K_QTY:
		worksheet_write_number(w->ws, r, c, d, w->qty);
		return;
	case EXPORT_K_PCT:
		worksheet_write_number(w->ws, r, c, d / 100.0, w->pct);
		return;
	case EXPORT_K_BP:
		worksheet_write_number(w->ws, r, c, d / 10000.0, w->pct);
		return;
	case EXPORT_K_RATE:
		worksheet_write_number(w->ws, r, c, d, w->pct);
		return;
	case EXPORT_K_NUMBER:
		worksheet_write_number(w->ws, r, c, d, NULL);
		return;
	case EXPORT_K_DATE:
		export_date_serial(text, &d);
		worksheet_write_number(w->ws, r, c, d, w->date);
		return;
	case EXPORT_K_DATETIME:
		export_datetime_serial(text, &d);
		worksheet_write_number(w->ws, r, c, d, w->datetime);
		return;
	case EXPORT_K_TEXT:
		break;
	}
	if (export_formula_like(text)) {
		size_t n = strlen(text) + 2;
		char *q = xmalloc(n);
		snprintf(q, n, "'%s", text);
		worksheet_write_string(w->ws, r, c, q, NULL);
		free(q);
	} else {
		worksheet_write_string(w->ws, r, c, text, NULL);
	}
}

/* The width a cell of kind k takes on screen. */
static size_t cell_width(enum export_kind k, const char *text)
{
	switch (k) {
	case EXPORT_K_MONEY:
		return strlen(text) + 4; /* ¥, thousands separators */
	case EXPORT_K_DATE:
		return 10;
	case EXPORT_K_DATETIME:
		return 19;
	case EXPORT_K_PCT:
	case EXPORT_K_BP:
	case EXPORT_K_RATE:
		return 8;
	default:
		return export_text_width(text) + (export_formula_like(text) ? 1 : 0);
	}
}

void export_row(struct export_writer *w, json_t *row)
{
	if (w->failed || !json_is_object(row))
		return;
	if (!w->cols)
		export_header(w, row);
	w->rows++;
	for (size_t c = 0; c < w->ncols; c++) {
		struct col *col = &w->cols[c];
		json_t *cv = json_object_get(row, col->key);
		if (col->sub)
			cv = json_is_object(cv) ? json_object_get(cv, col->sub) : NULL;
		char tmp[64], *owned = NULL;
		enum export_kind k = export_kind_of(col->cls, cv);
		const char *s = k == EXPORT_K_MONEY ? money_text(cv, tmp, sizeof tmp)
						    : cell_text(cv, tmp, sizeof tmp, &owned);
		if (w->rows <= EXPORT_WIDTH_ROWS) {
			size_t cw = cell_width(k, s);
			if (cw > col->width)
				col->width = cw;
		}
		if (w->xlsx) {
			xlsx_cell(w, (lxw_row_t)w->rows, (lxw_col_t)c, k, cv, s);
		} else {
			if (c)
				buf_putc(&w->csv, ',');
			csv_field(&w->csv, s, k == EXPORT_K_TEXT || k == EXPORT_K_DATE ||
						  k == EXPORT_K_DATETIME);
		}
		free(owned);
	}
	if (!w->xlsx)
		buf_puts(&w->csv, "\r\n");
}

/* The current sheet's column widths fitted to its content. */
static void fit_widths(struct export_writer *w)
{
	if (w->ws)
		for (size_t c = 0; c < w->ncols; c++) {
			size_t cw = w->cols[c].width + 2;
			worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c,
					     (double)(cw > 60 ? 60 : cw), NULL);
		}
}

static void free_cols(struct export_writer *w)
{
	for (size_t c = 0; c < w->ncols; c++) {
		free(w->cols[c].key);
		free(w->cols[c].sub);
		free(w->cols[c].title);
	}
	free(w->cols);
	w->cols = NULL;
	w->ncols = 0;
}

void export_table(struct export_writer *w, const char *sheet)
{
	if (w->failed)
		return;
	if (w->xlsx) {
		fit_widths(w);
		w->ws = workbook_add_worksheet(w->wb, sheet);
		if (!w->ws)
			w->failed = 1;
		else
			worksheet_freeze_panes(w->ws, 1, 0);
	} else if (w->cols) {
		buf_puts(&w->csv, "\r\n");
	}
	free_cols(w);
	w->rows = 0;
}

/* The finished workbook's bytes, or NULL. */
static char *xlsx_finish(struct export_writer *w, size_t *len)
{
	char *out = NULL;
	fit_widths(w);
	lxw_error rc = w->wb ? workbook_close(w->wb) : LXW_ERROR_CREATING_XLSX_FILE;
	if (rc == LXW_NO_ERROR && !w->failed) {
		FILE *f = fopen(w->path, "rb");
		if (f) {
			struct buf b;
			buf_init(&b, 0);
			char chunk[65536];
			size_t n;
			while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
				buf_append(&b, chunk, n);
			fclose(f);
			out = buf_detach(&b, len);
		}
	} else {
		log_error("xlsx export failed: %s", lxw_strerror(rc));
	}
	if (w->path[0])
		unlink(w->path);
	return out;
}

char *export_end(struct export_writer *w, size_t *len)
{
	char *out = w->xlsx ? xlsx_finish(w, len) : buf_detach(&w->csv, len);
	free_cols(w);
	free(w);
	return out;
}

static char *export_items(json_t *items, int xlsx, const char *sheet, size_t *len)
{
	struct export_writer *w = export_begin(xlsx, sheet);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		export_row(w, it);
	return export_end(w, len);
}

char *export_csv(json_t *items, size_t *len)
{
	return export_items(items, 0, NULL, len);
}

char *export_xlsx(json_t *items, const char *sheet, size_t *len)
{
	return export_items(items, 1, sheet, len);
}

static atomic_int running;

int export_slot_take(void)
{
	int n = atomic_load(&running);
	while (n < EXPORT_MAX_RUNNING)
		if (atomic_compare_exchange_weak(&running, &n, n + 1))
			return 1;
	return 0;
}

void export_slot_give(void)
{
	atomic_fetch_sub(&running, 1);
}
