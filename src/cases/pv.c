/* pv.c — PVs: drafts, sealing (hash + OPJ signature), reads (see pv.h). */
#include "core/jdump.h"
#include "cases/pv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/roles.h"
#include "cases/custody.h"
#include "procedure/procedure.h"
#include "cases/print.h"
#include "cases/seal.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "refdata/refdata.h"

#define PV_SIG_CONTEXT "sijill-pv-v1|"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void hash_hex(const char *content, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)content, strlen(content), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---------- the records ---------- */

REC_ENUM_DEF_PUBLIC(pv_types, "pvtype", "hearing_complainant", "hearing_victim", "hearing_suspect", "hearing_witness",
		    "confrontation", "search", "seizure", "arrest_custody", "transmission", "expert_requisition", "synthesis");
REC_ENUM_DEF_PUBLIC(pv_signatures, "sig", "signed", "thumbprint", "refused");
REC_ENUM_DEF(pv_statuses, "pvstatus", "draft", "sealed");

/* A PV. The statements, the reading back and the signature live in the
 * body column (JSON) while it is a draft; sealing freezes everything in
 * content. E columns and the EDIT members are what a draft's patch changes;
 * a <who>_by column reads as the user's badge. */
#define PV_FIELDS(X) \
	X(C, number, CODE, 1, CASE_NUMBER_MAX + 32, NULL, OUT) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, n, INT, 0, 0, NULL, OUT) \
	X(C, type, ENUM, 0, 0, &pv_types, IN | REQ | OUT) \
	X(C, status, ENUM, 0, 0, &pv_statuses, OUT) \
	X(C, frame, ENUM, 0, 0, &case_frames, IN | OUT | NULLABLE) \
	X(E, person_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(E, custody_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, corrects_id, ID, 0, 36, NULL, 0) \
	X(E, act_at, TIME, 0, 0, NULL, IN | OUT) \
	X(E, place, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(E, body, JSON, 0, 0, NULL, OUT | PII) \
	X(C, drafter_id, ID, 0, 36, NULL, 0) \
	X(C, drafter_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(C, drafter_rank, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, drafter_unit, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, content, JSON, 0, 0, NULL, OUT | PII) \
	X(C, content_hash, TEXT, 64, 64, NULL, 0) \
	X(C, key_id, TEXT, 16, 16, NULL, 0) \
	X(C, sealed_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, sealed_at, TIME, 0, 0, NULL, OUT) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, updated_at, TIME, 0, 0, NULL, OUT) \
	X(V, corrects, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(V, statements, TEXT, 0, SJ_MAX_LONG_TEXT, NULL, IN | EDIT | PII | MULTI | NULLABLE) \
	X(V, read_back, BOOL, 0, 0, NULL, IN | EDIT) \
	X(V, signature, ENUM, 0, 0, &pv_signatures, IN | EDIT | NULLABLE) \
	X(V, refusal_reason, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | EDIT | NULLABLE | MULTI) \
	X(V, hours_exception, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | EDIT | NULLABLE | MULTI) \
	X(V, occupant, TEXT, 2, SJ_MAX_NAME, NULL, IN | EDIT | PII | NULLABLE) \
	X(V, witnesses, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | EDIT | PII | NULLABLE | MULTI) \
	X(V, confronted, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | EDIT | PII | NULLABLE | MULTI) \
	X(V, inventory, TEXT, 2, SJ_MAX_LONG_TEXT, NULL, IN | EDIT | NULLABLE | MULTI) \
	X(V, expert, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | EDIT | PII | NULLABLE | MULTI) \
	X(V, mission, TEXT, 2, SJ_MAX_LONG_TEXT, NULL, IN | EDIT | NULLABLE | MULTI) \
	X(V, synthesis, TEXT, 2, SJ_MAX_LONG_TEXT, NULL, IN | EDIT | PII | NULLABLE | MULTI) \
	X(V, drafter_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, content_text, TEXT, 0, 0, NULL, 0) \
	X(V, seal_signature, TEXT, 0, 0, NULL, 0) \
	X(V, seal, JSON, 0, 0, NULL, OUT) \
	X(V, sealer_id, ID, 0, 36, NULL, 0) \
	X(V, protected_n, INT, 1, 1000000, NULL, OUT | NULLABLE) \
	X(V, template, JSON, 0, 0, NULL, OUT | NULLABLE)
static const rec_field pv_fields[] = {REC_ID_FIELD, PV_FIELDS(REC_FIELD)};
const rec_desc pv_rec = REC_DESC("pv", "pvs", pv_fields, NULL);

/* A PV in its case's list, and in a bundle (sealed PVs with their content
 * and signature). */
#define PV_SUMMARY_FIELDS(X) \
	X(V, number, CODE, 1, CASE_NUMBER_MAX + 32, NULL, OUT) \
	X(V, type, ENUM, 0, 0, &pv_types, OUT) \
	X(V, status, ENUM, 0, 0, &pv_statuses, OUT) \
	X(V, person_id, ID, 0, 36, NULL, OUT) \
	X(V, act_at, TIME, 0, 0, NULL, OUT) \
	X(V, hash, TEXT, 64, 64, NULL, OUT) \
	X(V, signature, TEXT, 1, 128, NULL, OUT) \
	X(V, key_id, TEXT, 16, 16, NULL, OUT) \
	X(V, content, JSON, 0, 0, NULL, OUT | PII) \
	X(V, sealed_at, TIME, 0, 0, NULL, OUT) \
	X(V, corrects, CODE, 1, CASE_NUMBER_MAX + 32, NULL, OUT) \
	X(V, protected_n, INT, 1, 1000000, NULL, OUT | NULLABLE)
static const rec_field pv_summary_fields[] = {REC_ID_FIELD, PV_SUMMARY_FIELDS(REC_FIELD)};
const rec_desc pv_summary_rec = REC_DESC("pv_summary", NULL, pv_summary_fields, NULL);

/* ---------- drafts ---------- */

static const char sql_next_n[] = "SELECT COALESCE(MAX(n), 0) + 1 FROM pvs WHERE case_id = ?";
static const char sql_pv_add[] = "INSERT INTO pvs (" REC_COLS(PV_FIELDS) ") VALUES (" REC_QS(PV_FIELDS) ")";
static const char sql_pv_sealed_in_case[] =
	"SELECT COUNT(*) FROM pvs WHERE id = ? AND case_id = ? AND status = 'sealed'";

/* drafter_rank writes the drafter's rank as a PV states it (art 67), from
 * the user's record — the rank of data/ranks.json, and OPJ when the user
 * holds the status (CPP 20) — never from the request (issue 10 item 6). A
 * user with no rank recorded is named by role. */
static sj_err drafter_rank(db_conn *c, const sj_actor *a, char *out, size_t n)
{
	ref_rank rk;
	sj_err e = a->rank ? ref_rank_get(c, a->rank, &rk) : SJ_ENOTFOUND;
	if (e && e != SJ_ENOTFOUND)
		return e;
	const char *opj = a->opj ? " — ضابط الشرطة القضائية / officier de police judiciaire" : "";
	if (!e)
		snprintf(out, n, "%s / %s%s", rk.label_ar, rk.label_fr, opj);
	else if (a->role == ROLE_CHIEF)
		snprintf(out, n, "رئيس الدائرة / chef d'arrondissement%s", opj);
	else
		snprintf(out, n, "%s", a->opj ? opj + 5 : "عون الشرطة القضائية / agent de police judiciaire");
	return SJ_OK;
}

/* given copies in without its null members (a null reads as absent). */
static json_t *given(json_t *in)
{
	json_t *o = json_deep_copy(in);
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) if (json_is_null(v)) json_object_del(o, k);
	return o;
}

/* body_from builds the PV's statements part from in, over base (may be NULL). */
static json_t *body_from(json_t *in, json_t *base)
{
	json_t *b = base ? json_deep_copy(base) : json_object();
	static const char *const keys[] = {"statements", "read_back", "signature", "refusal_reason", "hours_exception",
					   "occupant", "witnesses", "confronted", "inventory", "expert", "mission",
					   "synthesis", NULL};
	for (int i = 0; b && keys[i]; i++) {
		json_t *v = json_object_get(in, keys[i]);
		if (v)
			json_object_set(b, keys[i], v);
	}
	return b;
}

static sj_err check_links(db_conn *c, const case_ref *r, json_t *in, const char **why)
{
	const char *person = jstr(in, "person_id"), *custody = jstr(in, "custody_id"),
		   *corrects = jstr(in, "corrects");
	static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
	sj_err e;
	if (person) {
		bool has = false;
		if ((e = case_person_has_role(c, r->id, person, any, &has)))
			return e;
		if (!has) {
			*why = "pv-person-not-in-case";
			return SJ_EUNPROCESSABLE;
		}
	}
	if (custody) {
		bool ours = false;
		if ((e = custody_in_case(c, custody, r->id, &ours)))
			return e;
		if (!ours) {
			*why = "pv-custody-not-in-case";
			return SJ_EUNPROCESSABLE;
		}
	}
	int64_t n = 0;
	if (corrects) {
		if ((e = dbj_int(c, sql_pv_sealed_in_case, &n, "tt", corrects, r->id)))
			return e;
		if (!n) {
			*why = "pv-corrects-not-sealed";
			return SJ_EUNPROCESSABLE;
		}
	}
	return SJ_OK;
}

sj_err pv_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *body_in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref, *r = &ref;
	sj_err e = case_ref_open(c, a, case_id, r, why);
	json_t *in = e ? NULL : given(body_in);
	if (!e && !in)
		e = SJ_ENOMEM;
	e = e ? e : check_links(c, r, in, why);
	int64_t n = 0, now = clock_now_ms();
	e = e ? e : dbj_int(c, sql_next_n, &n, "t", r->id);
	char id[ID_LEN + 1], number[CASE_NUMBER_MAX + 32];
	id_new(id);
	int nn = snprintf(number, sizeof number, "%.*s/PV-%lld", CASE_NUMBER_MAX, r->number, (long long)n);
	if (!e && (nn < 0 || (size_t)nn >= sizeof number))
		e = SJ_EINTERNAL; /* a case number is at most CASE_NUMBER_MAX: cannot happen */
	char unit[UNIT_CODE_MAX + 2 * UNIT_NAME_MAX + 16];
	snprintf(unit, sizeof unit, "%s — %s — %s", a->unit_code, a->unit_name_fr ? a->unit_name_fr : "",
		 a->unit_name_ar ? a->unit_name_ar : "");
	json_t *row = NULL;
	char rank[512];
	e = e ? e : drafter_rank(c, a, rank, sizeof rank);
	if (!e) {
		json_t *act = json_object_get(in, "act_at");
		row = json_pack("{s:s,s:s,s:s,s:I,s:O,s:s,s:s,s:O?,s:O?,s:O?,s:I,s:O?,s:o,s:s?,s:s?,s:s,s:s,s:I,s:I}",
				"id", id, "number", number, "case_id", r->id, "n", (json_int_t)n, "type",
				json_object_get(in, "type"), "status", "draft", "frame",
				jstr(in, "frame") ? jstr(in, "frame") : r->frame, "person_id",
				json_object_get(in, "person_id"), "custody_id", json_object_get(in, "custody_id"),
				"corrects_id", json_object_get(in, "corrects"), "act_at",
				(json_int_t)(act ? json_integer_value(act) : now), "place", json_object_get(in, "place"),
				"body", body_from(in, NULL), "drafter_id", a->id, "drafter_name", a->name,
				"drafter_rank", rank,
				"drafter_unit", unit, "created_at", (json_int_t)now, "updated_at", (json_int_t)now);
		if (!row)
			e = SJ_ENOMEM;
	}
	e = e ? e : dbj_write(c, sql_pv_add, &pv_rec, row, false, "");
	json_decref(row);
	e = e ? e : case_mark_investigating(c, a, r);
	e = e ? e : case_event(c, r->id, a, "pv.drafted",
			       json_pack("{s:s,s:s,s:s,s:s?}", "pv_id", id, "number", number, "type", jstr(in, "type"),
					 "corrects", jstr(in, "corrects")));
	json_decref(in);
	return e ? e : pv_get(c, id, out);
}

static const char sql_pv_row[] =
	"SELECT id, number, case_id, n, type, status, frame, person_id, custody_id, cn AS corrects, act_at, place, body,"
	" drafter_name, drafter_rank, drafter_unit, d_badge AS drafter_badge, content AS content_text, content_hash,"
	" signature AS seal_signature, key_id, s_badge AS sealed_by, s_id AS sealer_id, sealed_at, created_at, updated_at FROM pvs"
	" JOIN (SELECT id AS d_id, badge AS d_badge FROM users) d ON d.d_id = drafter_id"
	" LEFT JOIN (SELECT id AS s_id, badge AS s_badge FROM users) s ON s.s_id = sealed_by"
	" LEFT JOIN (SELECT id AS c_id, number AS cn FROM pvs) k ON k.c_id = corrects_id WHERE id = ?";
static const char sql_pv_upd[] =
	"UPDATE pvs SET " REC_SET(PV_FIELDS) "updated_at = ? WHERE id = ? AND status = 'draft'";

static const char sql_case_of[] = "SELECT case_id FROM pvs WHERE id = ?";

sj_err pv_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *pv = NULL, *in = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "pv-not-found", true, &r, why);
	e = e ? e : dbj_rec_one(c, sql_pv_row, &pv_rec, &pv, "t", id);
	if (!e && strcmp(jstr(pv, "status"), "draft") != 0) {
		*why = "pv-sealed";
		e = SJ_ECONFLICT;
	}
	if (!e && !(in = given(patch)))
		e = SJ_ENOMEM;
	e = e ? e : check_links(c, &r, in, why);
	if (!e) {
		/* the draft as it will read: its columns with the change, the
		 * statements part rebuilt over the old one */
		static const char *const cols[] = {"person_id", "custody_id", "act_at", "place", NULL};
		for (int i = 0; cols[i]; i++)
			if (json_object_get(in, cols[i]))
				json_object_set(pv, cols[i], json_object_get(in, cols[i]));
		json_t *b = body_from(in, json_object_get(pv, "body"));
		if (!b || json_object_set_new(pv, "body", b))
			e = SJ_ENOMEM;
	}
	e = e ? e : dbj_write(c, sql_pv_upd, &pv_rec, pv, true, "it", clock_now_ms(), id);
	if (!e) {
		json_t *fields = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(in, k, v) json_array_append_new(fields, json_string(k));
		e = case_event(c, r.id, a, "pv.edited",
			       json_pack("{s:s,s:s,s:o}", "pv_id", id, "number", jstr(pv, "number"), "fields", fields));
	}
	json_decref(pv);
	json_decref(in);
	return e ? e : pv_get(c, id, out);
}

/* ---------- sealing ---------- */

static const char sql_pv_seal[] =
	"UPDATE pvs SET status = 'sealed', content = ?, content_hash = ?, signature = ?, key_id = ?, sealed_by = ?,"
	" sealed_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'";

static bool needs_person(const char *type)
{
	return strncmp(type, "hearing_", 8) == 0 || strcmp(type, "confrontation") == 0 ||
	       strcmp(type, "arrest_custody") == 0;
}

/* art67 names what the draft lacks before it can be sealed (art 67), or NULL. */
static const char *art67(json_t *pv)
{
	const char *type = jstr(pv, "type");
	json_t *body = json_object_get(pv, "body");
	const char *statements = jstr(body, "statements"), *sig = jstr(body, "signature"),
		   *refusal = jstr(body, "refusal_reason");
	if (!statements || !*statements)
		return "pv-no-statements";
	if (needs_person(type)) {
		if (!jstr(pv, "person_id"))
			return "pv-no-person";
		if (!json_is_true(json_object_get(body, "read_back")))
			return "pv-not-read-back";
		if (!sig)
			return "pv-no-signature";
		if (strcmp(sig, "refused") == 0 && (!refusal || !*refusal))
			return "pv-refusal-needs-reason";
	}
	if (strcmp(type, "arrest_custody") == 0 && !jstr(pv, "custody_id"))
		return "pv-custody-missing";
	/* A search of a dwelling is made between 6 h and 21 h legal time (CPP 62)
	 * unless an exception the law allows is recorded (the occupant's request,
	 * a call from inside, terrorism: issue 17 item 7). */
	if (strcmp(type, "search") == 0 && !jstr(body, "hours_exception")) {
		struct tm tm;
		clock_legal_tm((int64_t)json_integer_value(json_object_get(pv, "act_at")), &tm);
		if (tm.tm_hour < PV_SEARCH_FROM_HOUR || tm.tm_hour >= PV_SEARCH_TO_HOUR)
			return "pv-search-outside-legal-hours";
	}
	return NULL;
}

/* ---------- templates per type (data/pv_templates.json, issue 17 item 7) ---------- */

static const char sql_tpl_add[] =
	"INSERT INTO ref_pv_templates (type, version, rule, source) VALUES (?, ?, ?, ?) ON CONFLICT (type) DO UPDATE"
	" SET version = excluded.version, rule = excluded.rule, source = excluded.source";
static const char sql_tpl_get[] = "SELECT rule FROM ref_pv_templates WHERE type = ?";

sj_err pv_load_templates(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version = jstr(root, "version");
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(root, "templates"), i, t) {
		if (!version || !jstr(t, "type") || !json_is_array(json_object_get(t, "requires")))
			return SJ_EINVAL;
		/* fields: what the editor offers and the print shows, in order;
		 * print_before: those printed before the statements (pv_read
		 * serves both as the PV's "template") */
		json_t *rule = json_pack("{s:O,s:O?,s:O?,s:O?}", "requires", json_object_get(t, "requires"), "min_lines",
					 json_object_get(t, "min_lines"), "fields", json_object_get(t, "fields"),
					 "print_before", json_object_get(t, "print_before"));
		char *txt = rule ? jdump_dumps(rule, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(rule);
		if (!txt)
			return SJ_ENOMEM;
		sj_err e = db_run(c, sql_tpl_add, "tttt", jstr(t, "type"), version, txt, jstr(t, "source"));
		free(txt);
		if (e)
			return e;
		(*added)++;
	}
	return SJ_OK;
}

/* lines counts the non-empty lines of s. */
static int64_t lines(const char *s)
{
	int64_t n = 0;
	bool in = false;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\n') {
			n += in;
			in = false;
		} else if (*p != ' ' && *p != '\r' && *p != '\t') {
			in = true;
		}
	}
	return n + in;
}

/* template_why names what the PV of this type lacks under its template (a
 * code per type: "pv-template-search", -confrontation, -seizure), or NULL. */
static sj_err template_why(db_conn *c, json_t *pv, const char **why)
{
	const char *type = jstr(pv, "type");
	json_t *row = NULL, *body = json_object_get(pv, "body");
	sj_err e = dbj_one(c, sql_tpl_get, "rule:t", &row, "t", type);
	if (e == SJ_ENOTFOUND)
		return SJ_OK; /* no template for this type */
	if (e)
		return e;
	json_t *rule = json_loads(jstr(row, "rule") ? jstr(row, "rule") : "", 0, NULL);
	json_decref(row);
	if (!rule)
		return SJ_EINTERNAL;
	json_t *min = json_object_get(rule, "min_lines"), *g;
	bool ok = true;
	size_t i, j;
	json_array_foreach(json_object_get(rule, "requires"), i, g) {
		json_t *any = json_object_get(g, "any"), *all = json_object_get(g, "all"), *list = any ? any : all, *f;
		bool group = !any;
		json_array_foreach(list, j, f) {
			const char *name = json_string_value(f);
			json_t *m = json_object_get(min, name ? name : "");
			bool has = name && lines(jstr(body, name)) >= (json_is_integer(m) ? json_integer_value(m) : 1);
			group = any ? (group || has) : (group && has);
		}
		ok = ok && group;
	}
	json_decref(rule);
	if (!ok) {
		static const char *const codes[][2] = {{"search", "pv-template-search"},
						       {"confrontation", "pv-template-confrontation"},
						       {"seizure", "pv-template-seizure"},
						       {"expert_requisition", "pv-template-expert-requisition"},
						       {"synthesis", "pv-template-synthesis"}};
		*why = "pv-template-incomplete";
		for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
			if (strcmp(codes[k][0], type) == 0)
				*why = codes[k][1];
		return SJ_EUNPROCESSABLE;
	}
	return SJ_OK;
}

/* custody_ready (issue 17 item 3): a custody PV is sealed once the custody
 * has ended (its release or presentation time exists: 422
 * "pv-custody-not-ended"), the family was informed ("pv-custody-family-not-
 * informed"), every right was notified ("pv-rights-not-notified") and the
 * person's condition on entry and on exit is recorded ("pv-custody-
 * condition-missing", the PV states both: CPP 66, the register). */
static sj_err custody_ready(db_conn *c, const char *custody_id, const char **why)
{
	json_t *k = NULL;
	int64_t missing = 0;
	sj_err e = custody_for_pv(c, custody_id, &k);
	e = e ? e : proc_rights_missing(c, custody_id, &missing);
	if (e) {
		json_decref(k);
		return e;
	}
	if (!json_is_integer(json_object_get(k, "ended_at")))
		*why = "pv-custody-not-ended";
	else if (!json_is_integer(json_object_get(k, "family_informed_at")))
		*why = "pv-custody-family-not-informed";
	else if (missing > 0)
		*why = "pv-rights-not-notified";
	else if (!json_is_string(json_object_get(k, "condition_on_entry")) || !json_is_string(json_object_get(k, "condition_on_exit")))
		*why = "pv-custody-condition-missing";
	json_decref(k);
	return *why ? SJ_EUNPROCESSABLE : SJ_OK;
}

sj_err pv_seal(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref, *r = &ref;
	json_t *pv = NULL, *person = NULL, *custody = NULL, *content = NULL;
	char *canon = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "pv-not-found", true, r, why);
	e = e ? e : dbj_rec_one(c, sql_pv_row, &pv_rec, &pv, "t", id);
	if (e)
		goto out;
	const char *type = jstr(pv, "type");
	json_t *body = json_object_get(pv, "body");
	if (strcmp(jstr(pv, "status"), "draft") != 0) {
		*why = "pv-already-sealed";
		e = SJ_ECONFLICT;
		goto out;
	}
	if (strcmp(r->status, "cancelled") == 0 || strcmp(r->status, "closed") == 0) {
		*why = "case-closed";
		e = SJ_ECONFLICT;
		goto out;
	}
	/* A referred case takes new PVs only after a "further inquiry" reopened
	 * it, for a supplementary referral (issue 17 item 7). */
	if (strcmp(r->status, "referred") == 0) {
		*why = "pv-case-referred";
		e = SJ_ECONFLICT;
		goto out;
	}
	/* Art 67: what the PV must state before it can be sealed. */
	if ((*why = art67(pv))) {
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (strcmp(type, "arrest_custody") == 0 && (e = custody_ready(c, jstr(pv, "custody_id"), why)))
		goto out;
	if ((e = template_why(c, pv, why)))
		goto out;
	if (jstr(pv, "person_id") && (e = persons_get(c, jstr(pv, "person_id"), &person)))
		goto out;
	if (needs_person(type) && json_is_true(json_object_get(person, "unknown"))) {
		*why = "pv-person-unidentified";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (jstr(pv, "custody_id") && (e = custody_for_pv(c, jstr(pv, "custody_id"), &custody)))
		goto out;
	if (person)
		json_object_del(person, "created_at");
	int64_t now = clock_now_ms();
	content = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:I,s:s?,s:{s:s,s:s,s:s,s:s},s:O?,s:s,s:O?,s:O?,s:O?,"
			    "s:O?,s:s?,s:I,s:{s:s,s:s}}",
			    "format", "sijill-pv-v1", "number", jstr(pv, "number"), "case", "number", r->number, "unit",
			    r->unit_code, "type", type, "frame", jstr(pv, "frame"), "act_at",
			    (json_int_t)json_integer_value(json_object_get(pv, "act_at")), "place", jstr(pv, "place"),
			    "drafter", "name", jstr(pv, "drafter_name"), "rank", jstr(pv, "drafter_rank"), "unit",
			    jstr(pv, "drafter_unit"), "badge", jstr(pv, "drafter_badge"), "person", person,
			    "statements", jstr(body, "statements"), "read_back", json_object_get(body, "read_back"),
			    "signature", json_object_get(body, "signature"), "refusal_reason",
			    json_object_get(body, "refusal_reason"), "custody", custody, "corrects", jstr(pv, "corrects"),
			    "sealed_at", (json_int_t)now, "sealed_by", "badge", a->badge, "name", a->name);
	static const char *const extra[] = {"hours_exception", "occupant", "witnesses", "confronted", "inventory",
					    "expert", "mission", "synthesis", NULL};
	for (int k = 0; content && extra[k]; k++)
		if (jstr(body, extra[k]))
			json_object_set(content, extra[k], json_object_get(body, extra[k]));
	if (!content) {
		e = SJ_ENOMEM;
		goto out;
	}
	canon = jdump_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!canon) {
		e = SJ_ENOMEM;
		goto out;
	}
	char hash[65], key_id[SEAL_KEY_ID_HEX + 1], msg[sizeof PV_SIG_CONTEXT + 64];
	hash_hex(canon, hash);
	snprintf(msg, sizeof msg, "%s%s", PV_SIG_CONTEXT, hash);
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sigb[crypto_sign_BYTES];
	e = seal_opj_key(c, a, now, sk, key_id, why);
	if (e)
		goto out;
	crypto_sign_detached(sigb, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_memzero(sk, sizeof sk);
	char sighex[2 * crypto_sign_BYTES + 1];
	sodium_bin2hex(sighex, sizeof sighex, sigb, sizeof sigb);
	e = db_run(c, sql_pv_seal, "tttttiit", canon, hash, sighex, key_id, a->id, now, now, id);
	e = e ? e : case_mark_investigating(c, a, r);
	e = e ? e : case_event(c, r->id, a, "pv.sealed",
			       json_pack("{s:s,s:s,s:s,s:s}", "pv_id", id, "number", jstr(pv, "number"), "hash", hash,
					 "key_id", key_id));
	e = e ? e : pv_get(c, id, out);
out:
	free(canon);
	json_decref(content);
	json_decref(custody);
	json_decref(person);
	json_decref(pv);
	return e;
}

/* ---------- reads ---------- */

/* problem re-verifies pv's seal from its stored columns (seal.h); NULL when it holds. */
static const char *problem(db_conn *c, json_t *pv)
{
	return seal_pv_problem(c, jstr(pv, "content_text"), jstr(pv, "content_hash"), jstr(pv, "seal_signature"),
			       jstr(pv, "key_id"), jstr(pv, "sealer_id"), jstr(pv, "number"));
}

/* show_sealed makes a sealed PV read as its sealed content says, never as the
 * editable columns do (a changed column is not what was sealed). */
static void show_sealed(json_t *pv, json_t *ct)
{
	static const char *const cols[] = {"type", "frame", "act_at", "place", "corrects", "sealed_at", NULL};
	for (int i = 0; cols[i]; i++) {
		json_t *v = json_object_get(ct, cols[i]);
		json_object_set(pv, cols[i], v ? v : json_null());
	}
	json_t *d = json_object_get(ct, "drafter");
	static const char *const dk[][2] = {{"name", "drafter_name"}, {"rank", "drafter_rank"},
					    {"unit", "drafter_unit"}, {"badge", "drafter_badge"}};
	for (size_t i = 0; i < sizeof dk / sizeof dk[0]; i++) {
		json_t *v = json_object_get(d, dk[i][0]);
		json_object_set(pv, dk[i][1], v ? v : json_null());
	}
	json_t *by = json_object_get(json_object_get(ct, "sealed_by"), "badge");
	json_object_set(pv, "sealed_by", by ? by : json_null());
	json_t *p = json_object_get(json_object_get(ct, "person"), "id");
	json_object_set(pv, "person_id", p ? p : json_null());
	json_t *k = json_object_get(json_object_get(ct, "custody"), "id");
	json_object_set(pv, "custody_id", k ? k : json_null());
	json_t *body = json_object();
	static const char *const bk[] = {"statements", "read_back", "signature", "refusal_reason", NULL};
	for (int i = 0; body && bk[i]; i++)
		if (json_object_get(ct, bk[i]))
			json_object_set(body, bk[i], json_object_get(ct, bk[i]));
	json_object_set_new(pv, "body", body ? body : json_null());
}

/* pv_load reads PV id; a sealed one as its sealed content, with its seal
 * re-verified (*broken: the reason it does not verify, else NULL). */
static sj_err pv_load(db_conn *c, const char *id, json_t **out, const char **broken)
{
	*out = NULL;
	*broken = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *pv = NULL;
	sj_err e = dbj_rec_one(c, sql_pv_row, &pv_rec, &pv, "t", id);
	if (e)
		return e;
	if (strcmp(jstr(pv, "status"), "sealed") == 0) {
		const char *why = problem(c, pv);
		json_t *content = jdump_loads(jstr(pv, "content_text"), 0, NULL);
		if (!json_is_object(content) && !why)
			why = "content-altered";
		*broken = why;
		json_object_set_new(pv, "seal",
				    json_pack("{s:O,s:O,s:O,s:b,s:b,s:s?}", "hash", json_object_get(pv, "content_hash"),
					      "signature", json_object_get(pv, "seal_signature"), "key_id",
					      json_object_get(pv, "key_id"), "verified", !why, "broken", why != NULL,
					      "problem", why));
		show_sealed(pv, content);
		json_object_set_new(pv, "content", content ? content : json_null());
	}
	json_object_del(pv, "content_text");
	json_object_del(pv, "content_hash");
	json_object_del(pv, "seal_signature");
	json_object_del(pv, "key_id");
	json_object_del(pv, "sealer_id");
	*out = pv;
	return SJ_OK;
}

sj_err pv_get(db_conn *c, const char *id, json_t **out)
{
	const char *broken;
	return pv_load(c, id, out, &broken);
}

/* mask_protected replaces the person of PV pv by its pseudonym's number when
 * the identity is protected in case case_id (protect.c, loi 37-10); the seal
 * was verified on the content as sealed, before this. */
static sj_err mask_protected(db_conn *c, const char *case_id, json_t *pv)
{
	json_t *ct = json_object_get(pv, "content");
	const char *pid = jstr(pv, "person_id");
	if (!pid)
		pid = jstr(json_object_get(ct, "person"), "id");
	int64_t n = 0;
	sj_err e = case_protected_n(c, case_id, pid, &n);
	if (e || !n)
		return e;
	json_object_set_new(pv, "protected_n", json_integer(n));
	json_object_set_new(pv, "person_id", json_null());
	if (json_is_object(ct))
		json_object_set_new(ct, "person", json_pack("{s:I}", "protected_n", (json_int_t)n));
	return SJ_OK;
}

/* with_template attaches the type's template of data/pv_templates.json
 * ({fields, print_before}): the editor and the print are laid out by it. */
static sj_err with_template(db_conn *c, json_t *pv)
{
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_tpl_get, "rule:t", &row, "t", jstr(pv, "type"));
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	json_t *rule = json_loads(jstr(row, "rule") ? jstr(row, "rule") : "", 0, NULL);
	json_decref(row);
	if (!rule)
		return SJ_EINTERNAL;
	json_t *fields = json_object_get(rule, "fields"), *before = json_object_get(rule, "print_before");
	json_object_set_new(pv, "template", json_pack("{s:O,s:O}", "fields", fields ? fields : json_array(),
						      "print_before", before ? before : json_array()));
	json_decref(rule);
	return SJ_OK;
}

sj_err pv_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	const char *broken = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "pv-not-found", false, &r, why);
	e = e ? e : pv_load(c, id, out, &broken);
	e = e ? e : mask_protected(c, r.id, *out);
	e = e ? e : with_template(c, *out);
	/* a seal that does not verify is shown as broken and flagged to the auditors */
	if (!e && broken && (e = seal_flag_broken(c, a, "pv", id, broken))) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}

sj_err pv_print(db_conn *c, const sj_actor *a, const char *id, buf *html, const char **why)
{
	json_t *pv = NULL;
	sj_err e = pv_read(c, a, id, &pv, why);
	e = e ? e : print_pv_html(pv, i18n_lang_from(a->lang), html);
	json_decref(pv);
	return e;
}

static const char sql_pv_list[] =
	"SELECT p.id AS id, p.number AS number, p.type AS type, p.status AS status, p.person_id AS person_id,"
	" p.act_at AS act_at, p.content_hash AS hash, p.signature AS signature, p.key_id AS key_id,"
	" p.content AS content, p.sealed_at AS sealed_at, c.number AS corrects,"
	" (SELECT pr.n FROM case_protections pr WHERE pr.case_id = p.case_id AND pr.person_id = p.person_id)"
	" AS protected_n FROM pvs p"
	" LEFT JOIN pvs c ON c.id = p.corrects_id WHERE p.case_id = ? AND (? = 0 OR p.status = 'sealed') ORDER BY p.n";

sj_err pv_list(db_conn *c, const char *case_id, bool sealed_only, json_t **out)
{
	json_t *rows = NULL;
	sj_err e = dbj_rec_rows(c, sql_pv_list, &pv_summary_rec, &rows, "ti", case_id, (int64_t)sealed_only);
	if (e)
		return e;
	if (!sealed_only) {
		size_t i;
		json_t *o;
		json_array_foreach(rows, i, o) {
			json_object_del(o, "content");
			json_object_del(o, "signature");
			/* a protected identity: its pseudonym, never the person (protect.c) */
			if (json_integer_value(json_object_get(o, "protected_n")))
				json_object_del(o, "person_id");
		}
	}
	*out = rows;
	return SJ_OK;
}

/* ---------- signing other sealed documents (comms, issue 15) ----------
 * Additive: the same per-user key and construction as a PV seal, for any
 * canonical content, under the caller's context string. The keys and their
 * bindings are seal.c's (issue 10); callers only see these two functions. */

sj_err pv_sign_content(db_conn *c, const char *user_id, const char *context, const char *content,
		       char hash[65], char sig[2 * 64 + 1], char key_id[17])
{
	return seal_user_sign(c, user_id, context, content, hash, sig, key_id);
}

bool pv_verify_content(db_conn *c, const char *context, const char *content, const char *hash, const char *sig,
		       const char *key_id)
{
	return seal_user_verify(c, context, content, hash, sig, key_id);
}

/* ---------- whole-database check (sijill restore) ---------- */

static const char sql_pv_sealed_page[] =
	"SELECT id, number, content, content_hash, signature, key_id, sealed_by FROM pvs"
	" WHERE status = 'sealed' AND id > ? ORDER BY id LIMIT 500";

sj_err pv_verify_all(db_conn *c, int64_t *checked, char bad_id[ID_LEN + 1])
{
	*checked = 0;
	bad_id[0] = '\0';
	char after[ID_LEN + 1] = "";
	for (;;) {
		json_t *rows = NULL;
		sj_err e = dbj_rows(c, sql_pv_sealed_page, "id:t,number:t,content_text:t,content_hash:t,seal_signature:t,key_id:t,sealer_id:t", &rows,
				    "t", after);
		if (e)
			return e;
		size_t n = json_array_size(rows), i;
		json_t *pv;
		json_array_foreach(rows, i, pv) {
			(*checked)++;
			if (problem(c, pv)) {
				snprintf(bad_id, ID_LEN + 1, "%s", jstr(pv, "id"));
				json_decref(rows);
				return SJ_OK;
			}
			snprintf(after, sizeof after, "%s", jstr(pv, "id"));
		}
		json_decref(rows);
		if (n < 500)
			return SJ_OK;
	}
}
