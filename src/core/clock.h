/* clock.h — the time sijill believes it is, in integer UTC milliseconds.
 *
 * Production reads the real clock. A server started with --test-clock lets the
 * black-box tests move time forward (custody deadlines, session expiry) through
 * clock_set_offset(); the offset is process-wide and atomic.
 */
#ifndef SJ_CLOCK_H
#define SJ_CLOCK_H

#include <stdint.h>
#include <time.h>
#include "core/err.h"

/* clock_now_ms returns the current UTC time in milliseconds (plus any test offset). */
int64_t clock_now_ms(void);
/* clock_set_offset shifts clock_now_ms by offset_ms (tests only). */
void clock_set_offset(int64_t offset_ms);
int64_t clock_get_offset(void);
/* clock_monotonic_us returns a monotonic time in microseconds, for durations. */
int64_t clock_monotonic_us(void);
/* clock_format_iso writes t_ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (>= 25 bytes). */
void clock_format_iso(int64_t t_ms, char out[32]);

/* --- legal time ---
 * Morocco's legal time is Africa/Casablanca from the system's tzdata (Debian
 * package tzdata): GMT+1, and GMT during Ramadan (décret 2.18.855). Every
 * legal day, printed time and year in sijill goes through these functions;
 * nothing adds a fixed offset. clock_legal_init selects the zone for the
 * process (TZ) and must run before threads start (main does); the other
 * functions call it once themselves if it has not run. */
#define CLOCK_LEGAL_ZONE "Africa/Casablanca"
/* clock_legal_init: SJ_EIO when tzdata has no Africa/Casablanca. */
SJ_MUST_USE sj_err clock_legal_init(void);
/* clock_legal_tm fills *out with t_ms in legal time (tm_gmtoff: the offset). */
void clock_legal_tm(int64_t t_ms, struct tm *out);
/* clock_legal_offset writes tm's offset from UTC as "+01:00" (tm from clock_legal_tm). */
void clock_legal_offset(const struct tm *tm, char out[7]);
/* clock_legal_day_start returns the UTC ms of 00:00 legal time on t_ms's legal day. */
int64_t clock_legal_day_start(int64_t t_ms);
/* clock_legal_day returns t_ms's legal day as YYYYMMDD (20261201). */
int64_t clock_legal_day(int64_t t_ms);
/* clock_legal_midnight returns the UTC ms of 00:00 legal time on y-m-d. */
int64_t clock_legal_midnight(int y, int m, int d);
/* clock_legal_year returns t_ms's calendar year in legal time. */
int clock_legal_year(int64_t t_ms);
/* clock_format_legal writes "YYYY-MM-DDTHH:MM:SS+01:00" (the offset in force
 * then) into out (>= 32 bytes). */
void clock_format_legal(int64_t t_ms, char out[32]);
/* clock_legal_date writes t_ms's legal date "YYYY-MM-DD" into out. */
void clock_legal_date(int64_t t_ms, char out[11]);
/* Whether the system clock is synchronised (custody clocks depend on it). */
typedef enum { CLOCK_SYNC_UNKNOWN = 0, CLOCK_SYNC_YES, CLOCK_SYNC_NO } clock_sync;

/* clock_sync_status asks, in order: a test override; systemd-timesyncd's
 * flag file /run/systemd/timesync/synchronized; the kernel through
 * adjtimex(2) (TIME_ERROR or STA_UNSYNC: not synchronised; kept up to date by
 * timesyncd, chrony with rtcsync — Debian's default — and ntpd). *source
 * (may be NULL) names the answer's origin (static string); *max_error_us (may
 * be NULL) the kernel's maximum error estimate, -1 when unknown. */
clock_sync clock_sync_status(const char **source, int64_t *max_error_us);
/* clock_set_sync_override forces the answer (tests only): CLOCK_SYNC_YES or
 * CLOCK_SYNC_NO; CLOCK_SYNC_UNKNOWN removes the override. */
void clock_set_sync_override(clock_sync v);

#endif
