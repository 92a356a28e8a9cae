#include "core/jdump.h"
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"

static log_level log_min = LOG_INFO;
static int log_quiet;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(log_level lvl) { log_min = lvl; }
void log_set_quiet(int quiet) { log_quiet = quiet; }

void log_msg(log_level lvl, const char *msg, json_t *fields)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (log_quiet || lvl < log_min) {
		json_decref(fields);
		return;
	}
	json_t *o = fields && json_is_object(fields) ? fields : json_object();
	if (fields && o != fields)
		json_decref(fields);
	if (!o)
		return;
	char ts[32];
	clock_format_iso(clock_now_ms(), ts);
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(names[lvl]));
	json_object_set_new(o, "msg", json_string(msg));
	char *s = jdump_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		return;
	pthread_mutex_lock(&log_lock);
	fputs(s, stderr);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
	free(s);
}
