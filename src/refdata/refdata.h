/* refdata.h — legal reference data as versioned rows, never code: the offence
 * catalogue (Code pénal arts 16–18, 111), custody rules with effective dates
 * (loi 22-01 arts 66, 80, 460 as amended by loi 03.23), and the prosecution
 * offices competent for each unit (art 23 — procureur du Roi at the TPI for
 * délits and contraventions, procureur général du Roi at the cour d'appel for
 * crimes).
 *
 * Files are loaded by `sijill init`. A file's "version" is loaded once: a new
 * version adds rows beside the old ones (history is never rewritten) and the
 * most recently loaded version is the current one.
 */
#ifndef SJ_REFDATA_H
#define SJ_REFDATA_H

#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"
#include "exchange/exchange.h"

#define REF_VERSION_MAX 64
#define REF_CODE_MAX 64

/* Offence classes, least to most serious (CP art 111). */
typedef enum {
	REF_CLASS_NONE = 0,
	REF_CLASS_CONTRAVENTION = 1,
	REF_CLASS_DELIT_POLICE = 2,
	REF_CLASS_DELIT_CORRECTIONNEL = 3,
	REF_CLASS_CRIME = 4,
} ref_class;

/* ref_class_from_name maps "crime", "delit_correctionnel", "delit_police",
 * "contravention"; REF_CLASS_NONE otherwise. */
ref_class ref_class_from_name(const char *s);
/* ref_class_name returns the static name of c ("" for NONE). */
const char *ref_class_name(ref_class c);

/* The records (reference data as read): an offence, a custody rule, a
 * prosecution office, and the lists' answer; the enums they share with the
 * cases (offence classes, custody regimes, office kinds). */
extern const rec_desc ref_offence_rec, ref_custody_rule_rec, ref_office_rec, ref_lists_rec;
extern const rec_enum ref_classes, ref_regimes, ref_office_kinds;

/* ref_date_ms reads "YYYY-MM-DD" (midnight in legal time, clock_legal_midnight) or
 * "YYYY-MM-DDTHH:MM[:SS]Z" (UTC) into *out; false when malformed. A
 * date-only effective_to in a rules file is inclusive (the loader adds a day). */
bool ref_date_ms(const char *s, int64_t *out);

/* Loaders: root is a parsed data file; inside c's write transaction. *added
 * receives the rows added (0 when that version was already loaded). A
 * malformed entry fails the whole load with SJ_EINVAL (logged). */
SJ_MUST_USE sj_err ref_load_offences(db_conn *c, json_t *root, int *added);
SJ_MUST_USE sj_err ref_load_custody_rules(db_conn *c, json_t *root, int *added);
SJ_MUST_USE sj_err ref_load_prosecution(db_conn *c, json_t *root, int *added);

/* ref_offence_get returns the current version's entry for code as a new
 * object {code, version, article, class, label_fr, label_ar, category,
 * penalty, verified, note, law ("CP" or the special law's title),
 * circumstance (what distinguishes a degree, CP art 112)}; SJ_ENOTFOUND when the code is not current. */
SJ_MUST_USE sj_err ref_offence_get(db_conn *c, const char *code, json_t **out);
/* ref_offences_list returns the current catalogue as a new array. */
SJ_MUST_USE sj_err ref_offences_list(db_conn *c, json_t **out);

typedef struct ref_custody_rule {
	char id[40];
	char version[REF_VERSION_MAX + 1];
	char regime[24];
	int64_t initial_hours, extension_hours, max_extensions;
	int64_t effective_from, effective_to;   /* effective_to 0: open-ended */
	char code[REF_CODE_MAX + 1];
	char applies_to[256];   /* JSON array of offence classes, "" for any */
	/* Rights (loi 22-01 arts 66, 80 after loi 35-11 and loi 03.23; art 460).
	 * -1 where the data gives nothing (older data versions, or no rule). */
	int64_t lawyer_max_hours;          /* lawyer contact at the latest, hours after the start */
	int64_t lawyer_max_hours_delayed;  /* crimes, with the prosecutor's delay authorisation */
	int64_t majority_age_years;        /* minor regime: the person is under this age at the start */
	bool minors_allowed;               /* false: refused for a person under the majority age */
	bool guardian_required;            /* guardian informed before any extension */
	/* What the regime applies to (issue 11): a JSON array of offence
	 * categories one standing charge must have ("" for any: ordinary,
	 * minor); the age below which no one is held (CP 138; -1: none); the
	 * classes the prosecutor may delay the lawyer for (JSON array). */
	char categories[256];
	int64_t min_age_years;
	char delay_classes[128];
	char confidence[24];
	/* rules of an inquiry frame (JSON object, "" for none): "rogatory"
	 * {presented_to, extension_by, requires_commission} (CPP 138–139) */
	char frame_rules[1024];
} ref_custody_rule;

/* ref_custody_rule_at finds the rule for regime in force at time at (ms),
 * from the newest loaded version that covers it; SJ_ENOTFOUND when none. */
SJ_MUST_USE sj_err ref_custody_rule_at(db_conn *c, const char *regime, int64_t at,
				       ref_custody_rule *out);
/* ref_custody_rules_list returns every loaded rule (all versions) as a new array. */
SJ_MUST_USE sj_err ref_custody_rules_list(db_conn *c, json_t **out);

/* ref_prosecution_for returns (new object {code, kind, name_fr, name_ar}) the
 * current office of kind ("tpi" | "ca") serving the unit whose materialised
 * path is unit_path (an office serving a unit serves the units below it; the
 * nearest wins); SJ_ENOTFOUND when none. */
SJ_MUST_USE sj_err ref_prosecution_for(db_conn *c, const char *unit_path, const char *kind,
				       json_t **out);
/* ref_prosecution_for_case returns (new object {code, kind, name_fr,
 * name_ar, by}) the current office competent for a case of class cls with
 * the standing offence categories categories (a JSON array of strings)
 * from the unit whose path is unit_path: the offices' competence lists
 * (data/prosecution.json) name classes or offence categories; one competent
 * by category (terrorism: the CA of Rabat, annexe de Salé, nationally —
 * loi 03-03) wins over one by class, then the nearest unit; by is
 * "category" or "class". SJ_ENOTFOUND when none. */
SJ_MUST_USE sj_err ref_prosecution_for_case(db_conn *c, const char *unit_path, const char *cls, json_t *categories,
					    json_t **out);
/* A rank of the police (data/ranks.json) and the OPJ status it carries
 * (CPP 20): "law" (commissaires, officiers de police), "grant" (inspectors,
 * only when designated, with a date and a reference) or "none". */
typedef struct ref_rank {
	char code[REF_CODE_MAX + 1];
	char label_fr[128], label_ar[128];
	char opj[8];
} ref_rank;
/* ref_load_ranks loads a ranks file (as the other loaders). */
SJ_MUST_USE sj_err ref_load_ranks(db_conn *c, json_t *root, int *added);
/* ref_rank_get reads the current version's rank code; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err ref_rank_get(db_conn *c, const char *code, ref_rank *out);
/* ref_prosecution_get returns the current office with that code; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err ref_prosecution_get(db_conn *c, const char *code, json_t **out);
/* ref_prosecution_list returns the current offices as a new array. */
SJ_MUST_USE sj_err ref_prosecution_list(db_conn *c, json_t **out);

/* The answers of the reference-data routes: {"offences": [...]},
 * {"rules": [...]}, {"offices": [...]} (new objects). */
SJ_MUST_USE sj_err ref_offences_read(db_conn *c, json_t **out);
SJ_MUST_USE sj_err ref_custody_rules_read(db_conn *c, json_t **out);
SJ_MUST_USE sj_err ref_prosecution_read(db_conn *c, json_t **out);

/* Reference data as a feed from central to its nodes (feed.c; exchange.h):
 * every version central loaded after the cursor (ref_versions.loaded_at),
 * whole, with its rows; the node adds a version it lacks as its newest and
 * never rewrites one it has. */
SJ_MUST_USE sj_err ref_feed_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
				    json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err ref_feed_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);
/* Counting rules (issue 16; data/counting_rules.json): how a statistic
 * counts — the headline unit, the date basis, the principal offence, when a
 * case is cleared, cancelled and reclassified cases, the small-cell
 * threshold — each valid between effective dates. ref_load_counting_rules
 * loads a file (as the other loaders; a rule with an unknown value fails the
 * load with SJ_EINVAL). ref_counting_rules_current returns the current
 * version's rules as a new array of {code, version, effective_from,
 * effective_to (ms, exclusive; null: in force), body (the rule's object)},
 * oldest first: the whole timeline. */
SJ_MUST_USE sj_err ref_load_counting_rules(db_conn *c, json_t *root, int *added);
/* ref_version_begin reads a file's "version" (a number is stored as text)
 * into *version (borrowed from root); *skip when that version of kind is
 * already loaded. ref_version_end records it as loaded (newest). For the
 * loaders, in their write transaction. */
SJ_MUST_USE sj_err ref_version_begin(db_conn *c, const char *kind, json_t *root, const char **version, bool *skip);
SJ_MUST_USE sj_err ref_version_end(db_conn *c, const char *kind, json_t *root, const char *version);
SJ_MUST_USE sj_err ref_counting_rules_current(db_conn *c, json_t **out);

#endif
