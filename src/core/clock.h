/* clock.h — the time sijill believes it is, in integer UTC milliseconds.
 *
 * Production reads the real clock. A server started with --test-clock lets the
 * black-box tests move time forward (custody deadlines, session expiry) through
 * clock_set_offset(); the offset is process-wide and atomic.
 */
#ifndef SJ_CLOCK_H
#define SJ_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* clock_now_ms returns the current UTC time in milliseconds (plus any test offset). */
int64_t clock_now_ms(void);
/* clock_set_offset shifts clock_now_ms by offset_ms (tests only). */
void clock_set_offset(int64_t offset_ms);
int64_t clock_get_offset(void);
/* clock_monotonic_us returns a monotonic time in microseconds, for durations. */
int64_t clock_monotonic_us(void);
/* clock_format_iso writes t_ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (>= 25 bytes). */
void clock_format_iso(int64_t t_ms, char out[32]);

/* clock_legal_tm breaks t_ms (UTC ms) down into Morocco's legal time: the
 * tzdata zone Africa/Casablanca (UTC+1, UTC+0 during Ramadan; decree
 * 2-18-855 of 2018), never a fixed offset. Returns false, with *out in UTC,
 * when the zone is not installed (Debian: tzdata). The zone becomes the
 * process's local time zone (TZ) on the first call; nothing in sijill uses
 * local time otherwise. Call clock_legal_init() before starting threads. */
bool clock_legal_tm(int64_t t_ms, struct tm *out);
/* clock_legal_init installs the zone now (idempotent; false without tzdata). */
bool clock_legal_init(void);

#endif
