/* courante.c — the main courante (the unit's daily log; see procedure.h):
 * lines written by the system where it knows the event and by hand, in the
 * order recorded, numbered per legal day; a day is closed and sealed once
 * it is over (the lines frozen as canonical JSON, hashed and signed with
 * the sealer's key), and verified on every read. */
#include "procedure/procedure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/pv.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/id.h"
#include "core/jdump.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

REC_ENUM_DEF(line_kinds, "courante_kind", "call", "intervention", "brought_in", "custody_start", "custody_end",
	     "complaint", "declaration", "patrol", "other");
REC_ENUM_DEF(line_origins, "courante_origin", "auto", "hand");
REC_ENUM_DEF(day_statuses, "courante_status", "open", "sealed", "purged");

#define LINE_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, day, DATE, 0, 10, NULL, OUT) \
	X(C, seq, INT, 0, 0, NULL, OUT) \
	X(C, at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, kind, ENUM, 0, 0, &line_kinds, IN | REQ | OUT) \
	X(C, text, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | MULTI) \
	X(C, origin, ENUM, 0, 0, &line_origins, OUT) \
	X(C, ref_id, ID, 0, 36, NULL, OUT) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field line_fields[] = {REC_ID_FIELD, LINE_FIELDS(REC_FIELD)};
const rec_desc proc_line_rec = REC_DESC("proc_line", "main_courante", line_fields, NULL);

#define DAY_FIELDS(X) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, day, DATE, 0, 10, NULL, OUT) \
	X(V, status, ENUM, 0, 0, &day_statuses, OUT) \
	X(V, lines, ARRAY, 0, 0, &proc_line_rec, OUT) \
	X(V, sealed_at, TIME, 0, 0, NULL, OUT) \
	X(V, sealed_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, content_hash, TEXT, 64, 64, NULL, OUT) \
	X(V, verified, BOOL, 0, 0, NULL, OUT)
static const rec_field day_fields[] = {DAY_FIELDS(REC_FIELD)};
const rec_desc proc_day_rec = REC_DESC("proc_day", NULL, day_fields, NULL);

#define SEAL_FIELDS(X) X(V, day, DATE, 0, 10, NULL, IN | REQ)
static const rec_field seal_fields[] = {SEAL_FIELDS(REC_FIELD)};
const rec_desc proc_day_seal_rec = REC_DESC("proc_day_seal", NULL, seal_fields, NULL);

static const char sql_add[] =
	"INSERT INTO main_courante (" REC_COLS(LINE_FIELDS) ") VALUES (" REC_QS(LINE_FIELDS) ")";
static const char sql_sealed[] = "SELECT COUNT(*) FROM main_courante_days WHERE unit_id = ? AND day = ?";
static const char sql_lines[] =
	"SELECT id, day, seq, at, kind, text, origin, ref_id, r_badge AS recorded_by, recorded_at FROM main_courante"
	" JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" WHERE unit_id = ? AND day = ? ORDER BY seq";
static const char sql_day_row[] =
	"SELECT content_hash, signature, key_id, sealed_at, s_badge AS sealed_by, content FROM main_courante_days"
	" JOIN (SELECT id AS s_id, badge AS s_badge FROM users) s ON s.s_id = sealed_by WHERE unit_id = ? AND day = ?";
static const char sql_day_add[] =
	"INSERT INTO main_courante_days (id, unit_id, day, content, content_hash, signature, key_id, sealed_by,"
	" sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* write_line writes one line to day of unit_id (409 "courante-day-sealed"). */
static sj_err write_line(db_conn *c, const sj_actor *a, const char *unit_id, const char *day, const char *kind,
			 int64_t at, const char *text, const char *origin, const char *ref_id, const char **why)
{
	int64_t sealed = 0, seq = 0, n = 0;
	int y, m, d;
	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return SJ_EINTERNAL;
	sj_err e = dbj_int(c, sql_sealed, &sealed, "tt", unit_id, day);
	if (e)
		return e;
	if (sealed) {
		*why = "courante-day-sealed";
		return SJ_ECONFLICT;
	}
	n = (int64_t)y * 10000 + m * 100 + d;
	if ((e = case_counter_next(c, "main_courante", unit_id, n, &seq)))
		return e;
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:s?,s:s?,s:I}", "id", id, "unit_id", unit_id, "day",
				day, "seq", (json_int_t)seq, "at", (json_int_t)at, "kind", kind, "text", text, "origin",
				origin, "ref_id", ref_id, "recorded_by", a ? a->id : NULL, "recorded_at",
				(json_int_t)clock_now_ms());
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_add, &proc_line_rec, row, false, "");
	json_decref(row);
	return e;
}

sj_err proc_courante_auto(db_conn *c, const sj_actor *a, const char *unit_id, const char *kind, int64_t at,
			  const char *text, const char *ref_id)
{
	char day[11];
	const char *why = NULL;
	clock_legal_date(clock_now_ms(), day);
	return write_line(c, a, unit_id, day, kind, at, text, "auto", ref_id, &why);
}

/* unit_of reads the unit with that code for the actor (write: a writer of it). */
static sj_err unit_of(db_conn *c, const sj_actor *a, const char *code, bool write, unit_info *u, const char **why)
{
	sj_err e = unit_get_by_code(c, code, u);
	if (e == SJ_ENOTFOUND)
		*why = "unit-not-found";
	if (!e && !(write ? actor_can_write(a, u->path) : actor_can_read(a, u->path)))
		e = SJ_EFORBIDDEN;
	return e;
}

sj_err proc_courante_add(db_conn *c, const sj_actor *a, const char *unit_code, json_t *in, json_t **out,
			 const char **why)
{
	*out = NULL;
	unit_info u;
	sj_err e = unit_of(c, a, unit_code, true, &u, why);
	if (e)
		return e;
	int64_t at = (int64_t)json_integer_value(json_object_get(in, "at")), now = clock_now_ms();
	if (!proc_time_ok(at, 0, NULL, why))
		return SJ_EUNPROCESSABLE;
	if (clock_legal_day(at) != clock_legal_day(now)) {
		*why = "line-not-today";
		return SJ_EUNPROCESSABLE;
	}
	char day[11];
	clock_legal_date(now, day);
	e = write_line(c, a, u.id, day, jstr(in, "kind"), at, jstr(in, "text"), "hand", NULL, why);
	return e ? e : proc_courante_day(c, a, unit_code, day, out, why);
}

/* canon_of writes the canonical content of a day's lines (caller frees). */
static char *canon_of(const char *unit_code, const char *day, json_t *lines)
{
	json_t *frozen = json_array();
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) json_array_append_new(
		frozen, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O?,s:O?}", "seq", json_object_get(l, "seq"), "at",
				  json_object_get(l, "at"), "kind", json_object_get(l, "kind"), "text",
				  json_object_get(l, "text"), "origin", json_object_get(l, "origin"), "ref_id",
				  json_object_get(l, "ref_id"), "recorded_by", json_object_get(l, "recorded_by")));
	json_t *content = json_pack("{s:s,s:s,s:s,s:o}", "format", "sijill-courante-v1", "unit", unit_code, "day", day,
				    "lines", frozen);
	char *s = content ? jdump_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
	json_decref(content);
	return s;
}

static bool date_ok(const char *d)
{
	return d && rec_date_ok(d);
}

sj_err proc_courante_day(db_conn *c, const sj_actor *a, const char *unit_code, const char *date, json_t **out,
			 const char **why)
{
	*out = NULL;
	unit_info u;
	char day[11];
	if (date && !date_ok(date)) {
		*why = "bad-date";
		return SJ_EINVAL;
	}
	if (date)
		snprintf(day, sizeof day, "%s", date);
	else
		clock_legal_date(clock_now_ms(), day);
	json_t *lines = NULL, *seal = NULL;
	sj_err e = unit_of(c, a, unit_code, false, &u, why);
	e = e ? e : dbj_rec_rows(c, sql_lines, &proc_line_rec, &lines, "tt", u.id, day);
	if (e)
		return e;
	e = dbj_one(c, sql_day_row, "content_hash:t,signature:t,key_id:t,sealed_at:i,sealed_by:t,content:t", &seal, "tt",
		    u.id, day);
	if (e && e != SJ_ENOTFOUND) {
		json_decref(lines);
		return e;
	}
	*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "unit", u.code, "unit_name_fr", u.name_fr, "unit_name_ar",
			 u.name_ar, "day", day, "status",
			 !seal ? "open" : (jstr(seal, "content") && *jstr(seal, "content")) ? "sealed" : "purged", "lines", lines);
	if (*out && seal) {
		/* verified: the lines as they are now hash to what was sealed, under the sealer's signature */
		char *canon = canon_of(u.code, day, lines);
		bool ok = canon && pv_verify_content(c, PROC_COURANTE_CONTEXT, canon, jstr(seal, "content_hash"),
						     jstr(seal, "signature"), jstr(seal, "key_id"));
		free(canon);
		json_object_set(*out, "sealed_at", json_object_get(seal, "sealed_at"));
		json_object_set(*out, "sealed_by", json_object_get(seal, "sealed_by"));
		json_object_set(*out, "content_hash", json_object_get(seal, "content_hash"));
		json_object_set_new(*out, "verified", json_boolean(ok));
	}
	json_decref(seal);
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err proc_courante_seal(db_conn *c, const sj_actor *a, const char *unit_code, json_t *in, json_t **out,
			  const char **why)
{
	*out = NULL;
	unit_info u;
	const char *day = jstr(in, "day");
	int y, m, d;
	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		*why = "bad-date";
		return SJ_EINVAL;
	}
	sj_err e = unit_of(c, a, unit_code, true, &u, why);
	if (e)
		return e;
	if (clock_now_ms() < clock_legal_midnight(y, m, d + 1)) {
		*why = "courante-day-not-over";
		return SJ_ECONFLICT;
	}
	int64_t sealed = 0;
	json_t *lines = NULL;
	e = dbj_int(c, sql_sealed, &sealed, "tt", u.id, day);
	if (!e && sealed) {
		*why = "courante-day-sealed";
		return SJ_ECONFLICT;
	}
	e = e ? e : dbj_rec_rows(c, sql_lines, &proc_line_rec, &lines, "tt", u.id, day);
	if (e)
		return e;
	char *canon = canon_of(u.code, day, lines);
	json_decref(lines);
	if (!canon)
		return SJ_ENOMEM;
	char hash[65], sig[2 * 64 + 1], key_id[17], id[ID_LEN + 1];
	id_new(id);
	e = pv_sign_content(c, a->id, PROC_COURANTE_CONTEXT, canon, hash, sig, key_id);
	e = e ? e : db_run(c, sql_day_add, "tttttttti", id, u.id, day, canon, hash, sig, key_id, a->id, clock_now_ms());
	free(canon);
	return e ? e : proc_courante_day(c, a, unit_code, day, out, why);
}

/* ------------------------------------------------------------ printing */

static const char *word(i18n_lang lang, const char *key)
{
	const char *s = i18n_get(lang, key);
	return s ? s : key;
}

static sj_err both(buf *b, const char *key)
{
	sj_err e = buf_adds(b, "<span lang=\"fr\">");
	e = e ? e : proc_html_esc(b, word(I18N_FR, key));
	e = e ? e : buf_adds(b, "</span> / <span lang=\"ar\" dir=\"rtl\">");
	e = e ? e : proc_html_esc(b, word(I18N_AR, key));
	return e ? e : buf_adds(b, "</span>");
}

sj_err proc_courante_print(db_conn *c, const sj_actor *a, const char *unit_code, const char *date, buf *html,
			   const char **why)
{
	json_t *d = NULL;
	sj_err e = proc_courante_day(c, a, unit_code, date, &d, why);
	if (e)
		return e;
	e = buf_adds(html, "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
			   "<link rel=\"icon\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"/print.css\"><title>");
	e = e ? e : proc_html_esc(html, word(I18N_FR, "courante.title"));
	e = e ? e : buf_adds(html, "</title></head>\n<body class=\"print courante\">\n<header><div class=\"fr\" lang=\"fr\">"
				   "Royaume du Maroc<br>Direction Générale de la Sûreté Nationale<br>");
	e = e ? e : proc_html_esc(html, jstr(d, "unit_name_fr"));
	e = e ? e : buf_adds(html, "</div><div class=\"ar\" lang=\"ar\" dir=\"rtl\">المملكة المغربية<br>"
				   "المديرية العامة للأمن الوطني<br>");
	e = e ? e : proc_html_esc(html, jstr(d, "unit_name_ar"));
	e = e ? e : buf_adds(html, "</div></header>\n<h1>");
	e = e ? e : both(html, "courante.title");
	e = e ? e : buf_adds(html, " — ");
	e = e ? e : proc_html_esc(html, jstr(d, "day"));
	e = e ? e : buf_adds(html, "</h1>\n<table class=\"list\"><tr><th>#</th><th>");
	e = e ? e : both(html, "proc_line.at");
	e = e ? e : buf_adds(html, "</th><th>");
	e = e ? e : both(html, "proc_line.kind");
	e = e ? e : buf_adds(html, "</th><th>");
	e = e ? e : both(html, "proc_line.text");
	e = e ? e : buf_adds(html, "</th><th>");
	e = e ? e : both(html, "proc_line.recorded_by");
	e = e ? e : buf_adds(html, "</th></tr>\n");
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(d, "lines"), i, l) {
		char n[24], t[32], k[64];
		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(l, "seq")));
		clock_format_legal((int64_t)json_integer_value(json_object_get(l, "at")), t);
		snprintf(k, sizeof k, "courante_kind.%s", jstr(l, "kind"));
		e = e ? e : buf_adds(html, "<tr><td>");
		e = e ? e : proc_html_esc(html, n);
		e = e ? e : buf_adds(html, "</td><td dir=\"ltr\">");
		e = e ? e : proc_html_esc(html, t);
		e = e ? e : buf_adds(html, "</td><td>");
		e = e ? e : both(html, k);
		e = e ? e : buf_adds(html, "</td><td dir=\"auto\">");
		e = e ? e : proc_html_esc(html, jstr(l, "text"));
		e = e ? e : buf_adds(html, "</td><td>");
		e = e ? e : proc_html_esc(html, jstr(l, "recorded_by"));
		e = e ? e : buf_adds(html, "</td></tr>\n");
	}
	e = e ? e : buf_adds(html, "</table>\n<p class=\"seal\">");
	if (!e && json_is_true(json_object_get(d, "verified"))) {
		char t[32];
		clock_format_legal((int64_t)json_integer_value(json_object_get(d, "sealed_at")), t);
		e = both(html, "courante.sealed");
		e = e ? e : buf_adds(html, " ");
		e = e ? e : proc_html_esc(html, t);
		e = e ? e : buf_adds(html, " — ");
		e = e ? e : proc_html_esc(html, jstr(d, "sealed_by"));
		e = e ? e : buf_adds(html, " — ");
		e = e ? e : proc_html_esc(html, jstr(d, "content_hash"));
	} else if (!e) {
		e = both(html, strcmp(jstr(d, "status"), "sealed") == 0 ? "courante.seal_broken" : "courante.open");
	}
	json_decref(d);
	return e ? e : buf_adds(html, "</p></body></html>\n");
}
