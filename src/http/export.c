/* export.c: CSV and XLSX renderings of list replies. */
#include "http/export.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

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

char *export_csv(json_t *items, size_t *len)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "\xEF\xBB\xBF");
	json_t *first = json_array_size(items) ? json_array_get(items, 0) : NULL;
	if (json_is_object(first)) {
		const char *key;
		json_t *v;
		int col = 0;
		json_object_foreach(first, key, v) {
			if (col++)
				buf_putc(&b, ',');
			csv_field(&b, key, 1);
		}
		buf_puts(&b, "\r\n");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			col = 0;
			json_object_foreach(first, key, v) {
				char tmp[64], *owned;
				json_t *cv = json_object_get(it, key);
				const char *s = cell_text(cv, tmp, sizeof tmp, &owned);
				if (col++)
					buf_putc(&b, ',');
				csv_field(&b, s, json_is_string(cv));
				free(owned);
			}
			buf_puts(&b, "\r\n");
		}
	}
	return buf_detach(&b, len);
}

char *export_xlsx(json_t *items, const char *sheet, size_t *len)
{
	char path[] = "/tmp/tersa-export-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		unlink(path);
		return NULL;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	json_t *first = json_array_size(items) ? json_array_get(items, 0) : NULL;
	if (json_is_object(first)) {
		const char *key;
		json_t *v;
		lxw_col_t col = 0;
		json_object_foreach(first, key, v)
			worksheet_write_string(ws, 0, col++, key, bold);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			col = 0;
			lxw_row_t row = (lxw_row_t)(i + 1);
			json_object_foreach(first, key, v) {
				json_t *cv = json_object_get(it, key);
				if (json_is_integer(cv) || json_is_real(cv)) {
					worksheet_write_number(ws, row, col, json_number_value(cv), NULL);
				} else if (cv && !json_is_null(cv)) {
					char tmp[64], *owned;
					const char *s = cell_text(cv, tmp, sizeof tmp, &owned);
					worksheet_write_string(ws, row, col, s, NULL);
					free(owned);
				}
				col++;
			}
		}
	}
	lxw_error rc = workbook_close(wb);
	char *out = NULL;
	if (rc == LXW_NO_ERROR) {
		FILE *f = fopen(path, "rb");
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
	unlink(path);
	return out;
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
