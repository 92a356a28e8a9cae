/* i18n.c — the two dictionaries (see i18n.h). */
#include "core/i18n.h"

#include <stdio.h>
#include <string.h>

#include "core/jdump.h"

#define I18N_FILE_MAX (1024 * 1024)
#define I18N_TEXT_MAX 2048

static json_t *dicts[2];

static sj_err load_one(const char *dir, const char *name, json_t **out)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return SJ_EINVAL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return SJ_EIO;
	static char data[I18N_FILE_MAX + 1];
	size_t len = fread(data, 1, I18N_FILE_MAX + 1, f);
	fclose(f);
	if (len > I18N_FILE_MAX)
		return SJ_ELIMIT;
	json_error_t err;
	json_t *j = jdump_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(j)) {
		json_decref(j);
		return SJ_EINVAL;
	}
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) {
		if (!json_is_string(v)) {
			json_decref(j);
			return SJ_EINVAL;
		}
	}
	*out = j;
	return SJ_OK;
}

sj_err i18n_load(const char *dir)
{
	json_t *ar = NULL, *fr = NULL;
	sj_err e = load_one(dir, "ar.json", &ar);
	e = e ? e : load_one(dir, "fr.json", &fr);
	if (e) {
		json_decref(ar);
		json_decref(fr);
		return e;
	}
	i18n_free();
	dicts[I18N_AR] = ar;
	dicts[I18N_FR] = fr;
	return SJ_OK;
}

bool i18n_loaded(void)
{
	return dicts[0] && dicts[1];
}

void i18n_free(void)
{
	json_decref(dicts[0]);
	json_decref(dicts[1]);
	dicts[0] = dicts[1] = NULL;
}

i18n_lang i18n_lang_from(const char *code)
{
	return code && strcmp(code, "fr") == 0 ? I18N_FR : I18N_AR;
}

const char *i18n_get(i18n_lang lang, const char *key)
{
	if (!key || (lang != I18N_AR && lang != I18N_FR) || !dicts[lang])
		return NULL;
	return json_string_value(json_object_get(dicts[lang], key));
}

bool i18n_text(i18n_lang lang, const char *key, json_t *vars, char *out, size_t outsz)
{
	if (!outsz)
		return false;
	out[0] = '\0';
	const char *s = i18n_get(lang, key);
	if (!s)
		return false;
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		const char *piece = NULL;
		size_t plen = 0;
		char num[32];
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close && close - p > 1 && close - p < 64 && vars) {
			char name[64];
			memcpy(name, p + 1, (size_t)(close - p - 1));
			name[close - p - 1] = '\0';
			json_t *v = json_object_get(vars, name);
			if (json_is_string(v)) {
				piece = json_string_value(v);
			} else if (json_is_integer(v)) {
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				piece = num;
			}
			if (piece) {
				plen = strlen(piece);
				p = close;
			}
		}
		if (!piece) {
			piece = p;
			plen = 1;
		}
		if (n + plen >= outsz) {
			out[0] = '\0';
			return false;
		}
		memcpy(out + n, piece, plen);
		n += plen;
	}
	out[n] = '\0';
	return true;
}

json_t *i18n_both(const char *key, json_t *vars)
{
	static _Thread_local char ar[I18N_TEXT_MAX], fr[I18N_TEXT_MAX];
	if (!i18n_text(I18N_AR, key, vars, ar, sizeof ar) || !i18n_text(I18N_FR, key, vars, fr, sizeof fr))
		return NULL;
	return json_pack("{s:s,s:s}", "ar", ar, "fr", fr);
}
