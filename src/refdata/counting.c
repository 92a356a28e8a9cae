/* counting.c — the counting rules of the statistics (refdata.h, issue 16):
 * data/counting_rules.json loaded as versioned rows with effective dates,
 * each rule's values checked against what src/stats knows how to count. */
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jdump.h"
#include "core/log.h"
#include "db/dbj.h"

#define CURRENT(kind) "(SELECT version FROM ref_versions WHERE kind = '" kind "' ORDER BY seq DESC LIMIT 1)"

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool bad(size_t i, const char *why)
{
	log_msg(LOG_ERROR, "bad reference entry",
		json_pack("{s:s,s:I,s:s}", "kind", "counting_rules", "index", (json_int_t)i, "why", why));
	return true;
}

/* --- counting rules (issue 16: how a statistic counts; src/stats reads them) --- */

static const char sql_counting_add[] =
	"INSERT INTO ref_counting_rules (code, version, effective_from, effective_to, body) VALUES (?, ?, ?, ?, ?)";

/* one_of: s is one of the NULL-terminated values. */
static bool one_of(const char *s, const char *const *values)
{
	for (; s && *values; values++)
		if (strcmp(s, *values) == 0)
			return true;
	return false;
}

static const char *const counting_units[] = {"case", "offence_line", "victim", NULL};
static const char *const counting_bases[] = {"registration", "occurrence", "referral", NULL};
static const char *const counting_principal[] = {"most_serious_then_first", NULL};
static const char *const counting_cleared[] = {"suspect_and_referral", "suspect_and_referral_or_presentation", NULL};
static const char *const counting_cancelled[] = {"excluded", "counted", NULL};
static const char *const counting_reclassified[] = {"current", NULL};

sj_err ref_load_counting_rules(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version;
	bool skip;
	sj_err e = ref_version_begin(c, "counting_rules", root, &version, &skip);
	if (e || skip)
		return e;
	json_t *list = json_object_get(root, "rules"), *o;
	size_t i;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return SJ_EINVAL;
	json_array_foreach(list, i, o) {
		const char *code = str(o, "code"), *from = str(o, "effective_from"), *to = str(o, "effective_to");
		json_t *th = json_object_get(o, "small_cell_threshold"), *age = json_object_get(o, "minor_age_years");
		int64_t f = 0, t = 0;
		if (!code || !*code || strlen(code) > REF_CODE_MAX || !ref_date_ms(from, &f) || (to && !ref_date_ms(to, &t)) ||
		    (to && t < f) || !one_of(str(o, "headline_unit"), counting_units) ||
		    !one_of(str(o, "date_basis"), counting_bases) ||
		    !one_of(str(o, "principal_offence"), counting_principal) ||
		    !one_of(str(o, "cleared"), counting_cleared) || !one_of(str(o, "cancelled"), counting_cancelled) ||
		    !one_of(str(o, "reclassified"), counting_reclassified) || !json_is_integer(th) ||
		    json_integer_value(th) < 0 || json_integer_value(th) > 100 || !json_is_integer(age) ||
		    json_integer_value(age) < 1 || json_integer_value(age) > 30) {
			bad(i, "needs a code, valid effective dates and known values for every rule field");
			return SJ_EINVAL;
		}
		/* A date-only effective_to is inclusive: the rule ends at the next legal midnight. */
		if (to && strlen(to) == 10)
			t = clock_legal_day_start(t + 30LL * 3600000LL);
		char *body = jdump_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		if (!body)
			return SJ_ENOMEM;
		e = to ? db_run(c, sql_counting_add, "ttiit", code, version, f, t, body)
		       : db_run(c, sql_counting_add, "ttint", code, version, f, body);
		free(body);
		if (e)
			return e;
		(*added)++;
	}
	return ref_version_end(c, "counting_rules", root, version);
}

static const char sql_counting_current[] =
	"SELECT code, version, effective_from, effective_to, body FROM ref_counting_rules"
	" WHERE version = " CURRENT("counting_rules") " ORDER BY effective_from, code";

sj_err ref_counting_rules_current(db_conn *c, json_t **out)
{
	return dbj_rows(c, sql_counting_current, "code:t,version:t,effective_from:i,effective_to:i,body:j", out, "");
}
