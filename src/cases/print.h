/* print.h — the printed documents as complete HTML pages, each in one
 * language (lang: the reader's, ?lang= or the user's): the PV, the bundle
 * sent to the prosecutor and the daily list of persons held. Labels and
 * enums come from the dictionaries (core/i18n.h), times are legal time
 * (clock_legal_tm), the layout is A4 (/print.css). No inline script or style
 * (the server's CSP forbids both).
 */
#ifndef SJ_PRINT_H
#define SJ_PRINT_H

#include <jansson.h>
#include "core/buf.h"
#include "core/err.h"
#include "core/i18n.h"

#define PRINT_MAX_HTML (4 * 1024 * 1024)

/* print_pv_html renders pv (as pv_get returns it) into out (a buf the caller
 * initialised and frees). A draft is marked as such. */
SJ_MUST_USE sj_err print_pv_html(json_t *pv, i18n_lang lang, buf *out);
/* print_bundle_html renders a referral (as referral_get returns it, with its
 * bundle) into out. */
SJ_MUST_USE sj_err print_bundle_html(json_t *referral, i18n_lang lang, buf *out);

/* print_daily_html renders the daily list of persons held in a unit (as
 * api_custody_daily builds it: {unit, unit_name_fr, unit_name_ar, from, to,
 * held:[...]}) into out — the list sent to the prosecutor. */
SJ_MUST_USE sj_err print_daily_html(json_t *daily, i18n_lang lang, buf *out);

#endif
