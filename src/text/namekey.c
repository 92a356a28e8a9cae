/* namekey.c — cross-script person-name keys and scores. See namekey.h and
 * docs/internals/text.md for the rules; the comments here say how.
 *
 * Pipeline for one string:
 *   1. fold (norm.c: NFKC, case fold, marks stripped, Arabic letters unified,
 *      ة and ى kept apart, apostrophes joined) and cut into words; Latin words
 *      become lower-case ASCII, Arabic words a one-byte-per-letter code
 *      (Buckwalter-like, table ar_code below);
 *   2. group words into units: particles (ben, ould, ait, bou), articles
 *      (el, al, l, ال, e + doubled sun letter), compounds (Abd al-X, X ad-Din,
 *      X Allah), separate or glued;
 *   3. give each unit a phonetic form (latin_form / arabic_form) in one shared
 *      alphabet, and from it the consonant skeletons that become keys.
 * Scoring is a weighted Levenshtein over the phonetic forms (sim_forms).
 */
#include "text/namekey.h"

#include <stdlib.h>
#include <string.h>

#include "text/norm.h"

/* ------------------------------------------------------------------ words */

typedef struct tok {
	uint8_t script;
	uint8_t len;
	char s[NK_TOKEN_MAX + 1];
} tok;

typedef struct toks {
	unsigned n;
	bool truncated;
	tok t[NK_MAX_TOKENS];
} toks;

/* ar_code gives the one-byte code of an Arabic letter (after folding: alef
 * forms are already ا, ؤ ئ already و ي), or 0 for anything else. The codes
 * follow Buckwalter's transliteration where it has one. */
static char ar_code(int32_t c)
{
	switch (c) {
	case 0x0621: return '\'';  /* ء */
	case 0x0627: return 'A';   /* ا */
	case 0x0628: return 'b';   /* ب */
	case 0x0629: return 'p';   /* ة */
	case 0x062A: return 't';   /* ت */
	case 0x062B: return 'v';   /* ث */
	case 0x062C: return 'j';   /* ج */
	case 0x062D: return 'H';   /* ح */
	case 0x062E: return 'x';   /* خ */
	case 0x062F: return 'd';   /* د */
	case 0x0630: return '*';   /* ذ */
	case 0x0631: return 'r';   /* ر */
	case 0x0632: return 'z';   /* ز */
	case 0x0633: return 's';   /* س */
	case 0x0634: return '$';   /* ش */
	case 0x0635: return 'S';   /* ص */
	case 0x0636: return 'D';   /* ض */
	case 0x0637: return 'T';   /* ط */
	case 0x0638: return 'Z';   /* ظ */
	case 0x0639: return 'E';   /* ع */
	case 0x063A: return 'g';   /* غ */
	case 0x0641: return 'f';   /* ف */
	case 0x0642: return 'q';   /* ق */
	case 0x0643: return 'k';   /* ك */
	case 0x0644: return 'l';   /* ل */
	case 0x0645: return 'm';   /* م */
	case 0x0646: return 'n';   /* ن */
	case 0x0647: return 'h';   /* ه */
	case 0x0648: return 'w';   /* و */
	case 0x0649: return 'Y';   /* ى */
	case 0x064A: return 'y';   /* ي */
	case 0x067E: return 'P';   /* پ */
	case 0x0686: return '$';   /* چ (ch) */
	case 0x0698: return 'z';   /* ژ */
	case 0x06A4: return 'V';   /* ڤ */
	case 0x06A8: case 0x06AB: case 0x06AD: case 0x06AF:
		return 'G';        /* ڨ ګ ڭ گ: the Maghrebi hard g */
	default: return 0;
	}
}

/* Latin letters that casefolding and mark stripping leave outside a-z. */
static const char *latin_extra(int32_t c)
{
	switch (c) {
	case 0x00E6: return "ae";  /* æ */
	case 0x0153: return "oe";  /* œ */
	case 0x00F8: return "o";   /* ø */
	case 0x0142: return "l";   /* ł */
	case 0x0111: case 0x00F0: return "d"; /* đ ð */
	case 0x00FE: return "th";  /* þ */
	case 0x0131: return "i";   /* dotless ı */
	case 0x025B: return "3";   /* ɛ: ayn in Amazigh Latin orthography */
	case 0x0263: return "gh";  /* ɣ */
	case 0x1E25: return "h";   /* ḥ if a mark survived composition */
	default: return NULL;
	}
}

static sj_err tokenize(const char *in, size_t n, toks *ts)
{
	ts->n = 0;
	ts->truncated = false;
	txt_fold_it it;
	txt_fold_init(&it, in, n, TXT_FOLD_KEEP_TAA | TXT_FOLD_JOIN_APOS);
	tok *cur = NULL;
	int32_t cp;
	int r;
	while ((r = txt_fold_next(&it, &cp)) == 1) {
		if (cp == ' ') {
			cur = NULL;
			continue;
		}
		uint8_t sc;
		char one[2] = {0, 0};
		const char *add = one;
		if (cp >= 'a' && cp <= 'z') {
			sc = NK_SCRIPT_LATIN;
			one[0] = (char)cp;
		} else if (cp < 0x80) {
			continue; /* digits */
		} else if ((one[0] = ar_code(cp)) != 0) {
			sc = NK_SCRIPT_ARABIC;
		} else if ((add = latin_extra(cp)) != NULL) {
			sc = NK_SCRIPT_LATIN;
		} else {
			continue; /* other scripts are not read */
		}
		if (cur && cur->script != sc)
			cur = NULL;
		if (!cur) {
			if (ts->n >= NK_MAX_TOKENS) {
				ts->truncated = true;
				continue;
			}
			cur = &ts->t[ts->n++];
			cur->script = sc;
			cur->len = 0;
		}
		for (; *add; add++) {
			if (cur->len < NK_TOKEN_MAX)
				cur->s[cur->len++] = *add;
			else
				ts->truncated = true;
		}
		cur->s[cur->len] = '\0';
	}
	return r < 0 ? SJ_EINVAL : SJ_OK;
}

static bool tok_eq(const tok *t, uint8_t script, const char *w)
{
	return t->script == script && strcmp(t->s, w) == 0;
}

static bool tok_in(const tok *t, uint8_t script, const char *const *list)
{
	for (; *list; list++)
		if (tok_eq(t, script, *list))
			return true;
	return false;
}

static bool starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s, p, k) == 0;
}

static bool ends(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s + n - k, p, k) == 0;
}

/* Word lists. Latin words are folded (lower case, no accents). */
static const char *const LAT_ART[] = {"el", "al", "l", NULL};
static const char *const LAT_ABD[] = {"abd", "abdel", "abdal", "abdul", "abdoul",
	"abdol", "abdil", "abdelle", NULL};
static const char *const LAT_DIN[] = {"eddine", "edine", "eddin", "edin", "dine",
	"din", "ddine", "addine", "addin", "iddine", "uddin", "uddine", "oddine",
	"eddyne", NULL};
static const char *const LAT_ALLAH[] = {"allah", "ellah", "llah", "alla", "ella",
	"ullah", "oullah", NULL};
static const char *const LAT_HON[] = {"moulay", "moulaye", "mly", "sidi", "si",
	"lalla", "lala", "hadj", "haj", "hajj", "hajja", "hadja", NULL};
static const char *const AR_HON[] = {"mwlAy", "sydy", "llA", "lAlp", "AlHAj",
	"AlHAjp", NULL};

static const struct {
	const char *w;
	uint8_t script, pt;
} PARTICLES[] = {
	{"ben", NK_SCRIPT_LATIN, NK_PT_BEN}, {"bin", NK_SCRIPT_LATIN, NK_PT_BEN},
	{"ibn", NK_SCRIPT_LATIN, NK_PT_BEN}, {"ibnou", NK_SCRIPT_LATIN, NK_PT_BEN},
	{"ibnu", NK_SCRIPT_LATIN, NK_PT_BEN}, {"bnou", NK_SCRIPT_LATIN, NK_PT_BEN},
	{"bent", NK_SCRIPT_LATIN, NK_PT_BINT}, {"bint", NK_SCRIPT_LATIN, NK_PT_BINT},
	{"ould", NK_SCRIPT_LATIN, NK_PT_OULD}, {"ait", NK_SCRIPT_LATIN, NK_PT_AIT},
	{"ayt", NK_SCRIPT_LATIN, NK_PT_AIT}, {"bou", NK_SCRIPT_LATIN, NK_PT_BOU},
	{"abou", NK_SCRIPT_LATIN, NK_PT_BOU}, {"abu", NK_SCRIPT_LATIN, NK_PT_BOU},
	{"bn", NK_SCRIPT_ARABIC, NK_PT_BEN}, {"Abn", NK_SCRIPT_ARABIC, NK_PT_BEN},
	{"bnt", NK_SCRIPT_ARABIC, NK_PT_BINT}, {"wld", NK_SCRIPT_ARABIC, NK_PT_OULD},
	{"Ayt", NK_SCRIPT_ARABIC, NK_PT_AIT}, {"bw", NK_SCRIPT_ARABIC, NK_PT_BOU},
	{"Abw", NK_SCRIPT_ARABIC, NK_PT_BOU},
};

/* The canonical phonetic form of each particle (its skeleton is the key
 * prefix: ben → bn, bint → bnt, ould → wld, ait → t, bou → b). */
static const char *const PT_FORM[] = {"", "BN", "BNT", "WLD", "aIT", "BU"};

static uint8_t particle_word(const tok *t)
{
	for (size_t i = 0; i < sizeof PARTICLES / sizeof PARTICLES[0]; i++)
		if (tok_eq(t, PARTICLES[i].script, PARTICLES[i].w))
			return PARTICLES[i].pt;
	return NK_PT_NONE;
}

/* Sun letters as Latin spellings: t th d dh r z s sh ch n (l is handled as
 * the article itself). */
static bool is_sun(const char *c, size_t n)
{
	if (n == 1)
		return c[0] && strchr("tdrzsn", c[0]) != NULL;
	if (n == 2)
		return c[1] == 'h' && c[0] && strchr("tdsc", c[0]) != NULL;
	return false;
}

/* A separate assimilated article: "es" before "Salhi", "er" before "Rahmane",
 * "ech" before "Chaoui" (DESIGN.md "Text and names"). */
static bool lat_sun_article(const tok *t, const tok *next)
{
	if (!next || t->script != NK_SCRIPT_LATIN || next->script != NK_SCRIPT_LATIN)
		return false;
	if (t->len < 2 || t->len > 3 || (t->s[0] != 'e' && t->s[0] != 'a'))
		return false;
	size_t cl = (size_t)t->len - 1;
	return is_sun(t->s + 1, cl) && next->len > cl && memcmp(next->s, t->s + 1, cl) == 0;
}

static bool is_article_word(const tok *t, const tok *next)
{
	return tok_in(t, NK_SCRIPT_LATIN, LAT_ART) || tok_eq(t, NK_SCRIPT_ARABIC, "Al") ||
	       lat_sun_article(t, next);
}

static bool is_din_word(const tok *t)
{
	return tok_in(t, NK_SCRIPT_LATIN, LAT_DIN) || tok_eq(t, NK_SCRIPT_ARABIC, "Aldyn");
}

static bool is_allah_word(const tok *t)
{
	return tok_in(t, NK_SCRIPT_LATIN, LAT_ALLAH) || tok_eq(t, NK_SCRIPT_ARABIC, "Allh");
}

static bool is_abd_word(const tok *t)
{
	return tok_in(t, NK_SCRIPT_LATIN, LAT_ABD) || tok_eq(t, NK_SCRIPT_ARABIC, "Ebd");
}

static bool is_honorific(const tok *t)
{
	return tok_in(t, NK_SCRIPT_LATIN, LAT_HON) || tok_in(t, NK_SCRIPT_ARABIC, AR_HON);
}

/* Abbreviations and glued pairs that real records carry. */
static void tok_set(tok *t, const char *s)
{
	size_t n = strlen(s);
	if (n > NK_TOKEN_MAX)
		n = NK_TOKEN_MAX;
	memcpy(t->s, s, n);
	t->s[n] = '\0';
	t->len = (uint8_t)n;
}

static void rewrite_tokens(toks *ts)
{
	static const char *const abbr[][2] = {
		{"med", "mohamed"}, {"mohd", "mohamed"}, {"mhd", "mohamed"},
		{"mly", "moulay"},
	};
	/* forms of address, not names */
	static const char *const lat_title[] = {"mr", "mme", "mlle", "monsieur", "madame",
		"mademoiselle", NULL};
	static const char *const ar_title[] = {"Alsyd", "Alsydp", "AlAnsp", NULL};
	toks out;
	out.n = 0;
	out.truncated = ts->truncated;
	for (unsigned i = 0; i < ts->n; i++) {
		tok t = ts->t[i];
		if (tok_in(&t, NK_SCRIPT_LATIN, lat_title) || tok_in(&t, NK_SCRIPT_ARABIC, ar_title))
			continue;
		/* "Bel Haj", "Bel Kacem": bel (ben + al) is written glued in
		 * Arabic (بلحاج) and mostly in Latin (Belhaj): join it */
		if (tok_eq(&t, NK_SCRIPT_LATIN, "bel") && i + 1 < ts->n && ts->t[i + 1].script == NK_SCRIPT_LATIN &&
		    ts->t[i + 1].len + 3 <= NK_TOKEN_MAX) {
			char glued[NK_TOKEN_MAX + 1];
			memcpy(glued, "bel", 3);
			memcpy(glued + 3, ts->t[i + 1].s, ts->t[i + 1].len + 1);
			tok_set(&t, glued);
			i++;
		}
		if (t.script == NK_SCRIPT_LATIN) {
			for (size_t a = 0; a < sizeof abbr / sizeof abbr[0]; a++)
				if (strcmp(t.s, abbr[a][0]) == 0)
					tok_set(&t, abbr[a][1]);
			/* Fatimazahra, Fatimezzahra, Fatimzohra → Fatima + Zahra */
			if (starts(t.s, t.len, "fatim") && t.len >= 9) {
				size_t k = 5;
				while (k < t.len && (t.s[k] == 'a' || t.s[k] == 'e'))
					k++;
				if (k < t.len && t.s[k] == 'z') {
					if (out.n < NK_MAX_TOKENS) {
						out.t[out.n] = t;
						tok_set(&out.t[out.n++], "fatima");
					}
					tok rest = t;
					tok_set(&rest, t.s + k);
					t = rest;
				}
			}
		}
		if (out.n < NK_MAX_TOKENS)
			out.t[out.n++] = t;
		else
			out.truncated = true;
	}
	*ts = out;
}

/* -------------------------------------------------------- phonetic forms */

/* A form under construction; identical neighbours collapse (Mohammed →
 * Mohamed, Hassan, عبد الله's doubled l), and what does not fit is dropped. */
typedef struct fw {
	char *s;
	size_t n, cap;
} fw;

static void fw_init(fw *w, char *s, size_t cap)
{
	w->s = s;
	w->n = 0;
	w->cap = cap;
	s[0] = '\0';
}

static void fw_put(fw *w, char c)
{
	if (w->n && w->s[w->n - 1] == c)
		return;
	if (w->n + 1 >= w->cap)
		return;
	w->s[w->n++] = c;
	w->s[w->n] = '\0';
}

static void fw_puts(fw *w, const char *s)
{
	for (; *s; s++)
		fw_put(w, *s);
}

static bool lat_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static bool lat_front(char c)
{
	return c == 'e' || c == 'i' || c == 'y';
}

/* latin_form reads a folded Latin word the way Maghrebi French-style
 * spellings are written (docs/internals/text.md, "Latin"). */
static void latin_form(const char *s, size_t n, fw *w)
{
	size_t i = 0;
	while (i < n) {
		char c = s[i];
		char c1 = i + 1 < n ? s[i + 1] : 0;
		char c2 = i + 2 < n ? s[i + 2] : 0;
		switch (c) {
		case 'a':
		case 'e':
			/* a final e after a consonant is silent (Hassane, Karime) */
			if (c == 'e' && i + 1 == n && n > 2 && !lat_vowel(s[i - 1])) {
				i++;
				break;
			}
			fw_put(w, c);
			/* ai/ei/ay/ey before a consonant or the end: a long i (ي)
			 * as in Said, Aicha, Hussein, Aymane */
			if ((c1 == 'i' || c1 == 'y') && !lat_vowel(c2)) {
				fw_put(w, 'I');
				i += 2;
			} else {
				i++;
			}
			break;
		case 'i':
			fw_put(w, 'i');
			i++;
			break;
		case 'o':
			if (c1 == 'u') {
				/* ou: و, a consonant before a vowel (Ouafae); at the
				 * start before a consonant either و (Oudghiri) or a
				 * vowel (Oumaima): 'w' keeps both readings */
				if (lat_vowel(c2) && c2 != 'u')
					fw_put(w, 'W');
				else
					fw_put(w, i == 0 && c2 ? 'w' : 'u');
				i += 2;
			} else {
				fw_put(w, 'u');
				i++;
			}
			break;
		case 'u':
			fw_put(w, 'u');
			i++;
			break;
		case 'y': /* ي: a consonant before a vowel (Yassine, Ayoub) */
			fw_put(w, lat_vowel(c1) ? 'Y' : 'i');
			i++;
			break;
		case 'w':
			fw_put(w, 'W');
			i++;
			break;
		case 'b':
			fw_put(w, 'B');
			i++;
			break;
		case 'p':
			fw_put(w, c1 == 'h' ? 'F' : 'B');
			i += c1 == 'h' ? 2 : 1;
			break;
		case 'c':
			if (c1 == 'h') {
				fw_put(w, 'C');
				i += 2;
			} else if (c1 == 'k') {
				fw_put(w, 'K');
				i += 2;
			} else {
				fw_put(w, lat_front(c1) ? 'S' : 'K');
				i++;
			}
			break;
		case 'd':
			fw_put(w, c1 == 'j' ? 'J' : 'D');
			i += (c1 == 'j' || c1 == 'h') ? 2 : 1;
			break;
		case 'f':
		case 'v':
			fw_put(w, 'F');
			i++;
			break;
		case 'g':
			if (c1 == 'h') {
				fw_put(w, 'G');
				i += 2;
			} else if (c1 == 'u' && lat_front(c2)) {
				fw_put(w, 'G'); /* Guessous, Guerrouj */
				i += 2;
			} else {
				fw_put(w, lat_front(c1) ? 'J' : 'G');
				i++;
			}
			break;
		case 'h':
			/* a final h after a vowel may be ة (Hamzah, Fatimah) or
			 * ح (Salah): weak */
			fw_put(w, (i + 1 == n && i > 0 && lat_vowel(s[i - 1])) ? 'h' : 'H');
			i++;
			break;
		case 'j':
			fw_put(w, 'J');
			i++;
			break;
		case 'k':
			fw_put(w, c1 == 'h' ? 'X' : 'K');
			i += c1 == 'h' ? 2 : 1;
			break;
		case 'q':
			fw_put(w, 'K');
			i += (c1 == 'u' && lat_vowel(c2)) ? 2 : 1;
			break;
		case 's':
			if (c1 == 'c' && c2 == 'h') {
				fw_put(w, 'C');
				i += 3;
			} else if (c1 == 'h') {
				fw_put(w, 'C');
				i += 2;
			} else {
				fw_put(w, 'S');
				i++;
			}
			break;
		case 't':
			if (c1 == 'h') {
				/* th: ث (Othmane) or ت+ح/ه (Fathi): T and a weak h */
				fw_put(w, 'T');
				fw_put(w, 'h');
				i += 2;
			} else if (c1 == 'c' && c2 == 'h') {
				fw_put(w, 'C');
				i += 3;
			} else {
				fw_put(w, 'T');
				i++;
			}
			break;
		case 'x':
			fw_put(w, 'K');
			fw_put(w, 'S');
			i++;
			break;
		case 'l':
		case 'm':
		case 'n':
		case 'r':
		case 'z':
			fw_put(w, (char)(c - 32));
			i++;
			break;
		case '3':
			fw_put(w, '3');
			i++;
			break;
		default:
			i++;
			break;
		}
	}
}

/* Arabic letters that carry a vowel: و and ي are consonants before them. */
static bool ar_vowel_letter(char c)
{
	return c == 'A' || c == 'w' || c == 'y' || c == 'Y' || c == 'p';
}

/* arabic_form maps each letter to its class (docs/internals/text.md). */
static void arabic_form(const char *s, size_t n, fw *w)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i], nx = i + 1 < n ? s[i + 1] : 0, o;
		switch (c) {
		case 'A': o = i == 0 ? '@' : 'A'; break;
		case 'b': case 'P': o = 'B'; break;
		case 't': case 'T': case 'v': o = 'T'; break;
		case 'j': o = 'J'; break;
		case 'H': o = 'H'; break;
		case 'h': o = i + 1 == n ? 'h' : 'H'; break; /* final ه: maybe ة */
		case 'x': o = 'X'; break;
		case 'd': case 'D': case '*': case 'Z': o = 'D'; break;
		case 'r': o = 'R'; break;
		case 'z': o = 'Z'; break;
		case 's': case 'S': o = 'S'; break;
		case '$': o = 'C'; break;
		case 'E': o = '3'; break;
		case 'g': case 'G': o = 'G'; break;
		case 'f': case 'V': o = 'F'; break;
		case 'q': case 'k': o = 'K'; break;
		case 'l': o = 'L'; break;
		case 'm': o = 'M'; break;
		case 'n': o = 'N'; break;
		case 'w': o = (i == 0 || ar_vowel_letter(nx)) ? 'W' : 'U'; break;
		case 'y': o = (i == 0 || ar_vowel_letter(nx)) ? 'Y' : 'I'; break;
		case 'Y': o = 'o'; break;           /* ى: a final a, confused with ي */
		case 'p': o = (i > 0 && s[i - 1] == 'A') ? 'T' : 'a'; break; /* ة: Najat, Fatima */
		default: continue;                  /* ء */
		}
		fw_put(w, o);
	}
}

static void word_form(uint8_t script, const char *s, size_t n, fw *w)
{
	if (script == NK_SCRIPT_ARABIC)
		arabic_form(s, n, w);
	else
		latin_form(s, n, w);
}

static bool is_cons(char c)
{
	return c >= 'B' && c <= 'Z' && c != 'I' && c != 'U' && c != 'W' && c != 'Y';
}

/* skeleton: the consonant classes of form f in lower case; glides only as the
 * first symbol (or everywhere with glides); with alt, the weak h (Latin "th",
 * final ه) counts as h and an initial Latin "ou" before a consonant as w;
 * equal neighbours collapsed even across vowels; a final h dropped (ة written
 * ه, Abdella/Abdellah, Salah/صالح). out has NK_KEY_MAX bytes. */
static void skeleton(const char *f, char *out, bool glides, bool alt)
{
	size_t n = 0;
	char last = 0;
	for (size_t i = 0; f[i]; i++) {
		char c = f[i], k = 0;
		if (is_cons(c))
			k = c;
		else if (c == 'W' || c == 'Y')
			k = (i == 0 || glides) ? c : 0;
		else if (c == 'h')
			k = alt ? 'H' : 0;
		else if (c == 'w')
			k = (alt && i == 0) ? 'W' : 0;
		if (!k)
			continue;
		k = (char)(k + 32);
		if (k == last)
			continue;
		if (n + 1 >= NK_KEY_MAX)
			break;
		out[n++] = k;
		last = k;
	}
	if (n > 1 && out[n - 1] == 'h')
		n--;
	out[n] = '\0';
}

/* ---------------------------------------------------------------- units */

typedef struct ubuild {
	uint8_t script, particle, article, compound;
	bool glued, honorific, particle_apart;
	char body[NK_FORM_MAX];
	char nat[NK_FORM_MAX]; /* natural form of a glued word, "" if canonical */
} ubuild;

/* Latin "abd" glued: Abdelkrim, Abderrahmane, Abdallah, Abdoulaziz. Returns
 * the offset of X, or 0 when the word is not such a compound (Abdou). */
static size_t lat_abd_core(const char *s, size_t n)
{
	if (n < 5 || !starts(s, n, "abd"))
		return 0;
	size_t j = 3;
	while (j < n && (s[j] == 'a' || s[j] == 'e' || s[j] == 'i' || s[j] == 'o' || s[j] == 'u'))
		j++;
	if (j < n && s[j] == 'l' && j > 3)
		j++; /* the article's l */
	if (n - j < 2)
		return 0;
	for (size_t k = j; k < n; k++)
		if (!lat_vowel(s[k]))
			return j;
	return 0;
}

/* Count consonant classes in a Latin string's form (for the din heuristics). */
static size_t lat_cons_count(const char *s, size_t n)
{
	char f[NK_FORM_MAX];
	fw w;
	fw_init(&w, f, sizeof f);
	latin_form(s, n, &w);
	size_t k = 0;
	for (size_t i = 0; f[i]; i++)
		k += is_cons(f[i]);
	return k;
}

/* The offset where a glued ad-Din suffix starts, 0 if none. */
static size_t lat_din_suffix(const char *s, size_t n)
{
	static const char *const dbl[] = {"eddine", "addine", "iddine", "oddine", "uddine",
		"eddyne", "eddin", "uddin", "addin", NULL};
	static const char *const sgl[] = {"edine", "edin", "dine", "din", NULL};
	for (const char *const *p = dbl; *p; p++)
		if (ends(s, n, *p) && n - strlen(*p) >= 2)
			return n - strlen(*p);
	for (const char *const *p = sgl; *p; p++)
		if (ends(s, n, *p) && n - strlen(*p) >= 3 &&
		    lat_cons_count(s, n - strlen(*p)) >= 2)
			return n - strlen(*p);
	return 0;
}

/* Fill u->body from word t[off..]: compounds, then glued particles, then a
 * glued article, else the plain form. */
static void build_word(ubuild *u, const tok *t, size_t off, bool allow_particle,
		       bool allow_article)
{
	const char *s = t->s + off;
	size_t n = t->len - off;
	fw w;
	fw_init(&w, u->body, sizeof u->body);
	if (t->script == NK_SCRIPT_LATIN) {
		size_t k;
		if ((k = lat_abd_core(s, n)) != 0) {
			u->compound |= NK_CP_ABD;
			fw_puts(&w, "aBDL");
			latin_form(s + k, n - k, &w);
			return;
		}
		if ((k = lat_din_suffix(s, n)) != 0) {
			u->compound |= NK_CP_DIN;
			latin_form(s, k, &w);
			fw_puts(&w, "LDIN");
			return;
		}
		if (allow_particle) {
			static const struct { const char *p; uint8_t pt; size_t min; } gp[] = {
				{"ben", NK_PT_BEN, 6}, {"ould", NK_PT_OULD, 7}, {"ait", NK_PT_AIT, 6},
				{"abou", NK_PT_BOU, 7}, {"bou", NK_PT_BOU, 6},
			};
			for (size_t i = 0; i < sizeof gp / sizeof gp[0]; i++) {
				size_t pl = strlen(gp[i].p);
				if (n >= gp[i].min && starts(s, n, gp[i].p) &&
				    lat_cons_count(s + pl, n - pl) >= 1) {
					build_word(u, t, off + pl, false, true);
					u->particle = gp[i].pt;
					u->glued = true;
					fw_init(&w, u->nat, sizeof u->nat);
					latin_form(s, n, &w);
					return;
				}
			}
		}
		if (allow_article) {
			/* e + doubled sun letter: Ettazi, Essalhi, Echchaoui: certain */
			for (size_t cl = 2; cl >= 1; cl--) {
				if (s[0] == 'e' && n >= 1 + 2 * cl + 2 && is_sun(s + 1, cl) &&
				    memcmp(s + 1, s + 1 + cl, cl) == 0) {
					u->article = NK_ART_DEF;
					latin_form(s + 1 + cl, n - 1 - cl, &w);
					return;
				}
			}
			size_t skip = 0;
			if (n >= 5 && (starts(s, n, "el") || starts(s, n, "al")))
				skip = 2;
			else if (n >= 4 && s[0] == 'l' && s[1] != 'l')
				skip = 1;
			if (skip) {
				/* Lahcen, Elalaoui, Larbi — but also Latifa, Alami:
				 * keep the natural reading next to the stripped one */
				u->article = NK_ART_GLUED;
				u->glued = true;
				latin_form(s + skip, n - skip, &w);
				fw_init(&w, u->nat, sizeof u->nat);
				latin_form(s, n, &w);
				return;
			}
		}
		latin_form(s, n, &w);
		return;
	}
	/* Arabic */
	if (n >= 5 && starts(s, n, "Ebd")) {
		size_t k = 3;
		if (n - k >= 4 && starts(s + k, n - k, "Al"))
			k += 2;
		u->compound |= NK_CP_ABD;
		fw_puts(&w, "aBDL");
		arabic_form(s + k, n - k, &w);
		return;
	}
	if (n >= 7 && ends(s, n, "Aldyn")) {
		u->compound |= NK_CP_DIN;
		arabic_form(s, n - 5, &w);
		fw_puts(&w, "LDIN");
		return;
	}
	if (allow_particle) {
		static const struct { const char *p; uint8_t pt; size_t min; } gp[] = {
			{"bn", NK_PT_BEN, 5}, {"bw", NK_PT_BOU, 5},
			{"Abn", NK_PT_BEN, 6}, {"Abw", NK_PT_BOU, 6},
		};
		for (size_t i = 0; i < sizeof gp / sizeof gp[0]; i++) {
			size_t pl = strlen(gp[i].p);
			if (n >= gp[i].min && starts(s, n, gp[i].p)) {
				build_word(u, t, off + pl, false, true);
				u->particle = gp[i].pt;
				u->glued = true;
				fw_init(&w, u->nat, sizeof u->nat);
				arabic_form(s, n, &w);
				return;
			}
		}
	}
	if (allow_article && n >= 4 && starts(s, n, "Al")) {
		u->article = NK_ART_DEF;
		arabic_form(s + 2, n - 2, &w);
		return;
	}
	arabic_form(s, n, &w);
}

/* Strip a glued article from the X of a separate "Abd X" / "عبد X". */
static size_t article_skip(const tok *t)
{
	const char *s = t->s;
	size_t n = t->len;
	if (t->script == NK_SCRIPT_ARABIC)
		return (n >= 4 && starts(s, n, "Al")) ? 2 : 0;
	for (size_t cl = 2; cl >= 1; cl--)
		if ((s[0] == 'e' || s[0] == 'a') && n >= 1 + 2 * cl + 1 && is_sun(s + 1, cl) &&
		    memcmp(s + 1, s + 1 + cl, cl) == 0)
			return 1 + cl;
	if (n >= 4 && (starts(s, n, "el") || starts(s, n, "al")))
		return 2;
	return 0;
}

static void finish_unit(const ubuild *b, nk_unit *u)
{
	memset(u, 0, sizeof *u);
	u->script = b->script;
	u->particle = b->particle;
	u->article = b->article;
	u->compound = b->compound;
	u->glued = b->glued;
	u->particle_apart = b->particle_apart;
	u->honorific = b->honorific;
	fw w;
	fw_init(&w, u->whole, sizeof u->whole);
	if (b->nat[0]) {
		fw_puts(&w, b->nat);
	} else {
		fw_puts(&w, PT_FORM[b->particle]);
		if (b->article)
			fw_puts(&w, b->script == NK_SCRIPT_ARABIC ? "@L" : "eL");
		fw_puts(&w, b->body);
	}
	if (b->particle || b->article)
		memcpy(u->body, b->body, sizeof u->body);
	skeleton(u->whole, u->skel, false, false);
	if (u->body[0]) {
		skeleton(u->body, u->body_skel, false, false);
		if (strcmp(u->body_skel, u->skel) == 0)
			u->body_skel[0] = '\0';
	}
	if (strchr(u->whole, 'h') || u->whole[0] == 'w') {
		skeleton(u->whole, u->alt_skel, false, true);
		if (strcmp(u->alt_skel, u->skel) == 0)
			u->alt_skel[0] = '\0';
	}
	if (strlen(u->skel) <= NK_WEAK_LEN) {
		skeleton(u->whole, u->ext, true, false);
		if (strcmp(u->ext, u->skel) == 0)
			u->ext[0] = '\0';
	}
}

static void group(const toks *ts, nk_name *out)
{
	unsigned i = 0, n = ts->n;
	const tok *T = ts->t;
	while (i < n) {
		if (out->n >= NK_MAX_UNITS) {
			out->truncated = true;
			return;
		}
		ubuild b;
		memset(&b, 0, sizeof b);
		const tok *t = &T[i];
		b.script = t->script;
		if (is_honorific(t)) {
			b.honorific = true;
			fw w;
			fw_init(&w, b.body, sizeof b.body);
			word_form(t->script, t->s, t->len, &w);
			i++;
			goto done;
		}
		uint8_t pt = particle_word(t);
		if (pt && i + 1 < n) {
			b.particle = pt;
			b.particle_apart = true;
			t = &T[++i];
		}
		if (is_article_word(t, i + 1 < n ? &T[i + 1] : NULL) && i + 1 < n &&
		    !is_din_word(&T[i + 1])) {
			b.article = NK_ART_DEF;
			t = &T[++i];
		}
		b.script = t->script;
		if (is_abd_word(t) && i + 1 < n) {
			unsigned j = i + 1;
			bool art = false;
			if (j + 1 < n && is_article_word(&T[j], &T[j + 1])) {
				j++;
				art = true;
			}
			size_t skip = 0;
			if (!art && (tok_eq(t, NK_SCRIPT_LATIN, "abd") || t->script == NK_SCRIPT_ARABIC))
				skip = article_skip(&T[j]);
			fw w;
			fw_init(&w, b.body, sizeof b.body);
			fw_puts(&w, "aBDL");
			word_form(T[j].script, T[j].s + skip, T[j].len - skip, &w);
			b.compound |= NK_CP_ABD;
			i = j + 1;
		} else {
			build_word(&b, t, 0, b.particle == NK_PT_NONE, b.article == NK_ART_NONE);
			i++;
		}
		/* a separate suffix: Nour Eddine, Nour Ed Dine, نور الدين, Fath Allah */
		if (i < n) {
			const char *suf = NULL;
			if (is_din_word(&T[i])) {
				suf = "LDIN";
				i++;
			} else if (i + 1 < n && lat_sun_article(&T[i], &T[i + 1]) &&
				   (tok_eq(&T[i + 1], NK_SCRIPT_LATIN, "din") ||
				    tok_eq(&T[i + 1], NK_SCRIPT_LATIN, "dine"))) {
				suf = "LDIN";
				i += 2;
			} else if (is_allah_word(&T[i]) && !(b.compound & NK_CP_ABD)) {
				suf = "LaH";
				i++;
			}
			if (suf) {
				b.compound |= suf[1] == 'D' ? NK_CP_DIN : NK_CP_ALLAH;
				fw w;
				w.s = b.body;
				w.n = strlen(b.body);
				w.cap = sizeof b.body;
				fw_puts(&w, suf);
				if (b.nat[0]) {
					w.s = b.nat;
					w.n = strlen(b.nat);
					w.cap = sizeof b.nat;
					fw_puts(&w, suf);
				}
			}
		}
done:
		if (b.body[0] || b.nat[0])
			finish_unit(&b, &out->u[out->n++]);
	}
}

sj_err nk_parse_n(const char *name, size_t n, nk_name *out)
{
	out->n = 0;
	out->truncated = false;
	if (n > NK_MAX_INPUT)
		return SJ_ELIMIT;
	toks ts;
	sj_err e = tokenize(name, n, &ts);
	if (e)
		return e;
	rewrite_tokens(&ts);
	out->truncated = ts.truncated;
	group(&ts, out);
	return SJ_OK;
}

sj_err nk_parse(const char *name, nk_name *out)
{
	return nk_parse_n(name, strlen(name), out);
}

/* ----------------------------------------------------------------- keys */

static void ks_add(nk_keyset *ks, const char *s, uint8_t kind, unsigned unit, bool weak)
{
	if (!s[0])
		return;
	for (unsigned i = 0; i < ks->n; i++)
		if (strcmp(ks->k[i].s, s) == 0)
			return;
	if (ks->n >= NK_MAX_KEYS) {
		ks->truncated = true;
		return;
	}
	nk_key *k = &ks->k[ks->n++];
	size_t len = strlen(s);
	if (len >= NK_KEY_MAX)
		abort();
	memcpy(k->s, s, len + 1);
	k->kind = kind;
	k->unit = (uint8_t)unit;
	k->weak = weak;
}

static bool weak_key(const char *s)
{
	return strlen(s) <= NK_WEAK_LEN;
}

void nk_name_keys(const nk_name *nm, nk_keyset *ks)
{
	ks->n = 0;
	ks->truncated = false;
	for (unsigned i = 0; i < nm->n; i++)
		if (!nm->u[i].honorific)
			ks_add(ks, nm->u[i].skel, NK_KEY_SKEL, i, weak_key(nm->u[i].skel));
	for (unsigned i = 0; i < nm->n; i++) {
		const nk_unit *u = &nm->u[i];
		ks_add(ks, u->body_skel, NK_KEY_BODY, i, weak_key(u->body_skel));
		ks_add(ks, u->alt_skel, NK_KEY_ALT, i, weak_key(u->alt_skel));
	}
	for (unsigned i = 0; i < nm->n; i++) {
		const nk_unit *u = &nm->u[i];
		if (u->ext[0]) {
			char k[NK_KEY_MAX];
			size_t len = strlen(u->ext);
			if (len + 1 < NK_KEY_MAX) {
				k[0] = '~';
				memcpy(k + 1, u->ext, len + 1);
				ks_add(ks, k, NK_KEY_EXT, i, weak_key(u->ext));
			}
		}
	}
	/* A weak unit (El Alaoui → l) is paired with the others: "l+mhmd". */
	for (unsigned i = 0; i < nm->n; i++) {
		const nk_unit *u = &nm->u[i];
		const char *a = u->skel[0] ? u->skel : u->ext;
		if (u->honorific || !a[0] || strlen(u->skel) > NK_WEAK_LEN)
			continue;
		unsigned made = 0;
		for (unsigned j = 0; j < nm->n && made < NK_MAX_PAIRS; j++) {
			const nk_unit *v = &nm->u[j];
			const char *b = v->skel[0] ? v->skel : v->ext;
			if (j == i || v->honorific || !b[0])
				continue;
			const char *x = strcmp(a, b) <= 0 ? a : b, *y = x == a ? b : a;
			size_t lx = strlen(x), ly = strlen(y);
			if (lx + ly + 2 > NK_KEY_MAX)
				continue;
			char k[NK_KEY_MAX];
			memcpy(k, x, lx);
			k[lx] = '+';
			memcpy(k + lx + 1, y, ly + 1);
			ks_add(ks, k, NK_KEY_PAIR, i, false);
			made++;
		}
	}
	for (unsigned i = 0; i < nm->n; i++)
		if (nm->u[i].honorific)
			ks_add(ks, nm->u[i].skel, NK_KEY_SKEL, i, true);
}

sj_err nk_keys(const char *name, nk_keyset *out)
{
	nk_name nm;
	out->n = 0;
	out->truncated = false;
	sj_err e = nk_parse(name, &nm);
	if (e)
		return e;
	nk_name_keys(&nm, out);
	return SJ_OK;
}

/* -------------------------------------------------------------- scoring */

/* The phonetic alphabet, as classes (docs/internals/text.md):
 *   B T J H X D R Z S C G F K L M N   consonant classes
 *   W Y        glides (و ي as consonants)
 *   A I U      Arabic long vowels (ا ي و written as vowels)
 *   a e i u    Latin vowels (length unknown); a also ة
 *   o          ى at the end (an a that typists confuse with ي)
 *   w          Latin initial "ou" before a consonant (و or a vowel)
 *   @          Arabic initial alef (a hamza seat: any vowel)
 *   3          ع
 *   h          weak h: Latin "th" (ث or ت+ح) and Arabic final ه (ه or ة) */
enum { SC_CONS, SC_GLIDE, SC_LONG, SC_SHORT, SC_ONSET, SC_AYN, SC_WEAKH };

static int sclass(char c)
{
	switch (c) {
	case 'W': case 'Y': return SC_GLIDE;
	case 'A': case 'I': case 'U': case 'o': return SC_LONG;
	case 'a': case 'e': case 'i': case 'u': case 'w': return SC_SHORT;
	case '@': return SC_ONSET;
	case '3': return SC_AYN;
	case 'h': return SC_WEAKH;
	default: return SC_CONS;
	}
}

/* How much a symbol counts towards a form's length. Across scripts Latin
 * vowels count little: Arabic leaves short vowels unwritten. */
static float sweight(char c, bool cross)
{
	switch (sclass(c)) {
	case SC_CONS: return 1.0f;
	case SC_GLIDE: return 0.7f;
	case SC_LONG: return 0.6f;
	case SC_SHORT: return cross ? 0.1f : 0.3f;
	case SC_ONSET: return 0.2f;
	default: return 0.3f;
	}
}

/* The cost of a symbol present in one form only. Across scripts a Latin
 * vowel is nearly free, except at the start: an Arabic word never begins
 * with a vowel, so a Latin initial vowel stands for ا or ع. */
static float indel(char c, bool cross, bool initial)
{
	switch (sclass(c)) {
	case SC_CONS: return c == 'H' ? 0.6f : 1.0f;
	case SC_GLIDE: return 0.4f;
	case SC_LONG: return c == 'o' ? 0.3f : 0.8f;
	case SC_SHORT: return initial ? 0.4f : (cross ? 0.05f : 0.25f);
	case SC_ONSET: return 0.1f;
	case SC_AYN: return 0.1f;
	default: return 0.25f; /* weak h */
	}
}

/* Vowel-like symbols and what swapping them costs. */
static int vindex(char c)
{
	/* the order of VSUB's rows: a e i u A I U W Y @ 3 o w */
	switch (c) {
	case 'a': return 0;
	case 'e': return 1;
	case 'i': return 2;
	case 'u': return 3;
	case 'A': return 4;
	case 'I': return 5;
	case 'U': return 6;
	case 'W': return 7;
	case 'Y': return 8;
	case '@': return 9;
	case '3': return 10;
	case 'o': return 11;
	case 'w': return 12;
	default: return -1;
	}
}

static const float VSUB[13][13] = {
	/*        a     e     i     u     A     I     U     W     Y     @     3     o     w */
	/* a */ {0.0f, .15f, .45f, .50f, 0.0f, .60f, .60f, .50f, .50f, .05f, .10f, 0.0f, .40f},
	/* e */ {.15f, 0.0f, .15f, .40f, .10f, .50f, .70f, .50f, .30f, .05f, .10f, .10f, .40f},
	/* i */ {.45f, .15f, 0.0f, .35f, .60f, 0.0f, .50f, .50f, .10f, .05f, .20f, .20f, .35f},
	/* u */ {.50f, .40f, .35f, 0.0f, .60f, .50f, 0.0f, .10f, .50f, .05f, .20f, .50f, 0.0f},
	/* A */ {0.0f, .10f, .60f, .60f, 0.0f, .70f, .70f, .50f, .50f, .10f, .10f, .10f, .60f},
	/* I */ {.60f, .50f, 0.0f, .50f, .70f, 0.0f, .70f, .50f, .10f, .10f, .60f, .10f, .50f},
	/* U */ {.60f, .70f, .50f, 0.0f, .70f, .70f, 0.0f, .10f, .50f, .10f, .60f, .60f, 0.0f},
	/* W */ {.50f, .50f, .50f, .10f, .50f, .50f, .10f, 0.0f, .60f, .30f, .40f, .50f, .05f},
	/* Y */ {.50f, .30f, .10f, .50f, .50f, .10f, .50f, .60f, 0.0f, .30f, .40f, .30f, .50f},
	/* @ */ {.05f, .05f, .05f, .05f, .10f, .10f, .10f, .30f, .30f, 0.0f, .10f, .10f, .05f},
	/* 3 */ {.10f, .10f, .20f, .20f, .10f, .60f, .60f, .40f, .40f, .10f, 0.0f, .20f, .20f},
	/* o */ {0.0f, .10f, .20f, .50f, .10f, .10f, .60f, .50f, .30f, .10f, .20f, 0.0f, .50f},
	/* w */ {.40f, .40f, .35f, 0.0f, .60f, .50f, 0.0f, .05f, .50f, .05f, .20f, .50f, 0.0f},
};

/* Consonant classes that spellings confuse (emphatics, voicing, Maghrebi g). */
static float csub(char a, char b)
{
	static const struct { char x, y; float c; } near[] = {
		{'S', 'Z', .4f}, {'S', 'C', .5f}, {'S', 'T', .6f}, {'T', 'D', .4f},
		{'D', 'Z', .5f}, {'K', 'G', .4f}, {'K', 'X', .5f}, {'G', 'X', .5f},
		{'H', 'X', .5f}, {'G', 'J', .5f}, {'J', 'Z', .6f}, {'B', 'F', .6f},
		{'N', 'M', .7f}, {'L', 'R', .7f}, {'C', 'J', .6f},
	};
	for (size_t i = 0; i < sizeof near / sizeof near[0]; i++)
		if ((near[i].x == a && near[i].y == b) || (near[i].x == b && near[i].y == a))
			return near[i].c;
	return 1.0f;
}

static float sub(char a, char b)
{
	if (a == b)
		return 0.0f;
	int ca = sclass(a), cb = sclass(b);
	if (ca == SC_CONS && cb == SC_CONS)
		return csub(a, b);
	if (ca == SC_WEAKH || cb == SC_WEAKH) {
		char o = ca == SC_WEAKH ? b : a;
		if (o == 'H')
			return 0.05f;
		if (o == 'a' || o == 'e' || o == 'o')
			return 0.2f; /* final ه for ة */
		return 1.0f;
	}
	int ia = vindex(a), ib = vindex(b);
	if (ia >= 0 && ib >= 0)
		return VSUB[ia][ib];
	return 1.0f;
}

/* sim_forms: 1 - weighted edit distance / weighted length of the longer. */
static double sim_forms(const char *a, const char *b, bool cross)
{
	size_t na = strlen(a), nb = strlen(b);
	if (!na || !nb)
		return (na == nb) ? 1.0 : 0.0;
	float prev[NK_FORM_MAX + 1], cur[NK_FORM_MAX + 1];
	float wa = 0, wb = 0;
	prev[0] = 0;
	for (size_t j = 1; j <= nb; j++) {
		prev[j] = prev[j - 1] + indel(b[j - 1], cross, j == 1);
		wb += sweight(b[j - 1], cross);
	}
	for (size_t i = 1; i <= na; i++) {
		float da = indel(a[i - 1], cross, i == 1);
		wa += sweight(a[i - 1], cross);
		cur[0] = prev[0] + da;
		for (size_t j = 1; j <= nb; j++) {
			float x = prev[j] + da;
			float y = cur[j - 1] + indel(b[j - 1], cross, j == 1);
			float z = prev[j - 1] + sub(a[i - 1], b[j - 1]);
			float m = x < y ? x : y;
			cur[j] = m < z ? m : z;
		}
		memcpy(prev, cur, (nb + 1) * sizeof prev[0]);
	}
	double w = wa > wb ? wa : wb;
	double s = 1.0 - prev[nb] / w;
	return s < 0 ? 0 : s;
}

/* What dropping a unit's particle and article costs when the other side has
 * none: an article is often left out (El Alaoui / Alaoui), a particle is not
 * (Benali is not Ali). A glued article is only maybe one (Latifa). */
static double prefix_cost(const nk_unit *u)
{
	double c = 0;
	if (u->particle)
		c += 0.3;
	if (u->article)
		c += u->article == NK_ART_GLUED ? 0.04 : 0.08;
	return c;
}

double nk_unit_similarity(const nk_unit *a, const nk_unit *b)
{
	bool cross = a->script != b->script;
	double best = sim_forms(a->whole, b->whole, cross);
	if (a->body[0] || b->body[0]) {
		/* body against body: what differs is the prefixes */
		const char *fa = a->body[0] ? a->body : a->whole;
		const char *fb = b->body[0] ? b->body : b->whole;
		double pen = 0;
		if (a->particle != b->particle)
			pen += 0.3;
		if ((a->article != NK_ART_NONE) != (b->article != NK_ART_NONE))
			pen += (a->article == NK_ART_GLUED || b->article == NK_ART_GLUED) ? 0.04 : 0.08;
		double s = sim_forms(fa, fb, cross) - pen;
		if (s > best)
			best = s;
		/* one side read without its prefix, the other as written */
		if (a->body[0]) {
			s = sim_forms(a->body, b->whole, cross) - prefix_cost(a);
			if (s > best)
				best = s;
		}
		if (b->body[0]) {
			s = sim_forms(a->whole, b->body, cross) - prefix_cost(b);
			if (s > best)
				best = s;
		}
	}
	return best < 0 ? 0 : (best > 1 ? 1 : best);
}

bool nk_is_filiation(const nk_unit *u)
{
	return u->particle_apart && (u->particle == NK_PT_BEN || u->particle == NK_PT_BINT || u->particle == NK_PT_OULD);
}

/* strip_filiation copies q without its filiation particle: the form is
 * particle + [article] + body, unless the word was read as a whole (a glued
 * article: "ben Lahcen"); the keys are made again from what is left. */
static void strip_filiation(const nk_unit *q, nk_unit *u)
{
	*u = *q;
	if (!nk_is_filiation(q))
		return;
	const char *pf = PT_FORM[q->particle];
	if (strncmp(u->whole, pf, strlen(pf)) == 0 && q->body[0]) {
		/* rebuilt from the body: the particle's last letter may have
		 * merged with the name's first (bent Tayeb: BNT + TaYeB = BNTaYeB) */
		fw w;
		fw_init(&w, u->whole, sizeof u->whole);
		if (q->article)
			fw_puts(&w, q->script == NK_SCRIPT_ARABIC ? "@L" : "eL");
		fw_puts(&w, q->body);
	}
	if (!u->article)
		u->body[0] = '\0';
	u->particle = NK_PT_NONE;
	u->particle_apart = false;
	skeleton(u->whole, u->skel, false, false);
	u->body_skel[0] = u->alt_skel[0] = '\0';
	if (u->body[0]) {
		skeleton(u->body, u->body_skel, false, false);
		if (strcmp(u->body_skel, u->skel) == 0)
			u->body_skel[0] = '\0';
	}
	if (strchr(u->whole, 'h') || u->whole[0] == 'w') {
		skeleton(u->whole, u->alt_skel, false, true);
		if (strcmp(u->alt_skel, u->skel) == 0)
			u->alt_skel[0] = '\0';
	}
}

void nk_father_keys(const nk_unit *q, nk_keyset *out)
{
	nk_unit u;
	strip_filiation(q, &u);
	out->n = 0;
	out->truncated = false;
	ks_add(out, u.skel, NK_KEY_SKEL, 0, weak_key(u.skel));
	ks_add(out, u.body_skel, NK_KEY_BODY, 0, weak_key(u.body_skel));
	ks_add(out, u.alt_skel, NK_KEY_ALT, 0, weak_key(u.alt_skel));
}

double nk_father_similarity(const nk_unit *q, const nk_name *f)
{
	if (!f || f->n == 0)
		return 0.0;
	nk_unit u;
	strip_filiation(q, &u);
	double best = 0.0;
	for (unsigned j = 0; j < f->n; j++) {
		if (f->u[j].honorific)
			continue;
		double s = nk_unit_similarity(&u, &f->u[j]);
		if (s > best)
			best = s;
	}
	return best;
}

#define NK_MAX_CAND (3 * NK_MAX_UNITS)

static double default_usim(void *ctx, unsigned qi, const nk_unit *c)
{
	const nk_name *q = ctx;
	return nk_unit_similarity(&q->u[qi], c);
}

double nk_name_score(const nk_name *q, const nk_name *first, const nk_name *last,
		     const nk_name *father, nk_match *m)
{
	return nk_name_score_with(q, first, last, father, m, default_usim, (void *)q);
}

double nk_name_score_with(const nk_name *q, const nk_name *first, const nk_name *last, const nk_name *father,
			  nk_match *m, double (*usim)(void *ctx, unsigned qi, const nk_unit *c), void *ctx)
{
	nk_match local;
	if (!m)
		m = &local;
	memset(m, 0, sizeof *m);
	const nk_unit *cu[NK_MAX_CAND];
	uint8_t cpart[NK_MAX_CAND];
	unsigned nc = 0;
	const nk_name *parts[3] = {first, last, father};
	const uint8_t bits[3] = {NK_PART_FIRST, NK_PART_LAST, NK_PART_FATHER};
	for (unsigned p = 0; p < 3; p++) {
		if (!parts[p])
			continue;
		for (unsigned i = 0; i < parts[p]->n && nc < NK_MAX_CAND; i++) {
			cu[nc] = &parts[p]->u[i];
			cpart[nc++] = bits[p];
		}
	}
	if (!q || q->n == 0 || nc == 0)
		return 0.0;
	m->n_query = q->n;
	float sim[NK_MAX_UNITS][NK_MAX_CAND];
	for (unsigned i = 0; i < q->n; i++)
		for (unsigned j = 0; j < nc; j++)
			sim[i][j] = (float)usim(ctx, i, cu[j]);
	/* best pairs first, each unit used once */
	bool qused[NK_MAX_UNITS] = {false}, cused[NK_MAX_CAND] = {false};
	for (unsigned round = 0; round < q->n; round++) {
		float bs = -1;
		unsigned bi = 0, bj = 0;
		for (unsigned i = 0; i < q->n; i++) {
			if (qused[i])
				continue;
			for (unsigned j = 0; j < nc; j++)
				if (!cused[j] && sim[i][j] > bs) {
					bs = sim[i][j];
					bi = i;
					bj = j;
				}
		}
		if (bs < 0.5f)
			break;
		qused[bi] = cused[bj] = true;
		m->unit_sim[bi] = bs;
		m->unit_near[bi] = cpart[bj];
		m->unit_script[bi] = cu[bj]->script;
		if (bs >= NK_UNIT_MATCH) {
			m->unit_part[bi] = cpart[bj];
			m->parts |= cpart[bj];
			m->n_matched++;
		}
	}
	/* A unit that is not really found pulls the name down steeply: two
	 * names sharing a family name but not the given name are not a match. */
	double sum = 0, wsum = 0;
	for (unsigned i = 0; i < q->n; i++) {
		double w = q->u[i].honorific ? 0.4 : 1.0;
		double s = m->unit_sim[i];
		if (s < NK_UNIT_MATCH)
			s -= 2.0 * (NK_UNIT_MATCH - s);
		wsum += w;
		sum += w * (s > 0 ? s : 0);
	}
	double score = sum / wsum;
	unsigned extra = 0;
	for (unsigned j = 0; j < nc; j++)
		if (!cused[j] && !cu[j]->honorific)
			extra++;
	if (extra > 3)
		extra = 3;
	score *= 1.0 - 0.02 * extra;
	m->score = score;
	return score;
}

double nk_token_similarity(const char *a, const char *b)
{
	nk_name na, nb;
	if (nk_parse(a, &na) != SJ_OK || nk_parse(b, &nb) != SJ_OK)
		return 0.0;
	double x = nk_name_score(&na, &nb, NULL, NULL, NULL);
	double y = nk_name_score(&nb, &na, NULL, NULL, NULL);
	return x < y ? x : y;
}
