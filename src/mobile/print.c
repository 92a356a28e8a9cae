/* print.c — the mobile unit's printed documents: a commune's schedule of a
 * tour (to post at the commune: days, places, hours, slots and how many are
 * booked — never a citizen's name) and the applicant's receipt with its QR
 * code; bilingual (French left, Arabic right), labels from the dictionaries,
 * as the desk prints (src/desk/print.c). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "db/dbj.h"
#include "desk/desk.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static sj_err both(buf *b, const char *key, const char *sep)
{
	sj_err e = buf_adds(b, "<span lang=\"fr\">");
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_FR, key));
	e = e ? e : buf_printf(b, "</span>%s<span lang=\"ar\" dir=\"rtl\">", sep);
	e = e ? e : desk_html_esc(b, desk_print_word(I18N_AR, key));
	return e ? e : buf_adds(b, "</span>");
}

/* slots writes the slots of stop s with how many are booked in each. */
static sj_err slots(db_conn *c, buf *b, const char *tour_id, json_t *s)
{
	static const char sql[] =
		"SELECT slot, COUNT(*) AS n FROM mob_bookings WHERE tour_id = ? AND stop_seq = ? GROUP BY slot";
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql, "slot:t,n:i", &rows, "ti", tour_id, json_integer_value(json_object_get(s, "seq")));
	if (e)
		return e;
	int oh = 0, om = 0, ch = 0, cm = 0;
	if (sscanf(js(s, "opens"), "%d:%d", &oh, &om) != 2 || sscanf(js(s, "closes"), "%d:%d", &ch, &cm) != 2) {
		json_decref(rows);
		return SJ_EINTERNAL;
	}
	int from = oh * 60 + om, to = ch * 60 + cm, len = (int)json_integer_value(json_object_get(s, "slot_minutes"));
	int64_t cap = json_integer_value(json_object_get(s, "per_slot"));
	e = buf_adds(b, "<table class=\"slots\"><tr><th>");
	e = e ? e : both(b, "mob.schedule.slot", " — ");
	e = e ? e : buf_adds(b, "</th><th>");
	e = e ? e : both(b, "mob.schedule.booked", " — ");
	e = e ? e : buf_adds(b, "</th></tr>\n");
	for (int t = from; !e && len > 0 && t + len <= to; t += len) {
		char hm[8];
		snprintf(hm, sizeof hm, "%02d:%02d", (t / 60) % 24, t % 60);
		int64_t n = 0;
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) if (strcmp(js(r, "slot"), hm) == 0) n =
			json_integer_value(json_object_get(r, "n"));
		e = buf_printf(b, "<tr><td>%s</td><td>%lld / %lld</td></tr>\n", hm, (long long)n, (long long)cap);
	}
	json_decref(rows);
	return e ? e : buf_adds(b, "</table>\n");
}

sj_err mob_schedule_html(db_conn *c, const sj_actor *a, const char *id, const char *commune, buf *b,
			 const char **why)
{
	json_t *t = NULL;
	sj_err e = mob_tour_read(c, a, id, &t, why);
	if (e)
		return e;
	e = desk_print_head(b, "mob.schedule.title", t, "print desk mobile");
	e = e ? e : desk_print_section(b, "mob.schedule.section");
	e = e ? e : desk_print_row(b, "mob_tour.code", js(t, "code"));
	e = e ? e : desk_print_row(b, "mob_tour.vehicle", js(t, "vehicle"));
	e = e ? e : desk_print_row(b, "mob_tour.starts_on", js(t, "starts_on"));
	e = e ? e : desk_print_row(b, "mob_tour.ends_on", js(t, "ends_on"));
	e = e ? e : buf_adds(b, "</table>\n");
	size_t i, shown = 0;
	json_t *s;
	json_array_foreach(json_object_get(t, "stops"), i, s) {
		if (e)
			break;
		if (commune && *commune && strcmp(commune, js(s, "commune")) != 0)
			continue;
		char name[600], hours[32];
		snprintf(name, sizeof name, "%s / %s", js(s, "commune_name_fr") ? js(s, "commune_name_fr") : js(s, "commune"),
			 js(s, "commune_name_ar") ? js(s, "commune_name_ar") : js(s, "commune"));
		snprintf(hours, sizeof hours, "%s – %s", js(s, "opens"), js(s, "closes"));
		e = desk_print_section(b, "mob.schedule.stop");
		e = e ? e : desk_print_row(b, "mob_stop.day", js(s, "day"));
		e = e ? e : desk_print_row(b, "mob_stop.commune", name);
		e = e ? e : desk_print_row(b, "mob_stop.place", js(s, "place"));
		e = e ? e : desk_print_row_enum(b, "mob_stop.place_kind", "mob_place_kind", js(s, "place_kind"));
		e = e ? e : desk_print_row(b, "mob.schedule.hours", hours);
		e = e ? e : buf_adds(b, "</table>\n");
		e = e ? e : slots(c, b, id, s);
		shown++;
	}
	if (!e && !shown) {
		e = buf_adds(b, "<p>");
		e = e ? e : both(b, "mob.schedule.none", " — ");
		e = e ? e : buf_adds(b, "</p>\n");
	}
	e = e ? e : buf_adds(b, "<p class=\"small\">");
	e = e ? e : both(b, "mob.schedule.bring", "<br>");
	e = e ? e : buf_adds(b, "</p>\n</body></html>\n");
	json_decref(t);
	return e;
}

sj_err mob_receipt_html(db_conn *c, const sj_actor *a, const char *id, const char *base_url, buf *b, const char **why)
{
	json_t *o = NULL;
	sj_err e = mob_enrolment_read(c, a, id, &o, why);
	if (e)
		return e;
	char lat[512], ar[512], url[1400], t[32] = "";
	snprintf(lat, sizeof lat, "%s %s", js(o, "last_name_lat"), js(o, "first_name_lat"));
	snprintf(ar, sizeof ar, "%s %s", js(o, "last_name_ar"), js(o, "first_name_ar"));
	clock_format_legal((int64_t)json_integer_value(json_object_get(o, "created_at")), t);
	char pub[DESK_NUMBER_MAX + 1];
	desk_public_number(js(o, "application_no"), pub);
	snprintf(url, sizeof url, "%s/cnie/%s?c=%s", base_url, pub, js(o, "verify_code"));
	e = desk_print_head(b, "mob.receipt.title", o, "print desk mobile");
	e = e ? e : desk_print_section(b, "mob.receipt.section");
	e = e ? e : desk_print_row(b, "mob_enrolment.application_no", js(o, "application_no"));
	e = e ? e : desk_print_row_enum(b, "mob_enrolment.request_type", "mob_request_type", js(o, "request_type"));
	e = e ? e : desk_print_row(b, "mob_enrolment.created_at", t);
	e = e ? e : desk_print_row(b, "mob_enrolment.last_name_lat", lat);
	e = e ? e : desk_print_row(b, "mob_enrolment.last_name_ar", ar);
	e = e ? e : desk_print_row(b, "mob_enrolment.birth_date", js(o, "birth_date"));
	e = e ? e : desk_print_row(b, "mob_enrolment.fee_ref", js(o, "fee_ref"));
	e = e ? e : desk_print_row(b, "mob_enrolment.verify_code", js(o, "verify_code"));
	e = e ? e : desk_print_row(b, "desk.verify_url", url);
	e = e ? e : buf_adds(b, "</table>\n<div class=\"qrbox\">");
	e = e ? e : desk_qr_svg(b, url);
	e = e ? e : buf_adds(b, "<p class=\"small\">");
	e = e ? e : both(b, "mob.receipt.hint", "<br>");
	e = e ? e : buf_adds(b, "</p></div>\n</body></html>\n");
	json_decref(o);
	return e;
}
