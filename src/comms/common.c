/* common.c — scope, numbers and small helpers shared by the comms files. */
#include "comms/internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "db/dbj.h"
#include "org/units.h"

bool comms_can_write(const sj_actor *a, const char *unit_path)
{
	return a && (a->role & ROLES_COMMS) && actor_in_scope(a, unit_path);
}

bool comms_can_read(const sj_actor *a, const char *unit_path)
{
	return a && (a->national || ((a->role & ROLES_COMMS) && actor_in_scope(a, unit_path)));
}

const char *comms_scope(const sj_actor *a)
{
	return a->national ? NULL : a->unit_path;
}

sj_err comms_number(db_conn *c, const char *kind, const char *tag, const char *unit_id, const char *unit_code,
		    int64_t year, char out[COMMS_NUMBER_MAX + 1])
{
	int64_t n = 0;
	/* the counters table belongs to cases: its header allocates the number */
	sj_err e = case_counter_next(c, kind, unit_id, year, &n);
	if (e)
		return e;
	snprintf(out, COMMS_NUMBER_MAX + 1, "%s/%lld/%s-%06lld", unit_code, (long long)year, tag, (long long)n);
	return SJ_OK;
}

void comms_today(char out[11])
{
	clock_legal_date(clock_now_ms(), out);
}

void comms_hash_hex(const void *data, size_t n, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, data, n, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static int cmp64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int64_t comms_median(int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void comms_channels_check(json_t *v, const char *prefix, const char *field, json_t *errs)
{
	if (!v || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		rec_err(errs, prefix, field, "type", "must be an array of channels");
		return;
	}
	if (json_array_size(v) > COMMS_CHANNELS_MAX) {
		rec_err(errs, prefix, field, "too-many", "too many channels");
		return;
	}
	size_t i, j;
	json_t *x, *y;
	json_array_foreach(v, i, x) {
		bool ok = false;
		for (const char *const *p = comms_channels.values; json_is_string(x) && *p; p++)
			ok = ok || strcmp(*p, json_string_value(x)) == 0;
		if (!ok) {
			rec_err(errs, prefix, field, "enum", "a channel is one of the accepted values");
			return;
		}
		json_array_foreach(v, j, y) {
			if (j < i && json_equal(x, y)) {
				rec_err(errs, prefix, field, "duplicate", "a channel is named twice");
				return;
			}
		}
	}
}
