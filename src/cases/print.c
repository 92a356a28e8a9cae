/* print.c — the printed documents (see print.h): the PV as the legal
 * document it is, the bundle sent to the prosecutor and the daily list of
 * persons held, each in one language (the reader's), every label and enum
 * from the dictionaries (core/i18n.h), every time in legal time
 * (clock_legal_tm), A4 (/print.css).
 *
 * The PV follows loi 22-01 art 24 and 67: the formal opening with the date
 * and hour in words and "نحن … ضابط الشرطة القضائية …", the person's
 * identity, the statements, the read-back formula, the signature and
 * thumbprint spaces for the person and the OPJ, and the seal block with its
 * fingerprint — kept on one page with the signatures (never alone on the
 * next page: .closing is break-inside: avoid).
 */
#include "cases/print.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* L returns key's message in lang, or the key itself when the dictionaries
 * are not loaded (a tool, a fuzz target). */
static const char *L(i18n_lang lang, const char *key)
{
	const char *s = i18n_get(lang, key);
	return s ? s : key;
}

/* E returns the label of an enum value ("<prefix>.<value>"), "—" for none. */
static const char *E(i18n_lang lang, const char *prefix, const char *value)
{
	if (!value || !*value)
		return "—";
	char key[128];
	snprintf(key, sizeof key, "%s.%s", prefix, value);
	const char *s = i18n_get(lang, key);
	return s ? s : value;
}

/* esc appends s with HTML's special characters escaped. */
static sj_err esc(buf *b, const char *s)
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

/* ---------- numbers, dates and hours in words ---------- */

static const char *const fr_units[] = {"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
				      "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept",
				      "dix-huit", "dix-neuf"};
static const char *const fr_tens[] = {"", "", "vingt", "trente", "quarante", "cinquante"};
/* Arabic cardinals as written after a noun in the genitive (سنة ألفين وستة وعشرين). */
static const char *const ar_units[] = {"صفر", "واحد", "اثنين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة",
				      "ثمانية", "تسعة", "عشرة", "أحد عشر", "اثني عشر", "ثلاثة عشر",
				      "أربعة عشر", "خمسة عشر", "ستة عشر", "سبعة عشر", "ثمانية عشر", "تسعة عشر"};
static const char *const ar_tens[] = {"", "", "عشرين", "ثلاثين", "أربعين", "خمسين"};
static const char *const ar_months[] = {"يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
				       "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"};
static const char *const fr_months[] = {"janvier", "février", "mars", "avril", "mai", "juin",
				       "juillet", "août", "septembre", "octobre", "novembre", "décembre"};
static const char *const ar_days[] = {"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"};
static const char *const fr_days[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};

/* words writes 0 <= n <= 99 in words. */
static sj_err words(buf *b, i18n_lang lang, int n)
{
	if (n < 0 || n > 99)
		return buf_printf(b, "%d", n);
	if (lang == I18N_AR) {
		if (n < 20)
			return buf_adds(b, ar_units[n]);
		if (n >= 60)
			return buf_printf(b, "%d", n);
		return n % 10 ? buf_printf(b, "%s و%s", ar_units[n % 10], ar_tens[n / 10]) : buf_adds(b, ar_tens[n / 10]);
	}
	if (n < 20)
		return buf_adds(b, fr_units[n]);
	if (n >= 60)
		return buf_printf(b, "%d", n);
	if (n % 10 == 0)
		return buf_adds(b, fr_tens[n / 10]);
	return buf_printf(b, "%s%s%s", fr_tens[n / 10], n % 10 == 1 ? " et " : "-", fr_units[n % 10]);
}

/* year_words writes a year of 2000–2099 in words (others in digits). */
static sj_err year_words(buf *b, i18n_lang lang, int y)
{
	if (y < 2000 || y > 2099)
		return buf_printf(b, "%d", y);
	sj_err e = buf_adds(b, lang == I18N_AR ? "ألفين" : "deux mille");
	if (!e && y % 100)
		e = buf_adds(b, lang == I18N_AR ? " و" : " ");
	return e || y % 100 == 0 ? e : words(b, lang, y % 100);
}

/* when_words writes t_ms in legal time, in words, as plain text ("يوم
 * الثلاثاء فاتح دجنبر سنة ألفين وستة وعشرين، على الساعة ثلاثة وعشرين
 * واثنين وخمسين دقيقة (01/12/2026 23:52 UTC+01:00)"): weekday, day, month, year,
 * hour and minutes in words, then the same in digits in parentheses. */
static sj_err when_words(buf *b, i18n_lang lang, int64_t t_ms)
{
	struct tm tm;
	clock_legal_tm(t_ms, &tm);
	sj_err e;
	if (lang == I18N_AR) {
		e = buf_printf(b, "يوم %s ", ar_days[tm.tm_wday]);
		e = e ? e : (tm.tm_mday == 1 ? buf_adds(b, "فاتح") : words(b, lang, tm.tm_mday));
		e = e ? e : buf_printf(b, " %s سنة ", ar_months[tm.tm_mon]);
		e = e ? e : year_words(b, lang, tm.tm_year + 1900);
		e = e ? e : buf_adds(b, "، على الساعة ");
		e = e ? e : words(b, lang, tm.tm_hour);
		e = e ? e : buf_adds(b, " و");
		e = e ? e : words(b, lang, tm.tm_min);
		e = e ? e : buf_adds(b, " دقيقة");
	} else {
		e = buf_printf(b, "%s ", fr_days[tm.tm_wday]);
		e = e ? e : (tm.tm_mday == 1 ? buf_adds(b, "premier") : words(b, lang, tm.tm_mday));
		e = e ? e : buf_printf(b, " %s ", fr_months[tm.tm_mon]);
		e = e ? e : year_words(b, lang, tm.tm_year + 1900);
		e = e ? e : buf_adds(b, ", à ");
		e = e ? e : words(b, lang, tm.tm_hour);
		e = e ? e : buf_adds(b, tm.tm_hour > 1 ? " heures " : " heure ");
		e = e ? e : words(b, lang, tm.tm_min);
		e = e ? e : buf_adds(b, tm.tm_min > 1 ? " minutes" : " minute");
	}
	char off[7];
	clock_legal_offset(&tm, off);
	return e ? e
		 : buf_printf(b, " (%02d/%02d/%04d %02d:%02d UTC%s)", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900,
			      tm.tm_hour, tm.tm_min, off);
}

/* when_short writes t_ms in legal time as "DD/MM/YYYY HH:MM UTC+01:00" ("—" for none). */
static sj_err when_short(buf *b, json_t *v)
{
	if (!json_is_integer(v))
		return buf_adds(b, "—");
	struct tm tm;
	clock_legal_tm((int64_t)json_integer_value(v), &tm);
	char off[7];
	clock_legal_offset(&tm, off);
	return buf_printf(b, "<span class=\"num\" dir=\"ltr\">%02d/%02d/%04d %02d:%02d UTC%s</span>", tm.tm_mday,
			  tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, off);
}

/* ---------- pieces ---------- */

/* in_script copies into out the part of s ("AR-X — Arrondissement … — دائرة …",
 * "Nadia Chraibi / نادية الشرايبي") written in lang's script: the segments
 * split by " — " or " / " that hold Arabic letters for Arabic, Latin
 * lower-case letters for French; s itself when no segment is of that script.
 * Users, ranks and units are stored in both scripts; a document shows one. */
static const char *in_script(i18n_lang lang, const char *s, char *out, size_t n)
{
	if (!s)
		return NULL;
	snprintf(out, n, "%s", s);
	const char *seps[] = {" — ", " / "};
	for (size_t k = 0; k < 2; k++) {
		if (!strstr(s, seps[k]))
			continue;
		const char *p = s;
		while (p && *p) {
			const char *q = strstr(p, seps[k]);
			size_t len = q ? (size_t)(q - p) : strlen(p);
			bool ar = false, lat = false;
			for (size_t i = 0; i < len; i++) {
				unsigned char c = (unsigned char)p[i];
				ar = ar || c == 0xD8 || c == 0xD9 || c == 0xDA || c == 0xDB;
				lat = lat || (c >= 'a' && c <= 'z');
			}
			if ((lang == I18N_AR && ar && !lat) || (lang == I18N_FR && lat && !ar)) {
				snprintf(out, n, "%.*s", (int)len, p);
				return out;
			}
			p = q ? q + strlen(seps[k]) : NULL;
		}
	}
	return out;
}

/* day_text writes "YYYY-MM-DD" as "DD/MM/YYYY" into out (s itself otherwise). */
static const char *day_text(const char *s, char *out, size_t n)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return s;
	snprintf(out, n, "%.2s/%.2s/%.4s", s + 8, s + 5, s);
	return out;
}

static sj_err head(buf *b, i18n_lang lang, const char *title, const char *cls)
{
	sj_err e = buf_printf(b, "<!doctype html>\n<html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
				 "<link rel=\"stylesheet\" href=\"/print.css\"><title>",
			      lang == I18N_AR ? "ar" : "fr", lang == I18N_AR ? "rtl" : "ltr");
	e = e ? e : esc(b, title);
	return e ? e : buf_printf(b, "</title></head>\n<body class=\"print %s\">\n", cls);
}

/* authority writes the heading every document carries: the Kingdom, the
 * DGSN, the unit; and on the other side the document's references. */
static sj_err authority(buf *b, i18n_lang lang, const char *unit, const char *ref_label, const char *ref,
			const char *ref2_label, const char *ref2)
{
	sj_err e = buf_adds(b, "<header class=\"doc-head\"><div class=\"auth\"><strong>");
	e = e ? e : esc(b, L(lang, "print.kingdom"));
	e = e ? e : buf_adds(b, "</strong><br>");
	e = e ? e : esc(b, L(lang, "print.dgsn"));
	e = e ? e : buf_adds(b, "<br><bdi>");
	e = e ? e : esc(b, unit);
	e = e ? e : buf_adds(b, "</bdi></div><div class=\"ref\">");
	if (ref) {
		e = e ? e : esc(b, L(lang, ref_label));
		e = e ? e : buf_adds(b, " : <bdi class=\"num\" dir=\"ltr\">");
		e = e ? e : esc(b, ref);
		e = e ? e : buf_adds(b, "</bdi>");
	}
	if (ref2) {
		e = e ? e : buf_adds(b, "<br>");
		e = e ? e : esc(b, L(lang, ref2_label));
		e = e ? e : buf_adds(b, " : <bdi class=\"num\" dir=\"ltr\">");
		e = e ? e : esc(b, ref2);
		e = e ? e : buf_adds(b, "</bdi>");
	}
	return e ? e : buf_adds(b, "</div></header>\n");
}

/* row writes one "label | value" line of a facts table; value is text. */
static sj_err row(buf *b, i18n_lang lang, const char *label_key, const char *value)
{
	sj_err e = buf_adds(b, "<tr><th>");
	e = e ? e : esc(b, L(lang, label_key));
	e = e ? e : buf_adds(b, "</th><td><bdi>");
	e = e ? e : esc(b, value && *value ? value : "—");
	return e ? e : buf_adds(b, "</bdi></td></tr>\n");
}

static sj_err row_time(buf *b, i18n_lang lang, const char *label_key, json_t *v)
{
	sj_err e = buf_adds(b, "<tr><th>");
	e = e ? e : esc(b, L(lang, label_key));
	e = e ? e : buf_adds(b, "</th><td>");
	e = e ? e : when_short(b, v);
	return e ? e : buf_adds(b, "</td></tr>\n");
}

/* name writes a person's names, Latin (family name in capitals) then Arabic,
 * each isolated, so neither script reorders the other. */
static sj_err name(buf *b, json_t *p)
{
	const char *ln = jstr(p, "last_name_lat"), *fn = jstr(p, "first_name_lat"), *fa = jstr(p, "first_name_ar"),
		   *la = jstr(p, "last_name_ar");
	sj_err e = SJ_OK;
	if (ln || fn) {
		e = buf_adds(b, "<bdi dir=\"ltr\">");
		for (const char *c = ln ? ln : ""; *c && !e; c++)
			e = buf_addc(b, (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c);
		if (!e && ln && fn)
			e = buf_addc(b, ' ');
		e = e ? e : esc(b, fn);
		e = e ? e : buf_adds(b, "</bdi>");
	}
	if (fa || la) {
		e = e ? e : buf_adds(b, (ln || fn) ? " / <bdi dir=\"rtl\">" : "<bdi dir=\"rtl\">");
		e = e ? e : esc(b, fa);
		if (!e && fa && la)
			e = buf_addc(b, ' ');
		e = e ? e : esc(b, la);
		e = e ? e : buf_adds(b, "</bdi>");
	}
	if (!e && !ln && !fn && !fa && !la)
		e = esc(b, jstr(p, "description") ? jstr(p, "description") : "—");
	return e;
}

static sj_err name_row(buf *b, i18n_lang lang, const char *label_key, json_t *p)
{
	sj_err e = buf_adds(b, "<tr><th>");
	e = e ? e : esc(b, L(lang, label_key));
	e = e ? e : buf_adds(b, "</th><td>");
	e = e ? e : name(b, p);
	return e ? e : buf_adds(b, "</td></tr>\n");
}

/* ---------- the PV ---------- */

/* fill writes the dictionary's template key with vars (stolen), escaped. */
static sj_err fill(buf *b, i18n_lang lang, const char *key, json_t *vars)
{
	char out[4096];
	bool ok = i18n_text(lang, key, vars, out, sizeof out);
	json_decref(vars);
	return esc(b, ok ? out : key);
}

/* plain_when returns t_ms in words as a new string in tmp (NUL-terminated). */
static const char *plain_when(buf *tmp, i18n_lang lang, json_t *v)
{
	buf_reset(tmp);
	if (!json_is_integer(v) || when_words(tmp, lang, (int64_t)json_integer_value(v)))
		return "—";
	return buf_str(tmp);
}

static sj_err identity(buf *b, i18n_lang lang, json_t *p)
{
	sj_err e = buf_adds(b, "<h2>");
	e = e ? e : esc(b, L(lang, "doc.identity"));
	e = e ? e : buf_adds(b, "</h2>\n<table class=\"fields\">\n");
	e = e ? e : name_row(b, lang, "person.name", p);
	e = e ? e : row(b, lang, "person.cin", jstr(p, "cin"));
	char day[16];
	e = e ? e : row(b, lang, "person.birth_date", day_text(jstr(p, "birth_date"), day, sizeof day));
	e = e ? e : row(b, lang, "person.birth_place", jstr(p, "birth_place"));
	e = e ? e : row(b, lang, "person.father", jstr(p, "father_name"));
	e = e ? e : row(b, lang, "person.mother", jstr(p, "mother_name"));
	e = e ? e : row(b, lang, "person.nationality", jstr(p, "nationality"));
	e = e ? e : row(b, lang, "person.address", jstr(p, "address"));
	return e ? e : buf_adds(b, "</table>\n");
}

static sj_err custody_part(buf *b, i18n_lang lang, json_t *k)
{
	sj_err e = buf_adds(b, "<h2>");
	e = e ? e : esc(b, L(lang, "case.custody"));
	e = e ? e : buf_adds(b, "</h2>\n<table class=\"fields\">\n");
	e = e ? e : row(b, lang, "custody.regime", E(lang, "regime", jstr(k, "regime")));
	/* the ground of art 66-1 in the document's language (issue 17 item 2) */
	const char *gl = jstr(k, lang == I18N_AR ? "ground_label_ar" : "ground_label_fr");
	if (gl)
		e = e ? e : row(b, lang, "custody.ground_code", gl);
	e = e ? e : row(b, lang, "custody.ground", jstr(k, "ground"));
	e = e ? e : row_time(b, lang, "doc.arrested-at", json_object_get(k, "arrested_at"));
	e = e ? e : row(b, lang, "custody.condition_on_entry", jstr(k, "condition_on_entry"));
	e = e ? e : row_time(b, lang, "custody.deadline", json_object_get(k, "deadline_at"));
	e = e ? e : row_time(b, lang, "custody.family-at", json_object_get(k, "family_informed_at"));
	e = e ? e : row_time(b, lang, "custody.lawyer-at", json_object_get(k, "lawyer_contacted_at"));
	e = e ? e : row_time(b, lang, "custody.ended-at", json_object_get(k, "ended_at"));
	e = e ? e : row(b, lang, "custody.end-kind", E(lang, "custody.end", jstr(k, "end_kind")));
	e = e ? e : row(b, lang, "custody.condition_on_exit", jstr(k, "condition_on_exit"));
	return e ? e : buf_adds(b, "</table>\n");
}

/* readback writes the closing formula art 67 asks for: read back, then
 * signed, or thumbprint, or refused with its reason. */
static sj_err readback(buf *b, i18n_lang lang, json_t *body)
{
	const char *sig = jstr(body, "signature");
	bool read = json_is_true(json_object_get(body, "read_back"));
	const char *key = !read ? "doc.not-read-back"
			  : !sig ? "doc.read-back"
			  : strcmp(sig, "thumbprint") == 0 ? "doc.read-back-thumb"
			  : strcmp(sig, "refused") == 0 ? "doc.read-back-refused"
							 : "doc.read-back-signed";
	sj_err e = buf_adds(b, "<p class=\"readback\">");
	e = e ? e : fill(b, lang, key, json_pack("{s:s}", "reason", jstr(body, "refusal_reason") ? jstr(body, "refusal_reason") : "—"));
	return e ? e : buf_adds(b, "</p>\n");
}

static sj_err seal_block(buf *b, i18n_lang lang, json_t *pv, const char *who)
{
	json_t *seal = json_object_get(pv, "seal");
	sj_err e = buf_adds(b, "<section class=\"seal-block\"><h2>");
	e = e ? e : esc(b, L(lang, "doc.seal"));
	e = e ? e : buf_adds(b, "</h2><table class=\"fields\">\n");
	const char *by = jstr(pv, "sealed_by"), *drafter = jstr(pv, "drafter_badge");
	e = e ? e : row(b, lang, "pv.sealed_by", by && drafter && strcmp(by, drafter) == 0 ? who : by);
	e = e ? e : row_time(b, lang, "pv.sealed_at", json_object_get(pv, "sealed_at"));
	e = e ? e : buf_adds(b, "<tr><th>");
	e = e ? e : esc(b, L(lang, "doc.fingerprint"));
	e = e ? e : buf_adds(b, "</th><td class=\"hash\" dir=\"ltr\">");
	e = e ? e : esc(b, jstr(seal, "hash"));
	e = e ? e : buf_adds(b, "</td></tr>\n");
	e = e ? e : buf_adds(b, "<tr><th>");
	e = e ? e : esc(b, L(lang, "doc.key"));
	e = e ? e : buf_adds(b, "</th><td class=\"hash\" dir=\"ltr\">");
	e = e ? e : esc(b, jstr(seal, "key_id"));
	e = e ? e : buf_adds(b, "</td></tr>\n");
	e = e ? e : row(b, lang, "pv.seal-check",
			L(lang, json_is_true(json_object_get(seal, "verified")) ? "pv.seal-ok" : "pv.seal-bad"));
	return e ? e : buf_adds(b, "</table></section>\n");
}

/* broken_seal marks a document whose seal does not verify (issue 10): what
 * is shown no longer matches what was sealed, and the document is void. */
static sj_err broken_seal(buf *b, i18n_lang lang)
{
	sj_err e = buf_adds(b, "<p class=\"draft broken\">");
	e = e ? e : esc(b, L(lang, "print.seal-broken"));
	return e ? e : buf_adds(b, "</p>\n");
}

/* template_part prints the fields of the PV's type (its "template", served
 * from data/pv_templates.json, issue 17 items 4 and 7) that go before the
 * statements (before) or after them, each under its label in the document's
 * language: the sealed content's when sealed. */
static sj_err template_part(buf *b, i18n_lang lang, json_t *pv, bool before)
{
	bool sealed = jstr(pv, "status") && strcmp(jstr(pv, "status"), "sealed") == 0;
	json_t *src = sealed ? json_object_get(pv, "content") : json_object_get(pv, "body");
	json_t *tpl = json_object_get(pv, "template"), *first = json_object_get(tpl, "print_before"), *f;
	sj_err e = SJ_OK;
	size_t i, j;
	json_array_foreach(json_object_get(tpl, "fields"), i, f) {
		const char *name = json_string_value(f);
		bool is_first = false;
		json_t *x;
		json_array_foreach(first, j, x) if (name && json_string_value(x) && strcmp(json_string_value(x), name) == 0)
			is_first = true;
		if (!name || is_first != before || !jstr(src, name))
			continue;
		char key[40];
		snprintf(key, sizeof key, "pv.%s", name);
		e = buf_adds(b, "<h2>");
		e = e ? e : esc(b, L(lang, key));
		e = e ? e : buf_adds(b, "</h2>\n<div class=\"statements template\" dir=\"auto\">");
		e = e ? e : esc(b, jstr(src, name));
		e = e ? e : buf_adds(b, "</div>\n");
		if (e)
			break;
	}
	return e;
}

sj_err print_pv_html(json_t *pv, i18n_lang lang, buf *b)
{
	bool sealed = jstr(pv, "status") && strcmp(jstr(pv, "status"), "sealed") == 0;
	json_t *ct = sealed ? json_object_get(pv, "content") : NULL;
	json_t *body = json_object_get(pv, "body"), *person = json_object_get(ct, "person"),
	       *k = json_object_get(ct, "custody");
	char unit_s[512], name_s[256], rank_s[256];
	const char *unit = in_script(lang, jstr(pv, "drafter_unit"), unit_s, sizeof unit_s);
	const char *who = in_script(lang, jstr(pv, "drafter_name"), name_s, sizeof name_s);
	const char *rank = in_script(lang, jstr(pv, "drafter_rank"), rank_s, sizeof rank_s);
	char title[160];
	snprintf(title, sizeof title, "%s %s", L(lang, "doc.pv"), jstr(pv, "number") ? jstr(pv, "number") : "");
	buf tmp;
	buf_init(&tmp, 1024);
	sj_err e = head(b, lang, title, "doc-pv");
	e = e ? e : authority(b, lang, unit, "pv.number", jstr(pv, "number"), "doc.case-number",
			      jstr(json_object_get(ct, "case"), "number"));
	if (!e && !sealed) {
		e = buf_adds(b, "<p class=\"draft\">");
		e = e ? e : esc(b, L(lang, "print.draft"));
		e = e ? e : buf_adds(b, "</p>\n");
	}
	if (!e && sealed && !json_is_true(json_object_get(json_object_get(pv, "seal"), "verified")))
		e = broken_seal(b, lang);
	e = e ? e : buf_adds(b, "<h1>");
	e = e ? e : esc(b, L(lang, "doc.pv"));
	e = e ? e : buf_adds(b, " — ");
	e = e ? e : esc(b, E(lang, "pvtype", jstr(pv, "type")));
	e = e ? e : buf_adds(b, "</h1>\n<p class=\"opening\">");
	/* "On …, we, NAME, RANK, judicial police officer at UNIT, acting in FRAME, at PLACE, …" (art 24) */
	/* a rank that already says "judicial police officer" is not said twice */
	bool says_opj = rank && strstr(rank, L(lang, "doc.opj")) != NULL;
	e = e ? e : fill(b, lang, says_opj ? "doc.opening-opj-rank" : "doc.opening",
			 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "when", plain_when(&tmp, lang, json_object_get(pv, "act_at")),
				   "name", who ? who : "—", "rank", rank ? rank : L(lang, "doc.no-rank"), "unit",
				   unit ? unit : "—", "frame", E(lang, "frame", jstr(pv, "frame")), "place",
				   jstr(pv, "place") ? jstr(pv, "place") : L(lang, "doc.our-office")));
	e = e ? e : buf_adds(b, "</p>\n");
	if (!e && jstr(pv, "corrects")) {
		e = buf_adds(b, "<p class=\"corrects\">");
		e = e ? e : esc(b, L(lang, "doc.corrects"));
		e = e ? e : buf_adds(b, " <bdi class=\"num\" dir=\"ltr\">");
		e = e ? e : esc(b, jstr(pv, "corrects"));
		e = e ? e : buf_adds(b, "</bdi></p>\n");
	}
	int64_t protected_n = json_integer_value(json_object_get(pv, "protected_n"));
	if (!e && protected_n) {
		/* an identity protected in the case (loi 37-10): its pseudonym only */
		char pseudo[160];
		snprintf(pseudo, sizeof pseudo, "%s %lld", L(lang, "person.protected"), (long long)protected_n);
		e = buf_adds(b, "<h2>");
		e = e ? e : esc(b, L(lang, "doc.identity"));
		e = e ? e : buf_adds(b, "</h2>\n<table class=\"fields\">\n");
		e = e ? e : row(b, lang, "person.name", pseudo);
		e = e ? e : buf_adds(b, "</table>\n");
	} else if (!e && json_is_object(person))
		e = identity(b, lang, person);
	if (!e && json_is_object(k))
		e = custody_part(b, lang, k);
	/* the type's own fields that come before the account (data/pv_templates.json
	 * print_before: who was present, the expert and the mission) */
	e = e ? e : template_part(b, lang, pv, true);
	e = e ? e : buf_adds(b, "<h2>");
	e = e ? e : esc(b, L(lang, "pv.statements"));
	e = e ? e : buf_adds(b, "</h2>\n<div class=\"statements\" dir=\"auto\">");
	e = e ? e : esc(b, jstr(body, "statements"));
	e = e ? e : buf_adds(b, "</div>\n");
	e = e ? e : template_part(b, lang, pv, false);
	/* the formula, the signatures and the seal stay together on one page */
	e = e ? e : buf_adds(b, "<div class=\"closing\">\n");
	e = e ? e : readback(b, lang, body);
	e = e ? e : buf_adds(b, "<div class=\"signatures\"><div class=\"sig\"><p>");
	e = e ? e : esc(b, L(lang, "print.sig-person"));
	e = e ? e : buf_adds(b, "</p><div class=\"box\"></div><p class=\"small\">");
	e = e ? e : esc(b, L(lang, "doc.thumbprint"));
	e = e ? e : buf_adds(b, "</p><div class=\"box thumb\"></div></div><div class=\"sig\"><p>");
	e = e ? e : esc(b, L(lang, "print.sig-opj"));
	e = e ? e : buf_adds(b, "</p><p><bdi>");
	e = e ? e : esc(b, who);
	e = e ? e : buf_adds(b, "</bdi></p><div class=\"box\"></div></div></div>\n");
	if (!e && sealed)
		e = seal_block(b, lang, pv, who);
	e = e ? e : buf_adds(b, "</div>\n</body></html>\n");
	buf_free(&tmp);
	return e;
}

/* ---------- the bundle sent to the prosecutor ---------- */

static sj_err th(buf *b, i18n_lang lang, const char *key)
{
	sj_err e = buf_adds(b, "<th>");
	e = e ? e : esc(b, L(lang, key));
	return e ? e : buf_adds(b, "</th>");
}

static sj_err td(buf *b, const char *s, const char *cls)
{
	sj_err e = buf_printf(b, "<td%s%s%s><bdi>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	e = e ? e : esc(b, s && *s ? s : "—");
	return e ? e : buf_adds(b, "</bdi></td>");
}

static sj_err h2(buf *b, i18n_lang lang, const char *key)
{
	sj_err e = buf_adds(b, "<h2>");
	e = e ? e : esc(b, L(lang, key));
	return e ? e : buf_adds(b, "</h2>\n");
}

sj_err print_bundle_html(json_t *ref, i18n_lang lang, buf *b)
{
	json_t *bundle = json_object_get(ref, "bundle"), *kase = json_object_get(bundle, "case"),
	       *office = json_object_get(bundle, "office");
	sj_err e = head(b, lang, jstr(ref, "transmission_no"), "doc-bundle");
	if (!e && !json_is_true(json_object_get(json_object_get(ref, "seal"), "verified")))
		e = broken_seal(b, lang);
	const char *unit = jstr(kase, lang == I18N_AR ? "unit_name_ar" : "unit_name_fr");
	e = e ? e : authority(b, lang, unit ? unit : jstr(kase, "unit"), "referral.number", jstr(ref, "transmission_no"),
			      "doc.case-number", jstr(kase, "number"));
	e = e ? e : buf_adds(b, "<h1>");
	e = e ? e : esc(b, L(lang, "doc.bundle"));
	e = e ? e : buf_adds(b, "</h1>\n<table class=\"fields\">\n");
	e = e ? e : row(b, lang, "doc.to", jstr(office, lang == I18N_AR ? "name_ar" : "name_fr"));
	e = e ? e : row_time(b, lang, "referral.sent", json_object_get(ref, "sent_at"));
	e = e ? e : row(b, lang, "referral.override", jstr(ref, "override_reason"));
	e = e ? e : row(b, lang, "case.class", E(lang, "class", jstr(kase, "class")));
	e = e ? e : row(b, lang, "case.frame", E(lang, "frame", jstr(kase, "frame")));
	e = e ? e : row(b, lang, "case.summary", jstr(kase, "summary"));
	e = e ? e : buf_adds(b, "<tr><th>");
	e = e ? e : esc(b, L(lang, "doc.bundle-fingerprint"));
	e = e ? e : buf_adds(b, "</th><td class=\"hash\" dir=\"ltr\">");
	e = e ? e : esc(b, jstr(ref, "bundle_hash"));
	e = e ? e : buf_adds(b, "</td></tr>\n</table>\n");
	e = e ? e : h2(b, lang, "case.offences");
	e = e ? e : buf_adds(b, "<table class=\"list\"><thead><tr>");
	e = e ? e : th(b, lang, "ref.article");
	e = e ? e : th(b, lang, "case.offence");
	e = e ? e : th(b, lang, "case.class");
	e = e ? e : buf_adds(b, "</tr></thead><tbody>\n");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(kase, "offences"), i, o) {
		/* the law each offence belongs to, named (issue 11 item 8): a
		 * special law's "article 1" means nothing without its title; a
		 * withdrawn charge is in the history, not on the bordereau */
		if (json_is_integer(json_object_get(o, "withdrawn_at")))
			continue;
		const char *law = jstr(o, "law");
		bool cp = !law || strcmp(law, "CP") == 0;
		char where[512], cls[256];
		snprintf(where, sizeof where, "%s%s %s %s", cp ? L(lang, "doc.penal-code") : law, L(lang, "doc.comma"),
			 L(lang, "doc.article"), jstr(o, "article") ? jstr(o, "article") : "");
		bool attempted = json_is_true(json_object_get(o, "attempted"));
		snprintf(cls, sizeof cls, "%s%s%s", E(lang, "class", jstr(o, "class")), attempted ? " · " : "",
			 attempted ? L(lang, "case.attempted") : "");
		e = e ? e : buf_adds(b, "<tr>");
		e = e ? e : td(b, where, NULL);
		e = e ? e : td(b, jstr(o, lang == I18N_AR ? "label_ar" : "label_fr"), NULL);
		e = e ? e : td(b, cls, NULL);
		e = e ? e : buf_adds(b, "</tr>\n");
	}
	e = e ? e : buf_adds(b, "</tbody></table>\n");
	e = e ? e : h2(b, lang, "case.persons");
	e = e ? e : buf_adds(b, "<table class=\"list\"><thead><tr>");
	e = e ? e : th(b, lang, "person.name");
	e = e ? e : th(b, lang, "person.role");
	e = e ? e : th(b, lang, "person.cin");
	e = e ? e : buf_adds(b, "</tr></thead><tbody>\n");
	/* the sealed bundle holds one row per role: each person is listed
	 * once, with every role they hold in the case */
	json_t *persons = json_object_get(bundle, "persons");
	json_array_foreach(persons, i, o) {
		const char *pid = jstr(o, "person_id");
		bool seen = false;
		for (size_t k = 0; pid && k < i && !seen; k++)
			seen = jstr(json_array_get(persons, k), "person_id") &&
			       strcmp(jstr(json_array_get(persons, k), "person_id"), pid) == 0;
		if (seen)
			continue;
		char roles[256] = "";
		size_t n = 0;
		for (size_t k = i; k < json_array_size(persons); k++) {
			json_t *p = json_array_get(persons, k);
			if (k != i && (!pid || !jstr(p, "person_id") || strcmp(jstr(p, "person_id"), pid) != 0))
				continue;
			int w = snprintf(roles + n, sizeof roles - n, "%s%s", n ? L(lang, "doc.comma") : "",
					 n ? " " : "");
			n += w > 0 && (size_t)w < sizeof roles - n ? (size_t)w : 0;
			w = snprintf(roles + n, sizeof roles - n, "%s", E(lang, "prole", jstr(p, "role")));
			n += w > 0 && (size_t)w < sizeof roles - n ? (size_t)w : 0;
		}
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : name(b, o);
		e = e ? e : buf_adds(b, "</td>");
		e = e ? e : td(b, roles, NULL);
		e = e ? e : td(b, jstr(o, "cin"), "num");
		e = e ? e : buf_adds(b, "</tr>\n");
	}
	e = e ? e : buf_adds(b, "</tbody></table>\n");
	e = e ? e : h2(b, lang, "doc.sealed-pvs");
	e = e ? e : buf_adds(b, "<table class=\"list\"><thead><tr>");
	e = e ? e : th(b, lang, "pv.number");
	e = e ? e : th(b, lang, "pv.type");
	e = e ? e : th(b, lang, "pv.sealed_at");
	e = e ? e : th(b, lang, "doc.fingerprint");
	e = e ? e : buf_adds(b, "</tr></thead><tbody>\n");
	json_array_foreach(json_object_get(bundle, "pvs"), i, o) {
		e = e ? e : buf_adds(b, "<tr>");
		e = e ? e : td(b, jstr(o, "number"), "num");
		e = e ? e : td(b, E(lang, "pvtype", jstr(o, "type")), NULL);
		e = e ? e : buf_adds(b, "<td>");
		e = e ? e : when_short(b, json_object_get(o, "sealed_at"));
		e = e ? e : buf_adds(b, "</td><td class=\"hash\" dir=\"ltr\">");
		e = e ? e : esc(b, jstr(o, "hash"));
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	e = e ? e : buf_adds(b, "</tbody></table>\n");
	e = e ? e : h2(b, lang, "case.seizures");
	e = e ? e : buf_adds(b, "<table class=\"list\"><thead><tr>");
	e = e ? e : th(b, lang, "seizure.seal");
	e = e ? e : th(b, lang, "seizure.description");
	e = e ? e : th(b, lang, "seizure.quantity");
	e = e ? e : th(b, lang, "seizure.holder");
	e = e ? e : buf_adds(b, "</tr></thead><tbody>\n");
	json_array_foreach(json_object_get(bundle, "seizures"), i, o) {
		e = e ? e : buf_adds(b, "<tr>");
		e = e ? e : td(b, jstr(o, "seal_no"), "num");
		e = e ? e : td(b, jstr(o, "description"), NULL);
		e = e ? e : td(b, jstr(o, "quantity"), NULL);
		e = e ? e : td(b, jstr(o, "holder"), NULL);
		e = e ? e : buf_adds(b, "</tr>\n");
	}
	e = e ? e : buf_adds(b, "</tbody></table>\n");
	e = e ? e : h2(b, lang, "case.custody");
	e = e ? e : buf_adds(b, "<table class=\"list\"><thead><tr>");
	e = e ? e : th(b, lang, "person.cin");
	e = e ? e : th(b, lang, "custody.started");
	e = e ? e : th(b, lang, "custody.ended-at");
	e = e ? e : th(b, lang, "custody.end-kind");
	e = e ? e : buf_adds(b, "</tr></thead><tbody>\n");
	json_array_foreach(json_object_get(bundle, "custodies"), i, o) {
		e = e ? e : buf_adds(b, "<tr>");
		e = e ? e : td(b, jstr(o, "cin"), "num");
		e = e ? e : buf_adds(b, "<td>");
		e = e ? e : when_short(b, json_object_get(o, "started_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : when_short(b, json_object_get(o, "ended_at"));
		e = e ? e : buf_adds(b, "</td>");
		e = e ? e : td(b, E(lang, "custody.end", jstr(o, "end_kind")), NULL);
		e = e ? e : buf_adds(b, "</tr>\n");
	}
	e = e ? e : buf_adds(b, "</tbody></table>\n<div class=\"closing signatures\"><div class=\"sig\"><p>");
	e = e ? e : esc(b, L(lang, "print.sig-opj"));
	e = e ? e : buf_adds(b, "</p><div class=\"box\"></div></div><div class=\"sig\"><p>");
	e = e ? e : esc(b, L(lang, "doc.received-by-parquet"));
	return e ? e : buf_adds(b, "</p><div class=\"box\"></div></div></div>\n</body></html>\n");
}

/* ---------- the daily list of persons held ---------- */

static sj_err flag(buf *b, i18n_lang lang, bool on, const char *key)
{
	if (!on)
		return SJ_OK;
	sj_err e = buf_adds(b, " <strong class=\"flag\">");
	e = e ? e : esc(b, L(lang, key));
	return e ? e : buf_adds(b, "</strong>");
}

sj_err print_daily_html(json_t *daily, i18n_lang lang, buf *b)
{
	char day[11] = "";
	if (json_is_integer(json_object_get(daily, "from")))
		clock_legal_date((int64_t)json_integer_value(json_object_get(daily, "from")), day);
	const char *unit = jstr(daily, lang == I18N_AR ? "unit_name_ar" : "unit_name_fr");
	char title[160];
	snprintf(title, sizeof title, "%s %s", jstr(daily, "unit") ? jstr(daily, "unit") : "", day);
	buf tmp;
	buf_init(&tmp, 1024);
	sj_err e = head(b, lang, title, "doc-daily");
	char day_s[16];
	e = e ? e : authority(b, lang, unit, "doc.day", day_text(day, day_s, sizeof day_s), NULL, NULL);
	e = e ? e : buf_adds(b, "<h1>");
	e = e ? e : esc(b, L(lang, "doc.daily"));
	e = e ? e : buf_adds(b, "</h1>\n<p class=\"opening\">");
	e = e ? e : fill(b, lang, "doc.daily-intro",
			 json_pack("{s:s,s:s,s:I}", "unit", unit ? unit : "—", "day",
				   plain_when(&tmp, lang, json_object_get(daily, "from")),
				   "n", (json_int_t)json_array_size(json_object_get(daily, "held"))));
	e = e ? e : buf_adds(b, "</p>\n<table class=\"list daily\"><thead><tr>");
	e = e ? e : th(b, lang, "custody.person");
	e = e ? e : th(b, lang, "custody.case");
	e = e ? e : th(b, lang, "custody.regime");
	e = e ? e : th(b, lang, "doc.start-deadline");
	e = e ? e : th(b, lang, "custody.lawyer");
	e = e ? e : th(b, lang, "custody.family");
	e = e ? e : th(b, lang, "doc.end");
	e = e ? e : buf_adds(b, "</tr></thead><tbody>\n");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(daily, "held"), i, o) {
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : name(b, o);
		e = e ? e : buf_adds(b, "<br><bdi class=\"num\" dir=\"ltr\">");
		e = e ? e : esc(b, jstr(o, "cin") ? jstr(o, "cin") : "—");
		e = e ? e : buf_adds(b, "</bdi></td>");
		e = e ? e : td(b, jstr(o, "case_number"), "num");
		e = e ? e : td(b, E(lang, "regime", jstr(o, "regime")), NULL);
		e = e ? e : buf_adds(b, "<td>");
		e = e ? e : when_short(b, json_object_get(o, "started_at"));
		e = e ? e : buf_adds(b, "<br>→ ");
		e = e ? e : when_short(b, json_object_get(o, "deadline_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		/* lawyer contact (art 66, 80) and family informed: flagged, for the prosecutor */
		e = e ? e : esc(b, L(lang, "doc.lawyer-limit"));
		e = e ? e : buf_addc(b, ' ');
		e = e ? e : when_short(b, json_object_get(o, "lawyer_deadline"));
		e = e ? e : buf_adds(b, "<br>");
		e = e ? e : esc(b, L(lang, "doc.contacted"));
		e = e ? e : buf_addc(b, ' ');
		e = e ? e : when_short(b, json_object_get(o, "lawyer_contacted_at"));
		e = e ? e : flag(b, lang, json_is_true(json_object_get(o, "lawyer_overdue")), "doc.overdue");
		e = e ? e : flag(b, lang, json_is_true(json_object_get(o, "lawyer_contacted_late")), "doc.late");
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : when_short(b, json_object_get(o, "family_informed_at"));
		e = e ? e : flag(b, lang, json_is_true(json_object_get(o, "family_pending")), "doc.not-informed");
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : when_short(b, json_object_get(o, "ended_at"));
		e = e ? e : buf_adds(b, "<br>");
		e = e ? e : esc(b, jstr(o, "end_kind") ? E(lang, "custody.end", jstr(o, "end_kind")) : "");
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	e = e ? e : buf_adds(b, "</tbody></table>\n<div class=\"closing signatures\"><div class=\"sig\"><p>");
	e = e ? e : esc(b, L(lang, "print.sig-opj"));
	e = e ? e : buf_adds(b, "</p><div class=\"box\"></div></div><div class=\"sig\"><p>");
	e = e ? e : esc(b, L(lang, "doc.visa"));
	e = e ? e : buf_adds(b, "</p><div class=\"box\"></div></div></div>\n</body></html>\n");
	buf_free(&tmp);
	return e;
}
