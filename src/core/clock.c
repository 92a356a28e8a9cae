#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <sys/timex.h>
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

static _Atomic int sync_override; /* a clock_sync; UNKNOWN: none */

void clock_set_sync_override(clock_sync v)
{
	atomic_store(&sync_override, (int)v);
}

clock_sync clock_sync_status(const char **source, int64_t *max_error_us)
{
	const char *src_dummy;
	int64_t err_dummy;
	if (!source)
		source = &src_dummy;
	if (!max_error_us)
		max_error_us = &err_dummy;
	*max_error_us = -1;
	int o = atomic_load(&sync_override);
	if (o != CLOCK_SYNC_UNKNOWN) {
		*source = "test";
		return (clock_sync)o;
	}
	if (access("/run/systemd/timesync/synchronized", F_OK) == 0) {
		*source = "systemd-timesyncd";
		return CLOCK_SYNC_YES;
	}
	struct timex tx = {0}; /* modes 0: read only, no privilege needed */
	int state = adjtimex(&tx);
	*source = "adjtimex";
	if (state < 0)
		return CLOCK_SYNC_UNKNOWN;
	*max_error_us = (int64_t)tx.maxerror;
	return (state == TIME_ERROR || (tx.status & STA_UNSYNC)) ? CLOCK_SYNC_NO : CLOCK_SYNC_YES;
}
