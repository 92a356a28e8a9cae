/* err.h — the one error type of sijill.
 *
 * Every fallible function returns an sj_err. SJ_OK is zero, so `if (e) goto out;`
 * reads naturally. The HTTP layer maps each value to a status and a stable
 * problem+json code (see http/problem.c); nothing else invents error numbers.
 */
#ifndef SJ_ERR_H
#define SJ_ERR_H

#define SJ_MUST_USE __attribute__((warn_unused_result))

typedef enum sj_err {
	SJ_OK = 0,
	SJ_ENOMEM,        /* an allocation failed */
	SJ_EINVAL,        /* input is malformed (400) */
	SJ_EUNPROCESSABLE,/* well formed, but the rules refuse it (422) */
	SJ_ENOTFOUND,     /* no such object, or not visible to the caller (404) */
	SJ_ECONFLICT,     /* state conflict: unique key, sealed document, wrong status (409) */
	SJ_EAUTH,         /* not authenticated (401) */
	SJ_EFORBIDDEN,    /* authenticated but not allowed (403) */
	SJ_ELIMIT,        /* a size or rate limit was exceeded (413/429) */
	SJ_EBUSY,         /* the database was busy; the transaction may be retried */
	SJ_EDB,           /* the database failed */
	SJ_EIO,           /* a file or socket failed */
	SJ_ECRYPTO,       /* a cryptographic check failed */
	SJ_EINTERNAL,     /* a bug or an impossible state */
	SJ_EUNAVAIL,      /* no writable database reachable (lost connection, demoted
	                   * primary, failover in progress): 503 + Retry-After */
	SJ_ERR__COUNT
} sj_err;

/* sj_err_name returns a static, stable lower-case name for e ("invalid", ...). */
const char *sj_err_name(sj_err e);

#endif
