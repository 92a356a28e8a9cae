/* norm.h — text normalisation for insensitive comparison (Arabic and Latin).
 *
 * Pure functions over UTF-8; no database, no global state. Unicode work
 * (decoding, NFKC, case folding, categories, mark stripping) is done by
 * libutf8proc; on top of it sits only the small Arabic mapping of
 * DESIGN.md "Text and names": tashkeel and tatweel removed, alef forms
 * أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي, Arabic-Indic and Eastern
 * Arabic-Indic digits → ASCII. See docs/internals/text.md.
 */
#ifndef SJ_TEXT_NORM_H
#define SJ_TEXT_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* The most input bytes txt_normalize accepts (SJ_ELIMIT beyond). */
#define TXT_MAX_INPUT (4 * 1024 * 1024)
/* The most words txt_tokens is ever asked to report is the caller's choice;
 * this is a convenient size for name-sized strings. */
#define TXT_MAX_TOKENS 64

/* txt_valid_utf8 tells whether s[0..n) is well-formed UTF-8 (RFC 3629 §3/§4:
 * no overlong forms, no surrogates, nothing above U+10FFFF) and holds no NUL
 * byte (every text in sijill ends up as a C string). s may be NULL when n is 0. */
bool txt_valid_utf8(const char *s, size_t n);

/* txt_normalize appends to out the comparison form of the NUL-terminated
 * UTF-8 string in: NFKC, Unicode case folding, all combining marks removed
 * (Latin accents é→e, ï→i; Arabic harakat, shadda, sukun, tanwin, superscript
 * alef), tatweel removed, the Arabic letter unification above, Arabic digits
 * to ASCII, default-ignorable characters (ZWJ, ZWNJ, bidi marks, soft hyphen)
 * removed, and every run of other non-letter, non-digit characters
 * (whitespace, punctuation, symbols, controls) turned into one ASCII space,
 * with no space at either end. The result is a valid UTF-8 string.
 * Returns SJ_OK; SJ_EINVAL when in is not valid UTF-8 (see txt_valid_utf8);
 * SJ_ELIMIT when in is longer than TXT_MAX_INPUT or out's cap is reached;
 * SJ_ENOMEM. On failure out may hold a partial result: the caller resets it.
 * out stays the caller's (buf_free it). */
SJ_MUST_USE sj_err txt_normalize(const char *in, buf *out);

/* txt_normalize_n is txt_normalize over in[0..n) (in need not end in NUL;
 * a NUL byte inside it is SJ_EINVAL). */
SJ_MUST_USE sj_err txt_normalize_n(const char *in, size_t n, buf *out);

/* One word of a normalised string: bytes s[off .. off+len). */
typedef struct txt_span {
	size_t off;
	size_t len;
} txt_span;

/* txt_tokens splits s[0..n), the output of txt_normalize, into its words
 * (maximal runs of bytes other than ASCII space), writes the first `max` of
 * them to spans (which may be NULL when max is 0) and returns how many words
 * there are in all — a return above max means spans was too small. Allocates
 * nothing; spans point into s, which the caller keeps alive. */
size_t txt_tokens(const char *s, size_t n, txt_span *spans, size_t max);

/* ---- lower level: the folding iterator used by txt_normalize and namekey ---- */

enum {
	/* keep ة (U+0629) and ى (U+0649) distinct from ه and ي: name keys read
	 * them as vowels, where plain comparison unifies them */
	TXT_FOLD_KEEP_TAA = 1u << 0,
	/* drop apostrophes (' ’ ‘ ʼ ` ´ ʿ ʾ) instead of treating them as a word
	 * break: M'hamed → mhamed */
	TXT_FOLD_JOIN_APOS = 1u << 1,
};

/* The state of one pass over a UTF-8 string. Fields are private. */
typedef struct txt_fold_it {
	const uint8_t *p, *end;
	unsigned flags;
	int32_t pend[32];       /* folded code points not yet handed out */
	int npend, ipend;
	bool want_space;        /* a separator was seen after a letter */
	bool started;           /* a letter or digit was handed out */
} txt_fold_it;

/* txt_fold_init prepares it to read in[0..n) with the given TXT_FOLD_* flags.
 * It keeps a pointer to in, which must outlive the iteration. */
void txt_fold_init(txt_fold_it *it, const char *in, size_t n, unsigned flags);

/* txt_fold_next hands out the next code point of the folded form that
 * txt_normalize would encode: letters and digits, and U+0020 for each word
 * break (never first, never last, never twice in a row). Returns 1 and sets
 * *cp, 0 at the end, or -1 when the input is not valid UTF-8 (or holds NUL). */
int txt_fold_next(txt_fold_it *it, int32_t *cp);

#endif
