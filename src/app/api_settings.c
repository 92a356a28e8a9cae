/* api_settings.c — the database settings for administrators: list them, and
 * change one (audited with its old and new value in the same transaction).
 * The catalogue and every rule live in settings/settings.h. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "settings/settings.h"

void api_settings_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *items = NULL;
	sj_err e = settings_list(c, &items);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, e ? NULL : json_pack("{s:o}", "settings", items));
}

/* value_or_reply reads {"value": N} (or {"reset": true}) for def; false after
 * answering 400 with a message that names the allowed range. */
static bool value_or_reply(http_req *r, json_t *body, const settings_def *def, int64_t *value, bool *reset)
{
	json_t *v = json_object_get(body, "value");
	*reset = json_is_true(json_object_get(body, "reset"));
	if (*reset && !v)
		return true;
	char text[64], why[256];
	bool ok;
	if (json_is_integer(v)) {
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
		ok = settings_parse(def, text, value, why, sizeof why);
	} else {
		/* a string, even "12", is not a number: say what was sent */
		snprintf(text, sizeof text, "%s", json_is_string(v) ? json_string_value(v) : v ? "(not a number)" : "");
		ok = false;
		if (settings_parse(def, text, value, why, sizeof why))
			snprintf(why, sizeof why, "%s must be a JSON number, not a string", def->key);
	}
	if (!ok) {
		http_problem(r, 400, "validation", why,
			     json_pack("{s:[{s:s,s:s,s:s}],s:I,s:I}", "errors", "field", "value", "code",
				       v ? "range" : "required", "detail", why, "min", (json_int_t)def->min, "max",
				       (json_int_t)def->max));
		return false;
	}
	return true;
}

void api_settings_put(app *a, http_req *r, auth_user *u)
{
	(void)u;
	const settings_def *def = settings_find(http_param(r, "key"));
	if (!def) {
		http_problem(r, 404, "setting-not-found", "no such setting", NULL);
		return;
	}
	int64_t value = 0, old = 0;
	bool reset = false, was_default = false;
	if (!value_or_reply(r, http_json(r), def, &value, &reset))
		return;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e = reset ? settings_reset(c, def->key, &old, &was_default)
			 : settings_set(c, def->key, value, &old, &was_default);
	if (reset)
		value = def->dflt;
	json_t *out = NULL;
	e = e ? e : settings_json(c, def, &out);
	app_reply(a, r, c, e, NULL, NULL, def->key, e ? NULL : settings_change_detail(def->key, old, was_default, value, reset),
		  200, out);
}
