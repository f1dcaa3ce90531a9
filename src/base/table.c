/* table.c: CSV (libcsv) and XLSX (libzip + expat) files as rows of UTF-8
 * text, with the CSV encoding detected (UTF-8, UTF-8 with BOM, GBK). */
#include "base/table.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/text.h"

const char *table_cell(const struct table_row *r, int c)
{
	return c >= 0 && c < r->ncells && r->cells[c] ? r->cells[c] : "";
}

void table_free(struct table *t)
{
	for (int i = 0; i < t->nrows; i++) {
		for (int c = 0; c < t->rows[i].ncells; c++)
			free(t->rows[i].cells[c]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	t->rows = NULL;
	t->nrows = t->cap = 0;
}

/* A row being built. */
struct rowb {
	char **cells;
	int n, cap, line;
};

static void rowb_set(struct rowb *r, int col, const char *s, size_t len)
{
	if (col >= r->cap) {
		int cap = r->cap ? r->cap * 2 : 8;
		while (cap <= col)
			cap *= 2;
		r->cells = xrealloc(r->cells, (size_t)cap * sizeof *r->cells);
		memset(r->cells + r->cap, 0, (size_t)(cap - r->cap) * sizeof *r->cells);
		r->cap = cap;
	}
	/* trim ASCII spaces and tabs */
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	free(r->cells[col]);
	char *c = xmalloc(len + 1);
	memcpy(c, s, len);
	c[len] = '\0';
	r->cells[col] = c;
	if (col >= r->n)
		r->n = col + 1;
}

/* Moves a built row into t unless all its cells are empty. */
static void rowb_end(struct table *t, struct rowb *r)
{
	int empty = 1;
	for (int i = 0; i < r->n; i++)
		if (r->cells[i] && r->cells[i][0])
			empty = 0;
	if (empty) {
		for (int i = 0; i < r->n; i++)
			free(r->cells[i]);
		free(r->cells);
	} else {
		for (int i = 0; i < r->n; i++)
			if (!r->cells[i])
				r->cells[i] = xstrdup("");
		if (t->nrows == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->rows = xrealloc(t->rows, (size_t)t->cap * sizeof *t->rows);
		}
		t->rows[t->nrows++] = (struct table_row){r->line, r->n, r->cells};
	}
	*r = (struct rowb){0};
}

/* ---- encoding */

int table_to_utf8(const char *s, size_t len, char **out, size_t *outlen, int *bom)
{
	*bom = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
	if (*bom)
		s += 3, len -= 3;
	if (utf8_valid(s, len)) {
		*out = xmalloc(len + 1);
		memcpy(*out, s, len);
		(*out)[len] = '\0';
		*outlen = len;
		return 0;
	}
	if (*bom)
		return -1;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return -1;
	size_t cap = len * 2 + 16, left = cap;
	char *buf = xmalloc(cap + 1), *o = buf;
	char *in = (char *)s;
	size_t inleft = len;
	size_t rc = iconv(cd, &in, &inleft, &o, &left);
	iconv_close(cd);
	if (rc == (size_t)-1 || inleft) {
		free(buf);
		return -1;
	}
	*outlen = (size_t)(o - buf);
	buf[*outlen] = '\0';
	*out = buf;
	return 1;
}

/* ---- CSV */

struct csv_ctx {
	struct table *t;
	struct rowb row;
	int col, line;
};

static void csv_cb_field(void *s, size_t len, void *data)
{
	struct csv_ctx *c = data;
	if (c->col == 0 && c->row.n == 0)
		c->row.line = c->line;
	rowb_set(&c->row, c->col++, s ? s : "", s ? len : 0);
}

static void csv_cb_row(int ch, void *data)
{
	struct csv_ctx *c = data;
	(void)ch;
	rowb_end(c->t, &c->row);
	c->col = 0;
}

static int read_csv(const char *s, size_t len, struct table *t, char *msg, size_t msgn)
{
	struct csv_parser p;
	struct csv_ctx c = {.t = t, .line = 1};
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		snprintf(msg, msgn, "out of memory");
		return -1;
	}
	/* fed one physical line at a time, so a record knows its line */
	size_t off = 0;
	while (off < len) {
		const char *nl = memchr(s + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (s + off)) + 1 : len - off;
		if (csv_parse(&p, s + off, n, csv_cb_field, csv_cb_row, &c) != n) {
			snprintf(msg, msgn, "line %d: %s", c.line, csv_strerror(csv_error(&p)));
			csv_free(&p);
			rowb_end(t, &c.row);
			return -1;
		}
		off += n;
		c.line++;
	}
	/* a quoted field still open at the end (libcsv's state 2: field begun) */
	int open_quote = p.quoted && p.pstate == 2;
	int rc = open_quote ? -1 : csv_fini(&p, csv_cb_field, csv_cb_row, &c);
	csv_free(&p);
	rowb_end(t, &c.row);
	if (rc != 0) {
		snprintf(msg, msgn, "an unterminated quoted field at the end of the file");
		return -1;
	}
	return 0;
}

/* ---- XLSX */

/* The whole entry `name` of the archive, NUL-terminated (caller frees), or
 * NULL when absent. */
static char *zip_entry(zip_t *z, const char *name, size_t *len)
{
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    st.size > 512u * 1024 * 1024)
		return NULL;
	zip_file_t *f = zip_fopen(z, name, 0);
	if (!f)
		return NULL;
	char *b = xmalloc((size_t)st.size + 1);
	zip_int64_t got = 0, n;
	while (got < (zip_int64_t)st.size &&
	       (n = zip_fread(f, b + got, st.size - (zip_uint64_t)got)) > 0)
		got += n;
	zip_fclose(f);
	if (got != (zip_int64_t)st.size) {
		free(b);
		return NULL;
	}
	b[got] = '\0';
	*len = (size_t)got;
	return b;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (int i = 0; a[i]; i += 2)
		if (strcmp(a[i], name) == 0)
			return a[i + 1];
	return NULL;
}

/* A name without its namespace prefix ("x:row" -> "row"). */
static const char *local(const char *n)
{
	const char *c = strchr(n, ':');
	return c ? c + 1 : n;
}

/* workbook.xml: the first sheet's relationship id. */
struct wb_ctx {
	char rid[64];
};

static void wb_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct wb_ctx *w = data;
	if (strcmp(local(name), "sheet") != 0 || w->rid[0])
		return;
	for (int i = 0; a[i]; i += 2) {
		size_t l = strlen(a[i]);
		if (l >= 3 && strcmp(a[i] + l - 3, ":id") == 0)
			snprintf(w->rid, sizeof w->rid, "%s", a[i + 1]);
	}
}

/* workbook.xml.rels: the target of one relationship id. */
struct rel_ctx {
	const char *rid;
	char target[256];
};

static void rel_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct rel_ctx *r = data;
	const char *id = attr(a, "Id"), *t = attr(a, "Target");
	if (strcmp(local(name), "Relationship") == 0 && id && t && strcmp(id, r->rid) == 0)
		snprintf(r->target, sizeof r->target, "%s", t);
}

/* sharedStrings.xml and the sheet share one parser state. */
struct xl_ctx {
	/* shared strings */
	char **sst;
	int nsst, capsst;
	int in_si, in_rph;
	/* sheet */
	struct table *t;
	struct rowb row;
	int row_line, next_col, col;
	char ctype[16];
	int in_v, in_t, in_is;
	int has_v;
	struct buf text;
};

static int col_of(const char *ref)
{
	int c = 0, any = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, any = 1)
		c = c * 26 + (*ref - 'A' + 1);
	return any ? c - 1 : -1;
}

static void sst_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xl_ctx *x = data;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		x->in_si = 1;
		buf_reset(&x->text);
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 1;
	} else if (strcmp(n, "t") == 0 && x->in_si && !x->in_rph) {
		x->in_t = 1;
	}
}

static void sst_end(void *data, const XML_Char *name)
{
	struct xl_ctx *x = data;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		if (x->nsst == x->capsst) {
			x->capsst = x->capsst ? x->capsst * 2 : 256;
			x->sst = xrealloc(x->sst, (size_t)x->capsst * sizeof *x->sst);
		}
		x->sst[x->nsst++] = xstrdup(x->text.data ? x->text.data : "");
		x->in_si = 0;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	}
}

static void text_chars(void *data, const XML_Char *s, int len)
{
	struct xl_ctx *x = data;
	if (x->in_t || x->in_v)
		buf_append(&x->text, s, (size_t)len);
}

static void sheet_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xl_ctx *x = data;
	const char *n = local(name);
	if (strcmp(n, "row") == 0) {
		const char *r = attr(a, "r");
		x->row_line = r ? (int)strtol(r, NULL, 10) : x->row_line + 1;
		x->row = (struct rowb){0};
		x->row.line = x->row_line;
		x->next_col = 0;
	} else if (strcmp(n, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t");
		int c = r ? col_of(r) : -1;
		x->col = c >= 0 ? c : x->next_col;
		x->next_col = x->col + 1;
		snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
		x->has_v = 0;
		buf_reset(&x->text);
	} else if (strcmp(n, "v") == 0) {
		x->in_v = 1;
		x->has_v = 1;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 1;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 1;
	} else if (strcmp(n, "t") == 0 && x->in_is && !x->in_rph) {
		x->in_t = 1;
		x->has_v = 1;
	}
}

static void sheet_end(void *data, const XML_Char *name)
{
	struct xl_ctx *x = data;
	const char *n = local(name);
	if (strcmp(n, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(n, "c") == 0) {
		const char *v = x->text.data ? x->text.data : "";
		char num[64];
		if (!x->has_v)
			return;
		if (strcmp(x->ctype, "s") == 0) {
			char *end;
			long i = strtol(v, &end, 10);
			v = *v && !*end && i >= 0 && i < x->nsst ? x->sst[i] : "";
		} else if (strcmp(x->ctype, "n") == 0 && *v) {
			/* the shortest text of the number, without float noise */
			char *end;
			double d = strtod(v, &end);
			if (!*end) {
				snprintf(num, sizeof num, "%.15g", d);
				v = num;
			}
		} else if (strcmp(x->ctype, "b") == 0) {
			v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
		}
		rowb_set(&x->row, x->col, v, strlen(v));
	} else if (strcmp(n, "row") == 0) {
		rowb_end(x->t, &x->row);
	}
}

static int xml_parse(const char *s, size_t len, void *ctx, XML_StartElementHandler st,
		     XML_EndElementHandler en, XML_CharacterDataHandler ch)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return -1;
	XML_SetUserData(p, ctx);
	XML_SetElementHandler(p, st, en);
	if (ch)
		XML_SetCharacterDataHandler(p, ch);
	int ok = XML_Parse(p, s, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(p);
	return ok ? 0 : -1;
}

/* The first sheet's path inside the archive. */
static void first_sheet(zip_t *z, char *path, size_t n)
{
	size_t len;
	snprintf(path, n, "xl/worksheets/sheet1.xml");
	char *wb = zip_entry(z, "xl/workbook.xml", &len);
	struct wb_ctx w = {{0}};
	if (!wb)
		return;
	xml_parse(wb, len, &w, wb_start, NULL, NULL);
	free(wb);
	char *rels = w.rid[0] ? zip_entry(z, "xl/_rels/workbook.xml.rels", &len) : NULL;
	if (!rels)
		return;
	struct rel_ctx r = {.rid = w.rid};
	xml_parse(rels, len, &r, rel_start, NULL, NULL);
	free(rels);
	if (r.target[0] == '/')
		snprintf(path, n, "%s", r.target + 1);
	else if (r.target[0])
		snprintf(path, n, "xl/%s", r.target);
}

static int read_xlsx(const char *data, size_t len, struct table *t, char *msg, size_t msgn)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		snprintf(msg, msgn, "not a readable XLSX file");
		return -1;
	}
	zip_error_fini(&ze);
	struct xl_ctx x = {.t = t};
	buf_init(&x.text, 0);
	size_t n;
	int rc = 0;
	char *sst = zip_entry(z, "xl/sharedStrings.xml", &n);
	if (sst && xml_parse(sst, n, &x, sst_start, sst_end, text_chars) < 0) {
		snprintf(msg, msgn, "the workbook's shared strings are not valid XML");
		rc = -1;
	}
	free(sst);
	char path[300];
	first_sheet(z, path, sizeof path);
	char *sheet = rc == 0 ? zip_entry(z, path, &n) : NULL;
	if (rc == 0 && !sheet) {
		snprintf(msg, msgn, "the workbook has no sheet");
		rc = -1;
	}
	x.in_t = x.in_v = x.in_rph = 0;
	if (sheet && xml_parse(sheet, n, &x, sheet_start, sheet_end, text_chars) < 0) {
		snprintf(msg, msgn, "the first sheet is not valid XML");
		rc = -1;
	}
	free(sheet);
	for (int i = 0; i < x.row.n; i++)
		free(x.row.cells[i]);
	free(x.row.cells);
	for (int i = 0; i < x.nsst; i++)
		free(x.sst[i]);
	free(x.sst);
	buf_release(&x.text);
	zip_close(z);
	return rc;
}

int table_read(const char *data, size_t len, struct table *t, char *msg, size_t msgn)
{
	*t = (struct table){0};
	msg[0] = '\0';
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
		t->format = t->encoding = "xlsx";
		return read_xlsx(data, len, t, msg, msgn);
	}
	char *u;
	size_t ulen;
	int bom;
	int enc = table_to_utf8(data, len, &u, &ulen, &bom);
	if (enc < 0) {
		snprintf(msg, msgn, "the file is neither UTF-8 nor GBK text");
		return -1;
	}
	t->format = "csv";
	t->encoding = enc == 1 ? "gbk" : bom ? "utf-8-bom" : "utf-8";
	int rc = read_csv(u, ulen, t, msg, msgn);
	free(u);
	return rc;
}

int table_serial_day(const char *s, char *out, size_t n)
{
	char *end;
	double d = strtod(s, &end);
	if (!*s || *end || d < 61 || d > 2958465)
		return -1;
	/* serial 25569 = 1970-01-01; civil_from_days (Hinnant) */
	long z = (long)d - 25569 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned long doe = (unsigned long)(z - era * 146097);
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = (long)yoe + era * 400;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned long mp = (5 * doy + 2) / 153;
	unsigned long dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned long m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(out, n, "%04ld-%02lu-%02lu", y, m, dd);
	return 0;
}
