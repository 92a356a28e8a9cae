/* namekey.h — finding one person across Arabic and Latin spellings.
 *
 * Two halves, as /work/shared/NAMES.md asks:
 *   keys     short ASCII consonant skeletons that Arabic script and
 *            Maghrebi French-style Latin spellings agree on, a few per name
 *            part, for an equality index (candidate generation);
 *   scores   an edit distance over a richer phonetic form whose costs know
 *            which letters are interchangeable, to rank those candidates
 *            (حسن/Hassan vs حسين/Hussein vs الحسن/Lahcen score differently).
 *
 * Everything here is pure, allocates nothing, and keeps no state: an nk_name
 * is a fixed-size value the caller owns (stack or embedded), so computing keys
 * for tens of millions of names costs no malloc at all. The rules (letter
 * classes, articles, particles, compounds) are in docs/internals/text.md.
 */
#ifndef SJ_TEXT_NAMEKEY_H
#define SJ_TEXT_NAMEKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define NK_MAX_INPUT    512  /* bytes of one name string (SJ_ELIMIT beyond) */
#define NK_MAX_TOKENS   16   /* words read from one string; later ones ignored */
#define NK_TOKEN_MAX    32   /* letters kept of one word; the rest ignored */
#define NK_MAX_UNITS    8    /* name parts kept per nk_name; later ones ignored */
#define NK_FORM_MAX     48   /* bytes of a phonetic form, NUL included */
#define NK_KEY_MAX      24   /* bytes of a key, NUL included (23 characters) */
#define NK_MAX_KEYS     16   /* keys per name, all kinds together */
#define NK_WEAK_LEN     2    /* a skeleton this short or shorter is "weak" */
#define NK_MAX_PAIRS    3    /* pair keys made for one weak unit */

/* Scores at or above this mean "the same name, spelled differently". It is
 * the threshold tests/data/name_pairs.tsv is checked against. */
#define NK_MATCH_THRESHOLD 0.85
/* A query unit counts as found when its best candidate unit scores this. */
#define NK_UNIT_MATCH      0.85

typedef enum nk_script {
	NK_SCRIPT_NONE = 0,
	NK_SCRIPT_LATIN = 1,
	NK_SCRIPT_ARABIC = 2,
} nk_script;

/* A particle before a name: ben/bin/ibn/بن, bint/بنت, ould/ولد, ait/آيت, bou/abou/بو. */
typedef enum nk_particle {
	NK_PT_NONE = 0, NK_PT_BEN, NK_PT_BINT, NK_PT_OULD, NK_PT_AIT, NK_PT_BOU,
} nk_particle;

/* The definite article al-/el-/l-/ال, incl. sun-letter assimilation (Ettazi). */
typedef enum nk_article {
	NK_ART_NONE = 0,
	NK_ART_DEF = 1,   /* certain: ال, a separate el/al/l, e + doubled sun letter */
	NK_ART_GLUED = 2, /* maybe: Latin word starting el/al/l (Lahcen, but Latifa) */
} nk_article;

/* Compound bits of a unit. */
enum {
	NK_CP_ABD = 1u << 0,   /* Abd al-X: Abdelkrim, Abdel Karim, عبد الكريم */
	NK_CP_DIN = 1u << 1,   /* X ad-Din: Noureddine, Nour Eddine, نور الدين */
	NK_CP_ALLAH = 1u << 2, /* X Allah: Fathallah, Fath Allah, فتح الله */
};

/* Which part of a stored person a unit came from (nk_match.parts). */
enum {
	NK_PART_FIRST = 1u << 0,
	NK_PART_LAST = 1u << 1,
	NK_PART_FATHER = 1u << 2,
};

/* One name part after grouping: a word, or words that belong together
 * (Ben Ali, El Alaoui, Abdel Karim, Nour Eddine). Forms are ASCII strings in
 * the alphabet of docs/internals/text.md (consonant classes in capitals,
 * W/Y glides, Arabic long vowels A I U, short vowels a e i u, @ for an
 * initial Arabic alef, 3 for ayn). */
typedef struct nk_unit {
	char whole[NK_FORM_MAX];   /* phonetic form of the whole unit */
	char body[NK_FORM_MAX];    /* without particle and article; "" if none */
	char skel[NK_KEY_MAX];     /* main key: consonant skeleton of whole */
	char body_skel[NK_KEY_MAX];/* skeleton of body, "" if same or none */
	char alt_skel[NK_KEY_MAX]; /* Latin "th" read as t+h instead of ث, or "" */
	char ext[NK_KEY_MAX];      /* skeleton keeping glides (weak units), or "" */
	uint8_t script;            /* nk_script */
	uint8_t particle;          /* nk_particle */
	uint8_t article;           /* nk_article */
	uint8_t compound;          /* NK_CP_* bits */
	bool glued;                /* particle/article read inside one word */
	bool particle_apart;       /* the particle was a word of its own (ben Ahmed, not Benahmed) */
	bool honorific;            /* Moulay, Sidi, Lalla, Hajj ...: weighs less */
} nk_unit;

/* A parsed name: up to NK_MAX_UNITS units in reading order. Plain value:
 * copy it, embed it, no free needed. */
typedef struct nk_name {
	unsigned n;
	bool truncated;            /* words or units beyond the limits were dropped */
	nk_unit u[NK_MAX_UNITS];
} nk_name;

typedef enum nk_key_kind {
	NK_KEY_SKEL = 0, /* skeleton of a unit ("mhmd", "bnl", "bdlkrm") */
	NK_KEY_BODY,     /* skeleton without particle/article ("l" of El Alaoui) */
	NK_KEY_ALT,      /* alternative reading of an ambiguous digraph */
	NK_KEY_EXT,      /* "~" + skeleton with glides, for weak units ("~lw") */
	NK_KEY_PAIR,     /* "a+b": a weak unit's skeleton with another's, sorted */
} nk_key_kind;

typedef struct nk_key {
	char s[NK_KEY_MAX];  /* lower-case ASCII [a-z~+], never empty */
	uint8_t kind;        /* nk_key_kind */
	uint8_t unit;        /* index of the unit it came from */
	bool weak;           /* too short to use alone: intersect it with others */
} nk_key;

/* A name's keys, distinct, strongest first (every unit's skeleton, then
 * body/alt keys, then ext keys, then pairs). */
typedef struct nk_keyset {
	unsigned n;
	bool truncated;      /* more keys were due than NK_MAX_KEYS */
	nk_key k[NK_MAX_KEYS];
} nk_keyset;

/* nk_parse reads the UTF-8 name (any order of given/family/father names, in
 * Arabic or Latin script or both) into *out, which the caller owns. Words in
 * other scripts and digits are ignored. A name with no usable letters gives
 * out->n == 0 and SJ_OK. Returns SJ_EINVAL for invalid UTF-8, SJ_ELIMIT for
 * more than NK_MAX_INPUT bytes; *out is then empty. */
SJ_MUST_USE sj_err nk_parse(const char *name, nk_name *out);
/* nk_parse_n is nk_parse over name[0..n). */
SJ_MUST_USE sj_err nk_parse_n(const char *name, size_t n, nk_name *out);

/* nk_name_keys fills *out (caller-owned) with the index keys of a parsed name. */
void nk_name_keys(const nk_name *nm, nk_keyset *out);

/* nk_keys is nk_parse followed by nk_name_keys. Errors as nk_parse; *out is
 * empty on failure. */
SJ_MUST_USE sj_err nk_keys(const char *name, nk_keyset *out);

/* nk_unit_similarity compares two units: 1 same, 0 nothing alike. Symmetric.
 * Knows that a missing article costs little and a missing particle more. */
double nk_unit_similarity(const nk_unit *a, const nk_unit *b);

/* nk_token_similarity compares two short strings (one name part each, e.g.
 * "Hassan" and "حسين"): parses both and returns the smaller of the two
 * directions of nk_name_score; 0 when either is empty or invalid. */
double nk_token_similarity(const char *a, const char *b);

/* nk_is_filiation tells whether unit u reads "son/daughter of": a separate
 * ben/bin/ibn/bint/ould/بن/بنت/ولد before a given name ("Mohamed ben Ahmed
 * Alaoui"), not a glued one (Benali, a family name). Whether it is a
 * father's name or a family name written apart (Ben Ali) is the caller's
 * guess from its position. */
bool nk_is_filiation(const nk_unit *u);

/* nk_father_similarity says how well query unit q, read as a father's given
 * name with its filiation particle dropped ("ben Ahmed" = Ahmed = أحمد),
 * fits the recorded father's name f: the best nk_unit_similarity over f's
 * units, 0..1; 0 when f is NULL or empty. */
double nk_father_similarity(const nk_unit *q, const nk_name *f);

/* nk_father_keys fills *out with the index keys (skeleton, body, alternative
 * reading) of unit q read as a father's given name, its filiation particle
 * dropped: "ben Ahmed" → hmd, "ben El Hassan" → lhsn hsn. */
void nk_father_keys(const nk_unit *q, nk_keyset *out);

/* What nk_name_score found. */
typedef struct nk_match {
	double score;                    /* as returned */
	unsigned parts;                  /* NK_PART_* of candidate parts matched */
	unsigned n_query;                /* units in the query */
	unsigned n_matched;              /* query units matched >= NK_UNIT_MATCH */
	float unit_sim[NK_MAX_UNITS];    /* best similarity of each query unit */
	uint8_t unit_part[NK_MAX_UNITS]; /* NK_PART_* it matched in, 0 if none */
	uint8_t unit_near[NK_MAX_UNITS]; /* NK_PART_* it was paired with at any similarity, 0 if none */
	uint8_t unit_script[NK_MAX_UNITS]; /* nk_script of the candidate unit it was paired with */
} nk_match;

/* nk_name_score says how well the query name (as typed, any order) fits a
 * candidate person recorded as first, last and father's names (any of which
 * may be NULL or empty). Each query unit is paired with at most one candidate
 * unit (best pairs first, pairs below 0.5 not made); the score is the
 * weighted mean of the query units' similarities, where a similarity s below
 * NK_UNIT_MATCH counts as s - 2 (NK_UNIT_MATCH - s) (so one wrong given name
 * sinks the name) and honorifics weigh 0.4; it is then lowered by 2 % for
 * each candidate unit the query did not mention (at most 3). m (may be NULL)
 * receives the details; it is the caller's. Returns 0..1, 0 for an empty
 * query or candidate. The search engine multiplies in rarity, date of birth,
 * sex and father's name; this is only the name evidence. */
double nk_name_score(const nk_name *query, const nk_name *first,
		     const nk_name *last, const nk_name *father, nk_match *m);

/* nk_name_score_with is nk_name_score with the unit similarity asked of
 * usim(ctx, i, c) for query unit i and candidate unit c, which must answer
 * nk_unit_similarity(&query->u[i], c): a caller scoring many candidates
 * against one query can remember the answers (namesakes share their names). */
double nk_name_score_with(const nk_name *query, const nk_name *first, const nk_name *last,
			  const nk_name *father, nk_match *m,
			  double (*usim)(void *ctx, unsigned qi, const nk_unit *c), void *ctx);

#endif
