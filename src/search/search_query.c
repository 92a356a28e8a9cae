/* search_query.c — reading what an officer typed (engine.h, docs/internals/search.md):
 * names in any order, a father's name after ben/bint/ould, a CIN, a date or a year. */
#include "search/search.h"
#include "search/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/record.h"
#include "db/dbj.h"
#include "text/norm.h"

/* ------------------------------------------------------- what was typed */

/* valid_date: a real calendar date from 1850 (core/record.h's check) */
static bool valid_date(const char *s)
{
	return rec_date_ok(s) && atoi(s) >= 1850;
}

static void ukeys_add(ukeys *u, const char *k, bool skel)
{
	for (unsigned i = 0; i < u->n; i++)
		if (strcmp(u->k[i], k) == 0)
			return;
	if (u->n == UNIT_KEYS)
		return;
	snprintf(u->k[u->n], NK_KEY_MAX, "%s", k);
	u->skel[u->n++] = skel;
}

static void father_key_add(qinfo *qi, const char *k)
{
	for (unsigned i = 0; i < qi->nfk; i++)
		if (strcmp(qi->fk[i], k) == 0)
			return;
	if (qi->nfk < FATHER_KEYS)
		snprintf(qi->fk[qi->nfk++], NK_KEY_MAX, "%s", k);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static bool all_letters(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return n > 0;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n && i < 9; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* read_numbers finds in the normalised query a CIN typed inside it (BE
 * 123456, be123456), a date (12/03/1985, 1985-03-12, ١٢-٠٣-١٩٨٥) or a year
 * (1985), which the name parser ignores. */
static void read_numbers(qinfo *qi, const char *s)
{
	txt_span t[TXT_MAX_TOKENS];
	size_t n = txt_tokens(s, strlen(s), t, TXT_MAX_TOKENS);
	for (size_t i = 0; i < n; i++) {
		const char *w = s + t[i].off;
		size_t len = t[i].len;
		char tmp[32];
		if (!qi->cin[0] && len < sizeof tmp && !all_digits(w, len) && !all_letters(w, len)) {
			snprintf(tmp, sizeof tmp, "%.*s", (int)len, w);
			if (!cin_norm(tmp, qi->cin))
				qi->cin[0] = '\0';
		}
		if (!qi->cin[0] && i + 1 < n && all_letters(w, len) && len <= 2 &&
		    all_digits(s + t[i + 1].off, t[i + 1].len) && t[i + 1].len >= 3 && t[i + 1].len <= 6) {
			snprintf(tmp, sizeof tmp, "%.*s%.*s", (int)len, w, (int)t[i + 1].len, s + t[i + 1].off);
			if (!cin_norm(tmp, qi->cin))
				qi->cin[0] = '\0';
		}
		if (!qi->dob[0] && i + 2 < n && all_digits(w, len) && all_digits(s + t[i + 1].off, t[i + 1].len) &&
		    all_digits(s + t[i + 2].off, t[i + 2].len)) {
			const char *a = w, *b = s + t[i + 1].off, *c = s + t[i + 2].off;
			size_t la = len, lb = t[i + 1].len, lc = t[i + 2].len;
			char d[40] = "";
			if (lc == 4 && la <= 2 && lb <= 2)
				snprintf(d, sizeof d, "%04d-%02d-%02d", num(c, lc), num(b, lb), num(a, la));
			else if (la == 4 && lb <= 2 && lc <= 2)
				snprintf(d, sizeof d, "%04d-%02d-%02d", num(a, la), num(b, lb), num(c, lc));
			if (d[0] && valid_date(d)) {
				snprintf(qi->dob, sizeof qi->dob, "%.10s", d);
				i += 2;
				continue;
			}
		}
		if (!qi->year && len == 4 && all_digits(w, len)) {
			int y = num(w, len);
			if (y >= 1900 && y <= 2099)
				qi->year = y;
		}
	}
}

/* swap_day_month writes dob with day and month exchanged when that is
 * another valid date (03/12 typed for 12/03). */
static void swap_day_month(const char *dob, char out[11])
{
	out[0] = '\0';
	if (strlen(dob) != 10 || strncmp(dob + 5, dob + 8, 2) == 0)
		return;
	char d[11];
	snprintf(d, sizeof d, "%.4s-%.2s-%.2s", dob, dob + 8, dob + 5);
	if (valid_date(d))
		memcpy(out, d, sizeof d);
}

/* engine_read_query turns what the officer typed into a qinfo. SJ_EINVAL when q is
 * not valid UTF-8. */
sj_err engine_read_query(const srch_query *q, qinfo *qi)
{
	memset(qi, 0, sizeof *qi);
	qi->sex = q->sex;
	qi->place = empty(q->birth_place) ? NULL : q->birth_place;
	if (cin_norm(q->q, qi->cin))
		qi->cin_alone = true;
	sj_err e = nk_parse(q->q, &qi->all);
	if (e)
		return e;
	buf b;
	buf_init(&b, 4 * SRCH_MAX_QUERY + 16);
	e = txt_normalize(q->q, &b);
	if (!e && !qi->cin_alone)
		read_numbers(qi, buf_str(&b));
	buf_free(&b);
	if (e)
		return e;
	if (q->birth_date && valid_date(q->birth_date))
		snprintf(qi->dob, sizeof qi->dob, "%s", q->birth_date);
	if (qi->dob[0]) {
		qi->year = atoi(qi->dob);
		swap_day_month(qi->dob, qi->swapped);
	} else if (q->birth_year >= 1850 && q->birth_year <= 2100) {
		qi->year = q->birth_year;
	}
	/* "Mohamed ben Ahmed Alaoui": a separate ben/bint/ould before a given
	 * name, neither first nor last, is the father's name */
	int fu = -1;
	if (qi->all.n >= 3)
		for (unsigned i = 1; i + 1 < qi->all.n && fu < 0; i++)
			if (nk_is_filiation(&qi->all.u[i]))
				fu = (int)i;
	qi->name.n = 0;
	for (unsigned i = 0; i < qi->all.n; i++) {
		if ((int)i == fu)
			qi->fu = qi->all.u[i];
		else
			qi->name.u[qi->name.n++] = qi->all.u[i];
	}
	qi->father_in_q = fu >= 0;
	nk_keyset ks;
	if (qi->father_in_q) {
		nk_father_keys(&qi->fu, &ks);
		for (unsigned i = 0; i < ks.n; i++)
			father_key_add(qi, ks.k[i].s);
	}
	if (!empty(q->father) && nk_parse(q->father, &qi->father) == SJ_OK && qi->father.n > 0) {
		nk_name_keys(&qi->father, &ks);
		int unit = -1;
		for (unsigned i = 0; i < qi->father.n && unit < 0; i++)
			if (!qi->father.u[i].honorific)
				unit = (int)i;
		for (unsigned i = 0; i < ks.n; i++)
			if (pairable(&ks.k[i]) && ks.k[i].unit == unit)
				father_key_add(qi, ks.k[i].s);
	} else {
		qi->father.n = 0;
	}
	/* look-up keys of each name part (honorifics give none); from the unit
	 * itself: nk_name_keys gives a key once, and "Leila El Alaoui" is l and l */
	for (unsigned i = 0; i < qi->name.n; i++) {
		const nk_unit *u = &qi->name.u[i];
		if (u->honorific || !u->skel[0])
			continue;
		ukeys *uk = &qi->uk[qi->m++];
		ukeys_add(uk, u->skel, true);
		if (u->body_skel[0])
			ukeys_add(uk, u->body_skel, false);
		if (u->alt_skel[0])
			ukeys_add(uk, u->alt_skel, false);
	}
	return SJ_OK;
}
