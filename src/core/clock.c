#include "core/clock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---------------------------------------------------------------- legal time */

static pthread_once_t legal_once = PTHREAD_ONCE_INIT;
static sj_err legal_status = SJ_EIO;

static void legal_setup(void)
{
	if (access("/usr/share/zoneinfo/" CLOCK_LEGAL_ZONE, R_OK) != 0) {
		legal_status = SJ_EIO;
		return;
	}
	setenv("TZ", CLOCK_LEGAL_ZONE, 1);
	tzset();
	legal_status = SJ_OK;
}

sj_err clock_legal_init(void)
{
	pthread_once(&legal_once, legal_setup);
	return legal_status;
}

void clock_legal_tm(int64_t t_ms, struct tm *out)
{
	pthread_once(&legal_once, legal_setup);
	int64_t s = t_ms / 1000 - (t_ms % 1000 < 0 ? 1 : 0);
	time_t t = (time_t)s;
	localtime_r(&t, out);
}

int64_t clock_legal_midnight(int y, int m, int d)
{
	pthread_once(&legal_once, legal_setup);
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

int64_t clock_legal_day_start(int64_t t_ms)
{
	struct tm tm;
	clock_legal_tm(t_ms, &tm);
	return clock_legal_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t clock_legal_day(int64_t t_ms)
{
	struct tm tm;
	clock_legal_tm(t_ms, &tm);
	return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int clock_legal_year(int64_t t_ms)
{
	struct tm tm;
	clock_legal_tm(t_ms, &tm);
	return tm.tm_year + 1900;
}

void clock_legal_offset(const struct tm *tm, char out[7])
{
	long off = tm->tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(out, 7, "%c%02ld:%02ld", sign, (off / 3600) % 100, (off % 3600) / 60);
}

void clock_format_legal(int64_t t_ms, char out[32])
{
	struct tm tm;
	clock_legal_tm(t_ms, &tm);
	char off[7];
	clock_legal_offset(&tm, off);
	int y = tm.tm_year + 1900;
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	int n = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, off);
	if (n < 0 || n >= 32)
		out[0] = '\0';
}

void clock_legal_date(int64_t t_ms, char out[11])
{
	struct tm tm;
	clock_legal_tm(t_ms, &tm);
	int y = tm.tm_year + 1900;
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	unsigned mo = (unsigned)(tm.tm_mon + 1) % 13u, d = (unsigned)tm.tm_mday % 32u;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, mo, d);
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
