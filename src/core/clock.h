/* clock.h — the time sijill believes it is, in integer UTC milliseconds.
 *
 * Production reads the real clock. A server started with --test-clock lets the
 * black-box tests move time forward (custody deadlines, session expiry) through
 * clock_set_offset(); the offset is process-wide and atomic.
 */
#ifndef SJ_CLOCK_H
#define SJ_CLOCK_H

#include <stdint.h>

/* clock_now_ms returns the current UTC time in milliseconds (plus any test offset). */
int64_t clock_now_ms(void);
/* clock_set_offset shifts clock_now_ms by offset_ms (tests only). */
void clock_set_offset(int64_t offset_ms);
int64_t clock_get_offset(void);
/* clock_monotonic_us returns a monotonic time in microseconds, for durations. */
int64_t clock_monotonic_us(void);
/* clock_format_iso writes t_ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (>= 25 bytes). */
void clock_format_iso(int64_t t_ms, char out[32]);

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
