/* print.c — the bilingual print view of an activity (a communiqué, a truth
 * statement...), A4, its seal re-verified as it is printed. Labels come from
 * the dictionaries the UI uses (core/i18n.h); the look from /print.css. */
#include "comms/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"

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

static const char *tr(i18n_lang l, const char *key)
{
	const char *s = i18n_get(l, key);
	return s ? s : key;
}

/* row: French label | value | Arabic label, the labels from key. */
static sj_err row(buf *b, const char *key, const char *value)
{
	sj_err e = buf_adds(b, "<tr><th class=\"fr\" lang=\"fr\">");
	e = e ? e : esc(b, tr(I18N_FR, key));
	e = e ? e : buf_adds(b, "</th><td dir=\"auto\">");
	e = e ? e : esc(b, value && *value ? value : "—");
	e = e ? e : buf_adds(b, "</td><th class=\"ar\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : esc(b, tr(I18N_AR, key));
	return e ? e : buf_adds(b, "</th></tr>\n");
}

static sj_err row_enum(buf *b, const char *key, const char *prefix, const char *v)
{
	char k[96], both[600];
	snprintf(k, sizeof k, "%s.%s", prefix, v ? v : "");
	snprintf(both, sizeof both, "%s / %s", tr(I18N_FR, k), tr(I18N_AR, k));
	return row(b, key, v ? both : NULL);
}

static sj_err row_who(buf *b, const char *key, json_t *a, const char *step)
{
	char bk[40], nk[40], ak[40], v[400], when[32] = "";
	snprintf(bk, sizeof bk, "%s_by_badge", step);
	snprintf(nk, sizeof nk, "%s_by_name", step);
	snprintf(ak, sizeof ak, "%s_at", step);
	if (!json_is_integer(json_object_get(a, ak)))
		return row(b, key, NULL);
	clock_format_legal(cj_int(a, ak), when);
	snprintf(v, sizeof v, "%s (%s) — %s", cj_str(a, nk) ? cj_str(a, nk) : "", cj_str(a, bk) ? cj_str(a, bk) : "",
		 when);
	return row(b, key, v);
}

static sj_err text_block(buf *b, const char *lang, const char *dir, const char *title, const char *text)
{
	if (!title && !text)
		return SJ_OK;
	sj_err e = buf_printf(b, "<section class=\"statements\" lang=\"%s\" dir=\"%s\"><h2>", lang, dir);
	e = e ? e : esc(b, title);
	e = e ? e : buf_adds(b, "</h2>\n<div class=\"text\">");
	e = e ? e : esc(b, text);
	return e ? e : buf_adds(b, "</div></section>\n");
}

sj_err comms_activity_print_html(db_conn *c, const sj_actor *a, const char *id, buf *b)
{
	json_t *act = NULL;
	sj_err e = comms_activity_get(c, a, id, &act);
	if (e)
		return e;
	const char *status = cj_str(act, "status");
	json_t *seal = json_object_get(act, "seal");
	e = buf_adds(b, "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
			"<link rel=\"stylesheet\" href=\"/print.css\"><link rel=\"icon\" href=\"/favicon.svg\">"
			"<title>");
	e = e ? e : esc(b, cj_str(act, "number"));
	e = e ? e : buf_adds(b, "</title></head>\n<body class=\"print\">\n<header><div class=\"fr\" lang=\"fr\">Royaume du "
				"Maroc<br>Direction Générale de la Sûreté Nationale</div><div class=\"ar\" lang=\"ar\" "
				"dir=\"rtl\">المملكة المغربية<br>المديرية العامة للأمن الوطني</div></header>\n");
	if (!e && strcmp(status, "published") != 0) {
		e = buf_adds(b, "<p class=\"draft\"><span lang=\"fr\">");
		e = e ? e : esc(b, tr(I18N_FR, "comms.print-not-published"));
		e = e ? e : buf_adds(b, "</span> · <span lang=\"ar\" dir=\"rtl\">");
		e = e ? e : esc(b, tr(I18N_AR, "comms.print-not-published"));
		e = e ? e : buf_adds(b, "</span></p>\n");
	}
	char k[64];
	snprintf(k, sizeof k, "comms_kind.%s", cj_str(act, "kind"));
	e = e ? e : buf_adds(b, "<h1><span class=\"fr\" lang=\"fr\">");
	e = e ? e : esc(b, tr(I18N_FR, k));
	e = e ? e : buf_adds(b, "</span><span class=\"ar\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : esc(b, tr(I18N_AR, k));
	e = e ? e : buf_adds(b, "</span></h1>\n<table class=\"fields\">\n");
	char version[24];
	snprintf(version, sizeof version, "%lld", (long long)cj_int(act, "version"));
	e = e ? e : row(b, "comms_activity.number", cj_str(act, "number"));
	e = e ? e : row(b, "comms_activity.date", cj_str(act, "date"));
	e = e ? e : row(b, "comms_activity.unit", cj_str(act, "unit"));
	e = e ? e : row(b, "comms_activity.version", version);
	e = e ? e : row_enum(b, "comms_activity.status", "comms_status", status);
	e = e ? e : row(b, "comms_activity.media_partner", cj_str(act, "media_partner"));
	e = e ? e : row(b, "comms_activity.topic", cj_str(act, "topic"));
	if (!e && cj_str(act, "corrects_number"))
		e = row(b, "comms.corrects", cj_str(act, "corrects_number"));
	if (!e && cj_str(act, "superseded_by_number"))
		e = row(b, "comms.superseded-by", cj_str(act, "superseded_by_number"));
	json_t *claim = json_object_get(act, "claim");
	if (!e && claim)
		e = row(b, "comms.answers-claim", cj_str(claim, "number"));
	e = e ? e : buf_adds(b, "</table>\n");
	e = e ? e : text_block(b, "fr", "ltr", cj_str(act, "title_fr"), cj_str(act, "text_fr"));
	e = e ? e : text_block(b, "ar", "rtl", cj_str(act, "title_ar"), cj_str(act, "text_ar"));
	e = e ? e : text_block(b, "zgh", "ltr", cj_str(act, "title_zgh"), cj_str(act, "text_zgh"));
	e = e ? e : buf_adds(b, "<table class=\"fields\">\n");
	e = e ? e : row_who(b, "comms.drafted", act, "drafted");
	e = e ? e : row_who(b, "comms.reviewed", act, "reviewed");
	e = e ? e : row_who(b, "comms.approved", act, "approved");
	e = e ? e : row_who(b, "comms.published", act, "published");
	e = e ? e : buf_adds(b, "</table>\n");
	if (!e && seal) {
		char now[32];
		clock_format_legal(clock_now_ms(), now);
		bool ok = json_is_true(json_object_get(seal, "verified"));
		e = buf_adds(b, "<footer class=\"seal\"><table class=\"fields\">\n");
		e = e ? e : row(b, "comms.seal-hash", cj_str(seal, "hash"));
		e = e ? e : row(b, "comms.seal-key", cj_str(seal, "key_id"));
		e = e ? e : row(b, "comms.seal-signed-by", cj_str(seal, "signed_by"));
		e = e ? e : row(b, "comms.seal-verified", ok ? "oui / نعم" : "NON / لا");
		e = e ? e : row(b, "comms.seal-checked-at", now);
		e = e ? e : buf_adds(b, "</table></footer>\n");
	}
	json_decref(act);
	return e ? e : buf_adds(b, "</body></html>\n");
}
