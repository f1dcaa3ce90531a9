/* forecast.c: `tersa forecast`: one series on standard input (one number a
 * line), its forecast as one JSON object on standard output. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analytics/forecast.h"
#include "cli/forecast.h"

static const char usage_line[] =
	"usage: tersa forecast --period M --horizon H "
	"[--model auto|naive|snaive|ses|holt|damped|ets|theta|croston|sba]\n";

static int bad(const char *why)
{
	fprintf(stderr, "tersa forecast: %s\n%s", why, usage_line);
	return 2;
}

static long parse_long(const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* One number on a line (surrounding blanks allowed); 0 or -1. */
static int parse_value(char *line, double *v)
{
	char *end;
	size_t len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			   line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = 0;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return -1;
	errno = 0;
	*v = strtod(line, &end);
	if (errno || end == line || *end || !isfinite(*v))
		return -1;
	return 0;
}

static json_t *arr(const double *v, int h)
{
	json_t *a = json_array();
	for (int i = 0; i < h; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

int cli_forecast(int argc, char **argv)
{
	long period = -1, horizon = -1;
	int method = FC_AUTO;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = NULL, *eq = strchr(opt, '=');
		char name[32];
		if (strncmp(opt, "--", 2) != 0)
			return bad("unexpected argument");
		size_t nl = eq ? (size_t)(eq - opt) : strlen(opt);
		if (nl >= sizeof(name))
			return bad("unknown option");
		memcpy(name, opt, nl);
		name[nl] = 0;
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return bad("an option lacks its value");
		if (strcmp(name, "--period") == 0) {
			if ((period = parse_long(val, 1, 100000)) < 0)
				return bad("--period must be a whole number from 1");
		} else if (strcmp(name, "--horizon") == 0) {
			if ((horizon = parse_long(val, 1, FC_MAX_HORIZON)) < 0)
				return bad("--horizon must be a whole number from 1 to 1000");
		} else if (strcmp(name, "--model") == 0) {
			if ((method = fc_method_parse(val)) < 0)
				return bad("unknown --model");
		} else {
			return bad("unknown option");
		}
	}
	if (period < 0 || horizon < 0)
		return bad("--period and --horizon are required");

	size_t cap = 1024, n = 0, lcap = 0;
	double *y = malloc(cap * sizeof(double));
	char *line = NULL;
	long lineno = 0;
	if (!y)
		abort();
	while (getline(&line, &lcap, stdin) >= 0) {
		lineno++;
		double v;
		if (parse_value(line, &v) < 0) {
			fprintf(stderr, "tersa forecast: line %ld: not a number\n", lineno);
			free(line);
			free(y);
			return 1;
		}
		if (n == cap) {
			cap *= 2;
			y = realloc(y, cap * sizeof(double));
			if (!y)
				abort();
		}
		y[n++] = v;
	}
	free(line);
	if (n == 0 || n > 10000000) {
		fprintf(stderr, "tersa forecast: %s\n", n ? "too many values" : "no values on standard input");
		free(y);
		return 1;
	}

	int h = (int)horizon;
	double *buf = malloc(sizeof(double) * 5 * (size_t)h);
	if (!buf)
		abort();
	struct fc_out out = {.mean = buf, .lower_80 = buf + h, .upper_80 = buf + 2 * h,
			     .lower_95 = buf + 3 * h, .upper_95 = buf + 4 * h};
	if (forecast_series(y, (int)n, (int)period, h, method, &out) < 0) {
		fprintf(stderr, "tersa forecast: cannot forecast this series\n");
		free(buf);
		free(y);
		return 1;
	}
	char model[400];
	if (out.reason[0])
		snprintf(model, sizeof(model), "%s (auto: %s)", out.model, out.reason);
	else
		snprintf(model, sizeof(model), "%s", out.model);
	json_t *o = json_object();
	json_object_set_new(o, "model", json_string(model));
	json_object_set_new(o, "mean", arr(out.mean, h));
	json_object_set_new(o, "lower_80", arr(out.lower_80, h));
	json_object_set_new(o, "upper_80", arr(out.upper_80, h));
	json_object_set_new(o, "lower_95", arr(out.lower_95, h));
	json_object_set_new(o, "upper_95", arr(out.upper_95, h));
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	if (!s)
		abort();
	puts(s);
	free(s);
	json_decref(o);
	free(buf);
	free(y);
	return 0;
}
