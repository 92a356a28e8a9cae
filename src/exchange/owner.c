/* owner.c — single writer per record at central (DESIGN.md; exchange.h
 * xchg_write_owner; docs/internals/exchange.md "Single writer"): a record
 * of a unit a node hosts is written by that node only. Central's own users
 * read it; a write through central's routes is refused before its handler
 * runs, naming the node, whether the writer's own unit is a node's (every
 * record in their scope is that node's) or the record the path names is
 * (a user above the node's unit: a prefecture, national) — on the routes
 * that write what nodes write (node_written). */
#include "exchange/exchange.h"

#include <stdio.h>
#include <string.h>

#include "db/dbj.h"

/* the node (not pending, or pending after it sent: re-keyed) whose hosted
 * unit is the unit at path or one above it */
static const char sql_host[] =
	"SELECT n.id, n.unit_code FROM xchg_nodes n JOIN units u ON u.code = n.unit_code"
	" WHERE (n.status <> 'pending' OR n.acked_seq > 0) AND substr(?, 1, length(u.path)) = u.path"
	" ORDER BY length(u.path) DESC LIMIT 1";
static const char sql_any[] = "SELECT count(*) FROM xchg_nodes WHERE status <> 'pending' OR acked_seq > 0";

#define UNIT_OF_ROW(t) "SELECT u.path FROM " t " x JOIN units u ON u.id = x.unit_id WHERE x.id = ?"
#define UNIT_OF_CASE_ROW(t) \
	"SELECT u.path FROM " t " x JOIN cases k ON k.id = x.case_id JOIN units u ON u.id = k.unit_id WHERE x.id = ?"

/* The routes that name a record by the segment after their prefix, and the
 * unit of that record. A record created through a route without one
 * (POST /cases) is in the writer's unit: the first rule covers it. */
static const struct {
	const char *prefix, *sql;
} named[] = {
	{"/api/v1/cases/", UNIT_OF_ROW("cases")},
	{"/api/v1/pvs/", UNIT_OF_CASE_ROW("pvs")},
	{"/api/v1/custody/", UNIT_OF_ROW("custodies")},
	{"/api/v1/seizures/", UNIT_OF_ROW("seizures")},
	{"/api/v1/referrals/", UNIT_OF_CASE_ROW("referrals")},
	{"/api/v1/complaints/", UNIT_OF_ROW("complaints")},
	{"/api/v1/registers/wanted/", UNIT_OF_ROW("wanted_notices")},
	{"/api/v1/registers/vehicles/", UNIT_OF_ROW("stolen_vehicles")},
	{"/api/v1/registers/documents/", UNIT_OF_ROW("stolen_documents")},
	{"/api/v1/registers/phones/", UNIT_OF_ROW("stolen_phones")},
	{"/api/v1/declarations/", UNIT_OF_ROW("declarations")},
	{"/api/v1/residence-certificates/", UNIT_OF_ROW("residence_certificates")},
	{"/api/v1/comms/activities/", UNIT_OF_ROW("comms_activities")},
	{"/api/v1/comms/claims/", UNIT_OF_ROW("comms_claims")},
	{"/api/v1/comms/crises/", UNIT_OF_ROW("comms_crises")},
	{"/api/v1/comms/events/", UNIT_OF_ROW("comms_events")},
	{"/api/v1/units/", "SELECT path FROM units WHERE code = ?"},
	{"/api/v1/users/", "SELECT u.path FROM users x JOIN units u ON u.id = x.unit_id WHERE x.badge = ?"},
};

/* The routes that write records a node writes for its units (the
 * exchanged tables of schema.c): a writer whose own unit is a node's may not
 * use them at central. Every other route writes what is central's even for
 * a node's unit — its session and account, settings, what central publishes
 * to the node (the mobile kit's tours and devices, central's validation of
 * its packets), statistics publications. */
static const char *const node_written[] = {
	"/api/v1/cases", "/api/v1/pvs/", "/api/v1/custody/", "/api/v1/seizures/", "/api/v1/referrals/",
	"/api/v1/complaints", "/api/v1/persons/", "/api/v1/declarations", "/api/v1/residence-certificates",
	"/api/v1/comms/", "/api/v1/units/", "/api/v1/users", NULL};
/* The registers are national lists: an entry made at central (by any of
 * its users) is central's and reaches every node as a hotlist copy; a node's
 * own entries are refused by the record rule (named). */

static bool prefixed(const char *path, const char *const *list)
{
	for (const char *const *p = list; *p; p++)
		if (strncmp(path, *p, strlen(*p)) == 0)
			return true;
	return false;
}

static sj_err host_of(db_conn *c, const char *path, xchg_owner *o)
{
	json_t *r = NULL;
	sj_err e = dbj_one(c, sql_host, "id:t,unit_code:t", &r, "t", path);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	snprintf(o->node_id, sizeof o->node_id, "%s", json_string_value(json_object_get(r, "id")));
	snprintf(o->unit, sizeof o->unit, "%s", json_string_value(json_object_get(r, "unit_code")));
	o->owned = true;
	json_decref(r);
	return SJ_OK;
}

static sj_err named_record(db_conn *c, const char *route_path, xchg_owner *o);

sj_err xchg_write_owner(db_conn *c, const char *writer_path, const char *route_path, xchg_owner *o)
{
	memset(o, 0, sizeof *o);
	bool written = prefixed(route_path, node_written), names = false;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		names = names || strncmp(route_path, named[i].prefix, strlen(named[i].prefix)) == 0;
	if (!written && !names)
		return SJ_OK;
	int64_t nodes = 0;
	sj_err e = dbj_int(c, sql_any, &nodes, "");
	if (e || nodes == 0)
		return e;   /* not a central, or one without nodes */
	/* the record the path names first (its node is the one to name), then
	 * the writer's own unit */
	if ((e = named_record(c, route_path, o)) || o->owned || !writer_path || !written)
		return e;
	return host_of(c, writer_path, o);
}

static sj_err named_record(db_conn *c, const char *route_path, xchg_owner *o)
{
	sj_err e = SJ_OK;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		size_t n = strlen(named[i].prefix);
		if (strncmp(route_path, named[i].prefix, n) != 0)
			continue;
		char id[128];
		const char *seg = route_path + n, *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 0 || len >= sizeof id)
			return SJ_OK;
		memcpy(id, seg, len);
		id[len] = '\0';
		json_t *r = NULL;
		e = dbj_one(c, named[i].sql, "path:t", &r, "t", id);
		if (e == SJ_ENOTFOUND)
			return SJ_OK;   /* no such record: the handler answers */
		if (!e)
			e = host_of(c, json_string_value(json_object_get(r, "path")), o);
		json_decref(r);
		return e;
	}
	return SJ_OK;
}
