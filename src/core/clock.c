#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

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
