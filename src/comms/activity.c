/* activity.c — the register of communication activities: drafts, the
 * workflow drafted → reviewed → approved → published, the personal-data
 * check at approval, seals, corrections, and the import of the register kept
 * before sijill (see comms.h). */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "cases/cases.h"
#include "cases/pv.h"
#include "core/clock.h"
#include "core/jdump.h"
#include "db/dbj.h"
#include "org/units.h"

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(comms_kinds, "comms_kind", "communique", "press_item", "truth_statement", "filmed_report",
		    "awareness", "interview", "event_coverage", "open_days");
REC_ENUM_DEF_PUBLIC(comms_statuses, "comms_status", "draft", "reviewed", "approved", "published", "cancelled");
REC_ENUM_DEF_PUBLIC(comms_channels, "comms_channel", "press", "tv", "radio", "website", "facebook", "instagram", "x",
		    "youtube", "tiktok");

/* The activity as drafted, edited and read. Workflow columns are C: they
 * are written by the transitions below, never by a body; E columns are what
 * a draft's PATCH may change. */
#define ACT_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, number, CODE, 1, COMMS_NUMBER_MAX, NULL, OUT) \
	X(C, kind, ENUM, 0, 0, &comms_kinds, IN | REQ | OUT) \
	X(E, title_ar, TEXT, 1, COMMS_MAX_TITLE, NULL, IN | OUT | NULLABLE) \
	X(E, title_fr, TEXT, 1, COMMS_MAX_TITLE, NULL, IN | OUT | NULLABLE) \
	X(E, title_zgh, TEXT, 1, COMMS_MAX_TITLE, NULL, IN | OUT | NULLABLE) \
	X(E, text_ar, TEXT, 1, SJ_MAX_LONG_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(E, text_fr, TEXT, 1, SJ_MAX_LONG_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(E, text_zgh, TEXT, 1, SJ_MAX_LONG_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(E, date, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(E, channels, JSON, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(E, media_partner, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(E, topic, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(E, case_link_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(E, event_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, claim_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, corrects_id, ID, 0, 36, NULL, OUT) \
	X(C, version, INT, 0, 0, NULL, OUT) \
	X(C, status, ENUM, 0, 0, &comms_statuses, OUT) \
	X(C, drafted_by, ID, 0, 36, NULL, 0) \
	X(C, drafted_at, TIME, 0, 0, NULL, OUT) \
	X(C, reviewed_by, ID, 0, 36, NULL, 0) \
	X(C, reviewed_at, TIME, 0, 0, NULL, OUT) \
	X(C, approved_by, ID, 0, 36, NULL, 0) \
	X(C, approved_at, TIME, 0, 0, NULL, OUT) \
	X(C, published_by, ID, 0, 36, NULL, 0) \
	X(C, published_at, TIME, 0, 0, NULL, OUT) \
	X(C, cancelled_by, ID, 0, 36, NULL, 0) \
	X(C, cancelled_at, TIME, 0, 0, NULL, OUT) \
	X(C, cancel_reason, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, pii, JSON, 0, 0, NULL, OUT) \
	X(C, content, TEXT, 0, 0, NULL, 0) \
	X(C, content_hash, CODE, 0, 64, NULL, 0) \
	X(C, signature, CODE, 0, 128, NULL, 0) \
	X(C, key_id, CODE, 0, 16, NULL, 0) \
	X(C, superseded_by, ID, 0, 36, NULL, OUT) \
	X(C, import_ref, CODE, 1, 64, NULL, OUT) \
	X(C, imported, BOOL, 0, 0, NULL, OUT) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, updated_at, TIME, 0, 0, NULL, 0) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, drafted_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, drafted_by_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, reviewed_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, reviewed_by_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, approved_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, approved_by_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, published_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, published_by_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, seal, JSON, 0, 0, NULL, OUT) \
	X(V, case_link, JSON, 0, 0, NULL, OUT) \
	X(V, claim, JSON, 0, 0, NULL, OUT) \
	X(V, corrects_number, CODE, 1, COMMS_NUMBER_MAX, NULL, OUT) \
	X(V, superseded_by_number, CODE, 1, COMMS_NUMBER_MAX, NULL, OUT)

static bool sealed_kind(const char *kind)
{
	return kind && (strcmp(kind, "communique") == 0 || strcmp(kind, "truth_statement") == 0);
}

static bool needs_text(const char *kind)
{
	return sealed_kind(kind) || (kind && strcmp(kind, "press_item") == 0);
}

/* The activity's own rules, on a create (kind present) or a patch. */
void comms_activity_check(json_t *o, const char *prefix, json_t *errs)
{
	comms_channels_check(json_object_get(o, "channels"), prefix, "channels", errs);
	const char *kind = cj_str(o, "kind");
	if (!kind)
		return;
	if (!cj_str(o, "title_ar") && !cj_str(o, "title_fr"))
		rec_err(errs, prefix, "title_fr", "title-required", "a title in Arabic or French");
	if (strcmp(kind, "filmed_report") == 0 && !cj_str(o, "media_partner"))
		rec_err(errs, prefix, "media_partner", "partner-required", "a filmed report names its media partner");
	/* a truth statement of the register kept before sijill (a row with a
	 * ref) has no claim recorded here; every new one answers a claim */
	if (strcmp(kind, "truth_statement") == 0 && !cj_str(o, "claim_id") && !cj_str(o, "ref") &&
	    !cj_str(o, "corrects_id")) /* a correction answers through the version it corrects */
		rec_err(errs, prefix, "claim_id", "claim-required", "a truth statement answers a claim");
	if (strcmp(kind, "truth_statement") != 0 && cj_str(o, "claim_id"))
		rec_err(errs, prefix, "claim_id", "claim-not-ts", "only a truth statement answers a claim");
}

static const rec_field act_fields[] = {REC_ID_FIELD, ACT_FIELDS(REC_FIELD)};
const rec_desc comms_activity_rec = REC_DESC("comms_activity", "comms_activities", act_fields, comms_activity_check);

#define APPROVE_FIELDS(X) \
	X(V, confirm, ARRAY, 0, COMMS_PII_MAX, NULL, IN | NULLABLE)
static const rec_field approve_fields[] = {APPROVE_FIELDS(REC_FIELD)};
const rec_desc comms_approve_rec = REC_DESC("comms_approve", NULL, approve_fields, NULL);

#define CANCEL_FIELDS(X) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)
static const rec_field cancel_fields[] = {CANCEL_FIELDS(REC_FIELD)};
const rec_desc comms_cancel_rec = REC_DESC("comms_cancel", NULL, cancel_fields, NULL);


/* ------------------------------------------------------------ reading */

static const char sql_insert[] =
	"INSERT INTO comms_activities (" REC_COLS(ACT_FIELDS) ") VALUES (" REC_QS(ACT_FIELDS) ")";

sj_err comms_activity_insert(db_conn *c, json_t *row)
{
	return dbj_write(c, sql_insert, &comms_activity_rec, row, false, "");
}
static const char sql_get[] =
	"SELECT " REC_COLS(ACT_FIELDS) ", unit, unit_path, drafted_by_badge, drafted_by_name, reviewed_by_badge,"
	" reviewed_by_name, approved_by_badge, approved_by_name, published_by_badge, published_by_name"
	" FROM comms_activities"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" LEFT JOIN (SELECT id AS d_id, badge AS drafted_by_badge, name AS drafted_by_name FROM users) d"
	" ON d.d_id = drafted_by"
	" LEFT JOIN (SELECT id AS r_id, badge AS reviewed_by_badge, name AS reviewed_by_name FROM users) r"
	" ON r.r_id = reviewed_by"
	" LEFT JOIN (SELECT id AS p_id, badge AS approved_by_badge, name AS approved_by_name FROM users) p"
	" ON p.p_id = approved_by"
	" LEFT JOIN (SELECT id AS b_id, badge AS published_by_badge, name AS published_by_name FROM users) b"
	" ON b.b_id = published_by"
	" WHERE id = ?";
#define GET_COLS REC_DBJ(ACT_FIELDS) ",unit:t,unit_path:t,drafted_by_badge:t,drafted_by_name:t," \
	"reviewed_by_badge:t,reviewed_by_name:t,approved_by_badge:t,approved_by_name:t,published_by_badge:t," \
	"published_by_name:t"
static const char sql_number_of[] = "SELECT number FROM comms_activities WHERE id = ?";

/* act_row reads the stored row with its joins (internal members kept). */
static sj_err act_row(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	return dbj_one(c, sql_get, GET_COLS, out, "t", id);
}

sj_err comms_act_ref_get(db_conn *c, const char *id, comms_act_ref *out)
{
	json_t *row = NULL;
	sj_err e = act_row(c, id, &row);
	if (e)
		return e;
	snprintf(out->id, sizeof out->id, "%s", id);
	snprintf(out->number, sizeof out->number, "%s", cj_str(row, "number"));
	snprintf(out->unit_id, sizeof out->unit_id, "%s", cj_str(row, "unit_id"));
	snprintf(out->unit_path, sizeof out->unit_path, "%s", cj_str(row, "unit_path"));
	snprintf(out->status, sizeof out->status, "%s", cj_str(row, "status"));
	snprintf(out->kind, sizeof out->kind, "%s", cj_str(row, "kind"));
	snprintf(out->date, sizeof out->date, "%s", cj_str(row, "date"));
	json_decref(row);
	return SJ_OK;
}

/* lang_obj: {ar, fr, zgh} of row's <prefix>_ar ... (members only when set). */
static json_t *lang_obj(json_t *row, const char *prefix)
{
	char k[32];
	json_t *o = json_object();
	static const char *const langs[] = {"ar", "fr", "zgh"};
	for (int i = 0; o && i < 3; i++) {
		snprintf(k, sizeof k, "%s_%s", prefix, langs[i]);
		if (cj_str(row, k))
			json_object_set_new(o, langs[i], json_string(cj_str(row, k)));
	}
	return o;
}

static json_t *who_at(json_t *row, const char *step)
{
	char b[40], n[40], at[40];
	snprintf(b, sizeof b, "%s_by_badge", step);
	snprintf(n, sizeof n, "%s_by_name", step);
	snprintf(at, sizeof at, "%s_at", step);
	if (!json_is_integer(json_object_get(row, at)))
		return json_null();
	return json_pack("{s:s?,s:s?,s:I}", "badge", cj_str(row, b), "name", cj_str(row, n), "at",
			 (json_int_t)cj_int(row, at));
}

static const char *opt(json_t *o, const char *k)
{
	return cj_str(o, k);
}

/* sealed_content builds what a seal covers, from the row as it is now
 * (published_* already set in row). */
static json_t *sealed_content(db_conn *c, json_t *row)
{
	char corrects[COMMS_NUMBER_MAX + 1] = "";
	json_t *n = NULL;
	if (cj_str(row, "corrects_id") && !dbj_one(c, sql_number_of, "number:t", &n, "t", cj_str(row, "corrects_id")))
		snprintf(corrects, sizeof corrects, "%s", cj_str(n, "number"));
	json_decref(n);
	json_t *claim = cj_str(row, "claim_id") ? comms_claim_brief(c, cj_str(row, "claim_id")) : NULL;
	json_t *confirmed = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(row, "pii"), i, m) {
		json_array_append_new(confirmed, json_pack("{s:s?,s:s?,s:s?}", "key", cj_str(m, "key"), "kind",
							   cj_str(m, "kind"), "field", cj_str(m, "field")));
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:o,s:o,s:O,s:s?,s:s?,s:s?,s:s?,s:o,s:o,s:o,s:o,s:o}",
			      "format", COMMS_SEAL_FORMAT, "number", cj_str(row, "number"), "unit", cj_str(row, "unit"),
			      "kind", cj_str(row, "kind"), "version", (json_int_t)cj_int(row, "version"), "date",
			      cj_str(row, "date"), "title", lang_obj(row, "title"), "text", lang_obj(row, "text"),
			      "channels", json_object_get(row, "channels") ? json_object_get(row, "channels") : json_null(),
			      "media_partner", opt(row, "media_partner"), "topic", opt(row, "topic"), "claim",
			      claim ? cj_str(claim, "number") : NULL, "corrects", corrects[0] ? corrects : NULL, "drafted",
			      who_at(row, "drafted"), "reviewed", who_at(row, "reviewed"), "approved",
			      who_at(row, "approved"), "published", who_at(row, "published"), "personal_data_confirmed",
			      confirmed);
	json_decref(claim);
	return o;
}

/* seal_ok re-verifies a sealed row: the signature over the hash, the hash
 * over the content, and the row's columns against what the content says. */
static bool seal_ok(db_conn *c, json_t *row)
{
	const char *content = cj_str(row, "content");
	if (!pv_verify_content(c, COMMS_SEAL_CONTEXT, content, cj_str(row, "content_hash"), cj_str(row, "signature"),
			       cj_str(row, "key_id")))
		return false;
	json_t *sealed = jdump_loads(content, 0, NULL);
	if (!sealed)
		return false;
	json_t *t = lang_obj(row, "title"), *x = lang_obj(row, "text");
	const char *mp = cj_str(row, "media_partner");
	bool ok = json_equal(json_object_get(sealed, "title"), t) && json_equal(json_object_get(sealed, "text"), x) &&
		  cj_str(sealed, "number") && strcmp(cj_str(sealed, "number"), cj_str(row, "number")) == 0 &&
		  cj_str(sealed, "kind") && strcmp(cj_str(sealed, "kind"), cj_str(row, "kind")) == 0 &&
		  cj_str(sealed, "date") && strcmp(cj_str(sealed, "date"), cj_str(row, "date")) == 0 &&
		  cj_int(sealed, "version") == cj_int(row, "version") &&
		  (mp ? cj_str(sealed, "media_partner") && strcmp(mp, cj_str(sealed, "media_partner")) == 0
		      : !cj_str(sealed, "media_partner"));
	json_decref(t);
	json_decref(x);
	json_decref(sealed);
	return ok;
}

/* decorate adds the computed members of an activity as read and removes the
 * seal's raw columns. */
static void decorate(db_conn *c, json_t *row)
{
	if (cj_str(row, "content")) {
		json_object_set_new(row, "seal",
				    json_pack("{s:s?,s:s?,s:s?,s:b,s:s?}", "hash", cj_str(row, "content_hash"), "signature",
					      cj_str(row, "signature"), "key_id", cj_str(row, "key_id"), "verified",
					      seal_ok(c, row), "signed_by", cj_str(row, "approved_by_badge")));
	}
	json_t *link = NULL;
	if (cj_str(row, "case_link_id")) {
		/* the view shows the link as the officer made it; its use was checked when linked */
		sj_actor sys = {.national = true, .role = ROLES_COMMS};
		if (!comms_link_for(c, &sys, cj_str(row, "case_link_id"), &link)) {
			json_object_del(link, "case_id");
			json_object_del(link, "comm_unit_path");
			json_object_set_new(row, "case_link", link);
		}
	}
	if (cj_str(row, "claim_id")) {
		json_t *cl = comms_claim_brief(c, cj_str(row, "claim_id"));
		if (cl)
			json_object_set_new(row, "claim", cl);
	}
	json_t *n = NULL;
	if (cj_str(row, "corrects_id") && !dbj_one(c, sql_number_of, "number:t", &n, "t", cj_str(row, "corrects_id")))
		json_object_set(row, "corrects_number", json_object_get(n, "number"));
	json_decref(n);
	n = NULL;
	if (cj_str(row, "superseded_by") &&
	    !dbj_one(c, sql_number_of, "number:t", &n, "t", cj_str(row, "superseded_by")))
		json_object_set(row, "superseded_by_number", json_object_get(n, "number"));
	json_decref(n);
	json_object_del(row, "content");
	json_object_del(row, "content_hash");
	json_object_del(row, "signature");
	json_object_del(row, "key_id");
}

sj_err comms_activity_get(db_conn *c, const sj_actor *a, const char *id, json_t **out)
{
	json_t *row = NULL;
	sj_err e = act_row(c, id, &row);
	if (e)
		return e;
	if (!comms_can_read(a, cj_str(row, "unit_path"))) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	decorate(c, row);
	*out = row;
	return SJ_OK;
}

static const char sql_list[] =
	"SELECT id, number, unit, kind, title_ar, title_fr, date, status, media_partner, version, published_at,"
	" corrects_id, imported FROM comms_activities"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR unit_path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR kind = CAST(? AS TEXT))"
	" AND (CAST(? AS TEXT) IS NULL OR status = CAST(? AS TEXT))"
	" AND (CAST(? AS TEXT) IS NULL OR (date >= CAST(? AS TEXT) AND date <= CAST(? AS TEXT)))"
	" ORDER BY date DESC, number DESC LIMIT ? OFFSET ?";

sj_err comms_activity_list(db_conn *c, const sj_actor *a, const char *kind, const char *status, int year, int limit,
			   int64_t offset, json_t **out)
{
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	const char *y = year ? from : NULL, *scope = comms_scope(a);
	return dbj_rows(c, sql_list,
			"id:t,number:t,unit:t,kind:t,title_ar:t,title_fr:t,date:t,status:t,media_partner:t,version:i,"
			"published_at:i,corrects_id:t,imported:b",
			out, "tttttttttii", scope, scope, kind, kind, status, status, y, from, to, (int64_t)limit,
			offset);
}

/* ------------------------------------------------------------ drafting */

/* links_check validates the case link and the event an activity names. */
static sj_err links_check(db_conn *c, const sj_actor *a, json_t *row, const char **why)
{
	if (cj_str(row, "case_link_id")) {
		json_t *link = NULL;
		sj_err e = comms_link_for(c, a, cj_str(row, "case_link_id"), &link);
		json_decref(link);
		if (e == SJ_ENOTFOUND || e == SJ_EFORBIDDEN) {
			*why = "comms-link-unknown";
			return SJ_EUNPROCESSABLE;
		}
		if (e)
			return e;
	}
	if (cj_str(row, "event_id")) {
		sj_err e = comms_event_exists(c, cj_str(row, "event_id"));
		if (e == SJ_ENOTFOUND) {
			*why = "comms-event-unknown";
			return SJ_EUNPROCESSABLE;
		}
		if (e)
			return e;
	}
	return SJ_OK;
}

/* insert_draft writes row (the body's members, normalised) as a new draft of
 * the actor's unit and returns the activity as read. */
static sj_err insert_draft(db_conn *c, const sj_actor *a, json_t *row, int version, const char *corrects_id,
			   json_t **out, const char **why)
{
	int64_t now = clock_now_ms();
	char id[ID_LEN + 1], number[COMMS_NUMBER_MAX + 1];
	sj_err e = links_check(c, a, row, why);
	e = e ? e : comms_number(c, "comms-activity", "COM", a->unit_id, a->unit_code, clock_legal_year(now), number);
	if (e)
		return e;
	id_new(id);
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(a->unit_id));
	json_object_set_new(row, "number", json_string(number));
	json_object_set_new(row, "version", json_integer(version));
	json_object_set_new(row, "status", json_string("draft"));
	json_object_set_new(row, "corrects_id", corrects_id ? json_string(corrects_id) : json_null());
	json_object_set_new(row, "drafted_by", json_string(a->id));
	json_object_set_new(row, "drafted_at", json_integer(now));
	json_object_set_new(row, "created_at", json_integer(now));
	json_object_set_new(row, "updated_at", json_integer(now));
	if (cj_str(row, "claim_id")) {
		e = comms_claim_reserve(c, a, cj_str(row, "claim_id"), id, why);
		if (e)
			return e;
	}
	e = comms_activity_insert(c, row);
	if (e == SJ_ECONFLICT && corrects_id) {
		*why = "comms-correction-exists";
		return e;
	}
	return e ? e : comms_activity_get(c, a, id, out);
}

sj_err comms_activity_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	if (!comms_can_write(a, a->unit_path))
		return SJ_EFORBIDDEN;
	json_t *row = json_deep_copy(in);
	if (!row)
		return SJ_ENOMEM;
	sj_err e = insert_draft(c, a, row, 1, NULL, out, why);
	json_decref(row);
	return e;
}

static const char sql_update[] =
	"UPDATE comms_activities SET " REC_SET(ACT_FIELDS)
	"status = 'draft', reviewed_by = NULL, reviewed_at = NULL, updated_at = ? WHERE id = ?"
	" AND status IN ('draft', 'reviewed')";

/* writable_row reads id for a change by the actor (scope first, before any write). */
static sj_err writable_row(db_conn *c, const sj_actor *a, const char *id, json_t **row)
{
	sj_err e = act_row(c, id, row);
	if (e)
		return e;
	if (!comms_can_write(a, cj_str(*row, "unit_path"))) {
		json_decref(*row);
		*row = NULL;
		return SJ_EFORBIDDEN;
	}
	return SJ_OK;
}

static sj_err state_is(json_t *row, const char *want, const char *why_not, const char **why)
{
	if (strcmp(cj_str(row, "status"), want) != 0) {
		*why = why_not;
		return SJ_ECONFLICT;
	}
	return SJ_OK;
}

sj_err comms_activity_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
			     const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = writable_row(c, a, id, &row);
	if (e)
		return e;
	const char *st = cj_str(row, "status");
	if (strcmp(st, "draft") != 0 && strcmp(st, "reviewed") != 0) {
		*why = "comms-not-editable";
		json_decref(row);
		return SJ_ECONFLICT;
	}
	json_object_update(row, patch);
	/* null clears a field */
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(row, tmp, k, v) {
		if (json_is_null(v))
			json_object_del(row, k);
	}
	json_t *errs = json_array();
	comms_activity_check(row, NULL, errs);
	if (json_array_size(errs)) {
		/* the merged draft breaks one of the record's own rules */
		const char *code = cj_str(json_array_get(errs, 0), "code");
		bool partner = code && strcmp(code, "partner-required") == 0;
		*why = partner ? "comms-partner-required" : "comms-title-required";
		e = SJ_EUNPROCESSABLE;
	}
	json_decref(errs);
	e = e ? e : links_check(c, a, row, why);
	e = e ? e : dbj_write(c, sql_update, &comms_activity_rec, row, true, "it", clock_now_ms(), id);
	json_decref(row);
	return e ? e : comms_activity_get(c, a, id, out);
}

static const char sql_review[] =
	"UPDATE comms_activities SET status = 'reviewed', reviewed_by = ?, reviewed_at = ?, updated_at = ?"
	" WHERE id = ? AND status = 'draft'";

sj_err comms_activity_review(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = writable_row(c, a, id, &row);
	e = e ? e : state_is(row, "draft", "comms-not-draft", why);
	if (!e && cj_str(row, "drafted_by") && strcmp(cj_str(row, "drafted_by"), a->id) == 0) {
		*why = "comms-review-own";
		e = SJ_ECONFLICT;
	}
	if (!e && needs_text(cj_str(row, "kind")) && !cj_str(row, "text_ar") && !cj_str(row, "text_fr")) {
		*why = "comms-text-required";
		e = SJ_EUNPROCESSABLE;
	}
	int64_t now = clock_now_ms();
	e = e ? e : db_run(c, sql_review, "tiit", a->id, now, now, id);
	json_decref(row);
	return e ? e : comms_activity_get(c, a, id, out);
}

/* ------------------------------------------------------------ the personal-data check */

static sj_err scan_row(db_conn *c, json_t *row, json_t **matches)
{
	*matches = json_array();
	json_t *texts = json_object();
	if (!*matches || !texts) {
		json_decref(texts);
		return SJ_ENOMEM;
	}
	static const char *const fields[] = {"title_ar", "title_fr", "title_zgh", "text_ar", "text_fr", "text_zgh"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (cj_str(row, fields[i]))
			json_object_set(texts, fields[i], json_object_get(row, fields[i]));
	json_t *persons = NULL;
	sj_err e = SJ_OK;
	if (cj_str(row, "case_link_id")) {
		/* the persons of the linked case, read through the cases module, only
		 * to find them in the text; never shown */
		json_t *link = NULL;
		sj_actor sys = {.national = true, .role = ROLES_COMMS};
		e = comms_link_for(c, &sys, cj_str(row, "case_link_id"), &link);
		e = e ? e : case_persons_scan(c, cj_str(link, "case_id"), &persons);
		json_decref(link);
	}
	e = e ? e : comms_pii_scan(texts, persons, cj_str(row, "date"), *matches);
	json_decref(texts);
	json_decref(persons);
	if (e) {
		json_decref(*matches);
		*matches = NULL;
	}
	return e;
}

sj_err comms_activity_pii(db_conn *c, const sj_actor *a, const char *id, json_t **out)
{
	*out = NULL;
	json_t *row = NULL, *m = NULL;
	sj_err e = writable_row(c, a, id, &row);
	e = e ? e : scan_row(c, row, &m);
	json_decref(row);
	if (e)
		return e;
	*out = json_pack("{s:o}", "matches", m);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static bool confirmed(json_t *confirm, const char *key)
{
	size_t i;
	json_t *k;
	json_array_foreach(confirm, i, k) {
		if (json_is_string(k) && key && strcmp(json_string_value(k), key) == 0)
			return true;
	}
	return false;
}

static const char sql_approve[] =
	"UPDATE comms_activities SET status = 'approved', approved_by = ?, approved_at = ?, pii = ?, updated_at = ?"
	" WHERE id = ? AND status = 'reviewed'";

sj_err comms_activity_approve(db_conn *c, const sj_actor *a, const char *id, json_t *confirm, json_t **out,
			      const char **why, json_t **extra)
{
	*out = NULL;
	*extra = NULL;
	json_t *row = NULL, *matches = NULL;
	sj_err e = writable_row(c, a, id, &row);
	if (e)
		return e;
	if (!(a->role & ROLE_COMM_HEAD)) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	e = state_is(row, "reviewed", "comms-not-reviewed", why);
	if (!e && cj_str(row, "drafted_by") && strcmp(cj_str(row, "drafted_by"), a->id) == 0) {
		*why = "comms-approve-own";
		e = SJ_ECONFLICT;
	}
	e = e ? e : scan_row(c, row, &matches);
	if (e)
		goto out;
	int64_t now = clock_now_ms();
	json_t *open = json_array(), *kept = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(matches, i, m) {
		if (confirmed(confirm, cj_str(m, "key"))) {
			json_t *k = json_deep_copy(m);
			json_object_set_new(k, "confirmed_by", json_string(a->badge));
			json_object_set_new(k, "confirmed_at", json_integer(now));
			json_array_append_new(kept, k);
		} else {
			json_array_append(open, m);
		}
	}
	if (json_array_size(open)) {
		*why = "comms-pii-unconfirmed";
		*extra = json_pack("{s:o}", "matches", open);
		json_decref(kept);
		e = SJ_ECONFLICT;
		goto out;
	}
	json_decref(open);
	char *pii = jdump_dumps(kept, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(kept);
	if (!pii) {
		e = SJ_ENOMEM;
		goto out;
	}
	e = db_run(c, sql_approve, "titit", a->id, now, pii, now, id);
	free(pii);
out:
	json_decref(matches);
	json_decref(row);
	return e ? e : comms_activity_get(c, a, id, out);
}

/* ------------------------------------------------------------ publishing */

static const char sql_publish[] =
	"UPDATE comms_activities SET status = 'published', published_by = ?, published_at = ?, content = ?,"
	" content_hash = ?, signature = ?, key_id = ?, updated_at = ? WHERE id = ? AND status = 'approved'";
static const char sql_supersede[] =
	"UPDATE comms_activities SET superseded_by = ?, updated_at = ? WHERE id = ? AND superseded_by IS NULL";

sj_err comms_activity_publish(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL, *content = NULL;
	char *canon = NULL;
	sj_err e = writable_row(c, a, id, &row);
	if (e)
		return e;
	if (!(a->role & ROLE_COMM_HEAD)) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	e = state_is(row, "approved", "comms-not-approved", why);
	const char *kind = cj_str(row, "kind");
	bool seal = sealed_kind(kind);
	if (!e && seal && strcmp(cj_str(row, "approved_by"), a->id) != 0) {
		*why = "comms-seal-approver";
		e = SJ_ECONFLICT;
	}
	if (e)
		goto out;
	int64_t now = clock_now_ms();
	char hash[65] = "", sig[129] = "", key_id[17] = "";
	if (seal) {
		json_object_set_new(row, "published_by_badge", json_string(a->badge));
		json_object_set_new(row, "published_by_name", json_string(a->name ? a->name : ""));
		json_object_set_new(row, "published_at", json_integer(now));
		content = sealed_content(c, row);
		canon = content ? jdump_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
		if (!canon) {
			e = SJ_ENOMEM;
			goto out;
		}
		e = pv_sign_content(c, a->id, COMMS_SEAL_CONTEXT, canon, hash, sig, key_id);
		if (e)
			goto out;
	}
	e = db_run(c, sql_publish, "tittttit", a->id, now, canon, seal ? hash : NULL, seal ? sig : NULL,
		   seal ? key_id : NULL, now, id);
	if (!e && strcmp(kind, "truth_statement") == 0 && cj_str(row, "claim_id"))
		e = comms_claim_answered(c, id, now);
	if (!e && cj_str(row, "corrects_id"))
		e = db_run(c, sql_supersede, "tit", id, now, cj_str(row, "corrects_id"));
out:
	free(canon);
	json_decref(content);
	json_decref(row);
	return e ? e : comms_activity_get(c, a, id, out);
}

static const char sql_cancel[] =
	"UPDATE comms_activities SET status = 'cancelled', cancelled_by = ?, cancelled_at = ?, cancel_reason = ?,"
	" updated_at = ? WHERE id = ? AND status IN ('draft', 'reviewed', 'approved')";

sj_err comms_activity_cancel(db_conn *c, const sj_actor *a, const char *id, const char *reason, json_t **out,
			     const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = writable_row(c, a, id, &row);
	if (e)
		return e;
	const char *st = cj_str(row, "status");
	if (strcmp(st, "published") == 0 || strcmp(st, "cancelled") == 0) {
		*why = "comms-not-cancellable";
		e = SJ_ECONFLICT;
	}
	int64_t now = clock_now_ms();
	e = e ? e : db_run(c, sql_cancel, "titit", a->id, now, reason, now, id);
	if (!e && cj_str(row, "claim_id"))
		e = comms_claim_release(c, id);
	json_decref(row);
	return e ? e : comms_activity_get(c, a, id, out);
}

static const char sql_has_correction[] =
	"SELECT COUNT(*) FROM comms_activities WHERE corrects_id = ?";

sj_err comms_activity_correct(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = writable_row(c, a, id, &row);
	if (e)
		return e;
	e = state_is(row, "published", "comms-not-published", why);
	int64_t n = 0;
	e = e ? e : dbj_int(c, sql_has_correction, &n, "t", id);
	if (!e && n > 0) {
		*why = "comms-correction-exists";
		e = SJ_ECONFLICT;
	}
	if (e) {
		json_decref(row);
		return e;
	}
	static const char *const keep[] = {"kind", "title_ar", "title_fr", "title_zgh", "text_ar", "text_fr",
					   "text_zgh", "date", "channels", "media_partner", "topic", "case_link_id",
					   "event_id", NULL};
	json_t *draft = json_object();
	for (int i = 0; draft && keep[i]; i++)
		if (json_object_get(row, keep[i]) && !json_is_null(json_object_get(row, keep[i])))
			json_object_set(draft, keep[i], json_object_get(row, keep[i]));
	if (!draft) {
		json_decref(row);
		return SJ_ENOMEM;
	}
	/* a correction answers the same claim through the version it corrects: no second answer */
	e = insert_draft(c, a, draft, (int)cj_int(row, "version") + 1, id, out, why);
	json_decref(draft);
	json_decref(row);
	return e;
}
