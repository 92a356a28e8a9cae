/* print.c — the desk's printable documents: the receipt of a declaration and
 * the residence certificate, bilingual (French left, Arabic right), A4
 * (web/print.css), every label from the dictionaries (web/i18n), times in
 * legal time, and the QR code of the public verification URL (desk.h). */
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* word returns key's message in lang, or the key itself (never NULL). */
const char *desk_print_word(i18n_lang lang, const char *key)
{
	const char *s = i18n_get(lang, key);
	return s ? s : key;
}

/* row writes one line: French label | value | Arabic label, the labels
 * being key's messages. */
sj_err desk_print_row(buf *b, const char *key, const char *value)
{
	sj_err e = buf_adds(b, "<tr><th class=\"fr\" lang=\"fr\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, key));
	e = e ? e : buf_adds(b, "</th><td dir=\"auto\">");
	e = e ? e : desk_html_esc(b, value && *value ? value : "—");
	e = e ? e : buf_adds(b, "</td><th class=\"ar\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_AR, key));
	return e ? e : buf_adds(b, "</th></tr>\n");
}

/* row_enum: the value is an enum value, shown in both languages. */
sj_err desk_print_row_enum(buf *b, const char *key, const char *enum_name, const char *value)
{
	char k[128], v[512];
	snprintf(k, sizeof k, "%s.%s", enum_name, value ? value : "");
	snprintf(v, sizeof v, "%s / %s", desk_print_word(I18N_FR, k), desk_print_word(I18N_AR, k));
	return desk_print_row(b, key, value ? v : NULL);
}

static sj_err row_time(buf *b, const char *key, json_t *v)
{
	char t[32] = "";
	if (json_is_integer(v))
		clock_format_legal((int64_t)json_integer_value(v), t);
	return desk_print_row(b, key, t);
}

static sj_err row_date(buf *b, const char *key, json_t *v)
{
	char t[11] = "";
	if (json_is_integer(v))
		clock_legal_date((int64_t)json_integer_value(v), t);
	return desk_print_row(b, key, t);
}

sj_err desk_print_head(buf *b, const char *title_key, json_t *o, const char *body_class)
{
	sj_err e = buf_adds(b, "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
			       "<link rel=\"icon\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"/print.css\"><title>");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, title_key));
	e = e ? e : buf_adds(b, "</title></head>\n<body class=\"");
	e = e ? e : buf_adds(b, body_class);
	e = e ? e : buf_adds(b, "\">\n<header><div class=\"fr\" lang=\"fr\">"
				"Royaume du Maroc<br>Direction Générale de la Sûreté Nationale<br>");
	e = e ? e : desk_html_esc(b, js(o, "unit_name_fr"));
	e = e ? e : buf_adds(b, "</div><div class=\"ar\" lang=\"ar\" dir=\"rtl\">المملكة المغربية<br>"
				"المديرية العامة للأمن الوطني<br>");
	e = e ? e : desk_html_esc(b, js(o, "unit_name_ar"));
	e = e ? e : buf_adds(b, "</div></header>\n<h1><span class=\"fr\" lang=\"fr\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, title_key));
	e = e ? e : buf_adds(b, "</span><span class=\"ar\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_AR, title_key));
	return e ? e : buf_adds(b, "</span></h1>\n");
}

sj_err desk_print_section(buf *b, const char *key)
{
	sj_err e = buf_adds(b, "<h2><span lang=\"fr\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, key));
	e = e ? e : buf_adds(b, "</span> — <span lang=\"ar\" dir=\"rtl\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_AR, key));
	return e ? e : buf_adds(b, "</span></h2>\n<table class=\"fields\">\n");
}

static sj_err person(buf *b, json_t *p)
{
	char lat[512], ar[512];
	snprintf(lat, sizeof lat, "%s %s", js(p, "last_name_lat") ? js(p, "last_name_lat") : "",
		 js(p, "first_name_lat") ? js(p, "first_name_lat") : "");
	snprintf(ar, sizeof ar, "%s %s", js(p, "last_name_ar") ? js(p, "last_name_ar") : "",
		 js(p, "first_name_ar") ? js(p, "first_name_ar") : "");
	sj_err e = desk_print_row(b, "person.last_name_lat", lat);
	e = e ? e : desk_print_row(b, "person.last_name_ar", ar);
	e = e ? e : desk_print_row(b, "person.cin", js(p, "cin"));
	return e ? e : desk_print_row(b, "person.birth_date", js(p, "birth_date"));
}

/* verification writes the number, the code, the URL and its QR code. */
static sj_err verification(buf *b, const char *base, const char *number, const char *code)
{
	char url[1400];
	snprintf(url, sizeof url, "%s/verify/%s?c=%s", base, number, code);
	sj_err e = desk_print_section(b, "desk.verification");
	e = e ? e : desk_print_row(b, "desk.verify_no", number);
	e = e ? e : desk_print_row(b, "desk.verify_code", code);
	e = e ? e : desk_print_row(b, "desk.verify_url", url);
	e = e ? e : buf_adds(b, "</table>\n<div class=\"qrbox\">");
	e = e ? e : desk_qr_svg(b, url);
	e = e ? e : buf_adds(b, "<p class=\"small\" lang=\"fr\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, "desk.verify_hint"));
	e = e ? e : buf_adds(b, "</p><p class=\"small\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_AR, "desk.verify_hint"));
	return e ? e : buf_adds(b, "</p></div>\n");
}

static sj_err signature(buf *b)
{
	sj_err e = buf_adds(b, "<div class=\"signature\"><span lang=\"fr\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, "desk.signature"));
	e = e ? e : buf_adds(b, "</span><span lang=\"ar\" dir=\"rtl\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_AR, "desk.signature"));
	return e ? e : buf_adds(b, "</span></div>\n</body></html>\n");
}

sj_err desk_receipt_html(db_conn *c, const sj_actor *a, const char *id, const char *base_url, buf *b,
			 const char **why)
{
	json_t *d = NULL;
	sj_err e = desk_declaration_read(c, a, id, &d, why);
	if (e)
		return e;
	bool theft = strcmp(js(d, "kind"), "theft") == 0,
	     cancelled = json_is_integer(json_object_get(d, "cancelled_at"));
	e = desk_print_head(b, theft ? "desk.receipt.theft" : "desk.receipt.loss", d,
			    cancelled ? "print desk cancelled" : "print desk");
	if (cancelled) {
		/* a reprint of a cancelled declaration says so first, and why */
		e = e ? e : desk_print_section(b, "desk.receipt.cancelled");
		e = e ? e : row_time(b, "declaration.cancelled_at", json_object_get(d, "cancelled_at"));
		e = e ? e : desk_print_row(b, "declaration.cancel_reason", js(d, "cancel_reason"));
		e = e ? e : buf_adds(b, "</table>\n");
	}
	e = e ? e : desk_print_section(b, "desk.receipt.section");
	e = e ? e : desk_print_row(b, "declaration.receipt_no", js(d, "receipt_no"));
	e = e ? e : desk_print_row_enum(b, "declaration.kind", "declaration_kind", js(d, "kind"));
	e = e ? e : row_time(b, "declaration.declared_at", json_object_get(d, "declared_at"));
	e = e ? e : row_time(b, "declaration.occurred_at", json_object_get(d, "occurred_at"));
	e = e ? e : desk_print_row(b, "declaration.place", js(d, "place"));
	e = e ? e : desk_print_row(b, "declaration.circumstances", js(d, "circumstances"));
	e = e ? e : buf_adds(b, "</table>\n");
	e = e ? e : desk_print_section(b, "declaration.declarant");
	e = e ? e : person(b, json_object_get(d, "declarant"));
	e = e ? e : buf_adds(b, "</table>\n");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(d, "items"), i, it) {
		if (e)
			break;
		e = desk_print_section(b, "declaration.items");
		e = e ? e : desk_print_row_enum(b, "declaration_item.item_type", "item_type", js(it, "item_type"));
		static const char *const plain[] = {"doc_number", "issued_on", "imei", "plate", "vin", "make",
						    "model", "color", "card_last4", "description"};
		if (!e && js(it, "doc_type"))
			e = desk_print_row_enum(b, "declaration_item.doc_type", "doctype", js(it, "doc_type"));
		for (size_t k = 0; !e && k < sizeof plain / sizeof plain[0]; k++) {
			char key[64];
			snprintf(key, sizeof key, "declaration_item.%s", plain[k]);
			if (js(it, plain[k]))
				e = desk_print_row(b, key, js(it, plain[k]));
		}
		e = e ? e : buf_adds(b, "</table>\n");
	}
	e = e ? e : verification(b, base_url, js(d, "verify_no"), js(d, "verify_code"));
	/* a cancelled declaration's reprint is a copy of the record, not a
	 * receipt to sign and stamp again */
	if (!cancelled)
		e = e ? e : signature(b);
	json_decref(d);
	return e;
}

sj_err desk_certificate_html(db_conn *c, const sj_actor *a, const char *id, const char *base_url, buf *b,
			     const char **why)
{
	json_t *o = NULL;
	sj_err e = desk_residence_read(c, a, id, &o, why);
	if (!e && strcmp(js(o, "status"), "issued") != 0) {
		*why = "certificate-not-issued";
		e = SJ_ECONFLICT;
	}
	if (e) {
		json_decref(o);
		return e;
	}
	char commune[512];
	snprintf(commune, sizeof commune, "%s / %s", js(o, "commune_name_fr") ? js(o, "commune_name_fr") : "",
		 js(o, "commune_name_ar") ? js(o, "commune_name_ar") : "");
	e = desk_print_head(b, "desk.certificate.title", o, "print desk");
	e = e ? e : desk_print_section(b, "desk.certificate.section");
	e = e ? e : desk_print_row(b, "residence_certificate.serial_no", js(o, "serial_no"));
	e = e ? e : row_date(b, "residence_certificate.issued_at", json_object_get(o, "issued_at"));
	e = e ? e : row_date(b, "residence_certificate.valid_until", json_object_get(o, "valid_until"));
	if (js(o, "replaces_serial")) /* a correction names the certificate it replaces */
		e = e ? e : desk_print_row(b, "residence_certificate.replaces_serial", js(o, "replaces_serial"));
	e = e ? e : buf_adds(b, "</table>\n");
	e = e ? e : desk_print_section(b, "residence_certificate.applicant");
	e = e ? e : person(b, json_object_get(o, "applicant"));
	e = e ? e : desk_print_row(b, "residence_certificate.address", js(o, "address"));
	e = e ? e : desk_print_row(b, "residence_certificate.commune", commune);
	e = e ? e : desk_print_row_enum(b, "residence_certificate.purpose", "residence_purpose", js(o, "purpose"));
	e = e ? e : buf_adds(b, "</table>\n");
	e = e ? e : desk_print_section(b, "desk.certificate.attest");
	e = e ? e : desk_print_row_enum(b, "residence_certificate.check_kind", "residence_check_kind", js(o, "check_kind"));
	e = e ? e : desk_print_row(b, "residence_certificate.check_on", js(o, "check_on"));
	e = e ? e : desk_print_row(b, "residence_certificate.checked_by_badge", js(o, "checked_by_badge"));
	e = e ? e : buf_adds(b, "</table>\n");
	e = e ? e : verification(b, base_url, js(o, "verify_no"), js(o, "verify_code"));
	e = e ? e : signature(b);
	json_decref(o);
	return e;
}
