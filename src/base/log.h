/* log.h: structured log lines on stderr, one per event. */
#ifndef TERSA_LOG_H
#define TERSA_LOG_H

#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/* Buffers stderr (64 KiB) and flushes it five times a second instead of
 * writing each line: for the server, where a write per request costs more
 * than the request. Warnings and errors still flush at once. Call before
 * anything is logged. */
void log_buffered(void);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* One line per request: method, route pattern, status, ms, user, request id. */
void log_request(const char *method, const char *route, int status,
		 double ms, const char *user, const char *reqid);

#endif
