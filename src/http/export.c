/* export.c: CSV and XLSX renderings of list replies. */
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

static int formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	       s[0] == '\t' || s[0] == '\r';
}

static void csv_field(struct buf *b, const char *s, int is_string)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (is_string && formula_like(s)) {
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

struct export_writer {
	int xlsx;
	char **cols;           /* the first row's keys (malloc'd) */
	size_t ncols;
	size_t rows;           /* rows written, header excluded */
	int failed;
	struct buf csv;
	char path[32];         /* xlsx: the workbook's temp file */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
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
	return w;
}

/* The header row from the first row's keys. */
static void export_header(struct export_writer *w, json_t *row)
{
	const char *key;
	json_t *v;
	w->cols = xcalloc(json_object_size(row) + 1, sizeof *w->cols);
	json_object_foreach(row, key, v) {
		if (w->xlsx) {
			if (w->ws)
				worksheet_write_string(w->ws, 0, (lxw_col_t)w->ncols, key, w->bold);
		} else {
			if (w->ncols)
				buf_putc(&w->csv, ',');
			csv_field(&w->csv, key, 1);
		}
		w->cols[w->ncols++] = xstrdup(key);
	}
	if (!w->xlsx)
		buf_puts(&w->csv, "\r\n");
}

void export_row(struct export_writer *w, json_t *row)
{
	if (w->failed || !json_is_object(row))
		return;
	if (!w->cols)
		export_header(w, row);
	w->rows++;
	for (size_t c = 0; c < w->ncols; c++) {
		json_t *cv = json_object_get(row, w->cols[c]);
		char tmp[64], *owned = NULL;
		if (w->xlsx) {
			lxw_row_t r = (lxw_row_t)w->rows;
			if (json_is_integer(cv) || json_is_real(cv)) {
				worksheet_write_number(w->ws, r, (lxw_col_t)c, json_number_value(cv), NULL);
			} else if (cv && !json_is_null(cv)) {
				const char *s = cell_text(cv, tmp, sizeof tmp, &owned);
				worksheet_write_string(w->ws, r, (lxw_col_t)c, s, NULL);
			}
		} else {
			const char *s = cell_text(cv, tmp, sizeof tmp, &owned);
			if (c)
				buf_putc(&w->csv, ',');
			csv_field(&w->csv, s, json_is_string(cv));
		}
		free(owned);
	}
	if (!w->xlsx)
		buf_puts(&w->csv, "\r\n");
}

/* The finished workbook's bytes, or NULL. */
static char *xlsx_finish(struct export_writer *w, size_t *len)
{
	char *out = NULL;
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
	for (size_t c = 0; c < w->ncols; c++)
		free(w->cols[c]);
	free(w->cols);
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
