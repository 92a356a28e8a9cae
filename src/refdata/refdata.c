/* refdata.c — offence catalogue, custody rules, prosecution offices (see refdata.h). */
#include "core/jdump.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/dbj.h"

static const char *const class_names[] = {"", "contravention", "delit_police", "delit_correctionnel",
					  "crime"};

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(ref_classes, "class", "contravention", "delit_police", "delit_correctionnel", "crime");
REC_ENUM_DEF_PUBLIC(ref_regimes, "regime", "ordinary", "terrorism", "state_security", "minor");
REC_ENUM_DEF_PUBLIC(ref_office_kinds, "office", "tpi", "ca");

/* An offence of the catalogue (Code pénal), one version of it. */
#define OFFENCE_FIELDS(X) \
	X(C, code, CODE, 1, REF_CODE_MAX, NULL, OUT) \
	X(C, version, TEXT, 1, REF_VERSION_MAX, NULL, OUT) \
	X(C, article, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, class, ENUM, 0, 0, &ref_classes, OUT) \
	X(C, label_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, label_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, category, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, penalty, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, verified, BOOL, 0, 0, NULL, OUT) \
	X(C, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, law, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, circumstance, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, attempt_punishable, BOOL, 0, 0, NULL, OUT) \
	X(C, attempt_text, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, effective_from, DATE, 0, 10, NULL, OUT) \
	X(C, effective_to, DATE, 0, 10, NULL, OUT)
static const rec_field offence_fields[] = {OFFENCE_FIELDS(REC_FIELD)};
const rec_desc ref_offence_rec = REC_DESC("offence", "ref_offences", offence_fields, NULL);

/* A custody rule with its effective dates (the response renames some
 * columns: what the data file calls them). */
#define RULE_FIELDS(X) \
	X(C, version, TEXT, 1, REF_VERSION_MAX, NULL, OUT) \
	X(C, code, CODE, 1, REF_CODE_MAX, NULL, OUT) \
	X(C, regime, ENUM, 0, 0, &ref_regimes, OUT) \
	X(C, initial_hours, INT, 0, 0, NULL, OUT) \
	X(C, extension_hours, INT, 0, 0, NULL, OUT) \
	X(C, max_extensions, INT, 0, 0, NULL, OUT) \
	X(C, effective_from, TIME, 0, 0, NULL, OUT) \
	X(C, effective_to, TIME, 0, 0, NULL, OUT) \
	X(C, applies_to, JSON, 0, 0, NULL, 0) \
	X(C, source, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, lawyer_max_hours, INT, 0, 0, NULL, 0) \
	X(C, lawyer_max_hours_delayed, INT, 0, 0, NULL, 0) \
	X(C, lawyer_confidence, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, majority_age_years, INT, 0, 0, NULL, OUT) \
	X(C, minors_allowed, BOOL, 0, 0, NULL, OUT) \
	X(C, guardian_required, BOOL, 0, 0, NULL, 0) \
	X(C, applies_to_categories, JSON, 0, 0, NULL, OUT) \
	X(C, min_age_years, INT, 0, 0, NULL, OUT) \
	X(C, lawyer_delay_classes, JSON, 0, 0, NULL, OUT) \
	X(C, confidence, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, frame_rules, JSON, 0, 0, NULL, OUT) \
	X(V, applies_to_classes, JSON, 0, 0, NULL, OUT) \
	X(V, lawyer_contact_max_hours, INT, 0, 0, NULL, OUT) \
	X(V, lawyer_contact_max_hours_crime, INT, 0, 0, NULL, OUT) \
	X(V, guardian_must_be_informed, BOOL, 0, 0, NULL, OUT)
static const rec_field rule_fields[] = {REC_ID_FIELD, RULE_FIELDS(REC_FIELD)};
const rec_desc ref_custody_rule_rec = REC_DESC("custody_rule", "ref_custody_rules", rule_fields, NULL);

/* A prosecution office and the units it serves. */
#define OFFICE_FIELDS(X) \
	X(C, code, CODE, 1, REF_CODE_MAX, NULL, OUT) \
	X(C, version, TEXT, 1, REF_VERSION_MAX, NULL, 0) \
	X(C, kind, ENUM, 0, 0, &ref_office_kinds, OUT) \
	X(C, name_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, name_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, units, JSON, 0, 0, NULL, OUT) \
	X(C, competence, JSON, 0, 0, NULL, OUT)
static const rec_field office_fields[] = {OFFICE_FIELDS(REC_FIELD)};
const rec_desc ref_office_rec = REC_DESC("prosecution_office", "ref_prosecution_offices", office_fields, NULL);

#define LISTS_FIELDS(X) \
	X(V, offences, ARRAY, 0, 0, &ref_offence_rec, OUT) \
	X(V, rules, ARRAY, 0, 0, &ref_custody_rule_rec, OUT) \
	X(V, offices, ARRAY, 0, 0, &ref_office_rec, OUT)
static const rec_field lists_fields[] = {LISTS_FIELDS(REC_FIELD)};
const rec_desc ref_lists_rec = REC_DESC("reference_data", NULL, lists_fields, NULL);

ref_class ref_class_from_name(const char *s)
{
	for (int i = 1; s && i <= 4; i++)
		if (strcmp(s, class_names[i]) == 0)
			return (ref_class)i;
	return REF_CLASS_NONE;
}

const char *ref_class_name(ref_class c)
{
	return (c >= REF_CLASS_CONTRAVENTION && c <= REF_CLASS_CRIME) ? class_names[c] : "";
}

/* days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool ref_date_ms(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	char tail[8] = "";
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n == 10) {
		if (sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3)
			return false;
		if (mo < 1 || mo > 12 || d < 1 || d > 31)
			return false;
		/* Midnight in Moroccan legal time (Africa/Casablanca: GMT+1, GMT
		 * during Ramadan), never a fixed offset. */
		*out = clock_legal_midnight(y, mo, d);
		return true;
	}
	int k = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &sec, tail);
	if (k < 6) {
		k = sscanf(s, "%4d-%2d-%2dT%2d:%2d%7s", &y, &mo, &d, &h, &mi, tail);
		if (k < 6)
			return false;
	}
	if (strcmp(tail, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return false;
	*out = (days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec) * 1000LL;
	return true;
}

/* --- versions --- */

static const char sql_version_known[] =
	"SELECT COUNT(*) FROM ref_versions WHERE kind = ? AND version = ?";
static const char sql_version_next[] = "SELECT COALESCE(MAX(seq), 0) + 1 FROM ref_versions";
static const char sql_version_add[] =
	"INSERT INTO ref_versions (kind, version, source, updated, loaded_at, seq) VALUES (?, ?, ?, ?, ?, ?)";

sj_err ref_version_begin(db_conn *c, const char *kind, json_t *root, const char **version, bool *skip)
{
	*skip = false;
	json_t *v = json_object_get(root, "version");
	char num[32];
	if (json_is_integer(v)) {
		/* a numeric version is accepted and stored as text */
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		json_object_set_new(root, "version", json_string(num));
		v = json_object_get(root, "version");
	}
	*version = json_string_value(v);
	if (!*version || !**version || strlen(*version) > REF_VERSION_MAX) {
		log_msg(LOG_ERROR, "reference file without a version", json_pack("{s:s}", "kind", kind));
		return SJ_EINVAL;
	}
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_version_known, &n, "tt", kind, *version);
	if (!e && n > 0)
		*skip = true;
	return e;
}

sj_err ref_version_end(db_conn *c, const char *kind, json_t *root, const char *version)
{
	int64_t seq = 0;
	sj_err e = dbj_int(c, sql_version_next, &seq, "");
	const char *source = json_string_value(json_object_get(root, "source"));
	const char *updated = json_string_value(json_object_get(root, "updated"));
	return e ? e : db_run(c, sql_version_add, "ttttii", kind, version, source, updated, clock_now_ms(), seq);
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool bad(const char *kind, size_t i, const char *why)
{
	log_msg(LOG_ERROR, "bad reference entry",
		json_pack("{s:s,s:I,s:s}", "kind", kind, "index", (json_int_t)i, "why", why));
	return true;
}

/* --- offences --- */

static const char sql_offence_add[] =
	"INSERT INTO ref_offences (code, version, article, class, label_fr, label_ar, category, penalty,"
	" verified, note, law, circumstance, attempt_punishable, attempt_text, effective_from, effective_to)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (code, version) DO NOTHING";

sj_err ref_load_offences(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version;
	bool skip;
	sj_err e = ref_version_begin(c, "offences", root, &version, &skip);
	if (e || skip)
		return e;
	json_t *list = json_object_get(root, "offences");
	if (!json_is_array(list))
		return SJ_EINVAL;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *code = str(o, "code"), *cls = str(o, "class"), *fr = str(o, "label_fr"),
			   *ar = str(o, "label_ar");
		json_t *art = json_object_get(o, "article"), *pen = json_object_get(o, "penalty");
		char artbuf[64] = "";
		const char *article = json_string_value(art);
		if (json_is_integer(art)) {
			snprintf(artbuf, sizeof artbuf, "%lld", (long long)json_integer_value(art));
			article = artbuf;
		}
		char *penalty = NULL;
		if (json_is_string(pen))
			penalty = strdup(json_string_value(pen));
		else if (pen && !json_is_null(pen))
			penalty = jdump_dumps(pen, JSON_COMPACT | JSON_SORT_KEYS);
		if (!code || !*code || strlen(code) > REF_CODE_MAX || ref_class_from_name(cls) == REF_CLASS_NONE ||
		    !fr || !ar) {
			free(penalty);
			bad("offences", i, "needs code, a known class, label_fr and label_ar");
			return SJ_EINVAL;
		}
		/* the law the article belongs to: "CP", or the special law's title
		 * (a special law's "article 1" is meaningless without it) */
		e = db_run(c, sql_offence_add, "tttttttt" "ittt" "ittt", code, version, article, cls, fr, ar,
			   str(o, "category"), penalty, (int64_t)json_is_true(json_object_get(o, "verified")),
			   str(o, "note"), str(o, "law") ? str(o, "law") : "CP", str(o, "circumstance"),
			   (int64_t)json_is_true(json_object_get(o, "attempt_punishable")), str(o, "attempt_text"),
			   str(o, "effective_from"), str(o, "effective_to"));
		free(penalty);
		if (e)
			return e;
		(*added)++;
	}
	return ref_version_end(c, "offences", root, version);
}

#define CURRENT(kind) "(SELECT version FROM ref_versions WHERE kind = '" kind "' ORDER BY seq DESC LIMIT 1)"

static const char sql_offence_get[] =
	"SELECT code, version, article, class, label_fr, label_ar, category, penalty, verified, note, law, circumstance,"
	" attempt_punishable, attempt_text, effective_from, effective_to FROM ref_offences WHERE code = ? AND version = " CURRENT("offences");
static const char sql_offence_list[] =
	"SELECT code, version, article, class, label_fr, label_ar, category, penalty, verified, note, law, circumstance,"
	" attempt_punishable, attempt_text, effective_from, effective_to FROM ref_offences WHERE version = " CURRENT("offences") " ORDER BY code";

sj_err ref_offence_get(db_conn *c, const char *code, json_t **out)
{
	return dbj_rec_one(c, sql_offence_get, &ref_offence_rec, out, "t", code);
}

sj_err ref_offences_list(db_conn *c, json_t **out)
{
	return dbj_rec_rows(c, sql_offence_list, &ref_offence_rec, out, "");
}

/* --- custody rules --- */

static const char sql_rule_add[] =
	"INSERT INTO ref_custody_rules (id, version, regime, initial_hours, extension_hours, max_extensions,"
	" effective_from, effective_to, source, note, code, applies_to, lawyer_max_hours, lawyer_max_hours_delayed,"
	" lawyer_confidence, majority_age_years, minors_allowed, guardian_required, applies_to_categories,"
	" min_age_years, lawyer_delay_classes, confidence, frame_rules)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (version, regime, effective_from) DO NOTHING";

static bool known_regime(const char *r)
{
	static const char *const regimes[] = {"ordinary", "terrorism", "state_security", "minor", NULL};
	for (int i = 0; r && regimes[i]; i++)
		if (strcmp(r, regimes[i]) == 0)
			return true;
	return false;
}

static sj_err add_rule(db_conn *c, const char *version, const char *regime, json_t *o, size_t i,
		       json_t *root)
{
	json_t *ih = json_object_get(o, "initial_hours"), *eh = json_object_get(o, "extension_hours"),
	       *mx = json_object_get(o, "max_extensions");
	const char *from = str(o, "effective_from"), *to = str(o, "effective_to");
	int64_t f = 0, t = 0;
	if (!known_regime(regime) || !json_is_integer(ih) || json_integer_value(ih) <= 0 ||
	    (eh && !json_is_integer(eh) && !json_is_null(eh)) || (mx && !json_is_integer(mx) && !json_is_null(mx)) ||
	    !ref_date_ms(from, &f) || (to && !ref_date_ms(to, &t)) || (to && t < f)) {
		bad("custody_rules", i, "needs a known regime, initial_hours, and valid effective dates");
		return SJ_EINVAL;
	}
	int64_t ext_h = json_is_integer(eh) ? json_integer_value(eh) : 0;
	int64_t max_x = json_is_integer(mx) ? json_integer_value(mx) : 0;
	if (ext_h < 0 || max_x < 0 || (max_x > 0 && ext_h == 0)) {
		bad("custody_rules", i, "extension_hours / max_extensions out of range");
		return SJ_EINVAL;
	}
	char id[ID_LEN + 1];
	id_new(id);
	const char *source = str(o, "source") ? str(o, "source") : str(root, "source");
	const char *note = str(o, "notes") ? str(o, "notes") : str(o, "note");
	/* A date-only effective_to is inclusive: the rule ends at the next midnight. */
	if (to && strlen(to) == 10)
		t += 86400000LL;
	/* Rights fields (data version 1.1.0 on): nullable integers and booleans. */
	json_t *lh = json_object_get(o, "lawyer_contact_max_hours"),
	       *lc = json_object_get(o, "lawyer_contact_max_hours_crime"),
	       *ma = json_object_get(o, "majority_age_years"), *mi = json_object_get(o, "minors_allowed"),
	       *gr = json_object_get(o, "guardian_must_be_informed");
	if ((lh && !json_is_null(lh) && (!json_is_integer(lh) || json_integer_value(lh) < 0)) ||
	    (lc && !json_is_null(lc) &&
	     (!json_is_integer(lc) || !json_is_integer(lh) || json_integer_value(lc) < json_integer_value(lh))) ||
	    (ma && !json_is_null(ma) && (!json_is_integer(ma) || json_integer_value(ma) <= 0)) ||
	    (mi && !json_is_boolean(mi)) || (gr && !json_is_boolean(gr))) {
		bad("custody_rules", i, "lawyer / minor fields out of range");
		return SJ_EINVAL;
	}
	json_t *classes = json_object_get(o, "applies_to_classes"), *cats = json_object_get(o, "applies_to_categories"),
	       *dcl = json_object_get(o, "lawyer_delay_classes"), *mina = json_object_get(o, "min_age_years");
	if ((cats && !json_is_array(cats)) || (dcl && !json_is_array(dcl)) ||
	    (mina && !json_is_null(mina) && (!json_is_integer(mina) || json_integer_value(mina) < 0))) {
		bad("custody_rules", i, "applies_to_categories / lawyer_delay_classes / min_age_years malformed");
		return SJ_EINVAL;
	}
	char *applies = json_is_array(classes) ? jdump_dumps(classes, JSON_COMPACT) : NULL;
	char *categories = json_is_array(cats) ? jdump_dumps(cats, JSON_COMPACT) : NULL;
	char *delay_classes = json_is_array(dcl) ? jdump_dumps(dcl, JSON_COMPACT) : NULL;
	json_t *fr = json_object_get(o, "frame_rules");
	char *frames = json_is_object(fr) ? jdump_dumps(fr, JSON_COMPACT) : NULL;
	db_stmt *st;
	sj_err e = db_prepare(c, sql_rule_add, &st);
	int k = 1;
	e = e ? e : db_bind_text(st, k++, id);
	e = e ? e : db_bind_text(st, k++, version);
	e = e ? e : db_bind_text(st, k++, regime);
	e = e ? e : db_bind_int(st, k++, (int64_t)json_integer_value(ih));
	e = e ? e : db_bind_int(st, k++, ext_h);
	e = e ? e : db_bind_int(st, k++, max_x);
	e = e ? e : db_bind_int(st, k++, f);
	e = e ? e : (to ? db_bind_int(st, k++, t) : db_bind_null(st, k++));
	e = e ? e : db_bind_text(st, k++, source);
	e = e ? e : db_bind_text(st, k++, note);
	e = e ? e : db_bind_text(st, k++, str(o, "code"));
	e = e ? e : db_bind_text(st, k++, applies);
	e = e ? e : (json_is_integer(lh) ? db_bind_int(st, k++, json_integer_value(lh)) : db_bind_null(st, k++));
	e = e ? e : (json_is_integer(lc) ? db_bind_int(st, k++, json_integer_value(lc)) : db_bind_null(st, k++));
	e = e ? e : db_bind_text(st, k++, str(o, "lawyer_confidence"));
	e = e ? e : (json_is_integer(ma) ? db_bind_int(st, k++, json_integer_value(ma)) : db_bind_null(st, k++));
	e = e ? e : (mi ? db_bind_int(st, k++, json_is_true(mi)) : db_bind_null(st, k++));
	e = e ? e : (gr ? db_bind_int(st, k++, json_is_true(gr)) : db_bind_null(st, k++));
	e = e ? e : db_bind_text(st, k++, categories);
	e = e ? e : (json_is_integer(mina) ? db_bind_int(st, k++, json_integer_value(mina)) : db_bind_null(st, k++));
	e = e ? e : db_bind_text(st, k++, delay_classes);
	e = e ? e : db_bind_text(st, k++, str(o, "confidence"));
	e = e ? e : db_bind_text(st, k++, frames);
	bool row = true;
	while (!e && row)
		e = db_step(st, &row);
	free(applies);
	free(categories);
	free(delay_classes);
	free(frames);
	return e;
}

sj_err ref_load_custody_rules(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version;
	bool skip;
	sj_err e = ref_version_begin(c, "custody_rules", root, &version, &skip);
	if (e || skip)
		return e;
	/* Accept {"rules":[{regime,...}]}, {"regimes":[{regime,...}]} or
	 * {"regimes":{"ordinary":{...} | [{...}]}}. */
	json_t *list = json_object_get(root, "rules");
	if (!list)
		list = json_object_get(root, "regimes");
	if (json_is_array(list)) {
		size_t i;
		json_t *o;
		json_array_foreach(list, i, o) {
			const char *regime = str(o, "regime");
			if (!regime)
				regime = str(o, "code");
			if ((e = add_rule(c, version, regime, o, i, root)))
				return e;
			(*added)++;
		}
	} else if (json_is_object(list)) {
		const char *regime;
		json_t *v;
		size_t i = 0;
		json_object_foreach(list, regime, v) {
			if (json_is_array(v)) {
				size_t k;
				json_t *o;
				json_array_foreach(v, k, o) {
					if ((e = add_rule(c, version, regime, o, i++, root)))
						return e;
					(*added)++;
				}
			} else {
				if ((e = add_rule(c, version, regime, v, i++, root)))
					return e;
				(*added)++;
			}
		}
	} else {
		return SJ_EINVAL;
	}
	return ref_version_end(c, "custody_rules", root, version);
}

/* No ORDER BY: the rows in force for one regime are a handful, and the
 * newest (version order, then effective_from) is picked below — SQLite
 * sorted them in a temporary B-tree built for every look-up, four per case
 * read (issue 21's profile). */
static const char sql_rule_at[] =
	"SELECT r.id, r.version, r.regime, r.initial_hours, r.extension_hours, r.max_extensions,"
	" r.effective_from, COALESCE(r.effective_to, 0), r.code, r.applies_to, COALESCE(r.lawyer_max_hours, -1),"
	" COALESCE(r.lawyer_max_hours_delayed, -1), COALESCE(r.majority_age_years, -1), COALESCE(r.minors_allowed, 1),"
	" COALESCE(r.guardian_required, 0), r.applies_to_categories, COALESCE(r.min_age_years, -1), r.lawyer_delay_classes,"
	" COALESCE(r.confidence, ''), r.frame_rules, v.seq"
	" FROM ref_custody_rules r JOIN ref_versions v ON v.kind = 'custody_rules' AND v.version = r.version"
	" WHERE r.regime = ? AND r.effective_from <= ? AND (r.effective_to IS NULL OR r.effective_to > ?)";

static void col_copy(db_stmt *s, int i, char *out, size_t outsz, const char *dflt)
{
	const char *v = db_col_null(s, i) ? NULL : db_col_text(s, i);
	snprintf(out, outsz, "%s", v ? v : dflt);
}

sj_err ref_custody_rule_at(db_conn *c, const char *regime, int64_t at, ref_custody_rule *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *s;
	sj_err e = db_prepare(c, sql_rule_at, &s);
	e = e ? e : db_bind_text(s, 1, regime);
	e = e ? e : db_bind_int(s, 2, at);
	e = e ? e : db_bind_int(s, 3, at);
	bool row = false, found = false;
	int64_t best_seq = 0, best_from = 0;
	while (!e && !(e = db_step(s, &row)) && row) {
		int64_t seq = db_col_int(s, 20), from = db_col_int(s, 6);
		if (found && (seq < best_seq || (seq == best_seq && from <= best_from)))
			continue;
		found = true;
		best_seq = seq;
		best_from = from;
		col_copy(s, 0, out->id, sizeof out->id, "");
		col_copy(s, 1, out->version, sizeof out->version, "");
		col_copy(s, 2, out->regime, sizeof out->regime, "");
		out->initial_hours = db_col_int(s, 3);
		out->extension_hours = db_col_int(s, 4);
		out->max_extensions = db_col_int(s, 5);
		out->effective_from = from;
		out->effective_to = db_col_int(s, 7);
		col_copy(s, 8, out->code, sizeof out->code, "");
		col_copy(s, 9, out->applies_to, sizeof out->applies_to, "");
		out->lawyer_max_hours = db_col_int(s, 10);
		out->lawyer_max_hours_delayed = db_col_int(s, 11);
		out->majority_age_years = db_col_int(s, 12);
		out->minors_allowed = db_col_int(s, 13) != 0;
		out->guardian_required = db_col_int(s, 14) != 0;
		col_copy(s, 15, out->categories, sizeof out->categories, "");
		out->min_age_years = db_col_int(s, 16);
		/* no list in the data: the prosecutor may delay the lawyer for a crime (art 66 §4) */
		col_copy(s, 17, out->delay_classes, sizeof out->delay_classes, "[\"crime\"]");
		col_copy(s, 18, out->confidence, sizeof out->confidence, "");
		col_copy(s, 19, out->frame_rules, sizeof out->frame_rules, "");
	}
	if (e)
		return e;
	return found ? SJ_OK : SJ_ENOTFOUND;
}

static const char sql_rules_list[] =
	"SELECT r.id AS id, r.version AS version, r.regime AS regime, r.initial_hours AS initial_hours,"
	" r.extension_hours AS extension_hours, r.max_extensions AS max_extensions, r.effective_from AS effective_from,"
	" r.effective_to AS effective_to, r.source AS source, r.note AS note, r.code AS code,"
	" r.applies_to AS applies_to_classes, r.lawyer_max_hours AS lawyer_contact_max_hours,"
	" r.lawyer_max_hours_delayed AS lawyer_contact_max_hours_crime, r.lawyer_confidence AS lawyer_confidence,"
	" r.majority_age_years AS majority_age_years, r.minors_allowed AS minors_allowed,"
	" r.guardian_required AS guardian_must_be_informed, r.applies_to_categories AS applies_to_categories,"
	" r.min_age_years AS min_age_years, r.lawyer_delay_classes AS lawyer_delay_classes, r.confidence AS confidence,"
	" r.frame_rules AS frame_rules"
	" FROM ref_custody_rules r JOIN ref_versions v ON v.kind = 'custody_rules' AND v.version = r.version"
	" ORDER BY v.seq DESC, r.regime, r.effective_from";

sj_err ref_custody_rules_list(db_conn *c, json_t **out)
{
	return dbj_rec_rows(c, sql_rules_list, &ref_custody_rule_rec, out, "");
}

/* --- prosecution offices --- */

static const char sql_office_add[] =
	"INSERT INTO ref_prosecution_offices (code, version, kind, name_fr, name_ar, units, competence)"
	" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, version) DO NOTHING";

sj_err ref_load_prosecution(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version;
	bool skip;
	sj_err e = ref_version_begin(c, "prosecution", root, &version, &skip);
	if (e || skip)
		return e;
	json_t *list = json_object_get(root, "offices");
	if (!json_is_array(list))
		return SJ_EINVAL;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *code = str(o, "code"), *kind = str(o, "kind"), *fr = str(o, "name_fr"),
			   *ar = str(o, "name_ar");
		json_t *units = json_object_get(o, "units");
		if (!code || !*code || strlen(code) > REF_CODE_MAX || !kind ||
		    (strcmp(kind, "tpi") != 0 && strcmp(kind, "ca") != 0) || !fr || !ar || !json_is_array(units)) {
			bad("prosecution", i, "needs code, kind tpi|ca, names and a units array");
			return SJ_EINVAL;
		}
		size_t k;
		json_t *u;
		json_array_foreach(units, k, u) {
			if (!json_is_string(u)) {
				bad("prosecution", i, "units must be unit codes");
				return SJ_EINVAL;
			}
		}
		json_t *comp = json_object_get(o, "competence");
		if (comp && !json_is_array(comp)) {
			bad("prosecution", i, "competence must be a list of classes or offence categories");
			return SJ_EINVAL;
		}
		char *uj = jdump_dumps(units, JSON_COMPACT), *cj = comp ? jdump_dumps(comp, JSON_COMPACT) : NULL;
		if (!uj || (comp && !cj)) {
			free(uj);
			free(cj);
			return SJ_ENOMEM;
		}
		e = db_run(c, sql_office_add, "ttttttt", code, version, kind, fr, ar, uj, cj);
		free(uj);
		free(cj);
		if (e)
			return e;
		(*added)++;
	}
	return ref_version_end(c, "prosecution", root, version);
}

static const char sql_office_list[] =
	"SELECT code, kind, name_fr, name_ar, units, competence FROM ref_prosecution_offices"
	" WHERE version = " CURRENT("prosecution") " ORDER BY code";
static const char sql_office_get[] =
	"SELECT code, kind, name_fr, name_ar, units, competence FROM ref_prosecution_offices"
	" WHERE code = ? AND version = " CURRENT("prosecution");

sj_err ref_prosecution_list(db_conn *c, json_t **out)
{
	return dbj_rec_rows(c, sql_office_list, &ref_office_rec, out, "");
}

sj_err ref_prosecution_get(db_conn *c, const char *code, json_t **out)
{
	return dbj_rec_one(c, sql_office_get, &ref_office_rec, out, "t", code);
}

/* depth_in_path: position (1-based, from the root) of code as a segment of
 * path "/A/B/C/", 0 when absent. */
static int depth_in_path(const char *path, const char *code)
{
	int depth = 0;
	size_t n = strlen(code);
	for (const char *p = path; *p;) {
		if (*p == '/') {
			p++;
			continue;
		}
		const char *q = strchr(p, '/');
		size_t len = q ? (size_t)(q - p) : strlen(p);
		depth++;
		if (len == n && strncmp(p, code, n) == 0)
			return depth;
		p += len;
	}
	return 0;
}

sj_err ref_prosecution_for(db_conn *c, const char *unit_path, const char *kind, json_t **out)
{
	*out = NULL;
	json_t *all = NULL;
	sj_err e = ref_prosecution_list(c, &all);
	if (e)
		return e;
	json_t *best = NULL;
	int best_depth = 0;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o) {
		if (strcmp(str(o, "kind"), kind) != 0)
			continue;
		size_t k;
		json_t *u;
		json_array_foreach(json_object_get(o, "units"), k, u) {
			int d = depth_in_path(unit_path, json_string_value(u));
			if (d > best_depth) {
				best_depth = d;
				best = o;
			}
		}
	}
	if (best) {
		*out = json_pack("{s:O,s:O,s:O,s:O}", "code", json_object_get(best, "code"), "kind",
				 json_object_get(best, "kind"), "name_fr", json_object_get(best, "name_fr"),
				 "name_ar", json_object_get(best, "name_ar"));
		e = *out ? SJ_OK : SJ_ENOMEM;
	} else {
		e = SJ_ENOTFOUND;
	}
	json_decref(all);
	return e;
}

/* competent_for: does office o's competence (a list of classes or offence
 * categories; none: by kind — tpi délits and contraventions, ca crimes,
 * art 23) name what? */
static bool competent_for(json_t *o, const char *what)
{
	json_t *comp = json_object_get(o, "competence");
	if (!json_is_array(comp) || json_array_size(comp) == 0) {
		bool crime = strcmp(what, "crime") == 0;
		return ref_class_from_name(what) != REF_CLASS_NONE && (strcmp(str(o, "kind"), "ca") == 0) == crime;
	}
	size_t i;
	json_t *v;
	json_array_foreach(comp, i, v) if (strcmp(json_string_value(v), what) == 0) return true;
	return false;
}

sj_err ref_prosecution_for_case(db_conn *c, const char *unit_path, const char *cls, json_t *categories,
				json_t **out)
{
	*out = NULL;
	json_t *all = NULL;
	sj_err e = ref_prosecution_list(c, &all);
	if (e)
		return e;
	json_t *best = NULL;
	int best_depth = 0;
	bool best_special = false;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o) {
		/* a competence by offence category (terrorism) wins over one by class */
		bool special = false, by_class = competent_for(o, cls);
		size_t k;
		json_t *cat;
		json_array_foreach(categories, k, cat) special = special || competent_for(o, json_string_value(cat));
		if (!special && !by_class)
			continue;
		json_t *u;
		json_array_foreach(json_object_get(o, "units"), k, u) {
			int d = depth_in_path(unit_path, json_string_value(u));
			if (d > 0 && ((special && !best_special) || (special == best_special && d > best_depth))) {
				best_depth = d;
				best = o;
				best_special = special;
			}
		}
	}
	if (best) {
		*out = json_pack("{s:O,s:O,s:O,s:O,s:s}", "code", json_object_get(best, "code"), "kind",
				 json_object_get(best, "kind"), "name_fr", json_object_get(best, "name_fr"), "name_ar",
				 json_object_get(best, "name_ar"), "by", best_special ? "category" : "class");
		e = *out ? SJ_OK : SJ_ENOMEM;
	} else {
		e = SJ_ENOTFOUND;
	}
	json_decref(all);
	return e;
}

/* --- ranks (CPP 20: OPJ by law or by grant) --- */

static const char sql_rank_add[] =
	"INSERT INTO ref_ranks (code, version, label_fr, label_ar, opj, confidence, note) VALUES (?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (code, version) DO NOTHING";

sj_err ref_load_ranks(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version;
	bool skip;
	sj_err e = ref_version_begin(c, "ranks", root, &version, &skip);
	if (e || skip)
		return e;
	json_t *list = json_object_get(root, "ranks");
	if (!json_is_array(list))
		return SJ_EINVAL;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *code = str(o, "code"), *opj = str(o, "opj");
		if (!code || !*code || strlen(code) > REF_CODE_MAX || !str(o, "label_fr") || !str(o, "label_ar") || !opj ||
		    (strcmp(opj, "law") != 0 && strcmp(opj, "grant") != 0 && strcmp(opj, "none") != 0)) {
			bad("ranks", i, "needs code, labels and opj law|grant|none");
			return SJ_EINVAL;
		}
		if ((e = db_run(c, sql_rank_add, "ttttttt", code, version, str(o, "label_fr"), str(o, "label_ar"), opj,
				str(o, "confidence"), str(o, "note"))))
			return e;
		(*added)++;
	}
	return ref_version_end(c, "ranks", root, version);
}

static const char sql_rank_get[] =
	"SELECT label_fr, label_ar, opj FROM ref_ranks WHERE code = ? AND version = " CURRENT("ranks");

sj_err ref_rank_get(db_conn *c, const char *code, ref_rank *out)
{
	memset(out, 0, sizeof *out);
	json_t *o = NULL;
	sj_err e = dbj_one(c, sql_rank_get, "fr:t,ar:t,opj:t", &o, "t", code);
	if (e)
		return e;
	snprintf(out->code, sizeof out->code, "%s", code);
	snprintf(out->label_fr, sizeof out->label_fr, "%s", str(o, "fr"));
	snprintf(out->label_ar, sizeof out->label_ar, "%s", str(o, "ar"));
	snprintf(out->opj, sizeof out->opj, "%s", str(o, "opj"));
	json_decref(o);
	return SJ_OK;
}

/* wrap answers {member: list} (list stolen). */
static sj_err wrap(sj_err e, const char *member, json_t *list, json_t **out)
{
	*out = NULL;
	if (e)
		return e;
	*out = json_pack("{s:o}", member, list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err ref_offences_read(db_conn *c, json_t **out)
{
	json_t *l = NULL;
	sj_err e = ref_offences_list(c, &l);
	return wrap(e, "offences", l, out);
}

sj_err ref_custody_rules_read(db_conn *c, json_t **out)
{
	json_t *l = NULL;
	sj_err e = ref_custody_rules_list(c, &l);
	return wrap(e, "rules", l, out);
}

sj_err ref_prosecution_read(db_conn *c, json_t **out)
{
	json_t *l = NULL;
	sj_err e = ref_prosecution_list(c, &l);
	return wrap(e, "offices", l, out);
}

