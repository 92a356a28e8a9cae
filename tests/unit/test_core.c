/* test_core.c — buf, id, clock and periodic jobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/periodic.h"

static void buf_grows_and_caps(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "hello"), SJ_OK);
	assert_int_equal(buf_printf(&b, "%d", 1234), SJ_OK);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(buf_adds(&b, "xy"), SJ_ELIMIT);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(buf_addc(&b, '!'), SJ_OK);
	char *s = buf_take(&b);
	assert_string_equal(s, "hello1234!");
	free(s);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static void ids_are_uuidv7_and_sorted(void **state)
{
	(void)state;
	char a[ID_LEN + 1], b[ID_LEN + 1];
	id_new(a);
	assert_true(id_valid(a));
	assert_int_equal(a[14], '7');
	clock_format_iso(0, b); /* reuse b as scratch */
	for (int i = 0; i < 5; i++) {
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
		id_new(b);
		assert_true(strcmp(a, b) < 0);
		memcpy(a, b, sizeof a);
	}
	assert_false(id_valid("not-an-id"));
	assert_false(id_valid("0190B0C2-0000-7000-8000-000000000000"));
}

static void clock_formats_and_offsets(void **state)
{
	(void)state;
	char s[32];
	clock_format_iso(1700000000123, s);
	assert_string_equal(s, "2023-11-14T22:13:20.123Z");
	int64_t t0 = clock_now_ms();
	clock_set_offset(3600000);
	assert_true(clock_now_ms() - t0 >= 3600000);
	clock_set_offset(0);
}

/* Legal time is tzdata's Africa/Casablanca: UTC+1, UTC+0 during Ramadan. */
static void clock_legal_time_follows_tzdata(void **state)
{
	(void)state;
	struct tm tm;
	assert_int_equal(clock_legal_init(), SJ_OK);
	clock_legal_tm(1768478400000LL, &tm); /* 2026-01-15 12:00 UTC */
	assert_int_equal(tm.tm_hour, 13);
	assert_int_equal(tm.tm_mday, 15);
	clock_legal_tm(1772366400000LL, &tm); /* 2026-03-01 12:00 UTC, Ramadan */
	assert_int_equal(tm.tm_hour, 12);
	clock_legal_tm(1768517999000LL, &tm); /* 2026-01-15 22:59:59 UTC; a second later it is the 16th */
	assert_int_equal(tm.tm_mday, 15);
	assert_int_equal(tm.tm_hour, 23);
	clock_legal_tm(1768518000000LL, &tm);
	assert_int_equal(tm.tm_mday, 16);
	assert_int_equal(tm.tm_hour, 0);
}

/* periodic: the first round at once, a wake runs one more now (not after
 * the hour the round asked for), stop joins while a long wait is pending. */
static int64_t count_round(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
	return 3600;
}

static bool wait_rounds(periodic *p, int64_t n)
{
	for (int i = 0; i < 500 && periodic_rounds(p) < n; i++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	return periodic_rounds(p) >= n;
}

static void periodic_runs_wakes_and_stops(void **state)
{
	(void)state;
	int calls = 0;
	periodic *p = NULL;
	assert_int_equal(periodic_start("test-job", count_round, &calls, &p), SJ_OK);
	assert_true(wait_rounds(p, 1));
	assert_int_equal(periodic_rounds(p), 1);   /* then it waits its hour */
	periodic_wake(p);
	assert_true(wait_rounds(p, 2));
	periodic_wake(p);
	assert_true(wait_rounds(p, 3));
	periodic_stop(p);   /* returns although the next round is an hour away */
	assert_int_equal(__atomic_load_n(&calls, __ATOMIC_SEQ_CST), 3);
	periodic_stop(NULL);
	periodic_wake(NULL);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_caps),
		cmocka_unit_test(ids_are_uuidv7_and_sorted),
		cmocka_unit_test(clock_formats_and_offsets),
		cmocka_unit_test(clock_legal_time_follows_tzdata),
		cmocka_unit_test(periodic_runs_wakes_and_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
