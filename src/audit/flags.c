/* flags.c — unusual look-up volumes in the audit log (see audit.h). */
#include "audit/audit.h"

#include "db/dbj.h"

static const char sql_flags[] =
	"SELECT actor_id, badge, unit_code, COUNT(*) FROM audit_log WHERE action = 'person.search' AND at >= ?"
	" GROUP BY actor_id, badge, unit_code HAVING COUNT(*) > ? ORDER BY COUNT(*) DESC LIMIT " REC_STR(AUDIT_FLAGS_MAX);

sj_err audit_flags(db_conn *c, int64_t since_ms, int64_t threshold, json_t **out)
{
	return dbj_rows(c, sql_flags, "actor_id:t,badge:t,unit:t,lookups:i", out, "ii", since_ms, threshold);
}
