/* national.c — one national person per CIN at central (persons.h,
 * persons_national_link): two regions' nodes each record the person with
 * the same CIN; central keeps the first as the national person and merges
 * the later one into it, recorded (person_merges: who — the node —, when,
 * why) and audited, and reversible by the ordinary undo
 * (POST /api/v1/persons/merges/{id}/undo). */
#include "persons/persons.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "db/dbj.h"

/* the merge made for this id before (active or undone: an undo stays undone) */
static const char sql_merged_before[] =
	"SELECT survivor_id, undone_at FROM person_merges WHERE merged_id = ? ORDER BY merged_at DESC LIMIT 1";
static const char sql_cin_holder[] = "SELECT id FROM persons WHERE cin = ? AND id <> ?";
static const char sql_national_merge[] =
	"INSERT INTO person_merges (id, survivor_id, merged_id, reason, merged_at, merged_by) VALUES (?, ?, ?, ?, ?, ?)";

sj_err persons_national_link(db_conn *c, json_t *row, char survivor[ID_LEN + 1], bool *is_new)
{
	survivor[0] = '\0';
	*is_new = false;
	const char *id = json_string_value(json_object_get(row, "id")),
		   *cin = json_string_value(json_object_get(row, "cin"));
	if (!id)
		return SJ_OK;
	json_t *m = NULL;
	sj_err e = dbj_one(c, sql_merged_before, "survivor_id:t,undone_at:i", &m, "t", id);
	if (e == SJ_OK) {
		/* merged before: the CIN stays the national person's; merged
		 * unless the merge was undone */
		bool undone = !json_is_null(json_object_get(m, "undone_at")) &&
			      json_object_get(m, "undone_at") != NULL;
		if (!undone)
			snprintf(survivor, ID_LEN + 1, "%s", json_string_value(json_object_get(m, "survivor_id")));
		json_decref(m);
		json_object_set_new(row, "cin", json_null());
		json_object_set_new(row, "merged_into", survivor[0] ? json_string(survivor) : json_null());
		return SJ_OK;
	}
	if (e != SJ_ENOTFOUND || !cin)
		return e == SJ_ENOTFOUND ? SJ_OK : e;
	e = dbj_one(c, sql_cin_holder, "id:t", &m, "tt", cin, id);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	snprintf(survivor, ID_LEN + 1, "%s", json_string_value(json_object_get(m, "id")));
	json_decref(m);
	json_object_set_new(row, "cin", json_null());
	json_object_set_new(row, "merged_into", json_string(survivor));
	*is_new = true;
	return SJ_OK;
}

sj_err persons_national_record(db_conn *c, const char *node, const char *merged_id, const char *survivor,
			       const char *cin)
{
	char mid[ID_LEN + 1], reason[160];
	id_new(mid);
	snprintf(reason, sizeof reason, "same CIN %s: one national person (node %s)", cin ? cin : "", node);
	int64_t now = clock_now_ms();
	sj_err e = db_run(c, sql_national_merge, "tttt" "it", mid, survivor, merged_id, reason, now, node);
	if (e)
		return e;
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s}", "merge", mid, "survivor_id", survivor, "merged_id", merged_id,
			      "cin", cin ? cin : "", "node", node);
	audit_entry ae = {NULL, NULL, "node", NULL, "person.merge", "person", merged_id, NULL, "ok", NULL, NULL, d};
	e = d ? audit_append(c, &ae, NULL) : SJ_ENOMEM;
	json_decref(d);
	return e;
}
