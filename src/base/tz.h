/* tz.h: time zones read from their TZif files (/usr/share/zoneinfo), for
 * local time without the process-wide TZ: each zone is loaded once and kept,
 * and reading one takes no lock. */
#ifndef TERSA_TZ_H
#define TERSA_TZ_H

#include <stdint.h>

struct tzone;

/* The zone named name (an IANA name such as "Europe/Berlin", or "UTC"),
 * loaded from its TZif file on first use and kept for the life of the
 * process (so the pointer stays valid). NULL if the name is not a safe
 * relative name or its file is missing or not a valid TZif file. */
const struct tzone *tz_get(const char *name);
const char *tz_name(const struct tzone *z);
/* Seconds to add to UTC for the local time at Unix second t (e.g. 28800
 * for Asia/Shanghai): the file's transitions, then its POSIX TZ rule for
 * instants past the last one. */
int32_t tz_offset(const struct tzone *z, int64_t t);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
