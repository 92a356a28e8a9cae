/* lookups.c — unusual volumes of every kind of national look-up (see audit.h). */
#include "audit/audit.h"

#include "db/dbj.h"

static const char sql_flags_lookups[] =
	"SELECT actor_id, badge, unit_code, COUNT(*) FROM audit_log"
	" WHERE action IN ('person.search', 'case.fulltext', 'case.person.lookup') AND at >= ?"
	" GROUP BY actor_id, badge, unit_code HAVING COUNT(*) > ? ORDER BY COUNT(*) DESC LIMIT " REC_STR(AUDIT_FLAGS_MAX);

sj_err audit_flags_lookups(db_conn *c, int64_t since_ms, int64_t threshold, json_t **out)
{
	return dbj_rows(c, sql_flags_lookups, "actor_id:t,badge:t,unit:t,lookups:i", out, "ii", since_ms, threshold);
}
