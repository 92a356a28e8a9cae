/* print.c — HTML print views of PVs and referral bundles (see print.h). */
#include "cases/print.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
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

/* Times are printed in legal time (Africa/Casablanca) with the offset in
 * force then, "2026-12-01T14:05:00+01:00": the reader needs no conversion. */
static sj_err time_cell(buf *b, json_t *v)
{
	if (!json_is_integer(v))
		return buf_adds(b, "—");
	char t[32];
	clock_format_legal((int64_t)json_integer_value(v), t);
	return esc(b, t);
}

/* row writes one bilingual line: French label | value | Arabic label. */
static sj_err row(buf *b, const char *fr, const char *ar, const char *value)
{
	sj_err e = buf_adds(b, "<tr><th class=\"fr\" lang=\"fr\">");
	e = e ? e : esc(b, fr);
	e = e ? e : buf_adds(b, "</th><td dir=\"auto\">");
	e = e ? e : esc(b, value && *value ? value : "—");
	e = e ? e : buf_adds(b, "</td><th class=\"ar\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : esc(b, ar);
	return e ? e : buf_adds(b, "</th></tr>\n");
}

static sj_err row_time(buf *b, const char *fr, const char *ar, json_t *v)
{
	char t[32] = "";
	if (json_is_integer(v))
		clock_format_legal((int64_t)json_integer_value(v), t);
	return row(b, fr, ar, t);
}

static sj_err head(buf *b, const char *title)
{
	sj_err e = buf_adds(b, "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
			       "<link rel=\"stylesheet\" href=\"/print.css\"><title>");
	e = e ? e : esc(b, title);
	return e ? e : buf_adds(b, "</title></head>\n<body class=\"print\">\n"
				   "<header><div class=\"fr\" lang=\"fr\">Royaume du Maroc<br>Direction Générale de la "
				   "Sûreté Nationale</div><div class=\"ar\" lang=\"ar\" dir=\"rtl\">المملكة المغربية<br>"
				   "المديرية العامة للأمن الوطني</div></header>\n");
}

static const char *type_fr(const char *t)
{
	static const char *const m[][3] = {
		{"hearing_complainant", "Audition du plaignant", "محضر الاستماع إلى المشتكي"},
		{"hearing_victim", "Audition de la victime", "محضر الاستماع إلى الضحية"},
		{"hearing_suspect", "Audition du suspect", "محضر الاستماع إلى المشتبه فيه"},
		{"hearing_witness", "Audition du témoin", "محضر الاستماع إلى الشاهد"},
		{"confrontation", "Confrontation", "محضر المواجهة"},
		{"search", "Perquisition", "محضر التفتيش"},
		{"seizure", "Saisie", "محضر الحجز"},
		{"arrest_custody", "Interpellation et garde à vue", "محضر الإيقاف والوضع تحت الحراسة النظرية"},
		{"transmission", "Transmission", "محضر الإحالة"},
	};
	for (size_t i = 0; t && i < sizeof m / sizeof m[0]; i++)
		if (strcmp(m[i][0], t) == 0)
			return m[i][1];
	return t ? t : "";
}

static const char *type_ar(const char *t)
{
	static const char *const m[][2] = {
		{"hearing_complainant", "محضر الاستماع إلى المشتكي"},
		{"hearing_victim", "محضر الاستماع إلى الضحية"},
		{"hearing_suspect", "محضر الاستماع إلى المشتبه فيه"},
		{"hearing_witness", "محضر الاستماع إلى الشاهد"},
		{"confrontation", "محضر المواجهة"},
		{"search", "محضر التفتيش"},
		{"seizure", "محضر الحجز"},
		{"arrest_custody", "محضر الإيقاف والوضع تحت الحراسة النظرية"},
		{"transmission", "محضر الإحالة"},
	};
	for (size_t i = 0; t && i < sizeof m / sizeof m[0]; i++)
		if (strcmp(m[i][0], t) == 0)
			return m[i][1];
	return t ? t : "";
}

static sj_err person_rows(buf *b, json_t *p)
{
	if (!json_is_object(p))
		return row(b, "Personne", "الشخص", NULL);
	char lat[512], ar[512];
	snprintf(lat, sizeof lat, "%s %s", jstr(p, "last_name_lat") ? jstr(p, "last_name_lat") : "",
		 jstr(p, "first_name_lat") ? jstr(p, "first_name_lat") : "");
	snprintf(ar, sizeof ar, "%s %s", jstr(p, "first_name_ar") ? jstr(p, "first_name_ar") : "",
		 jstr(p, "last_name_ar") ? jstr(p, "last_name_ar") : "");
	sj_err e = row(b, "Nom et prénom", "الاسم الكامل (لاتيني)", lat);
	e = e ? e : row(b, "Nom (arabe)", "الاسم الكامل", ar);
	e = e ? e : row(b, "CIN", "رقم البطاقة الوطنية", jstr(p, "cin"));
	e = e ? e : row(b, "Père", "اسم الأب", jstr(p, "father_name"));
	e = e ? e : row(b, "Mère", "اسم الأم", jstr(p, "mother_name"));
	e = e ? e : row(b, "Né(e) le", "تاريخ الازدياد", jstr(p, "birth_date"));
	e = e ? e : row(b, "À", "مكان الازدياد", jstr(p, "birth_place"));
	e = e ? e : row(b, "Nationalité", "الجنسية", jstr(p, "nationality"));
	e = e ? e : row(b, "Adresse", "العنوان", jstr(p, "address"));
	return e;
}

/* broken_seal marks a document whose seal does not verify (issue 10). */
static sj_err broken_seal(buf *b)
{
	return buf_adds(b, "<p class=\"draft broken\"><span lang=\"fr\">SCELLÉ ROMPU — le contenu ne correspond pas au"
			   " sceau, sans valeur</span> · <span lang=\"ar\" dir=\"rtl\">الختم مكسور — المحتوى لا يطابق"
			   " الختم</span></p>\n");
}

sj_err print_pv_html(json_t *pv, buf *b)
{
	bool sealed = strcmp(jstr(pv, "status") ? jstr(pv, "status") : "", "sealed") == 0;
	json_t *ct = sealed ? json_object_get(pv, "content") : NULL;
	json_t *body = json_object_get(pv, "body");
	const char *type = jstr(pv, "type");
	sj_err e = head(b, jstr(pv, "number"));
	if (!e && !sealed)
		e = buf_adds(b, "<p class=\"draft\"><span lang=\"fr\">PROJET — non scellé, sans valeur</span> · "
				"<span lang=\"ar\" dir=\"rtl\">مسودة — غير مختومة</span></p>\n");
	if (!e && sealed && !json_is_true(json_object_get(json_object_get(pv, "seal"), "verified")))
		e = broken_seal(b);
	e = e ? e : buf_adds(b, "<h1><span class=\"fr\" lang=\"fr\">Procès-verbal : ");
	e = e ? e : esc(b, type_fr(type));
	e = e ? e : buf_adds(b, "</span><span class=\"ar\" lang=\"ar\" dir=\"rtl\">");
	e = e ? e : esc(b, type_ar(type));
	e = e ? e : buf_adds(b, "</span></h1>\n<table class=\"fields\">\n");
	e = e ? e : row(b, "N° du PV", "رقم المحضر", jstr(pv, "number"));
	if (!e && ct)
		e = row(b, "Affaire", "القضية", jstr(json_object_get(ct, "case"), "number"));
	e = e ? e : row(b, "Cadre", "الإطار", jstr(pv, "frame"));
	e = e ? e : row_time(b, "Date et heure de l'acte", "تاريخ وساعة الإجراء", json_object_get(pv, "act_at"));
	e = e ? e : row(b, "Lieu", "المكان", jstr(pv, "place"));
	e = e ? e : row(b, "Rédacteur", "محرر المحضر", jstr(pv, "drafter_name"));
	e = e ? e : row(b, "Grade", "الرتبة", jstr(pv, "drafter_rank"));
	e = e ? e : row(b, "Unité", "المصلحة", jstr(pv, "drafter_unit"));
	if (!e && ct)
		e = person_rows(b, json_object_get(ct, "person"));
	json_t *k = ct ? json_object_get(ct, "custody") : NULL;
	if (!e && json_is_object(k)) {
		e = row(b, "Régime de garde à vue", "نظام الحراسة النظرية", jstr(k, "regime"));
		e = e ? e : row(b, "Motif légal", "السند القانوني", jstr(k, "ground"));
		e = e ? e : row_time(b, "Heure d'interpellation", "ساعة الإيقاف", json_object_get(k, "arrested_at"));
		e = e ? e : row_time(b, "Famille avisée à", "إشعار العائلة", json_object_get(k, "family_informed_at"));
		e = e ? e : row_time(b, "Avocat contacté à", "الاتصال بالمحامي", json_object_get(k, "lawyer_contacted_at"));
		e = e ? e : row_time(b, "Fin (libération / présentation)", "نهاية الحراسة (إطلاق سراح / تقديم)",
				     json_object_get(k, "ended_at"));
		e = e ? e : row(b, "Issue", "المآل", jstr(k, "end_kind"));
	}
	e = e ? e : buf_adds(b, "</table>\n<section class=\"statements\"><h2><span lang=\"fr\">Déclarations</span> · "
				"<span lang=\"ar\" dir=\"rtl\">التصريحات</span></h2>\n<div dir=\"auto\" class=\"text\">");
	e = e ? e : esc(b, jstr(body, "statements"));
	e = e ? e : buf_adds(b, "</div></section>\n<table class=\"fields\">\n");
	e = e ? e : row(b, "Lecture faite", "تليت عليه تصريحاته",
			json_is_true(json_object_get(body, "read_back")) ? "oui / نعم" : "non / لا");
	e = e ? e : row(b, "Signature", "التوقيع", jstr(body, "signature"));
	e = e ? e : row(b, "Motif du refus", "سبب الرفض", jstr(body, "refusal_reason"));
	e = e ? e : row(b, "Rectifie le PV", "يصحح المحضر", jstr(pv, "corrects"));
	e = e ? e : buf_adds(b, "</table>\n");
	if (!e && sealed) {
		json_t *seal = json_object_get(pv, "seal");
		e = buf_adds(b, "<footer class=\"seal\"><table class=\"fields\">\n");
		e = e ? e : row(b, "Scellé par (OPJ)", "ختم من طرف ضابط الشرطة القضائية", jstr(pv, "sealed_by"));
		e = e ? e : row_time(b, "Scellé le", "تاريخ الختم", json_object_get(pv, "sealed_at"));
		e = e ? e : row(b, "Empreinte BLAKE2b", "البصمة الرقمية", jstr(seal, "hash"));
		e = e ? e : row(b, "Clé de signature", "مفتاح التوقيع", jstr(seal, "key_id"));
		e = e ? e : row(b, "Signature vérifiée", "التوقيع صحيح",
				json_is_true(json_object_get(seal, "verified")) ? "oui / نعم" : "NON / لا");
		e = e ? e : buf_adds(b, "</table></footer>\n");
	}
	return e ? e : buf_adds(b, "</body></html>\n");
}

sj_err print_bundle_html(json_t *ref, buf *b)
{
	json_t *bundle = json_object_get(ref, "bundle"), *kase = json_object_get(bundle, "case"),
	       *office = json_object_get(bundle, "office");
	sj_err e = head(b, jstr(ref, "transmission_no"));
	if (!e && !json_is_true(json_object_get(json_object_get(ref, "seal"), "verified")))
		e = broken_seal(b);
	e = e ? e : buf_adds(b, "<h1><span class=\"fr\" lang=\"fr\">Bordereau de transmission au parquet</span>"
				"<span class=\"ar\" lang=\"ar\" dir=\"rtl\">جدول إرسال إلى النيابة العامة</span></h1>\n"
				"<table class=\"fields\">\n");
	e = e ? e : row(b, "N° de transmission", "رقم الإرسال", jstr(ref, "transmission_no"));
	e = e ? e : row_time(b, "Envoyé le", "تاريخ الإرسال", json_object_get(ref, "sent_at"));
	e = e ? e : row(b, "Parquet", "النيابة العامة", jstr(office, "name_fr"));
	e = e ? e : row(b, "Parquet (ar)", "النيابة العامة", jstr(office, "name_ar"));
	e = e ? e : row(b, "Motif de dérogation", "سبب تغيير الاختصاص", jstr(ref, "override_reason"));
	e = e ? e : row(b, "Affaire", "القضية", jstr(kase, "number"));
	e = e ? e : row(b, "Qualification", "التكييف", jstr(kase, "class"));
	e = e ? e : row(b, "Cadre", "الإطار", jstr(kase, "frame"));
	e = e ? e : row(b, "Résumé", "ملخص", jstr(kase, "summary"));
	e = e ? e : row(b, "Empreinte du dossier", "البصمة الرقمية للملف", jstr(ref, "bundle_hash"));
	e = e ? e : buf_adds(b, "</table>\n<h2><span lang=\"fr\">Infractions</span> · <span lang=\"ar\" dir=\"rtl\">"
				"الأفعال الجرمية</span></h2>\n<ul>\n");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(kase, "offences"), i, o) {
		e = e ? e : buf_adds(b, "<li>");
		e = e ? e : esc(b, jstr(o, "code"));
		e = e ? e : buf_adds(b, " — ");
		e = e ? e : esc(b, jstr(o, "label_fr"));
		e = e ? e : buf_adds(b, " · <span lang=\"ar\" dir=\"rtl\">");
		e = e ? e : esc(b, jstr(o, "label_ar"));
		e = e ? e : buf_adds(b, json_is_true(json_object_get(o, "attempted")) ? "</span> (tentative / محاولة)</li>\n"
										     : "</span></li>\n");
	}
	e = e ? e : buf_adds(b, "</ul>\n<h2><span lang=\"fr\">Personnes</span> · <span lang=\"ar\" dir=\"rtl\">"
				"الأشخاص</span></h2>\n<table class=\"list\"><tr><th>Rôle / الصفة</th><th>CIN</th>"
				"<th>Nom / الاسم</th></tr>\n");
	json_array_foreach(json_object_get(bundle, "persons"), i, o) {
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : esc(b, jstr(o, "role"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, jstr(o, "cin"));
		e = e ? e : buf_adds(b, "</td><td dir=\"auto\">");
		e = e ? e : esc(b, jstr(o, "last_name_lat"));
		e = e ? e : buf_adds(b, " ");
		e = e ? e : esc(b, jstr(o, "first_name_lat"));
		e = e ? e : buf_adds(b, " / ");
		e = e ? e : esc(b, jstr(o, "first_name_ar"));
		e = e ? e : buf_adds(b, " ");
		e = e ? e : esc(b, jstr(o, "last_name_ar"));
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	e = e ? e : buf_adds(b, "</table>\n<h2><span lang=\"fr\">Procès-verbaux scellés</span> · <span lang=\"ar\" "
				"dir=\"rtl\">المحاضر</span></h2>\n<table class=\"list\"><tr><th>N°</th><th>Type / "
				"النوع</th><th>Scellé / الختم</th><th>BLAKE2b</th></tr>\n");
	json_array_foreach(json_object_get(bundle, "pvs"), i, o) {
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : esc(b, jstr(o, "number"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, type_fr(jstr(o, "type")));
		e = e ? e : buf_adds(b, " · <span lang=\"ar\" dir=\"rtl\">");
		e = e ? e : esc(b, type_ar(jstr(o, "type")));
		e = e ? e : buf_adds(b, "</span></td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "sealed_at"));
		e = e ? e : buf_adds(b, "</td><td class=\"hash\">");
		e = e ? e : esc(b, jstr(o, "hash"));
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	e = e ? e : buf_adds(b, "</table>\n<h2><span lang=\"fr\">Scellés et objets saisis</span> · <span lang=\"ar\" "
				"dir=\"rtl\">المحجوزات</span></h2>\n<table class=\"list\"><tr><th>Scellé / رقم "
				"الختم</th><th>Description / الوصف</th><th>Quantité / الكمية</th><th>Détenteur / "
				"الحائز</th></tr>\n");
	json_array_foreach(json_object_get(bundle, "seizures"), i, o) {
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : esc(b, jstr(o, "seal_no"));
		e = e ? e : buf_adds(b, "</td><td dir=\"auto\">");
		e = e ? e : esc(b, jstr(o, "description"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, jstr(o, "quantity"));
		e = e ? e : buf_adds(b, "</td><td dir=\"auto\">");
		e = e ? e : esc(b, jstr(o, "holder"));
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	e = e ? e : buf_adds(b, "</table>\n<h2><span lang=\"fr\">Gardes à vue</span> · <span lang=\"ar\" dir=\"rtl\">"
				"الحراسة النظرية</span></h2>\n<table class=\"list\"><tr><th>CIN</th><th>Début / "
				"البداية</th><th>Fin / النهاية</th><th>Issue / المآل</th></tr>\n");
	json_array_foreach(json_object_get(bundle, "custodies"), i, o) {
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : esc(b, jstr(o, "cin"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "started_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "ended_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, jstr(o, "end_kind"));
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	return e ? e : buf_adds(b, "</table>\n</body></html>\n");
}

sj_err print_daily_html(json_t *daily, buf *b)
{
	char title[160];
	char day[11] = "";
	if (json_is_integer(json_object_get(daily, "from")))
		clock_legal_date((int64_t)json_integer_value(json_object_get(daily, "from")), day);
	snprintf(title, sizeof title, "%s %s", jstr(daily, "unit") ? jstr(daily, "unit") : "", day);
	sj_err e = head(b, title);
	e = e ? e : buf_adds(b, "<h1><span class=\"fr\" lang=\"fr\">Liste quotidienne des personnes gardées à vue</span>"
				"<span class=\"ar\" lang=\"ar\" dir=\"rtl\">اللائحة اليومية للأشخاص الموضوعين تحت "
				"الحراسة النظرية</span></h1>\n<table class=\"fields\">\n");
	e = e ? e : row(b, "Unité", "المصلحة", jstr(daily, "unit_name_fr"));
	e = e ? e : row(b, "Unité (ar)", "المصلحة", jstr(daily, "unit_name_ar"));
	e = e ? e : row(b, "Jour", "اليوم", day);
	e = e ? e : buf_adds(b, "</table>\n<table class=\"list\"><tr><th>Affaire / القضية</th><th>CIN</th>"
				"<th>Nom / الاسم</th><th>Régime / النظام</th><th>Début / البداية</th>"
				"<th>Échéance / الأجل</th><th>Avocat : limite / المحامي : الأجل</th>"
				"<th>Avocat contacté / الاتصال بالمحامي</th><th>Famille avisée / إشعار الأسرة</th>"
				"<th>Fin / النهاية</th><th>Issue / المآل</th></tr>\n");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(daily, "held"), i, o) {
		e = e ? e : buf_adds(b, "<tr><td>");
		e = e ? e : esc(b, jstr(o, "case_number"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, jstr(o, "cin"));
		e = e ? e : buf_adds(b, "</td><td dir=\"auto\">");
		e = e ? e : esc(b, jstr(o, "last_name_lat"));
		e = e ? e : buf_adds(b, " ");
		e = e ? e : esc(b, jstr(o, "first_name_lat"));
		e = e ? e : buf_adds(b, " / ");
		e = e ? e : esc(b, jstr(o, "first_name_ar"));
		e = e ? e : buf_adds(b, " ");
		e = e ? e : esc(b, jstr(o, "last_name_ar"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, jstr(o, "regime"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "started_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "deadline_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		/* Lawyer contact (art 66, 80) and family informed: flagged, for the prosecutor. */
		e = e ? e : time_cell(b, json_object_get(o, "lawyer_deadline"));
		if (json_is_true(json_object_get(o, "lawyer_overdue")))
			e = e ? e : buf_adds(b, " <strong>DÉPASSÉ / متجاوز</strong>");
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "lawyer_contacted_at"));
		if (json_is_true(json_object_get(o, "lawyer_contacted_late")))
			e = e ? e : buf_adds(b, " <strong>TARDIF / متأخر</strong>");
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "family_informed_at"));
		if (json_is_true(json_object_get(o, "family_pending")))
			e = e ? e : buf_adds(b, " <strong>NON AVISÉE / لم تُشعر</strong>");
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : time_cell(b, json_object_get(o, "ended_at"));
		e = e ? e : buf_adds(b, "</td><td>");
		e = e ? e : esc(b, jstr(o, "end_kind"));
		e = e ? e : buf_adds(b, "</td></tr>\n");
	}
	return e ? e : buf_adds(b, "</table>\n</body></html>\n");
}
