/* register.c — the legal custody register (CPP 66, décret 2.22.222; see
 * procedure.h): the periods of each custody (questioning, rest, meals, the
 * medical examination, the lawyer's and the family's visits), one page per
 * custody, and the printed register in Arabic and French. */
#include "procedure/procedure.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/custody.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

REC_ENUM_DEF(session_kinds, "session_kind", "questioning", "rest", "meal", "medical_exam", "lawyer_visit",
	     "family_visit");

#define SESSION_FIELDS(X) \
	X(C, custody_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, kind, ENUM, 0, 0, &session_kinds, IN | REQ | OUT) \
	X(C, started_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, ended_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(C, guardian_present, TEXT, 2, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field session_fields[] = {REC_ID_FIELD, SESSION_FIELDS(REC_FIELD)};
const rec_desc proc_session_rec = REC_DESC("proc_session", "custody_sessions", session_fields, NULL);

/* GET /custody/{id}/register: the custody's page of the register. */
#define ENTRY_FIELDS(X) \
	X(V, page, INT, 0, 0, NULL, OUT) \
	X(V, custody, OBJECT, 0, 0, &custody_rec, OUT) \
	X(V, sessions, ARRAY, 0, 0, &proc_session_rec, OUT) \
	X(V, rights, ARRAY, 0, 0, &proc_right_rec, OUT) \
	X(V, rights_missing, INT, 0, 0, NULL, OUT) \
	X(V, questioning_ms, INT, 0, 0, NULL, OUT) \
	X(V, rest_ms, INT, 0, 0, NULL, OUT)
static const rec_field entry_fields[] = {ENTRY_FIELDS(REC_FIELD)};
const rec_desc proc_register_entry_rec = REC_DESC("proc_register_entry", NULL, entry_fields, NULL);

/* The prosecutor's visa of the register (CPP 45: the procureur du Roi
 * visits the places of garde à vue and signs the register): when, who, from
 * which office of the reference data, what was observed; the visa covers
 * the pages written so far (last_page). */
#define VISA_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, visited_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, magistrate, TEXT, 2, SJ_MAX_NAME, NULL, IN | REQ | OUT) \
	X(C, office_code, CODE, 1, 64, NULL, IN | REQ | OUT) \
	X(C, observations, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(C, last_page, INT, 0, 0, NULL, OUT) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field visa_fields[] = {REC_ID_FIELD, VISA_FIELDS(REC_FIELD)};
const rec_desc proc_visa_rec = REC_DESC("proc_visa", "custody_register_visas", visa_fields, NULL);
#define VISAS_FIELDS(X) X(V, visas, ARRAY, 0, 0, &proc_visa_rec, OUT)
static const rec_field visas_fields[] = {VISAS_FIELDS(REC_FIELD)};
const rec_desc proc_visas_rec = REC_DESC("proc_visas", NULL, visas_fields, NULL);

static const char sql_case_of[] = "SELECT case_id FROM custodies WHERE id = ?";
static const char sql_custody_state[] =
	"SELECT k.status, k.started_at, k.ended_at, k.unit_id, k.regime, r.code AS rule_code FROM custodies k"
	" JOIN ref_custody_rules r ON r.id = k.rule_id WHERE k.id = ?";
static const char sql_add[] =
	"INSERT INTO custody_sessions (" REC_COLS(SESSION_FIELDS) ") VALUES (" REC_QS(SESSION_FIELDS) ")";
/* questioning never overlaps a questioning or a rest (both ways) */
static const char sql_overlap[] =
	"SELECT COUNT(*) FROM custody_sessions WHERE custody_id = ? AND started_at < ? AND ended_at > ?"
	" AND (kind = 'questioning' OR (kind = 'rest' AND ? = 'questioning') OR (? = 'rest' AND kind = 'questioning'))";

sj_err proc_session_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "custody-not-found", true, &r, why);
	e = e ? e : dbj_one(c, sql_custody_state, "status:t,started_at:i,ended_at:i,unit_id:t,regime:t,rule_code:t", &st,
			    "t", id);
	proc_minor_rule_t mr = {0};
	if (!e && strcmp(jstr(st, "regime"), "minor") == 0)
		e = proc_minor_rule(c, jstr(st, "rule_code"), &mr);
	if (e) {
		json_decref(st);
		return e;
	}
	int64_t start = jint(st, "started_at"), end = jint(st, "ended_at");
	bool ended = json_is_integer(json_object_get(st, "ended_at")) && strcmp(jstr(st, "status"), "closed") == 0;
	json_decref(st);
	const char *kind = jstr(in, "kind");
	/* a minor is heard with the guardian present (CPP 460, rule data) */
	const char *guardian = jstr(in, "guardian_present");
	if (mr.guardian_at_hearings && strcmp(kind, "questioning") == 0 && (!guardian || !*guardian)) {
		*why = "session-minor-needs-guardian";
		return SJ_EUNPROCESSABLE;
	}
	int64_t from = jint(in, "started_at"), to = jint(in, "ended_at"), n = 0;
	if (!proc_time_ok(from, start, "proc-time-before-arrest", why) || !proc_time_ok(to, start, "proc-time-before-arrest", why))
		return SJ_EUNPROCESSABLE;
	if (to <= from) {
		*why = "session-ends-before-start";
		return SJ_EUNPROCESSABLE;
	}
	if (ended && to > end) {
		*why = "session-after-end";
		return SJ_EUNPROCESSABLE;
	}
	if (strcmp(kind, "lawyer_visit") == 0 && to - from > PROC_LAWYER_VISIT_MAX_MIN * 60000LL) {
		*why = "lawyer-visit-too-long";
		return SJ_EUNPROCESSABLE;
	}
	if (strcmp(kind, "questioning") == 0 || strcmp(kind, "rest") == 0) {
		if ((e = dbj_int(c, sql_overlap, &n, "tiitt", id, to, from, kind, kind)))
			return e;
		if (n) {
			*why = "session-overlap";
			return SJ_ECONFLICT;
		}
	}
	char sid[ID_LEN + 1];
	id_new(sid);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:O?,s:s?,s:s,s:I}", "id", sid, "custody_id", id, "unit_id",
				r.unit_id, "kind", kind, "started_at", (json_int_t)from, "ended_at", (json_int_t)to, "note",
				json_object_get(in, "note"), "guardian_present", guardian, "recorded_by", a->id,
				"recorded_at", (json_int_t)clock_now_ms());
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_add, &proc_session_rec, row, false, "");
	json_decref(row);
	e = e ? e : case_event(c, r.id, a, "custody.session",
			       json_pack("{s:s,s:s,s:I,s:I}", "custody_id", id, "kind", kind, "started_at",
					 (json_int_t)from, "ended_at", (json_int_t)to));
	return e ? e : proc_register_entry(c, a, id, out, why);
}

static const char sql_sessions[] =
	"SELECT id, custody_id, kind, started_at, ended_at, note, guardian_present, r_badge AS recorded_by, recorded_at"
	" FROM custody_sessions JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" WHERE custody_id = ? ORDER BY started_at, id";
static const char sql_rights[] =
	"SELECT id, custody_id, right_kind, notified_at, language, signed_by_person, refusal_reason,"
	" r_badge AS recorded_by, recorded_at FROM custody_rights_notices"
	" JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" WHERE custody_id = ? ORDER BY notified_at, id";
/* the page: the custody's rank in its unit's register, by start */
static const char sql_page[] =
	"SELECT COUNT(*) FROM custodies WHERE unit_id = (SELECT unit_id FROM custodies WHERE id = ?)"
	" AND (started_at < (SELECT started_at FROM custodies WHERE id = ?)"
	" OR (started_at = (SELECT started_at FROM custodies WHERE id = ?) AND id <= ?))";

/* entry builds custody id's page (no scope check). */
static sj_err entry(db_conn *c, const char *id, json_t **out)
{
	json_t *k = NULL, *sessions = NULL, *rights = NULL;
	int64_t missing = 0, page = 0, q = 0, rest = 0;
	sj_err e = custody_get(c, id, &k);
	e = e ? e : dbj_rec_rows(c, sql_sessions, &proc_session_rec, &sessions, "t", id);
	e = e ? e : dbj_rec_rows(c, sql_rights, &proc_right_rec, &rights, "t", id);
	e = e ? e : proc_rights_missing(c, id, &missing);
	e = e ? e : dbj_int(c, sql_page, &page, "tttt", id, id, id, id);
	if (e) {
		json_decref(k);
		json_decref(sessions);
		json_decref(rights);
		return e;
	}
	size_t i;
	json_t *s;
	json_array_foreach(sessions, i, s) {
		int64_t d = jint(s, "ended_at") - jint(s, "started_at");
		if (strcmp(jstr(s, "kind"), "questioning") == 0)
			q += d;
		else if (strcmp(jstr(s, "kind"), "rest") == 0)
			rest += d;
	}
	*out = json_pack("{s:I,s:o,s:o,s:o,s:I,s:I,s:I}", "page", (json_int_t)page, "custody", k, "sessions", sessions,
			 "rights", rights, "rights_missing", (json_int_t)missing, "questioning_ms", (json_int_t)q,
			 "rest_ms", (json_int_t)rest);
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err proc_register_entry(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "custody-not-found", false, &r, why);
	return e ? e : entry(c, id, out);
}

/* ------------------------------------------------------------ printing */

static const char *word(i18n_lang lang, const char *key)
{
	const char *s = i18n_get(lang, key);
	return s ? s : key;
}

sj_err proc_html_esc(buf *b, const char *s)
{
	sj_err e = SJ_OK;
	for (const char *p = s ? s : ""; *p && !e; p++) {
		switch (*p) {
		case '&': e = buf_adds(b, "&amp;"); break;
		case '<': e = buf_adds(b, "&lt;"); break;
		case '>': e = buf_adds(b, "&gt;"); break;
		case '"': e = buf_adds(b, "&quot;"); break;
		case '\'': e = buf_adds(b, "&#39;"); break;
		default: e = buf_addc(b, *p); break;
		}
	}
	return e;
}

/* both writes key's label as "French / Arabic". */
static sj_err both(buf *b, const char *key)
{
	sj_err e = buf_adds(b, "<span lang=\"fr\">");
	e = e ? e : proc_html_esc(b, word(I18N_FR, key));
	e = e ? e : buf_adds(b, "</span> / <span lang=\"ar\" dir=\"rtl\">");
	e = e ? e : proc_html_esc(b, word(I18N_AR, key));
	return e ? e : buf_adds(b, "</span>");
}

static sj_err cell_time(buf *b, json_t *v)
{
	char t[32] = "—";
	if (json_is_integer(v))
		clock_format_legal((int64_t)json_integer_value(v), t);
	sj_err e = buf_adds(b, "<td dir=\"ltr\">");
	e = e ? e : proc_html_esc(b, t);
	return e ? e : buf_adds(b, "</td>");
}

static sj_err cell(buf *b, const char *s)
{
	sj_err e = buf_adds(b, "<td dir=\"auto\">");
	e = e ? e : proc_html_esc(b, s && *s ? s : "—");
	return e ? e : buf_adds(b, "</td>");
}

static sj_err cell_enum(buf *b, const char *ename, const char *v)
{
	char k[128];
	snprintf(k, sizeof k, "%s.%s", ename, v ? v : "");
	sj_err e = buf_adds(b, "<td>");
	e = e ? e : (v ? both(b, k) : buf_adds(b, "—"));
	return e ? e : buf_adds(b, "</td>");
}

/* field writes one labelled line of a page. */
static sj_err field(buf *b, const char *key, const char *value)
{
	sj_err e = buf_adds(b, "<tr><th>");
	e = e ? e : both(b, key);
	e = e ? e : cell(b, value);
	return e ? e : buf_adds(b, "</tr>\n");
}

static sj_err field_time(buf *b, const char *key, json_t *v)
{
	sj_err e = buf_adds(b, "<tr><th>");
	e = e ? e : both(b, key);
	e = e ? e : cell_time(b, v);
	return e ? e : buf_adds(b, "</tr>\n");
}

static sj_err page(buf *b, json_t *en)
{
	json_t *k = json_object_get(en, "custody"), *g = json_object_get(en, "ground_label");
	char n[32], name[2 * SJ_MAX_NAME + 8], name_ar[2 * SJ_MAX_NAME + 8], ext[16];
	snprintf(n, sizeof n, "%lld", (long long)jint(en, "page"));
	snprintf(name, sizeof name, "%s %s", jstr(k, "last_name_lat") ? jstr(k, "last_name_lat") : "",
		 jstr(k, "first_name_lat") ? jstr(k, "first_name_lat") : "");
	snprintf(name_ar, sizeof name_ar, "%s %s", jstr(k, "last_name_ar") ? jstr(k, "last_name_ar") : "",
		 jstr(k, "first_name_ar") ? jstr(k, "first_name_ar") : "");
	snprintf(ext, sizeof ext, "%lld", (long long)jint(k, "extensions"));
	sj_err e = buf_adds(b, "<section class=\"register-page\"><h2>");
	e = e ? e : both(b, "procreg.page");
	e = e ? e : buf_adds(b, " ");
	e = e ? e : proc_html_esc(b, n);
	e = e ? e : buf_adds(b, "</h2>\n<table class=\"fields\">\n");
	e = e ? e : field(b, "procreg.name", name);
	e = e ? e : field(b, "procreg.name_ar", name_ar);
	e = e ? e : field(b, "procreg.cin", jstr(k, "cin"));
	e = e ? e : field(b, "procreg.case", jstr(k, "case_number"));
	if (g) { /* the ground of the art 66-1 list, in both languages, then as typed */
		char both_l[2 * SJ_MAX_SHORT_TEXT + 8];
		snprintf(both_l, sizeof both_l, "%s / %s", jstr(g, "label_fr") ? jstr(g, "label_fr") : "",
			 jstr(g, "label_ar") ? jstr(g, "label_ar") : "");
		e = e ? e : field(b, "procreg.ground_code", both_l);
	}
	e = e ? e : field(b, "procreg.ground", jstr(k, "ground"));
	e = e ? e : field_time(b, "procreg.started_at", json_object_get(k, "started_at"));
	e = e ? e : field(b, "procreg.condition_on_entry", jstr(k, "condition_on_entry"));
	if (jstr(k, "regime") && strcmp(jstr(k, "regime"), "minor") == 0) { /* CPP 460 */
		e = e ? e : field(b, "procreg.prosecutor_agreement_ref", jstr(k, "prosecutor_agreement_ref"));
		e = e ? e : field_time(b, "procreg.prosecutor_agreement_at", json_object_get(k, "prosecutor_agreement_at"));
		e = e ? e : field(b, "procreg.place", jstr(k, "place"));
		e = e ? e : field_time(b, "procreg.guardian_informed_at", json_object_get(k, "guardian_informed_at"));
	}
	e = e ? e : field_time(b, "procreg.deadline_at", json_object_get(k, "deadline_at"));
	e = e ? e : field(b, "procreg.extensions", ext);
	e = e ? e : field_time(b, "procreg.family_informed_at", json_object_get(k, "family_informed_at"));
	e = e ? e : field(b, "procreg.family_informed_how", jstr(k, "family_informed_how"));
	e = e ? e : field_time(b, "procreg.lawyer_contacted_at", json_object_get(k, "lawyer_contacted_at"));
	e = e ? e : field_time(b, "procreg.ended_at", json_object_get(k, "ended_at"));
	e = e ? e : buf_adds(b, "<tr><th>");
	e = e ? e : both(b, "procreg.end_kind");
	e = e ? e : cell_enum(b, "custody.end", jstr(k, "end_kind"));
	e = e ? e : buf_adds(b, "</tr>\n");
	e = e ? e : field(b, "procreg.condition_on_exit", jstr(k, "condition_on_exit"));
	e = e ? e : buf_adds(b, "</table>\n<h3>");
	e = e ? e : both(b, "procreg.sessions");
	e = e ? e : buf_adds(b, "</h3>\n<table class=\"list\"><tr><th>");
	e = e ? e : both(b, "proc_session.kind");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_session.started_at");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_session.ended_at");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_session.note");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_session.guardian_present");
	e = e ? e : buf_adds(b, "</th></tr>\n");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(en, "sessions"), i, s) {
		e = e ? e : buf_adds(b, "<tr>");
		e = e ? e : cell_enum(b, "session_kind", jstr(s, "kind"));
		e = e ? e : cell_time(b, json_object_get(s, "started_at"));
		e = e ? e : cell_time(b, json_object_get(s, "ended_at"));
		e = e ? e : cell(b, jstr(s, "note"));
		e = e ? e : cell(b, jstr(s, "guardian_present"));
		e = e ? e : buf_adds(b, "</tr>\n");
	}
	e = e ? e : buf_adds(b, "</table>\n<h3>");
	e = e ? e : both(b, "procreg.rights");
	e = e ? e : buf_adds(b, "</h3>\n<table class=\"list\"><tr><th>");
	e = e ? e : both(b, "proc_right.right_kind");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_right.notified_at");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_right.language");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "proc_right.signed_by_person");
	e = e ? e : buf_adds(b, "</th></tr>\n");
	json_array_foreach(json_object_get(en, "rights"), i, s) {
		bool sig = json_is_true(json_object_get(s, "signed_by_person"));
		e = e ? e : buf_adds(b, "<tr>");
		e = e ? e : cell_enum(b, "right_kind", jstr(s, "right_kind"));
		e = e ? e : cell_time(b, json_object_get(s, "notified_at"));
		e = e ? e : cell_enum(b, "right_language", jstr(s, "language"));
		e = e ? e : (sig ? buf_adds(b, "<td>") : SJ_OK);
		e = e ? e : (sig ? both(b, "procreg.signed") : SJ_OK);
		e = e ? e : (sig ? buf_adds(b, "</td>") : cell(b, jstr(s, "refusal_reason")));
		e = e ? e : buf_adds(b, "</tr>\n");
	}
	e = e ? e : buf_adds(b, "</table>\n<p class=\"signatures\">");
	e = e ? e : both(b, "procreg.signature_opj");
	e = e ? e : buf_adds(b, " ______________ &nbsp; ");
	e = e ? e : both(b, "procreg.signature_person");
	return e ? e : buf_adds(b, " ______________</p></section>\n");
}

sj_err proc_register_print(db_conn *c, const sj_actor *a, const char *unit_code, buf *html, const char **why)
{
	json_t *reg = NULL;
	sj_err e = custody_register(c, a, unit_code, SJ_MAX_PAGE, 0, &reg, why);
	if (e)
		return e;
	e = buf_adds(html, "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
			   "<link rel=\"icon\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"/print.css\"><title>");
	e = e ? e : proc_html_esc(html, word(I18N_FR, "procreg.title"));
	e = e ? e : buf_adds(html, "</title></head>\n<body class=\"print register\">\n<header><div class=\"fr\" lang=\"fr\">"
				   "Royaume du Maroc<br>Direction Générale de la Sûreté Nationale<br>");
	e = e ? e : proc_html_esc(html, unit_code);
	e = e ? e : buf_adds(html, "</div><div class=\"ar\" lang=\"ar\" dir=\"rtl\">المملكة المغربية<br>"
				   "المديرية العامة للأمن الوطني<br>");
	e = e ? e : proc_html_esc(html, unit_code);
	e = e ? e : buf_adds(html, "</div></header>\n<h1>");
	e = e ? e : both(html, "procreg.title");
	e = e ? e : buf_adds(html, "</h1>\n<p class=\"law\">");
	e = e ? e : both(html, "procreg.law");
	e = e ? e : buf_adds(html, "</p>\n");
	/* oldest first: page 1 is the first custody of the register */
	json_t *list = json_object_get(reg, "custodies");
	for (size_t i = json_array_size(list); i > 0 && !e; i--) {
		json_t *en = NULL;
		json_t *k = json_array_get(list, i - 1), *g = NULL;
		e = entry(c, jstr(k, "id"), &en);
		if (!e && jstr(k, "ground_code") && proc_ground_get(c, jstr(k, "ground_code"), &g) == SJ_OK)
			json_object_set_new(en, "ground_label", g);
		e = e ? e : page(html, en);
		json_decref(en);
	}
	/* the prosecutor's visas, each after the page it covers */
	unit_info u;
	json_t *v = NULL;
	if (!e && unit_get_by_code(c, unit_code, &u) == SJ_OK && proc_visas(c, u.id, &v) == SJ_OK) {
		json_t *x;
		size_t j;
		json_array_foreach(json_object_get(v, "visas"), j, x) {
			char last[64];
			snprintf(last, sizeof last, "%lld", (long long)jint(x, "last_page"));
			e = e ? e : buf_adds(html, "<section class=\"register-visa\"><h2>");
			e = e ? e : both(html, "procreg.visa");
			e = e ? e : buf_adds(html, "</h2>\n<table class=\"fields\">\n");
			e = e ? e : field_time(html, "proc_visa.visited_at", json_object_get(x, "visited_at"));
			e = e ? e : field(html, "proc_visa.magistrate", jstr(x, "magistrate"));
			e = e ? e : field(html, "proc_visa.office_code", jstr(x, "office_code"));
			e = e ? e : field(html, "proc_visa.last_page", last);
			e = e ? e : field(html, "proc_visa.observations", jstr(x, "observations"));
			e = e ? e : buf_adds(html, "</table></section>\n");
		}
	}
	json_decref(v);
	json_decref(reg);
	return e ? e : buf_adds(html, "</body></html>\n");
}

/* ------------------------------------------------------------ the visa */

static const char sql_visa_add[] =
	"INSERT INTO custody_register_visas (" REC_COLS(VISA_FIELDS) ") VALUES (" REC_QS(VISA_FIELDS) ")";
static const char sql_pages[] = "SELECT COUNT(*) FROM custodies WHERE unit_id = ?";
static const char sql_visas[] =
	"SELECT id, visited_at, magistrate, office_code, observations, last_page, r_badge AS recorded_by, recorded_at"
	" FROM custody_register_visas JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" WHERE unit_id = ? ORDER BY visited_at, id";

sj_err proc_visa_add(db_conn *c, const sj_actor *a, const char *unit_code, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	unit_info u;
	sj_err e = unit_get_by_code(c, unit_code, &u);
	if (e == SJ_ENOTFOUND)
		*why = "unit-not-found";
	if (!e && !actor_can_write(a, u.path))
		e = SJ_EFORBIDDEN;
	if (e)
		return e;
	json_t *office = NULL;
	e = ref_prosecution_get(c, jstr(in, "office_code"), &office);
	json_decref(office);
	if (e == SJ_ENOTFOUND) {
		*why = "visa-office-unknown";
		return SJ_EUNPROCESSABLE;
	}
	int64_t at = jint(in, "visited_at"), pages = 0, now = clock_now_ms();
	if (!e && !proc_time_ok(at, 0, NULL, why))
		return SJ_EUNPROCESSABLE;
	e = e ? e : dbj_int(c, sql_pages, &pages, "t", u.id);
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = e ? NULL : json_deep_copy(in);
	json_t *set = e ? NULL : json_pack("{s:s,s:s,s:I,s:s,s:I}", "id", id, "unit_id", u.id, "last_page", (json_int_t)pages,
					   "recorded_by", a->id, "recorded_at", (json_int_t)now);
	if (!e && (!row || !set || json_object_update(row, set)))
		e = SJ_ENOMEM;
	json_decref(set);
	e = e ? e : dbj_write(c, sql_visa_add, &proc_visa_rec, row, false, "");
	json_decref(row);
	return e ? e : proc_visas(c, u.id, out);
}

sj_err proc_visas(db_conn *c, const char *unit_id, json_t **out)
{
	*out = NULL;
	json_t *list = NULL;
	sj_err e = dbj_rec_rows(c, sql_visas, &proc_visa_rec, &list, "t", unit_id);
	if (e)
		return e;
	*out = json_pack("{s:o}", "visas", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}
