/* norm.c — see norm.h and docs/internals/text.md. */
#include "text/norm.h"

#include <string.h>
#include <utf8proc.h>

/* NFKC + case fold, with every combining mark stripped and default-ignorable
 * code points removed. Composition is redone per source character below. */
#define FOLD_OPTS (UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | \
		   UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

bool txt_valid_utf8(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] == 0)
				return false;
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || cp < 0)
			return false;
		i += (size_t)k;
	}
	return true;
}

void txt_fold_init(txt_fold_it *it, const char *in, size_t n, unsigned flags)
{
	it->p = (const uint8_t *)in;
	it->end = it->p + n;
	it->flags = flags;
	it->npend = it->ipend = 0;
	it->want_space = false;
	it->started = false;
}

/* Apostrophe-like characters: elision marks inside Maghrebi names
 * (M'hamed, Ba'amrane) and the ayn/hamza half rings of scholarly
 * transliteration. */
static bool is_apostrophe(int32_t c)
{
	switch (c) {
	case 0x0027: case 0x0060: case 0x00B4: case 0x2018: case 0x2019:
	case 0x201B: case 0x2032: case 0x02B9: case 0x02BB: case 0x02BC:
	case 0x02BD: case 0x02BE: case 0x02BF: case 0xFF07:
		return true;
	default:
		return false;
	}
}

enum { K_DROP, K_KEEP, K_SEP };

/* classify maps one folded code point (DESIGN.md "Text and names") and says
 * whether it is kept, dropped, or a word break. The mapping is idempotent. */
static int classify(int32_t *c, unsigned flags)
{
	int32_t x = *c;
	if (x < 0x80) {
		if ((x >= 'a' && x <= 'z') || (x >= '0' && x <= '9'))
			return K_KEEP;
		if (x >= 'A' && x <= 'Z') { /* not reached after case folding */
			*c = x + 32;
			return K_KEEP;
		}
		return K_SEP;
	}
	if (x >= 0x0600 && x <= 0x06FF) {
		switch (x) {
		case 0x0640:                         /* tatweel */
		case 0x0674:                         /* high hamza */
			return K_DROP;
		case 0x0671: case 0x0672: case 0x0673: case 0x0675:
			*c = 0x0627;                 /* alef wasla and wavy forms → ا */
			return K_KEEP;
		case 0x0649:                         /* ى → ي */
			if (!(flags & TXT_FOLD_KEEP_TAA))
				*c = 0x064A;
			return K_KEEP;
		case 0x0629:                         /* ة → ه */
			if (!(flags & TXT_FOLD_KEEP_TAA))
				*c = 0x0647;
			return K_KEEP;
		case 0x06CC:                         /* Farsi yeh ی → ي */
			*c = 0x064A;
			return K_KEEP;
		case 0x06A9:                         /* keheh ک → ك */
			*c = 0x0643;
			return K_KEEP;
		case 0x06C1: case 0x06BE: case 0x06D5: /* heh variants → ه */
			*c = 0x0647;
			return K_KEEP;
		default:
			break;
		}
		if (x >= 0x0660 && x <= 0x0669) {    /* Arabic-Indic digits */
			*c = '0' + (x - 0x0660);
			return K_KEEP;
		}
		if (x >= 0x06F0 && x <= 0x06F9) {    /* Eastern Arabic-Indic digits */
			*c = '0' + (x - 0x06F0);
			return K_KEEP;
		}
	}
	if (is_apostrophe(x))
		return (flags & TXT_FOLD_JOIN_APOS) ? K_DROP : K_SEP;
	switch (utf8proc_category(x)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return K_KEEP;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return K_DROP;
	default:
		return K_SEP;
	}
}

int txt_fold_next(txt_fold_it *it, int32_t *cp)
{
	for (;;) {
		if (it->ipend < it->npend) {
			int32_t c = it->pend[it->ipend++];
			int k = classify(&c, it->flags);
			if (k == K_DROP)
				continue;
			if (k == K_SEP) {
				if (it->started)
					it->want_space = true;
				continue;
			}
			if (it->want_space) {
				/* hand out the space first; the mapped letter waits */
				it->pend[--it->ipend] = c;
				it->want_space = false;
				*cp = ' ';
				return 1;
			}
			it->started = true;
			*cp = c;
			return 1;
		}
		if (it->p >= it->end)
			return 0;
		utf8proc_int32_t c;
		if (*it->p < 0x80) {
			c = *it->p++;
			if (c == 0)
				return -1;
		} else {
			utf8proc_ssize_t k = utf8proc_iterate(it->p, it->end - it->p, &c);
			if (k <= 0 || c < 0)
				return -1;
			it->p += k;
		}
		if (is_apostrophe(c)) {
			if (!(it->flags & TXT_FOLD_JOIN_APOS) && it->started)
				it->want_space = true;
			continue;
		}
		utf8proc_ssize_t n = utf8proc_decompose_char(c, it->pend,
			(utf8proc_ssize_t)(sizeof it->pend / sizeof it->pend[0]), FOLD_OPTS, NULL);
		if (n < 0 || n > (utf8proc_ssize_t)(sizeof it->pend / sizeof it->pend[0])) {
			/* cannot happen with these options (longest is 18); a break */
			it->npend = it->ipend = 0;
			if (it->started)
				it->want_space = true;
			continue;
		}
		if (n > 1) {
			/* recompose what one character decomposed into (Hangul ...) */
			utf8proc_ssize_t m = utf8proc_normalize_utf32(it->pend, n, UTF8PROC_COMPOSE);
			if (m > 0)
				n = m;
		}
		it->npend = (int)n;
		it->ipend = 0;
	}
}

sj_err txt_normalize_n(const char *in, size_t n, buf *out)
{
	if (n > TXT_MAX_INPUT)
		return SJ_ELIMIT;
	txt_fold_it it;
	txt_fold_init(&it, in, n, 0);
	uint8_t chunk[256];
	size_t used = 0;
	int32_t cp;
	int r;
	while ((r = txt_fold_next(&it, &cp)) == 1) {
		if (used > sizeof chunk - 4) {
			sj_err e = buf_add(out, chunk, used);
			if (e)
				return e;
			used = 0;
		}
		used += (size_t)utf8proc_encode_char(cp, chunk + used);
	}
	if (r < 0)
		return SJ_EINVAL;
	return buf_add(out, chunk, used);
}

sj_err txt_normalize(const char *in, buf *out)
{
	return txt_normalize_n(in, strlen(in), out);
}

size_t txt_tokens(const char *s, size_t n, txt_span *spans, size_t max)
{
	size_t count = 0, i = 0;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		size_t start = i;
		while (i < n && s[i] != ' ')
			i++;
		if (count < max) {
			spans[count].off = start;
			spans[count].len = i - start;
		}
		count++;
	}
	return count;
}
