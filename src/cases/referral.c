/* referral.c — referral to the prosecution and the case bundle (see referral.h). */
#include "core/jdump.h"
#include "cases/referral.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/custody.h"
#include "cases/print.h"
#include "cases/pv.h"
#include "cases/seizure.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(referral_outcomes, "outcome", "prosecuted", "investigating_judge", "further_inquiry",
		    "no_further_action", "other");

/* A referral. sent_by reads as the sender's badge; the body of a referral
 * names an office (a code) and the reason to override the competent one. */
#define REFERRAL_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, transmission_no, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, office_code, CODE, 1, REF_CODE_MAX, NULL, OUT) \
	X(C, office_kind, ENUM, 0, 0, &ref_office_kinds, OUT) \
	X(C, derived_kind, ENUM, 0, 0, &ref_office_kinds, OUT) \
	X(C, override_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE | MULTI) \
	X(C, bundle, JSON, 0, 0, NULL, OUT | PII) \
	X(C, bundle_hash, TEXT, 64, 64, NULL, OUT) \
	X(C, sent_at, TIME, 0, 0, NULL, OUT) \
	X(C, sent_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, outcome, ENUM, 0, 0, &referral_outcomes, OUT) \
	X(C, outcome_note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, outcome_at, TIME, 0, 0, NULL, OUT) \
	X(C, outcome_by, ID, 0, 36, NULL, 0) \
	X(V, office, CODE, 1, REF_CODE_MAX, NULL, IN | NULLABLE)
static const rec_field referral_fields[] = {REC_ID_FIELD, REFERRAL_FIELDS(REC_FIELD)};
const rec_desc referral_rec = REC_DESC("referral", "referrals", referral_fields, NULL);

/* PUT /referrals/{id}/outcome: the prosecution's decision. */
#define OUTCOME_FIELDS(X) \
	X(V, outcome, ENUM, 0, 0, &referral_outcomes, IN | REQ) \
	X(V, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE | MULTI)
static const rec_field outcome_fields[] = {OUTCOME_FIELDS(REC_FIELD)};
const rec_desc referral_outcome_rec = REC_DESC("referral_outcome", NULL, outcome_fields, NULL);

/* ------------------------------------------------------------ sending */

/* The bundle is stored as the exact bytes its hash covers (canonical JSON,
 * ASCII-escaped), which dbj_write would re-serialise: bound by hand. */
static const char sql_add_raw[] =
	"INSERT INTO referrals (id, case_id, transmission_no, office_code, office_kind, derived_kind, override_reason,"
	" bundle, bundle_hash, sent_at, sent_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* office_for picks the office: the one named (a different one than the
 * competent needs a reason: *reason is cleared when it is the competent
 * one), else the competent one. *office is a new object. */
static sj_err office_for(db_conn *c, const case_ref *r, const char *derived, const char *code, const char **reason,
			 json_t **office, const char **why)
{
	json_t *competent = NULL;
	*office = NULL;
	sj_err e = ref_prosecution_for(c, r->unit_path, derived, &competent);
	if (e && e != SJ_ENOTFOUND)
		return e;
	if (!code) {
		if (!competent) {
			*why = "office-unknown-for-unit";
			return SJ_EUNPROCESSABLE;
		}
		*office = competent;
		return SJ_OK;
	}
	e = ref_prosecution_get(c, code, office);
	if (e == SJ_ENOTFOUND) {
		*why = "office-not-found";
		e = SJ_EUNPROCESSABLE;
	}
	bool same = !e && competent && strcmp(jstr(competent, "code"), code) == 0;
	json_decref(competent);
	if (!e && !same && (!*reason || !**reason)) {
		*why = "office-override-needs-reason";
		e = SJ_EUNPROCESSABLE;
	}
	if (same)
		*reason = NULL;
	if (e) {
		json_decref(*office);
		*office = NULL;
	}
	return e;
}

sj_err referral_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
		       const char **why)
{
	*out = NULL;
	case_ref ref, *r = &ref;
	sj_err e = case_ref_for(c, a, case_id, true, r, why);
	if (e)
		return e;
	if (strcmp(r->status, "under_investigation") != 0) {
		*why = "referral-needs-investigation";
		return SJ_ECONFLICT;
	}
	int64_t held = 0;
	e = custody_open_count(c, r->id, &held);
	if (e)
		return e;
	if (held) {
		*why = "referral-custody-open";
		return SJ_ECONFLICT;
	}
	/* Competence follows the class (art 23): crimes to the CA, the rest to the TPI. */
	const char *derived = strcmp(r->cls, "crime") == 0 ? "ca" : "tpi";
	const char *override_reason = jstr(in, "override_reason");
	json_t *office = NULL;
	e = office_for(c, r, derived, jstr(in, "office"), &override_reason, &office, why);
	if (e)
		return e;
	/* The bundle: what travels with the file. */
	json_t *kase = NULL, *pvs = NULL, *custodies = NULL, *seizures = NULL;
	e = case_get(c, r->id, &kase);
	e = e ? e : pv_list(c, r->id, true, &pvs);
	e = e ? e : custody_list_case(c, r->id, &custodies);
	e = e ? e : seizure_list_case(c, r->id, &seizures);
	int64_t now = clock_now_ms(), year = case_year(now), n = 0;
	e = e ? e : case_counter_next(c, "transmission", r->unit_id, year, &n);
	char *canon = NULL, id[ID_LEN + 1], transmission_no[CASE_NUMBER_MAX + 1 + 32];
	id_new(id);
	int tn = snprintf(transmission_no, sizeof transmission_no, "%.*s/%lld/TR-%06lld", UNIT_CODE_MAX, r->unit_code,
			  (long long)year, (long long)n);
	if (!e && (tn < 0 || tn > CASE_NUMBER_MAX))
		e = SJ_EINTERNAL; /* a unit code is at most UNIT_CODE_MAX: cannot happen */
	if (!e) {
		size_t i;
		json_t *o;
		json_array_foreach(custodies, i, o) {
			json_object_del(o, "time_left_ms");
			json_object_del(o, "overdue");
		}
		json_object_del(kase, "unit_path");
		json_t *bundle = json_pack("{s:s,s:s,s:I,s:{s:s,s:s},s:O,s:s?,s:O,s:O,s:O,s:O,s:O}", "format",
					   "sijill-bundle-v1", "transmission_no", transmission_no, "sent_at",
					   (json_int_t)now, "sent_by", "badge", a->badge, "name", a->name, "office",
					   office, "override_reason", override_reason, "case", kase, "persons",
					   json_object_get(kase, "persons"), "pvs", pvs, "custodies", custodies,
					   "seizures", seizures);
		canon = bundle ? jdump_dumps(bundle, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
		json_decref(bundle);
		if (!canon)
			e = SJ_ENOMEM;
	}
	if (!e) {
		unsigned char h[32];
		char hex[65];
		crypto_generichash(h, sizeof h, (const unsigned char *)canon, strlen(canon), NULL, 0);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		/* the bundle is stored as the exact bytes hashed */
		e = db_run(c, sql_add_raw, "ttttttttt" "it", id, r->id, transmission_no, jstr(office, "code"),
			   jstr(office, "kind"), derived, override_reason, canon, hex, now, a->id);
		const char *w;
		e = e ? e : case_move(c, a, r, "referred", NULL, &w);
		e = e ? e : case_event(c, r->id, a, "referred",
				       json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s}", "referral_id", id, "transmission_no",
						 transmission_no, "office", jstr(office, "code"), "office_kind",
						 jstr(office, "kind"), "override_reason", override_reason, "bundle_hash",
						 hex));
	}
	free(canon);
	json_decref(kase);
	json_decref(pvs);
	json_decref(custodies);
	json_decref(seizures);
	json_decref(office);
	return e ? e : referral_get(c, id, false, out);
}

#define REF_SELECT                                                                                           \
	"SELECT id, case_id, transmission_no, office_code, office_kind, derived_kind, override_reason, bundle_hash," \
	" sent_at, s_badge AS sent_by, outcome, outcome_note, outcome_at, bundle FROM referrals"                 \
	" JOIN (SELECT id AS s_id, badge AS s_badge FROM users) s ON s.s_id = sent_by"
static const char sql_get[] = REF_SELECT " WHERE id = ?";
static const char sql_by_case[] = REF_SELECT " WHERE case_id = ? ORDER BY sent_at";

sj_err referral_get(db_conn *c, const char *id, bool with_bundle, json_t **out)
{
	sj_err e = dbj_rec_one(c, sql_get, &referral_rec, out, "t", id);
	if (!e && !with_bundle)
		json_object_del(*out, "bundle");
	return e;
}

static const char sql_case_of[] = "SELECT case_id FROM referrals WHERE id = ?";

sj_err referral_read(db_conn *c, const sj_actor *a, const char *id, bool with_bundle, json_t **out,
		     const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "referral-not-found", false, &r, why);
	return e ? e : referral_get(c, id, with_bundle, out);
}

sj_err referral_print(db_conn *c, const sj_actor *a, const char *id, buf *html, const char **why)
{
	json_t *ref = NULL;
	sj_err e = referral_read(c, a, id, true, &ref, why);
	e = e ? e : print_bundle_html(ref, html);
	json_decref(ref);
	return e;
}

sj_err referral_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rec_rows(c, sql_by_case, &referral_rec, out, "t", case_id);
	size_t i;
	json_t *o;
	if (!e)
		json_array_foreach(*out, i, o) json_object_del(o, "bundle");
	return e;
}

static const char sql_outcome[] =
	"UPDATE referrals SET outcome = ?, outcome_note = ?, outcome_at = ?, outcome_by = ? WHERE id = ?"
	" AND outcome IS NULL";
static const char sql_has_outcome[] = "SELECT COUNT(*) FROM referrals WHERE id = ? AND outcome IS NOT NULL";

sj_err referral_outcome(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	int64_t n = 0;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "referral-not-found", true, &r, why);
	e = e ? e : dbj_int(c, sql_has_outcome, &n, "t", id);
	if (e)
		return e;
	if (n) {
		*why = "outcome-already-recorded";
		return SJ_ECONFLICT;
	}
	const char *outcome = jstr(in, "outcome"), *note = jstr(in, "note");
	e = db_run(c, sql_outcome, "ttitt", outcome, note, clock_now_ms(), a->id, id);
	e = e ? e : case_event(c, r.id, a, "referral.outcome",
			       json_pack("{s:s,s:s,s:s?}", "referral_id", id, "outcome", outcome, "note", note));
	return e ? e : referral_get(c, id, false, out);
}
