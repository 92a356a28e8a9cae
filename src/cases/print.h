/* print.h — bilingual print views (Arabic right-to-left + French) of a PV and
 * of a referral bundle, as complete HTML documents. No inline script or
 * style (the server's CSP forbids both): the look comes from /print.css.
 */
#ifndef SJ_PRINT_H
#define SJ_PRINT_H

#include <jansson.h>
#include "core/buf.h"
#include "core/err.h"

#define PRINT_MAX_HTML (4 * 1024 * 1024)

/* print_pv_html renders pv (as pv_get returns it) into out (a buf the caller
 * initialised and frees). A draft is marked as such. */
SJ_MUST_USE sj_err print_pv_html(json_t *pv, buf *out);
/* print_bundle_html renders a referral (as referral_get returns it, with its
 * bundle) into out. */
SJ_MUST_USE sj_err print_bundle_html(json_t *referral, buf *out);

/* print_daily_html renders the daily list of persons held in a unit (as
 * api_custody_daily builds it: {unit, unit_name_fr, unit_name_ar, from, to,
 * held:[...]}) into out — the list sent to the prosecutor. */
SJ_MUST_USE sj_err print_daily_html(json_t *daily, buf *out);

#endif
