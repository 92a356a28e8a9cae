/* pii.c — the personal-data check of an activity's texts before approval
 * (see comms.h, docs/internals/comms.md): CIN numbers and telephone numbers
 * in any text, and, when a case is linked, the full names of its persons and
 * any name of a minor among them, in either script.
 *
 * Nothing here parses identifiers or names itself: characters are classified
 * with utf8proc, candidates are handed to the text module (ident.h for CIN
 * and telephone numbers, namekey.h for names across scripts). What is found
 * is reported, never changed: the approver decides. */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "text/ident.h"
#include "text/namekey.h"

#define PII_WINDOW 4          /* words in a name, at most */
#define PII_CIN_MIN_DIGITS 4  /* in prose "A1" or "G20" is not a CIN: ask for 4 digits at least */
#define PII_PHONE_MAX_CPS 32  /* characters of a written telephone number */
#define PII_MAJORITY 18

typedef struct cp_at {
	size_t off;      /* byte offset of the code point */
	uint8_t len;     /* its bytes */
	uint8_t cls;     /* C_* below */
	int32_t cp;
} cp_at;

enum { C_OTHER = 0, C_LETTER, C_DIGIT, C_SPACE };

static int classify(int32_t cp)
{
	if (cp == 0x200C || cp == 0x200D)
		return C_LETTER; /* ZWNJ/ZWJ belong to the word they are in */
	utf8proc_category_t k = utf8proc_category(cp);
	if (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME)
		return C_LETTER;
	if (k == UTF8PROC_CATEGORY_ND)
		return C_DIGIT;
	if (k == UTF8PROC_CATEGORY_ZS || cp == '\t' || cp == '\n' || cp == '\r')
		return C_SPACE;
	return C_OTHER;
}

/* decode splits s into classified code points (*out malloc'd). */
static sj_err decode(const char *s, size_t n, cp_at **out, size_t *count)
{
	*out = malloc((n + 1) * sizeof **out);
	if (!*out)
		return SJ_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (l <= 0) {
			free(*out);
			*out = NULL;
			return SJ_EINVAL;
		}
		(*out)[k++] = (cp_at){i, (uint8_t)l, (uint8_t)classify(cp), cp};
		i += (size_t)l;
	}
	*count = k;
	return SJ_OK;
}

static size_t end_of(const cp_at *v, size_t i)
{
	return v[i].off + v[i].len;
}

static bool alnum_at(const cp_at *v, size_t n, size_t i)
{
	return i < n && (v[i].cls == C_LETTER || v[i].cls == C_DIGIT);
}

static bool ascii_letter(int32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

static bool ascii_capital(int32_t cp)
{
	return cp >= 'A' && cp <= 'Z';
}

/* add appends a match unless one with the same key is there. */
static sj_err add(json_t *matches, const char *kind, const char *field, const char *text, size_t tlen,
		  const char *canon, size_t clen, const char *reason)
{
	if (json_array_size(matches) >= COMMS_PII_MAX)
		return SJ_OK;
	crypto_generichash_state st;
	unsigned char h[8];
	char key[17];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)field, strlen(field) + 1);
	crypto_generichash_update(&st, (const unsigned char *)canon, clen);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(key, sizeof key, h, sizeof h);
	size_t i;
	json_t *m;
	json_array_foreach(matches, i, m) {
		if (strcmp(cj_str(m, "key"), key) == 0)
			return SJ_OK;
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s%,s:s}", "key", key, "kind", kind, "field", field, "text", text, tlen,
			      "reason", reason);
	return o && json_array_append_new(matches, o) == 0 ? SJ_OK : SJ_ENOMEM;
}

/* CIN numbers: 1-3 Latin capitals, an optional space, dash or dot, then
 * digits (ident_cin_normalize decides), standing as a word of their own.
 * Prose is full of "de 2019", "en 2023": a CIN is written in capitals, and
 * with a separator it needs five digits. */
static sj_err scan_cin(const char *s, const cp_at *v, size_t n, const char *field, json_t *matches)
{
	for (size_t i = 0; i < n; i++) {
		if (!ascii_capital(v[i].cp) || (i > 0 && alnum_at(v, n, i - 1)))
			continue;
		size_t j = i;
		while (j < n && ascii_capital(v[j].cp) && j - i < 4)
			j++;
		if (j - i > 3 || j >= n || ascii_letter(v[j].cp))
			continue;
		bool sep = false;
		if ((v[j].cp == ' ' || v[j].cp == '-' || v[j].cp == '.') && j + 1 < n && v[j + 1].cls == C_DIGIT) {
			j++;
			sep = true;
		}
		size_t d = j;
		while (d < n && v[d].cls == C_DIGIT)
			d++;
		if (d - j < (sep ? PII_CIN_MIN_DIGITS + 1 : PII_CIN_MIN_DIGITS) || alnum_at(v, n, d))
			continue;
		size_t from = v[i].off, len = end_of(v, d - 1) - from;
		char cand[IDENT_MAX_INPUT + 1], canon[IDENT_CIN_MAX + 1];
		if (len > IDENT_MAX_INPUT)
			continue;
		memcpy(cand, s + from, len);
		cand[len] = '\0';
		if (ident_cin_normalize(cand, canon) != SJ_OK)
			continue;
		sj_err e = add(matches, "cin", field, s + from, len, canon, strlen(canon), "cin");
		if (e)
			return e;
		i = d - 1;
	}
	return SJ_OK;
}

static bool phone_char(const cp_at *c)
{
	return c->cls == C_DIGIT || c->cp == ' ' || c->cp == '.' || c->cp == '-' || c->cp == '/' || c->cp == '(' ||
	       c->cp == ')' || c->cp == 0xA0;
}

/* Telephone numbers: a run of digits and the separators people write, from
 * a word boundary; the longest prefix ident_phone_normalize accepts. */
static sj_err scan_phone(const char *s, const cp_at *v, size_t n, const char *field, json_t *matches)
{
	for (size_t i = 0; i < n; i++) {
		if (!(v[i].cls == C_DIGIT || v[i].cp == '+') || (i > 0 && (alnum_at(v, n, i - 1) || v[i - 1].cp == '+')))
			continue;
		size_t best = 0;
		char canon[IDENT_PHONE_MAX + 1] = "", got[IDENT_PHONE_MAX + 1];
		for (size_t k = i + 1; k < n + 1 && k - i <= PII_PHONE_MAX_CPS; k++) {
			size_t last = k - 1;
			if (last > i && !phone_char(&v[last]))
				break;
			/* a candidate ends on a digit that no digit follows */
			if (v[last].cls != C_DIGIT || (k < n && v[k].cls == C_DIGIT))
				continue;
			if (alnum_at(v, n, k))
				continue;
			size_t from = v[i].off, len = end_of(v, last) - from;
			char cand[IDENT_MAX_INPUT + 1];
			if (len > IDENT_MAX_INPUT)
				break;
			memcpy(cand, s + from, len);
			cand[len] = '\0';
			if (ident_phone_normalize(cand, got) == SJ_OK) {
				best = k;
				memcpy(canon, got, sizeof canon);
			}
		}
		if (!best)
			continue;
		size_t from = v[i].off, len = end_of(v, best - 1) - from;
		sj_err e = add(matches, "phone", field, s + from, len, canon, strlen(canon), "phone");
		if (e)
			return e;
		i = best - 1;
	}
	return SJ_OK;
}

/* A person of the linked case, in one script. */
typedef struct pname {
	nk_name first, last;
	bool minor;
} pname;

static bool is_minor(const char *birth, const char *on)
{
	int by, bm, bd, oy, om, od;
	if (!birth || !on || sscanf(birth, "%4d-%2d-%2d", &by, &bm, &bd) != 3 ||
	    sscanf(on, "%4d-%2d-%2d", &oy, &om, &od) != 3)
		return false;
	int age = oy - by - ((om < bm || (om == bm && od < bd)) ? 1 : 0);
	return age >= 0 && age < PII_MAJORITY;
}

/* names_of reads the persons into up to 2 entries each (Arabic, Latin). */
static size_t names_of(json_t *persons, const char *on_date, pname *out, size_t max)
{
	size_t k = 0, i;
	json_t *p;
	json_array_foreach(persons, i, p) {
		static const char *const f[2][2] = {{"first_name_ar", "last_name_ar"}, {"first_name_lat", "last_name_lat"}};
		bool minor = is_minor(cj_str(p, "birth_date"), on_date);
		for (int s = 0; s < 2 && k < max; s++) {
			const char *fi = cj_str(p, f[s][0]), *la = cj_str(p, f[s][1]);
			if (!fi && !la)
				continue;
			pname *x = &out[k];
			memset(x, 0, sizeof *x);
			if ((fi && nk_parse(fi, &x->first) != SJ_OK) || (la && nk_parse(la, &x->last) != SJ_OK))
				continue;
			if (x->first.n + x->last.n == 0)
				continue;
			x->minor = minor;
			k++;
		}
	}
	return k;
}

typedef struct word {
	size_t from, to; /* bytes */
} word;

/* words_of: runs of letters (an apostrophe between letters stays inside). */
static size_t words_of(const cp_at *v, size_t n, word *w)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		if (v[i].cls != C_LETTER) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && (v[j].cls == C_LETTER || ((v[j].cp == '\'' || v[j].cp == 0x2019) && j + 1 < n &&
							   v[j + 1].cls == C_LETTER && j > i)))
			j++;
		w[k++] = (word){v[i].off, end_of(v, j - 1)};
		i = j;
	}
	return k;
}

static sj_err scan_names(const char *s, const cp_at *v, size_t n, const char *field, const pname *names,
			 size_t nnames, json_t *matches)
{
	word *w = malloc((n + 1) * sizeof *w);
	if (!w)
		return SJ_ENOMEM;
	size_t nw = words_of(v, n, w);
	bool any_minor = false;
	for (size_t p = 0; p < nnames; p++)
		any_minor = any_minor || names[p].minor;
	sj_err e = SJ_OK;
	for (size_t i = 0; i < nw && !e;) {
		size_t took = 0;
		for (size_t k = PII_WINDOW; k >= 1 && !took; k--) {
			if (i + k > nw || (k == 1 && !any_minor))
				continue;
			size_t from = w[i].from, len = w[i + k - 1].to - from;
			nk_name q;
			if (len > NK_MAX_INPUT || nk_parse_n(s + from, len, &q) != SJ_OK || q.n == 0)
				continue;
			for (size_t p = 0; p < nnames && !took; p++) {
				nk_match m;
				double sc = nk_name_score(&q, &names[p].first, &names[p].last, NULL, &m);
				if (sc < NK_MATCH_THRESHOLD || m.n_matched != m.n_query)
					continue;
				bool full = (m.parts & NK_PART_FIRST) && (m.parts & NK_PART_LAST);
				if (full || (names[p].minor && m.parts)) {
					e = add(matches, names[p].minor ? "minor_name" : "person_name", field, s + from, len,
						s + from, len, names[p].minor ? "minor" : "case_person");
					took = k;
				}
			}
		}
		i += took ? took : 1;
	}
	free(w);
	return e;
}

sj_err comms_pii_scan(json_t *texts, json_t *persons, const char *on_date, json_t *matches)
{
	size_t np = json_array_size(persons);
	pname *names = np ? malloc(2 * np * sizeof *names) : NULL;
	if (np && !names)
		return SJ_ENOMEM;
	size_t nnames = np ? names_of(persons, on_date, names, 2 * np) : 0;
	const char *field;
	json_t *t;
	sj_err e = SJ_OK;
	json_object_foreach(texts, field, t) {
		const char *s = json_string_value(t);
		if (!s)
			continue;
		cp_at *v = NULL;
		size_t n = 0;
		e = decode(s, strlen(s), &v, &n);
		e = e ? e : scan_cin(s, v, n, field, matches);
		e = e ? e : scan_phone(s, v, n, field, matches);
		e = e ? e : (nnames ? scan_names(s, v, n, field, names, nnames, matches) : SJ_OK);
		free(v);
		if (e)
			break;
	}
	free(names);
	return e;
}
