#include "core/clock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static _Atomic int64_t clock_offset;

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&clock_offset);
}

void clock_set_offset(int64_t offset_ms)
{
	atomic_store(&clock_offset, offset_ms);
}

int64_t clock_get_offset(void)
{
	return atomic_load(&clock_offset);
}

int64_t clock_monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_format_iso(int64_t t_ms, char out[32])
{
	time_t s = (time_t)(t_ms / 1000);
	int ms = (int)(t_ms % 1000);
	if (ms < 0) {
		ms += 1000;
		s -= 1;
	}
	struct tm tm;
	gmtime_r(&s, &tm);
	int y = tm.tm_year + 1900;
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	int n = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y % 10000,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	if (n < 0 || n >= 32)
		out[0] = '\0';
}

#define CLOCK_LEGAL_ZONE "Africa/Casablanca"

static pthread_once_t legal_once = PTHREAD_ONCE_INIT;
static bool legal_ok;

/* legal_install points TZ at the zone, once: glibc's localtime_r reads TZ
 * only when it loads a zone, so after tzset() every call uses it. */
static void legal_install(void)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", CLOCK_LEGAL_ZONE);
	legal_ok = access(path, R_OK) == 0;
	if (legal_ok && setenv("TZ", ":" CLOCK_LEGAL_ZONE, 1) != 0)
		legal_ok = false;
	tzset();
}

bool clock_legal_init(void)
{
	pthread_once(&legal_once, legal_install);
	return legal_ok;
}

bool clock_legal_tm(int64_t t_ms, struct tm *out)
{
	time_t s = (time_t)(t_ms / 1000 - (t_ms % 1000 < 0 ? 1 : 0));
	if (!clock_legal_init()) {
		gmtime_r(&s, out);
		return false;
	}
	if (localtime_r(&s, out))
		return true;
	gmtime_r(&s, out);
	return false;
}
