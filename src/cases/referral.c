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
#include "cases/seal.h"
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
	X(C, supplementary_of, ID, 0, 36, NULL, OUT) \
	X(V, office, CODE, 1, REF_CODE_MAX, NULL, IN | NULLABLE) \
	X(V, drafts_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE | MULTI) \
	X(V, bundle_signature, TEXT, 0, 0, NULL, 0) \
	X(V, seal, JSON, 0, 0, NULL, OUT)
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
	" bundle, bundle_hash, sent_at, sent_by, bundle_signature, supplementary_of)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* the referral a new one supplements: sent back for further inquiry, not yet supplemented */
static const char sql_inquiry_of[] =
	"SELECT id, transmission_no FROM referrals WHERE case_id = ? AND outcome = 'further_inquiry'"
	" AND id NOT IN (SELECT supplementary_of FROM referrals WHERE supplementary_of IS NOT NULL)"
	" ORDER BY sent_at DESC, id DESC LIMIT 1";

/* pv_checks (issue 17 item 7): a referral carries at least one sealed PV
 * (422 "referral-no-sealed-pv"); drafts left out need drafts_reason (422
 * "referral-drafts-need-reason"). *drafts: the numbers of the drafts left out
 * (new array). */
static sj_err pv_checks(db_conn *c, const char *case_id, const char *drafts_reason, json_t **drafts, const char **why)
{
	json_t *all = NULL;
	*drafts = NULL;
	sj_err e = pv_list(c, case_id, false, &all);
	if (e)
		return e;
	size_t i, sealed = 0;
	json_t *p, *d = json_array();
	json_array_foreach(all, i, p) {
		const char *st = json_string_value(json_object_get(p, "status"));
		if (st && strcmp(st, "sealed") == 0)
			sealed++;
		else
			json_array_append(d, json_object_get(p, "number"));
	}
	json_decref(all);
	if (!sealed)
		*why = "referral-no-sealed-pv";
	else if (json_array_size(d) && (!drafts_reason || !*drafts_reason))
		*why = "referral-drafts-need-reason";
	if (*why) {
		json_decref(d);
		return SJ_EUNPROCESSABLE;
	}
	*drafts = d;
	return SJ_OK;
}

#define BUNDLE_CONTEXT "sijill-bundle-v1"

/* office_for picks the office: the one named (a different one than the
 * competent needs a reason: *reason is cleared when it is the competent
 * one), else the competent one. *office is a new object. */
static sj_err office_for(db_conn *c, const case_ref *r, const char **derived, const char *code, const char **reason,
			 json_t **office, const char **why)
{
	json_t *competent = NULL, *cats = NULL;
	*office = NULL;
	/* The competent office follows the offences and the territory (issue 11
	 * item 7): the competences of data/prosecution.json — by offence
	 * category first (terrorism: CA of Rabat, annexe de Salé, loi 03-03),
	 * else by class (art 23) — and the nearest office serving the unit. */
	sj_err e = case_categories(c, r->id, &cats);
	e = e ? e : ref_prosecution_for_case(c, r->unit_path, r->cls, cats, &competent);
	json_decref(cats);
	if (e && e != SJ_ENOTFOUND)
		return e;
	if (competent)
		*derived = strcmp(jstr(competent, "kind"), "ca") == 0 ? "ca" : "tpi";
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
	json_t *drafts = NULL, *prior = NULL;
	/* after a "further inquiry", this referral supplements the one sent back */
	e = dbj_one(c, sql_inquiry_of, "id:t,transmission_no:t", &prior, "t", r->id);
	if (e && e != SJ_ENOTFOUND) {
		json_decref(drafts);
		return e;
	}
	e = SJ_OK;
	/* Competence follows the class (art 23): crimes to the CA, the rest to the TPI. */
	const char *derived = strcmp(r->cls, "crime") == 0 ? "ca" : "tpi";
	const char *override_reason = jstr(in, "override_reason");
	json_t *office = NULL;
	e = office_for(c, r, &derived, jstr(in, "office"), &override_reason, &office, why);
	e = e ? e : pv_checks(c, r->id, jstr(in, "drafts_reason"), &drafts, why);
	if (e) {
		json_decref(office);
		json_decref(drafts);
		json_decref(prior);
		return e;
	}
	/* The bundle: what travels with the file — the seized items with it,
	 * deposited at the office's registry first (CPP 23, issue 17 item 8). */
	json_t *kase = NULL, *pvs = NULL, *custodies = NULL, *seizures = NULL;
	char registry[REF_CODE_MAX + 64]; /* the office by its code: within a holder's SJ_MAX_NAME */
	snprintf(registry, sizeof registry, "Greffe — كتابة الضبط — %s", jstr(office, "code") ? jstr(office, "code") : "");
	int64_t deposited = 0;
	e = seizure_deposit_on_referral(c, a, r->id, registry, clock_now_ms(), &deposited);
	e = e ? e : case_get(c, r->id, &kase);
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
		if (bundle && prior)
			json_object_set(bundle, "supplementary_of", json_object_get(prior, "transmission_no"));
		if (bundle && json_array_size(drafts))
			json_object_set_new(bundle, "drafts_left_out",
					    json_pack("{s:s,s:O}", "reason", jstr(in, "drafts_reason"), "pvs", drafts));
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
		/* sealed at transmission: the node key signs the bundle's hash */
		char sig[SEAL_SIG_HEX + 1];
		if (!seal_node_sign(BUNDLE_CONTEXT, hex, sig))
			e = SJ_ECRYPTO;
		/* the bundle is stored as the exact bytes hashed */
		e = e ? e : db_run(c, sql_add_raw, "ttttttttt" "ittt", id, r->id, transmission_no, jstr(office, "code"),
				   jstr(office, "kind"), derived, override_reason, canon, hex, now, a->id, sig,
				   jstr(prior, "id"));
		const char *w;
		e = e ? e : case_move(c, a, r, "referred", NULL, &w);
		e = e ? e : case_event(c, r->id, a, "referred",
				       json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s}", "referral_id", id, "transmission_no",
						 transmission_no, "office", jstr(office, "code"), "office_kind",
						 jstr(office, "kind"), "override_reason", override_reason, "bundle_hash",
						 hex));
	}
	free(canon);
	json_decref(drafts);
	json_decref(prior);
	json_decref(kase);
	json_decref(pvs);
	json_decref(custodies);
	json_decref(seizures);
	json_decref(office);
	return e ? e : referral_get(c, id, false, out);
}

#define REF_SELECT                                                                                           \
	"SELECT id, case_id, transmission_no, office_code, office_kind, derived_kind, override_reason, bundle_hash," \
	" sent_at, s_badge AS sent_by, outcome, outcome_note, outcome_at, bundle, bundle_signature, supplementary_of FROM referrals"                 \
	" JOIN (SELECT id AS s_id, badge AS s_badge FROM users) s ON s.s_id = sent_by"
static const char sql_get[] = REF_SELECT " WHERE id = ?";
static const char sql_raw[] = "SELECT bundle, bundle_hash AS hash, bundle_signature AS sig FROM referrals WHERE id = ?";
static const char sql_by_case[] = REF_SELECT " WHERE case_id = ? ORDER BY sent_at";

/* bundle_problem re-verifies a referral's bundle as stored: its hash and the
 * node's signature over it; NULL when both hold. */
static const char *bundle_problem(db_conn *c, const char *id)
{
	json_t *row = NULL;
	if (dbj_one(c, sql_raw, "bundle:t,hash:t,sig:t", &row, "t", id))
		return "seal-incomplete";
	const char *bundle = jstr(row, "bundle"), *hash = jstr(row, "hash"), *why = NULL;
	char hex[65] = "";
	if (bundle) {
		unsigned char h[32];
		crypto_generichash(h, sizeof h, (const unsigned char *)bundle, strlen(bundle), NULL, 0);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	}
	if (!bundle || !hash || strcmp(hex, hash) != 0)
		why = "content-altered";
	else if (!seal_node_verify(BUNDLE_CONTEXT, hash, jstr(row, "sig")))
		why = "signature-invalid";
	json_decref(row);
	return why;
}

/* referral_load reads referral id, its seal re-verified (*broken: why not). */
static sj_err referral_load(db_conn *c, const char *id, bool with_bundle, json_t **out, const char **broken)
{
	*broken = NULL;
	sj_err e = dbj_rec_one(c, sql_get, &referral_rec, out, "t", id);
	if (e)
		return e;
	json_object_del(*out, "bundle_signature");
	if (!with_bundle) {
		json_object_del(*out, "bundle");
		return SJ_OK;
	}
	*broken = bundle_problem(c, id);
	json_object_set_new(*out, "seal",
			    json_pack("{s:O,s:b,s:b,s:s?}", "hash", json_object_get(*out, "bundle_hash"), "verified",
				      !*broken, "broken", *broken != NULL, "problem", *broken));
	return SJ_OK;
}

sj_err referral_get(db_conn *c, const char *id, bool with_bundle, json_t **out)
{
	const char *broken;
	return referral_load(c, id, with_bundle, out, &broken);
}

static const char sql_case_of[] = "SELECT case_id FROM referrals WHERE id = ?";

sj_err referral_read(db_conn *c, const sj_actor *a, const char *id, bool with_bundle, json_t **out,
		     const char **why)
{
	*out = NULL;
	case_ref r;
	const char *broken = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "referral-not-found", false, &r, why);
	e = e ? e : referral_load(c, id, with_bundle, out, &broken);
	/* a bundle that does not verify is served marked broken, and flagged */
	if (!e && broken && (e = seal_flag_broken(c, a, "referral", id, broken))) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}

sj_err referral_print(db_conn *c, const sj_actor *a, const char *id, buf *html, const char **why)
{
	json_t *ref = NULL;
	sj_err e = referral_read(c, a, id, true, &ref, why);
	e = e ? e : print_bundle_html(ref, i18n_lang_from(a->lang), html);
	json_decref(ref);
	return e;
}

sj_err referral_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rec_rows(c, sql_by_case, &referral_rec, out, "t", case_id);
	size_t i;
	json_t *o;
	if (!e)
		json_array_foreach(*out, i, o) {
			json_object_del(o, "bundle");
			json_object_del(o, "bundle_signature");
		}
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
	/* a further inquiry (complément d'enquête) reopens the case for new PVs
	 * and a supplementary referral (issue 17 item 1) */
	if (!e && strcmp(outcome, "further_inquiry") == 0)
		e = case_reopen_for_inquiry(c, a, &r, id);
	return e ? e : referral_get(c, id, false, out);
}
