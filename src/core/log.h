/* log.h — JSON-lines logs on stderr, one object per line.
 *
 * Each line has "ts", "level", "msg" and any fields given. Secrets (passwords,
 * tokens, cookies) are never passed here: callers log badges and ids, not
 * credentials.
 */
#ifndef SJ_LOG_H
#define SJ_LOG_H

#include <jansson.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* log_set_level drops lines below lvl. log_set_quiet(1) silences everything. */
void log_set_level(log_level lvl);
void log_set_quiet(int quiet);
/* log_msg writes one line; fields (may be NULL) is consumed (its reference stolen). */
void log_msg(log_level lvl, const char *msg, json_t *fields);

#endif
