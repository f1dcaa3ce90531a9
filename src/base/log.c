/* log.c: one line per event on stderr, "<UTC time> <LEVEL> <text>", with
 * control characters escaped so that no input can forge a line. */
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "base/timeutil.h"

static atomic_int log_level = LOG_INFO;
static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void log_set_level(enum log_level lvl)
{
	atomic_store(&log_level, (int)lvl);
}

static int log_enabled(enum log_level lvl)
{
	return (int)lvl >= atomic_load(&log_level);
}

static const char *level_name(enum log_level lvl)
{
	return (unsigned)lvl < 4 ? level_names[lvl] : "INFO";
}

/* "2026-11-27T07:00:00.123Z", always with milliseconds. */
static void log_stamp(char *out, size_t n)
{
	/* ts_format drops ".000"; the log keeps columns aligned. */
	int64_t ms = ts_now_ms();
	ts_format(ms, out, n);
	if (ms % 1000 == 0 && n > 24) {
		size_t l = strlen(out);
		if (l > 0 && l + 4 < n)
			memcpy(out + l - 1, ".000Z", 6);
	}
}

/* Copies s into out (size n > 0), escaping control bytes as \n, \r, \t or
 * \xNN; with `word` also space, '"' and '=' so that a value cannot pose
 * as another key=value pair. NULL or "" becomes "-". Truncates safely. */
static void log_clean(char *out, size_t n, const char *s, int word)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;

	if (!s || !*s)
		s = "-";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[5];
		size_t el;

		if (c >= 0x20 && c != 0x7f &&
		    !(word && (c == ' ' || c == '"' || c == '='))) {
			esc[0] = (char)c;
			el = 1;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			el = 2;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			el = 4;
		}
		if (k + el >= n)
			break;
		memcpy(out + k, esc, el);
		k += el;
	}
	out[k] = '\0';
}

/* Formats a whole line first and writes it with one call: stderr's lock is
 * held for the copy only, not for the formatting (request threads contend
 * for it). */
__attribute__((format(printf, 1, 2))) static void log_line(const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line) {
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	fwrite(line, 1, (size_t)n, stderr);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char raw[2048], clean[4096], stamp[96];
	va_list ap;

	if (!log_enabled(lvl))
		return;
	va_start(ap, fmt);
	if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
		raw[0] = '\0';
	va_end(ap);
	log_clean(clean, sizeof(clean), raw, 0);
	log_stamp(stamp, sizeof(stamp));
	log_line("%s %s %s\n", stamp, level_name(lvl), clean);
	if (lvl >= LOG_WARN)
		fflush(stderr);
}

void log_request(const char *method, const char *route, int status,
		 double ms, const char *user, const char *reqid)
{
	char m[48], r[512], u[160], id[160], stamp[96];

	if (!log_enabled(LOG_INFO))
		return;
	log_clean(m, sizeof(m), method, 1);
	log_clean(r, sizeof(r), route, 1);
	log_clean(u, sizeof(u), user, 1);
	log_clean(id, sizeof(id), reqid, 1);
	log_stamp(stamp, sizeof(stamp));
	log_line("%s INFO req method=%s route=%s status=%d ms=%.2f user=%s id=%s\n", stamp, m, r,
		 status, ms, u, id);
}

/* Flushes the buffered stream five times a second. */
static void *log_flusher(void *arg)
{
	(void)arg;
	for (;;) {
		usleep(200000);
		fflush(stderr);
	}
	return NULL;
}

void log_buffered(void)
{
	static char buf[1 << 16];
	setvbuf(stderr, buf, _IOFBF, sizeof buf);
	/* The thread starts with every signal blocked: a process-directed
	 * SIGTERM must never land here (its default action would kill the
	 * process instead of reaching the server's sigwait). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_t t;
	if (pthread_create(&t, NULL, log_flusher, NULL) == 0)
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
