/* referral.c — referral to the prosecution and the case bundle (see referral.h). */
#include "core/jdump.h"
#include "cases/referral.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/custody.h"
#include "cases/pv.h"
#include "cases/seizure.h"
#include "core/clock.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char sql_add[] =
	"INSERT INTO referrals (id, case_id, transmission_no, office_code, office_kind, derived_kind, override_reason,"
	" bundle, bundle_hash, sent_at, sent_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

sj_err referral_create(db_conn *c, const auth_user *u, case_ref *r, const char *office_code,
		       const char *override_reason, char id[ID_LEN + 1], char transmission_no[CASE_NUMBER_MAX + 1],
		       const char **why)
{
	if (strcmp(r->status, "under_investigation") != 0) {
		*why = "only a case under investigation can be referred";
		return SJ_ECONFLICT;
	}
	int64_t held = 0;
	sj_err e = custody_open_count(c, r->id, &held);
	if (e)
		return e;
	if (held) {
		*why = "persons are still in custody: release them or present them first";
		return SJ_ECONFLICT;
	}
	/* Competence follows the class (art 23): crimes to the CA, the rest to the TPI. */
	const char *derived = strcmp(r->cls, "crime") == 0 ? "ca" : "tpi";
	json_t *office = NULL, *competent = NULL;
	e = ref_prosecution_for(c, r->unit_path, derived, &competent);
	if (e && e != SJ_ENOTFOUND)
		return e;
	if (office_code) {
		e = ref_prosecution_get(c, office_code, &office);
		if (e == SJ_ENOTFOUND) {
			json_decref(competent);
			*why = "no such prosecution office";
			return SJ_EUNPROCESSABLE;
		}
		if (e) {
			json_decref(competent);
			return e;
		}
		bool same = competent && strcmp(jstr(competent, "code"), office_code) == 0;
		if (!same && (!override_reason || !*override_reason)) {
			json_decref(competent);
			json_decref(office);
			*why = "sending to another office than the competent one needs a reason (override_reason)";
			return SJ_EUNPROCESSABLE;
		}
		if (same)
			override_reason = NULL;
	} else {
		if (!competent) {
			*why = "no competent prosecution office is known for this unit; name one (office)";
			return SJ_EUNPROCESSABLE;
		}
		office = json_incref(competent);
	}
	json_decref(competent);
	/* The bundle: what travels with the file. */
	json_t *kase = NULL, *pvs = NULL, *custodies = NULL, *seizures = NULL;
	e = case_get(c, r->id, &kase);
	e = e ? e : pv_list(c, r->id, true, &pvs);
	e = e ? e : custody_list_case(c, r->id, &custodies);
	e = e ? e : seizure_list_case(c, r->id, &seizures);
	int64_t now = clock_now_ms(), year = case_year(now), n = 0;
	e = e ? e : case_counter_next(c, "transmission", r->unit_id, year, &n);
	char *canon = NULL;
	if (!e) {
		snprintf(transmission_no, CASE_NUMBER_MAX + 1, "%s/%lld/TR-%06lld", r->unit_code, (long long)year,
			 (long long)n);
		size_t i;
		json_t *o;
		json_array_foreach(custodies, i, o) {
			json_object_del(o, "time_left_ms");
			json_object_del(o, "overdue");
		}
		json_object_del(kase, "unit_path");
		json_t *bundle = json_pack("{s:s,s:s,s:I,s:{s:s,s:s},s:O,s:s?,s:O,s:O,s:O,s:O,s:O}", "format",
					   "sijill-bundle-v1", "transmission_no", transmission_no, "sent_at",
					   (json_int_t)now, "sent_by", "badge", u->badge, "name", u->name, "office",
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
		id_new(id);
		e = db_run(c, sql_add, "ttttttttt" "it", id, r->id, transmission_no, jstr(office, "code"),
			   jstr(office, "kind"), derived, override_reason, canon, hex, now, u->id);
		const char *w;
		e = e ? e : case_set_status(c, u, r, "referred", NULL, &w);
		e = e ? e : case_event(c, r->id, u, "referred",
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
	return e;
}

static const char sql_case_of[] = "SELECT case_id FROM referrals WHERE id = ?";

sj_err referral_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1])
{
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *o = NULL;
	sj_err e = dbj_one(c, sql_case_of, "case_id:t", &o, "t", id);
	if (!e)
		snprintf(case_id, ID_LEN + 1, "%s", jstr(o, "case_id"));
	json_decref(o);
	return e;
}

#define REF_SELECT                                                                                           \
	"SELECT r.id, r.case_id, r.transmission_no, r.office_code, r.office_kind, r.derived_kind,"           \
	" r.override_reason, r.bundle_hash, r.sent_at, s.badge, r.outcome, r.outcome_note, r.outcome_at, r.bundle" \
	" FROM referrals r JOIN users s ON s.id = r.sent_by"
#define REF_COLS                                                                                         \
	"id:t,case_id:t,transmission_no:t,office_code:t,office_kind:t,derived_kind:t,override_reason:t," \
	"bundle_hash:t,sent_at:i,sent_by:t,outcome:t,outcome_note:t,outcome_at:i,bundle:j"
static const char sql_get[] = REF_SELECT " WHERE r.id = ?";
static const char sql_by_case[] = REF_SELECT " WHERE r.case_id = ? ORDER BY r.sent_at";

sj_err referral_get(db_conn *c, const char *id, bool with_bundle, json_t **out)
{
	sj_err e = dbj_one(c, sql_get, REF_COLS, out, "t", id);
	if (!e && !with_bundle)
		json_object_del(*out, "bundle");
	return e;
}

sj_err referral_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rows(c, sql_by_case, REF_COLS, out, "t", case_id);
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

sj_err referral_outcome(db_conn *c, const auth_user *u, const case_ref *r, const char *id, const char *outcome,
			const char *note, const char **why)
{
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_has_outcome, &n, "t", id);
	if (e)
		return e;
	if (n) {
		*why = "the outcome is already recorded";
		return SJ_ECONFLICT;
	}
	e = db_run(c, sql_outcome, "ttitt", outcome, note, clock_now_ms(), u->id, id);
	return e ? e : case_event(c, r->id, u, "referral.outcome",
				  json_pack("{s:s,s:s,s:s?}", "referral_id", id, "outcome", outcome, "note", note));
}
