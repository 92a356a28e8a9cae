/* i18n.h — the interface's two languages on the server side.
 *
 * The dictionaries are web/i18n/ar.json and web/i18n/fr.json: flat objects
 * of key → message, with {name} placeholders. The web UI reads the same
 * files, so a label, an enum value or a refusal is worded once per language
 * for the screen, the problem+json answers and the printed documents alike.
 *
 * i18n_load reads them once at start-up (before threads); everything after is
 * read-only and thread-safe. Until they are loaded (a tool, a fuzz target)
 * lookups answer NULL and callers fall back to their English detail.
 */
#ifndef SJ_I18N_H
#define SJ_I18N_H

#include <jansson.h>
#include <stdbool.h>
#include "core/err.h"

typedef enum i18n_lang { I18N_AR = 0, I18N_FR = 1 } i18n_lang;

/* i18n_load reads dir/ar.json and dir/fr.json (each a JSON object of strings,
 * at most 1 MiB). SJ_EIO when a file is missing or unreadable, SJ_EINVAL when
 * one is not a flat object of strings. Replaces what an earlier call loaded
 * (only while no thread reads). */
SJ_MUST_USE sj_err i18n_load(const char *dir);
/* i18n_loaded tells whether dictionaries are available. */
bool i18n_loaded(void);
/* i18n_lang_from returns I18N_FR for "fr", I18N_AR otherwise. */
i18n_lang i18n_lang_from(const char *code);
/* i18n_get returns the message for key in lang (owned by the dictionary), or
 * NULL when absent. */
const char *i18n_get(i18n_lang lang, const char *key);
/* i18n_text writes key's message in lang with {name} placeholders filled from
 * vars (an object of strings/integers; may be NULL) into out; returns false
 * (out = "") when the key is absent or out is too small. */
bool i18n_text(i18n_lang lang, const char *key, json_t *vars, char *out, size_t outsz);
/* i18n_both returns a new {"ar": ..., "fr": ...} for key (vars as i18n_text),
 * or NULL when either dictionary lacks it. */
json_t *i18n_both(const char *key, json_t *vars);
/* i18n_free releases the dictionaries (at exit; tests). */
void i18n_free(void);

#endif
