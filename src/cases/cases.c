/* cases.c — complaints, cases, offences, persons in a case, history (see cases.h). */
#include "core/jdump.h"
#include "cases/cases.h"
#include "cases/complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "refdata/refdata.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---------- references, scope, numbers, events ---------- */

static const char sql_touch[] = "UPDATE cases SET updated_at = ? WHERE id = ?";
static const char sql_ref[] =
	"SELECT c.id, c.number, c.unit_id, u.code, u.path, c.status, c.class, c.frame, COALESCE(c.opj_id, '')"
	" FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.id = ?";

sj_err case_ref_get(db_conn *c, const char *id, bool lock, case_ref *out)
{
	memset(out, 0, sizeof *out);
	if (!id || !id_valid(id))
		return SJ_ENOTFOUND;
	sj_err e;
	if (lock && (e = db_run(c, sql_touch, "it", clock_now_ms(), id)))
		return e;
	json_t *o = NULL;
	e = dbj_one(c, sql_ref, "id:t,number:t,unit_id:t,unit_code:t,unit_path:t,status:t,class:t,frame:t,opj:t",
		    &o, "t", id);
	if (e)
		return e;
	copy(out->id, sizeof out->id, jstr(o, "id"));
	copy(out->number, sizeof out->number, jstr(o, "number"));
	copy(out->unit_id, sizeof out->unit_id, jstr(o, "unit_id"));
	copy(out->unit_code, sizeof out->unit_code, jstr(o, "unit_code"));
	copy(out->unit_path, sizeof out->unit_path, jstr(o, "unit_path"));
	copy(out->status, sizeof out->status, jstr(o, "status"));
	copy(out->cls, sizeof out->cls, jstr(o, "class"));
	copy(out->frame, sizeof out->frame, jstr(o, "frame"));
	copy(out->opj_id, sizeof out->opj_id, jstr(o, "opj"));
	json_decref(o);
	return SJ_OK;
}

bool case_can_read(const auth_user *u, const char *unit_path)
{
	return role_is_national(u->role) || unit_in_scope(u->unit.path, unit_path);
}

bool case_can_write(const auth_user *u, const char *unit_path)
{
	return (u->role & ROLES_UNIT_WRITERS) && !role_is_read_only(u->role) &&
	       unit_in_scope(u->unit.path, unit_path);
}

bool case_is_open(const case_ref *r)
{
	return strcmp(r->status, "registered") == 0 || strcmp(r->status, "under_investigation") == 0;
}

int64_t case_year(int64_t t_ms)
{
	return clock_legal_year(t_ms);
}

static const char sql_counter[] =
	"INSERT INTO counters (kind, unit, year, n) VALUES (?, ?, ?, 1)"
	" ON CONFLICT (kind, unit, year) DO UPDATE SET n = counters.n + 1 RETURNING n";

sj_err case_counter_next(db_conn *c, const char *kind, const char *unit_id, int64_t year, int64_t *n)
{
	return dbj_int(c, sql_counter, n, "tti", kind, unit_id, year);
}

static const char sql_event[] =
	"INSERT INTO case_events (id, case_id, seq, at, actor_id, badge, kind, detail)"
	" VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?), ?, ?, ?, ?, ?)";

sj_err case_event(db_conn *c, const char *case_id, const auth_user *u, const char *kind, json_t *detail)
{
	char id[ID_LEN + 1];
	id_new(id);
	char *d = detail ? jdump_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	if (detail && !d)
		return SJ_ENOMEM;
	sj_err e = db_run(c, sql_event, "tttittt" "t", id, case_id, case_id, clock_now_ms(), u ? u->id : NULL,
			  u ? u->badge : NULL, kind, d);
	free(d);
	return e;
}

static const char sql_history[] =
	"SELECT e.seq, e.at, e.badge, e.kind, e.detail, w.name FROM case_events e"
	" LEFT JOIN (SELECT id AS w_id, name FROM users) w ON w.w_id = e.actor_id WHERE e.case_id = ? ORDER BY e.seq";

sj_err case_history(db_conn *c, const char *case_id, json_t **out)
{
	/* who_name: users are shown by name, not login (issue 18) */
	return dbj_rows(c, sql_history, "seq:i,at:i,badge:t,kind:t,detail:j,who_name:t", out, "t", case_id);
}

/* ---------- complaints ---------- */

static const char sql_complaint_state[] = "SELECT disposition, complainant_id FROM complaints WHERE id = ?";
static const char sql_complaint_dispose[] =
	"UPDATE complaints SET disposition = ?, disposition_reason = ?, referred_to = ?, case_id = ?,"
	" disposed_at = ?, disposed_by = ? WHERE id = ? AND disposition = 'pending'";

sj_err complaint_dispose(db_conn *c, const auth_user *u, const char *id, const char *disposition,
			 const char *reason, const char *case_id, const char *referred_to, const char **why)
{
	json_t *st = NULL;
	sj_err e = dbj_one(c, sql_complaint_state, "disposition:t,complainant:t", &st, "t", id);
	if (e)
		return e;
	if (strcmp(jstr(st, "disposition"), "pending") != 0) {
		json_decref(st);
		*why = "this complaint already has a disposition";
		return SJ_ECONFLICT;
	}
	char complainant[ID_LEN + 1];
	copy(complainant, sizeof complainant, jstr(st, "complainant"));
	json_decref(st);
	if (strcmp(disposition, "attached") == 0) {
		case_ref r;
		if (!case_id) {
			*why = "attaching needs case_id";
			return SJ_EUNPROCESSABLE;
		}
		e = case_ref_get(c, case_id, true, &r);
		if (e == SJ_ENOTFOUND) {
			*why = "no such case";
			return SJ_EUNPROCESSABLE;
		}
		if (e)
			return e;
		if (!case_can_write(u, r.unit_path) || !case_is_open(&r)) {
			*why = "the case is not open in your unit";
			return SJ_EUNPROCESSABLE;
		}
		char pid[ID_LEN + 1];
		bool reused;
		const char *w2 = NULL;
		e = case_person_add(c, u, &r, "complainant", complainant, NULL, pid, &reused, &w2);
		if (e == SJ_ECONFLICT)
			e = SJ_OK; /* already the complainant there */
		e = e ? e : case_event(c, r.id, u, "complaint.attached",
				       json_pack("{s:s,s:s}", "complaint_id", id, "reason", reason));
		if (e)
			return e;
	} else if (strcmp(disposition, "referred_elsewhere") == 0 && !referred_to) {
		*why = "say where the complaint was referred (referred_to)";
		return SJ_EUNPROCESSABLE;
	}
	return db_run(c, sql_complaint_dispose, "ttttitt", disposition, reason, referred_to,
		      strcmp(disposition, "attached") == 0 ? case_id : NULL, clock_now_ms(), u->id, id);
}

/* ---------- cases ---------- */

static const char sql_case_add[] =
	"INSERT INTO cases (id, number, unit_id, year, seq, frame, class, status, occurred_from, occurred_to,"
	" commune, address, lat_e6, lon_e6, summary, opj_id, complaint_id, created_by, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, 'registered', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_offence_add[] =
	"INSERT INTO case_offences (id, case_id, offence_code, offence_version, class, article, label_fr, label_ar,"
	" category, attempted, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_set_class[] = "UPDATE cases SET class = ?, updated_at = ? WHERE id = ?";

/* bind_opt_int binds v, or NULL when v is 0. */
static sj_err bind_opt(db_stmt *s, int i, int64_t v, bool present)
{
	return present ? db_bind_int(s, i, v) : db_bind_null(s, i);
}

static sj_err insert_offence(db_conn *c, const auth_user *u, const char *case_id, json_t *off, bool attempted)
{
	char id[ID_LEN + 1];
	id_new(id);
	return db_run(c, sql_offence_add, "tttttttttiit", id, case_id, jstr(off, "code"), jstr(off, "version"),
		      jstr(off, "class"), jstr(off, "article"), jstr(off, "label_fr"), jstr(off, "label_ar"),
		      jstr(off, "category"), (int64_t)attempted, clock_now_ms(), u->id);
}

static sj_err find_opj(db_conn *c, const char *badge, const char *case_unit_path, auth_user *opj,
		       const char **why)
{
	sj_err e = auth_user_find(c, badge, NULL, opj);
	if (e == SJ_ENOTFOUND || (!e && (opj->role != ROLE_OPJ || !unit_in_scope(opj->unit.path, case_unit_path)))) {
		*why = "the assignee must be an active OPJ of the case's unit (or above it)";
		return SJ_EUNPROCESSABLE;
	}
	return e;
}

sj_err case_create(db_conn *c, const auth_user *u, const case_new *in, char id[ID_LEN + 1],
		   char number[CASE_NUMBER_MAX + 1], const char **field, const char **why)
{
	unit_info unit = u->unit;
	sj_err e;
	if (in->unit_code && strcmp(in->unit_code, u->unit.code) != 0) {
		e = unit_get_by_code(c, in->unit_code, &unit);
		if (e == SJ_ENOTFOUND || (!e && !unit_in_scope(u->unit.path, unit.path))) {
			*field = "unit";
			return SJ_EINVAL;
		}
		if (e)
			return e;
	}
	/* Offences: each must be in the current catalogue; the class is the most serious. */
	size_t n = json_array_size(in->offences);
	json_t **offs = calloc(n ? n : 1, sizeof *offs);
	if (!offs)
		return SJ_ENOMEM;
	ref_class cls = REF_CLASS_NONE;
	static _Thread_local char fieldbuf[64];
	e = SJ_OK;
	for (size_t i = 0; i < n && !e; i++) {
		json_t *o = json_array_get(in->offences, i);
		e = ref_offence_get(c, jstr(o, "code"), &offs[i]);
		if (e == SJ_ENOTFOUND) {
			snprintf(fieldbuf, sizeof fieldbuf, "offences[%zu].code", i);
			*field = fieldbuf;
			e = SJ_EINVAL;
			break;
		}
		if (!e) {
			ref_class k = ref_class_from_name(jstr(offs[i], "class"));
			if (k > cls)
				cls = k;
		}
	}
	auth_user opj;
	const char *opj_id = NULL;
	if (!e && in->opj_badge) {
		e = find_opj(c, in->opj_badge, unit.path, &opj, why);
		opj_id = opj.id;
	} else if (!e && u->role == ROLE_OPJ) {
		opj_id = u->id;
	}
	/* A complaint this case opens must be pending and from this unit's scope. */
	json_t *cp = NULL;
	if (!e && in->complaint_id) {
		e = complaint_get(c, in->complaint_id, &cp);
		if (e == SJ_ENOTFOUND) {
			*field = "complaint_id";
			e = SJ_EINVAL;
		} else if (!e && !unit_in_scope(u->unit.path, jstr(cp, "unit_path"))) {
			*field = "complaint_id";
			e = SJ_EINVAL;
		} else if (!e && strcmp(jstr(cp, "disposition"), "pending") != 0) {
			*why = "this complaint already has a disposition";
			e = SJ_ECONFLICT;
		}
	}
	int64_t now = clock_now_ms(), year = case_year(now), seq = 0;
	e = e ? e : case_counter_next(c, "case", unit.id, year, &seq);
	if (!e) {
		snprintf(number, CASE_NUMBER_MAX + 1, "%s/%lld/%06lld", unit.code, (long long)year, (long long)seq);
		id_new(id);
		db_stmt *s;
		e = db_prepare(c, sql_case_add, &s);
		e = e ? e : db_bind_text(s, 1, id);
		e = e ? e : db_bind_text(s, 2, number);
		e = e ? e : db_bind_text(s, 3, unit.id);
		e = e ? e : db_bind_int(s, 4, year);
		e = e ? e : db_bind_int(s, 5, seq);
		e = e ? e : db_bind_text(s, 6, in->frame);
		e = e ? e : db_bind_text(s, 7, ref_class_name(cls));
		e = e ? e : bind_opt(s, 8, in->occurred_from, in->occurred_from != 0);
		e = e ? e : bind_opt(s, 9, in->occurred_to, in->occurred_to != 0);
		e = e ? e : db_bind_text(s, 10, in->commune);
		e = e ? e : db_bind_text(s, 11, in->address);
		e = e ? e : bind_opt(s, 12, in->lat_e6, in->has_coords);
		e = e ? e : bind_opt(s, 13, in->lon_e6, in->has_coords);
		e = e ? e : db_bind_text(s, 14, in->summary);
		e = e ? e : db_bind_text(s, 15, opj_id);
		e = e ? e : db_bind_text(s, 16, in->complaint_id);
		e = e ? e : db_bind_text(s, 17, u->id);
		e = e ? e : db_bind_int(s, 18, now);
		e = e ? e : db_bind_int(s, 19, now);
		bool row;
		e = e ? e : db_step(s, &row);
	}
	json_t *codes = json_array();
	for (size_t i = 0; i < n && !e; i++) {
		json_t *o = json_array_get(in->offences, i);
		e = insert_offence(c, u, id, offs[i], json_is_true(json_object_get(o, "attempted")));
		json_array_append_new(codes, json_string(jstr(offs[i], "code")));
	}
	for (size_t i = 0; i < n; i++)
		json_decref(offs[i]);
	free(offs);
	if (!e)
		e = case_event(c, id, u, "created",
			       json_pack("{s:s,s:s,s:s,s:s,s:O}", "number", number, "unit", unit.code, "frame",
					 in->frame, "class", ref_class_name(cls), "offences", codes));
	json_decref(codes);
	case_ref r;
	if (!e)
		e = case_ref_get(c, id, false, &r);
	if (!e && cp) {
		char pid[ID_LEN + 1];
		bool reused;
		const char *w = NULL;
		e = case_person_add(c, u, &r, "complainant", jstr(cp, "complainant_id"), NULL, pid, &reused, &w);
		e = e ? e : db_run(c, sql_complaint_dispose, "ttttitt", "case_opened", "a case was opened", NULL, id,
				   now, u->id, in->complaint_id);
		e = e ? e : case_event(c, id, u, "complaint.opened",
				       json_pack("{s:s,s:s}", "complaint_id", in->complaint_id, "receipt_no",
						 jstr(cp, "receipt_no")));
	}
	json_decref(cp);
	size_t i;
	json_t *p;
	json_array_foreach(in->persons, i, p) {
		if (e)
			break;
		char pid[ID_LEN + 1];
		bool reused;
		e = case_person_add(c, u, &r, jstr(p, "role"), jstr(p, "person_id"), json_object_get(p, "person"),
				    pid, &reused, why);
	}
	return e;
}

static const char sql_case_get[] =
	"SELECT c.id, c.number, u.code, u.name_fr, u.name_ar, c.year, c.seq, c.frame, c.class, c.status,"
	" c.status_reason, c.occurred_from, c.occurred_to, c.commune, c.address, c.lat_e6, c.lon_e6, c.summary,"
	" o.badge, o.name, c.complaint_id, cb.badge, c.created_at, c.updated_at, u.path"
	" FROM cases c JOIN units u ON u.id = c.unit_id LEFT JOIN users o ON o.id = c.opj_id"
	" JOIN users cb ON cb.id = c.created_by WHERE c.id = ?";
static const char sql_case_offences[] =
	"SELECT offence_code, offence_version, class, article, label_fr, label_ar, category, attempted, added_at"
	" FROM case_offences WHERE case_id = ? ORDER BY added_at, id";
#define CASE_COLS                                                                                         \
	"id:t,number:t,unit:t,unit_name_fr:t,unit_name_ar:t,year:i,seq:i,frame:t,class:t,status:t,"        \
	"status_reason:t,occurred_from:i,occurred_to:i,commune:t,address:t,lat_e6:i,lon_e6:i,summary:t,"   \
	"opj_badge:t,opj_name:t,complaint_id:t,created_by:t,created_at:i,updated_at:i,unit_path:t"

sj_err case_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	json_t *o = NULL, *offs = NULL, *persons = NULL;
	sj_err e = dbj_one(c, sql_case_get, CASE_COLS, &o, "t", id);
	e = e ? e : dbj_rows(c, sql_case_offences,
			     "code:t,version:t,class:t,article:t,label_fr:t,label_ar:t,category:t,attempted:b,added_at:i",
			     &offs, "t", id);
	e = e ? e : case_persons(c, id, &persons);
	if (e) {
		json_decref(o);
		json_decref(offs);
		json_decref(persons);
		return e;
	}
	json_object_set_new(o, "offences", offs);
	json_object_set_new(o, "persons", persons);
	*out = o;
	return SJ_OK;
}

static const char sql_case_list[] =
	"SELECT c.id, c.number, u.code, c.frame, c.class, c.status, c.summary, c.created_at, c.updated_at"
	" FROM cases c JOIN units u ON u.id = c.unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR u.path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR c.status = CAST(? AS TEXT))"
	" ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?";

sj_err case_list(db_conn *c, const char *scope_path, const char *status, int limit, int64_t offset,
		 json_t **out)
{
	return dbj_rows(c, sql_case_list,
			"id:t,number:t,unit:t,frame:t,class:t,status:t,summary:t,created_at:i,updated_at:i", out,
			"ttttii", scope_path, scope_path, status, status, (int64_t)limit, offset);
}

static const char sql_upd_frame[] = "UPDATE cases SET frame = ? WHERE id = ?";
static const char sql_upd_summary[] = "UPDATE cases SET summary = ? WHERE id = ?";
static const char sql_upd_commune[] = "UPDATE cases SET commune = ? WHERE id = ?";
static const char sql_upd_address[] = "UPDATE cases SET address = ? WHERE id = ?";
static const char sql_upd_from[] = "UPDATE cases SET occurred_from = ? WHERE id = ?";
static const char sql_upd_to[] = "UPDATE cases SET occurred_to = ? WHERE id = ?";
static const char sql_upd_coords[] = "UPDATE cases SET lat_e6 = ?, lon_e6 = ? WHERE id = ?";

sj_err case_update(db_conn *c, const auth_user *u, const case_ref *r, json_t *patch, const char **why)
{
	if (!case_is_open(r)) {
		*why = "only a registered or investigated case can be edited";
		return SJ_ECONFLICT;
	}
	sj_err e = SJ_OK;
	const char *v;
	if (!e && (v = jstr(patch, "frame")))
		e = db_run(c, sql_upd_frame, "tt", v, r->id);
	if (!e && (v = jstr(patch, "summary")))
		e = db_run(c, sql_upd_summary, "tt", v, r->id);
	if (!e && (v = jstr(patch, "commune")))
		e = db_run(c, sql_upd_commune, "tt", v, r->id);
	if (!e && (v = jstr(patch, "address")))
		e = db_run(c, sql_upd_address, "tt", v, r->id);
	json_t *x;
	if (!e && json_is_integer(x = json_object_get(patch, "occurred_from")))
		e = db_run(c, sql_upd_from, "it", (int64_t)json_integer_value(x), r->id);
	if (!e && json_is_integer(x = json_object_get(patch, "occurred_to")))
		e = db_run(c, sql_upd_to, "it", (int64_t)json_integer_value(x), r->id);
	if (!e && json_is_integer(json_object_get(patch, "lat_e6")))
		e = db_run(c, sql_upd_coords, "iit", (int64_t)json_integer_value(json_object_get(patch, "lat_e6")),
			   (int64_t)json_integer_value(json_object_get(patch, "lon_e6")), r->id);
	return e ? e : case_event(c, r->id, u, "updated", json_deep_copy(patch));
}

static const char sql_max_class[] = "SELECT class FROM case_offences WHERE case_id = ?";

sj_err case_add_offence(db_conn *c, const auth_user *u, const case_ref *r, const char *code, bool attempted,
			const char **field, const char **why)
{
	if (!case_is_open(r)) {
		*why = "offences are charged only while the case is open";
		return SJ_ECONFLICT;
	}
	json_t *off = NULL, *all = NULL;
	sj_err e = ref_offence_get(c, code, &off);
	if (e == SJ_ENOTFOUND) {
		*field = "code";
		return SJ_EINVAL;
	}
	e = e ? e : insert_offence(c, u, r->id, off, attempted);
	e = e ? e : dbj_rows(c, sql_max_class, "class:t", &all, "t", r->id);
	ref_class cls = REF_CLASS_NONE;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o) {
		ref_class k = ref_class_from_name(jstr(o, "class"));
		if (k > cls)
			cls = k;
	}
	json_decref(all);
	e = e ? e : db_run(c, sql_set_class, "tit", ref_class_name(cls), clock_now_ms(), r->id);
	e = e ? e : case_event(c, r->id, u, "offence.added",
			       json_pack("{s:s,s:b,s:s,s:s}", "code", code, "attempted", attempted, "offence_class",
					 jstr(off, "class"), "case_class", ref_class_name(cls)));
	json_decref(off);
	return e;
}

static const char sql_set_status[] =
	"UPDATE cases SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND status = ?";

/* legal: the transitions a user may ask for (referred is set by a referral). */
static bool legal(const char *from, const char *to)
{
	static const char *const t[][2] = {
		{"registered", "under_investigation"},
		{"registered", "cancelled"},
		{"under_investigation", "cancelled"},
		{"under_investigation", "referred"},
		{"referred", "closed"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i][0], from) == 0 && strcmp(t[i][1], to) == 0)
			return true;
	return false;
}

sj_err case_set_status(db_conn *c, const auth_user *u, const case_ref *r, const char *to, const char *reason,
		       const char **why)
{
	if (!legal(r->status, to)) {
		*why = "this status change is not allowed from the case's current status";
		return SJ_ECONFLICT;
	}
	if (strcmp(to, "cancelled") == 0 && (!reason || !*reason)) {
		*why = "a cancellation needs a reason";
		return SJ_EUNPROCESSABLE;
	}
	sj_err e = db_run(c, sql_set_status, "ttitt", to, reason, clock_now_ms(), r->id, r->status);
	return e ? e : case_event(c, r->id, u, "status",
				  json_pack("{s:s,s:s,s:s?}", "from", r->status, "to", to, "reason", reason));
}

sj_err case_mark_investigating(db_conn *c, const auth_user *u, case_ref *r)
{
	if (strcmp(r->status, "registered") != 0)
		return SJ_OK;
	const char *why;
	sj_err e = case_set_status(c, u, r, "under_investigation", NULL, &why);
	if (!e)
		copy(r->status, sizeof r->status, "under_investigation");
	return e;
}

static const char sql_assign[] = "UPDATE cases SET opj_id = ?, updated_at = ? WHERE id = ?";

sj_err case_assign(db_conn *c, const auth_user *u, const case_ref *r, const char *opj_badge, const char *reason,
		   const char **why)
{
	if (!case_is_open(r)) {
		*why = "only an open case can be reassigned";
		return SJ_ECONFLICT;
	}
	auth_user opj;
	sj_err e = find_opj(c, opj_badge, r->unit_path, &opj, why);
	e = e ? e : db_run(c, sql_assign, "tit", opj.id, clock_now_ms(), r->id);
	return e ? e : case_event(c, r->id, u, "assigned",
				  json_pack("{s:s,s:s?}", "opj", opj.badge, "reason", reason));
}

/* ---------- persons in a case ---------- */

static const char sql_link[] =
	"INSERT INTO case_persons (id, case_id, person_id, role, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (case_id, person_id, role) DO UPDATE SET removed_at = NULL, removed_by = NULL,"
	" removed_reason = NULL, added_at = excluded.added_at, added_by = excluded.added_by"
	" WHERE case_persons.removed_at IS NOT NULL"; /* re-adding a removed role (0130) */
static const char sql_person_exists[] = "SELECT COUNT(*) FROM persons WHERE id = ?";

sj_err case_person_add(db_conn *c, const auth_user *u, const case_ref *r, const char *prole, const char *person_id,
		       json_t *person, char person_id_out[ID_LEN + 1], bool *reused, const char **why)
{
	*reused = false;
	sj_err e;
	if (person_id) {
		int64_t n = 0;
		e = dbj_int(c, sql_person_exists, &n, "t", person_id);
		if (e)
			return e;
		if (n == 0) {
			*why = "no such person";
			return SJ_EUNPROCESSABLE;
		}
		copy(person_id_out, ID_LEN + 1, person_id);
		*reused = true;
	} else {
		bool created = false;
		e = persons_upsert(c, person, r->unit_id, person_id_out, &created);
		if (e)
			return e;
		*reused = !created;
	}
	char id[ID_LEN + 1];
	id_new(id);
	db_stmt *s;
	e = db_prepare(c, sql_link, &s);
	e = e ? e : db_bind_text(s, 1, id);
	e = e ? e : db_bind_text(s, 2, r->id);
	e = e ? e : db_bind_text(s, 3, person_id_out);
	e = e ? e : db_bind_text(s, 4, prole);
	e = e ? e : db_bind_int(s, 5, clock_now_ms());
	e = e ? e : db_bind_text(s, 6, u->id);
	bool row;
	e = e ? e : db_step(s, &row);
	if (!e && db_changes(s) == 0) {
		*why = "this person already has this role in the case";
		return SJ_ECONFLICT;
	}
	return e ? e : case_event(c, r->id, u, "person.added",
				  json_pack("{s:s,s:s,s:b}", "person_id", person_id_out, "role", prole, "reused",
					    *reused));
}

static const char sql_has_role[] =
	"SELECT role FROM case_persons WHERE case_id = ? AND person_id = ? AND removed_at IS NULL";

sj_err case_person_has_role(db_conn *c, const char *case_id, const char *person_id, const char *const *roles,
			    bool *has)
{
	*has = false;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_has_role, "role:t", &rows, "tt", case_id, person_id);
	if (e)
		return e;
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		for (const char *const *x = roles; *x; x++)
			if (strcmp(*x, jstr(o, "role")) == 0)
				*has = true;
	}
	json_decref(rows);
	return SJ_OK;
}

static const char sql_person_cases[] =
	"SELECT c.id, c.number, u.code, u.path, c.status, c.class, cp.role, cp.added_at"
	" FROM case_persons cp JOIN cases c ON c.id = cp.case_id JOIN units u ON u.id = c.unit_id"
	" WHERE cp.person_id = ? AND cp.removed_at IS NULL ORDER BY cp.added_at, cp.id";

sj_err case_person_history(db_conn *c, const char *person_id, const char *scope_path, json_t **cases, bool *known)
{
	*cases = NULL;
	*known = false;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_person_cases,
			    "case_id:t,number:t,unit:t,unit_path:t,status:t,class:t,role:t,added_at:i", &rows, "t",
			    person_id);
	if (e)
		return e;
	json_t *out = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		const char *prole = jstr(o, "role");
		/* Only a suspect or an arrested person is "known to the police". */
		if (strcmp(prole, "suspect") == 0 || strcmp(prole, "arrested") == 0)
			*known = true;
		if (scope_path && !unit_in_scope(scope_path, jstr(o, "unit_path")))
			continue;
		json_object_del(o, "unit_path");
		json_array_append(out, o);
	}
	json_decref(rows);
	*cases = out;
	return out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_case_persons[] =
	"SELECT cp.person_id, cp.role, cp.added_at, p.cin, p.unknown, p.first_name_ar, p.last_name_ar,"
	" p.first_name_lat, p.last_name_lat, p.father_name, p.mother_name, p.birth_date, p.birth_place, p.sex,"
	" p.nationality, p.address, p.phone, p.description"
	" FROM case_persons cp JOIN persons p ON p.id = cp.person_id WHERE cp.case_id = ? AND cp.removed_at IS NULL"
	" ORDER BY cp.added_at, cp.id";

sj_err case_persons(db_conn *c, const char *case_id, json_t **out)
{
	return dbj_rows(c, sql_case_persons,
			"person_id:t,role:t,added_at:i,cin:t,unknown:b,first_name_ar:t,last_name_ar:t,"
			"first_name_lat:t,last_name_lat:t,father_name:t,mother_name:t,birth_date:t,birth_place:t,"
			"sex:t,nationality:t,address:t,phone:t,description:t",
			out, "t", case_id);
}
