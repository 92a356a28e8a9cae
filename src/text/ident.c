/* ident.c — see ident.h. Every function first folds its input with norm.c
 * (NFKC: fullwidth and Arabic-Indic digits become ASCII, case is folded,
 * هـ loses its tatweel, أ إ آ become ا; every separator becomes one space),
 * then reads the folded code points. */
#include "text/ident.h"

#include <stdbool.h>
#include <string.h>

#include "text/norm.h"

/* Enough for IDENT_MAX_INPUT bytes: folding never makes a code point of
 * these inputs longer than a few, and anything longer is refused. */
#define FOLD_CAP (2 * IDENT_MAX_INPUT)

typedef struct folded {
	int32_t c[FOLD_CAP];
	size_t n;
} folded;

static sj_err fold(const char *in, folded *f)
{
	f->n = 0;
	size_t len = strlen(in);
	if (len > IDENT_MAX_INPUT)
		return SJ_ELIMIT;
	txt_fold_it it;
	txt_fold_init(&it, in, len, 0);
	int32_t cp;
	int r;
	while ((r = txt_fold_next(&it, &cp)) == 1) {
		if (f->n >= FOLD_CAP)
			return SJ_ELIMIT;
		f->c[f->n++] = cp;
	}
	return r < 0 ? SJ_EINVAL : SJ_OK;
}

static bool is_digit(int32_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(int32_t c)
{
	return c >= 'a' && c <= 'z';
}

/* Squeeze out the spaces and upper-case; SJ_EINVAL if anything but ASCII
 * letters and digits remains or if it does not fit in cap - 1 bytes. */
static sj_err squeeze(const folded *f, char *out, size_t cap, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		int32_t c = f->c[i];
		if (c == ' ')
			continue;
		if (!is_digit(c) && !is_lower(c))
			return SJ_EINVAL;
		if (k + 1 >= cap)
			return SJ_EINVAL;
		out[k++] = is_lower(c) ? (char)(c - 32) : (char)c;
	}
	out[k] = '\0';
	*n = k;
	return SJ_OK;
}

sj_err ident_cin_normalize(const char *in, char out[IDENT_CIN_MAX + 1])
{
	out[0] = '\0';
	folded f;
	sj_err e = fold(in, &f);
	if (e)
		return e;
	char s[IDENT_CIN_MAX + 1];
	size_t n;
	if (squeeze(&f, s, sizeof s, &n))
		return SJ_EINVAL;
	size_t letters = 0;
	while (letters < n && s[letters] >= 'A' && s[letters] <= 'Z')
		letters++;
	size_t digits = n - letters;
	if (letters < 1 || letters > 3 || digits < 1 || digits > 6)
		return SJ_EINVAL;
	for (size_t i = letters; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return SJ_EINVAL;
	memcpy(out, s, n + 1);
	return SJ_OK;
}

sj_err ident_passport_normalize(const char *in, char out[IDENT_PASSPORT_MAX + 1])
{
	out[0] = '\0';
	folded f;
	sj_err e = fold(in, &f);
	if (e)
		return e;
	char s[IDENT_PASSPORT_MAX + 1];
	size_t n;
	if (squeeze(&f, s, sizeof s, &n) || n < 6)
		return SJ_EINVAL;
	memcpy(out, s, n + 1);
	return SJ_OK;
}

sj_err ident_vin_normalize(const char *in, char out[IDENT_VIN_LEN + 1])
{
	out[0] = '\0';
	folded f;
	sj_err e = fold(in, &f);
	if (e)
		return e;
	char s[IDENT_VIN_LEN + 1];
	size_t n;
	if (squeeze(&f, s, sizeof s, &n) || n != IDENT_VIN_LEN)
		return SJ_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == 'I' || s[i] == 'O' || s[i] == 'Q') /* ISO 3779 §5 */
			return SJ_EINVAL;
	memcpy(out, s, n + 1);
	return SJ_OK;
}

/* The Luhn sum (ISO/IEC 7812-1 annex B) of 15 digits: every second digit
 * from the right doubled, digits of the products added; valid when the total
 * is a multiple of 10. */
static bool luhn_ok(const char *d, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

sj_err ident_imei_normalize(const char *in, char out[IDENT_IMEI_LEN + 1])
{
	out[0] = '\0';
	folded f;
	sj_err e = fold(in, &f);
	if (e)
		return e;
	char s[IDENT_IMEI_LEN + 2];
	size_t n;
	if (squeeze(&f, s, sizeof s, &n) || n != IDENT_IMEI_LEN)
		return SJ_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return SJ_EINVAL;
	if (!luhn_ok(s, n))
		return SJ_EINVAL;
	memcpy(out, s, n + 1);
	return SJ_OK;
}

sj_err ident_phone_normalize(const char *in, char out[IDENT_PHONE_MAX + 1])
{
	out[0] = '\0';
	folded f;
	sj_err e = fold(in, &f);
	if (e)
		return e;
	/* "+", "(", ")" were separators; only digits may remain */
	char d[FOLD_CAP + 1];
	size_t n = 0;
	for (size_t i = 0; i < f.n; i++) {
		if (f.c[i] == ' ')
			continue;
		if (!is_digit(f.c[i]))
			return SJ_EINVAL;
		d[n++] = (char)f.c[i];
	}
	d[n] = '\0';
	const char *p = d;
	if (n >= 5 && memcmp(p, "00212", 5) == 0) {
		p += 5;
	} else if (n >= 12 && memcmp(p, "212", 3) == 0) {
		p += 3;
	} else if (n == 10 && p[0] == '0') {
		p += 1;
	} else {
		return SJ_EINVAL;
	}
	size_t rest = n - (size_t)(p - d);
	if (p != d + 1 && rest == 10 && p[0] == '0') { /* +212 (0)6… */
		p++;
		rest--;
	}
	/* Moroccan numbering plan (ANRT): 9 digits, 5 fixed, 6 and 7 mobile */
	if (rest != 9 || (p[0] != '5' && p[0] != '6' && p[0] != '7'))
		return SJ_EINVAL;
	memcpy(out, "+212", 4);
	memcpy(out + 4, p, 10); /* 9 digits and the NUL */
	return SJ_OK;
}

/* ---------------------------------------------------------------- plates */

/* The series letters of standard plates (arrêté n° 2711-10 of 2010 on
 * vehicle registration; art. 28 requires the Latin equivalents on plates
 * used abroad). Series reached so far: أ ب د هـ و ط ي; ج marks local
 * authorities. Extend this table as new series open. */
static char plate_letter_ar(int32_t c)
{
	switch (c) {
	case 0x0627: return 'A'; /* ا (أ after folding) */
	case 0x0628: return 'B'; /* ب */
	case 0x062F: return 'D'; /* د */
	case 0x0647: return 'H'; /* ه (هـ, and ة folded) */
	case 0x0648: return 'W'; /* و */
	case 0x0637: return 'T'; /* ط */
	case 0x064A: return 'Y'; /* ي (ى folded) */
	case 0x062C: return 'J'; /* ج */
	default: return 0;
	}
}

static char plate_letter_lat(int32_t c)
{
	switch (c) {
	case 'a': return 'A';
	case 'b': return 'B';
	case 'd': return 'D';
	case 'h': return 'H';
	case 'w': case 'e': case 'o': return 'W'; /* و: sources print W, E or O */
	case 't': return 'T';
	case 'y': return 'Y';
	case 'j': return 'J';
	case 'm': return 'M';
	default: return 0;
	}
}

enum { G_DIGITS, G_LATIN, G_ARABIC };

#define MAX_GROUPS 4
#define GROUP_CAP  8 /* longer runs are no plate part */

typedef struct group {
	int type;
	size_t len;
	int32_t c[GROUP_CAP];
} group;

static int kind_of(int32_t c)
{
	if (is_digit(c))
		return G_DIGITS;
	if (is_lower(c))
		return G_LATIN;
	if (c >= 0x0600 && c <= 0x06FF)
		return G_ARABIC;
	return -1;
}

/* Cut the folded plate into runs of digits, Latin letters and Arabic letters;
 * a space or a change of kind ends a run, except that letter runs of one
 * script separated by spaces only join ("W W" is WW). Returns the count, or
 * -1 for anything else. */
static int plate_groups(const folded *f, group *g)
{
	int ng = 0;
	bool space = false;
	for (size_t i = 0; i < f->n; i++) {
		int32_t c = f->c[i];
		if (c == ' ') {
			space = true;
			continue;
		}
		int t = kind_of(c);
		if (t < 0)
			return -1;
		bool extend = ng > 0 && g[ng - 1].type == t && (!space || t != G_DIGITS);
		space = false;
		if (!extend) {
			if (ng >= MAX_GROUPS)
				return -1;
			g[ng].type = t;
			g[ng].len = 0;
			ng++;
		}
		group *cur = &g[ng - 1];
		if (cur->len >= GROUP_CAP)
			return -1;
		cur->c[cur->len++] = c;
	}
	return ng;
}

/* Digits of a group as a number without leading zeros; SJ_EINVAL when the
 * count of significant digits is outside 1..maxd or the value is 0. */
static sj_err plate_number(const group *g, size_t maxd, char *dst, size_t *dn)
{
	size_t i = 0;
	while (i < g->len && g->c[i] == '0')
		i++;
	if (i == g->len || g->len - i > maxd)
		return SJ_EINVAL;
	size_t k = 0;
	for (; i < g->len; i++)
		dst[k++] = (char)g->c[i];
	*dn = k;
	return SJ_OK;
}

/* The series letter of a one-letter group, or M for المغرب; 0 if none. */
static char plate_series(const group *g)
{
	if (g->type == G_LATIN && g->len == 1)
		return plate_letter_lat(g->c[0]);
	if (g->type == G_ARABIC && g->len == 1)
		return plate_letter_ar(g->c[0]);
	if (g->type == G_ARABIC && g->len == 6) {
		static const int32_t maghrib[6] = {0x0627, 0x0644, 0x0645, 0x063A, 0x0631, 0x0628};
		if (memcmp(g->c, maghrib, sizeof maghrib) == 0)
			return 'M';
	}
	return 0;
}

static bool is_ww(const group *g)
{
	return g->type == G_LATIN && g->len == 2 && g->c[0] == 'w' && g->c[1] == 'w';
}

sj_err ident_plate_normalize(const char *in, char out[IDENT_PLATE_MAX + 1], ident_plate_kind *kind)
{
	out[0] = '\0';
	folded f;
	sj_err e = fold(in, &f);
	if (e)
		return e;
	group g[MAX_GROUPS];
	int ng = plate_groups(&f, g);
	char a[8], b[8];
	size_t an, bn;
	ident_plate_kind k;
	if (ng == 3 && g[0].type == G_DIGITS && g[2].type == G_DIGITS && g[1].type != G_DIGITS) {
		char L = plate_series(&g[1]);
		if (!L || L == 'M')
			return SJ_EINVAL;
		group *serial = &g[0], *pref = &g[2];
		/* copied out of right-to-left text: prefecture first */
		if (g[0].len <= 2 && g[2].len >= 3) {
			serial = &g[2];
			pref = &g[0];
		}
		if (plate_number(serial, 5, a, &an) || plate_number(pref, 2, b, &bn))
			return SJ_EINVAL;
		memcpy(out, a, an);
		out[an] = '-';
		out[an + 1] = L;
		out[an + 2] = '-';
		memcpy(out + an + 3, b, bn);
		out[an + 3 + bn] = '\0';
		k = IDENT_PLATE_STANDARD;
	} else if (ng == 2 && (is_ww(&g[0]) || is_ww(&g[1]))) {
		group *num = is_ww(&g[0]) ? &g[1] : &g[0];
		if (num->type != G_DIGITS || plate_number(num, 6, a, &an))
			return SJ_EINVAL;
		memcpy(out, "WW-", 3);
		memcpy(out + 3, a, an);
		out[3 + an] = '\0';
		k = IDENT_PLATE_WW;
	} else if (ng == 2 && (g[0].type == G_DIGITS) != (g[1].type == G_DIGITS)) {
		group *num = g[0].type == G_DIGITS ? &g[0] : &g[1];
		char L = plate_series(g[0].type == G_DIGITS ? &g[1] : &g[0]);
		if ((L != 'M' && L != 'J') || plate_number(num, 6, a, &an))
			return SJ_EINVAL;
		memcpy(out, a, an);
		out[an] = '-';
		out[an + 1] = L;
		out[an + 2] = '\0';
		k = IDENT_PLATE_STATE;
	} else if (ng == 3 && g[0].type == G_DIGITS && g[1].type == G_DIGITS && g[2].type == G_DIGITS) {
		char c[8];
		size_t cn;
		if (plate_number(&g[0], 4, a, &an) || plate_number(&g[1], 2, b, &bn) ||
		    plate_number(&g[2], 1, c, &cn))
			return SJ_EINVAL;
		size_t o = 0;
		memcpy(out + o, a, an);
		o += an;
		out[o++] = '-';
		memcpy(out + o, b, bn);
		o += bn;
		out[o++] = '-';
		out[o++] = c[0];
		out[o] = '\0';
		k = IDENT_PLATE_OLD;
	} else {
		return SJ_EINVAL;
	}
	if (kind)
		*kind = k;
	return SJ_OK;
}
