/* limits.h — every named size limit of sijill in one place (STYLE habit 5). */
#ifndef SJ_LIMITS_H
#define SJ_LIMITS_H

#define SJ_MAX_BODY_DEFAULT     (1024 * 1024)   /* request body, bytes (--max-body) */
#define SJ_MAX_HEADER_BYTES     (16 * 1024)     /* all request headers together */
#define SJ_MAX_URL_BYTES        4096            /* path + query */
#define SJ_MAX_DRAIN_BYTES      (16 * 1024 * 1024) /* a declared body over --max-body read and dropped to answer 413 */
#define SJ_MAX_QUERY_PARAMS     32
#define SJ_MAX_JSON_DEPTH       32              /* nesting of a request body */
#define SJ_MAX_CONNECTIONS      512             /* open connections, all clients */
#define SJ_MAX_PER_IP           64              /* open connections from one address */
#define SJ_CONN_TIMEOUT_S       30              /* idle connection, seconds */
#define SJ_CONN_MEMORY          (64 * 1024)     /* libmicrohttpd per-connection pool (zeroed at every request: keep it small) */
#define SJ_MAX_BADGE            32
#define SJ_MIN_PASSWORD         12
#define SJ_MAX_PASSWORD         256
#define SJ_MAX_NAME             200             /* a person's or user's name, bytes */
#define SJ_MAX_CIN_TYPED        16              /* a CIN as typed (spaces, hyphens) */
#define SJ_MAX_PHONE            32              /* a phone number as typed */
#define SJ_MAX_NATIONALITY      64
#define SJ_MAX_SHORT_TEXT       500
#define SJ_MAX_LONG_TEXT        (64 * 1024)     /* facts, statements, summaries */
#define SJ_MAX_PAGE             200             /* rows a list returns at most */
#define SJ_DEFAULT_PAGE         50
#define SJ_MAX_PURPOSE          300
#define SJ_HASH_CONCURRENCY     2               /* argon2id hashes at once */
#define SJ_MAX_REFERENCE        100             /* a reference number (a notice, a file) */
#define SJ_MAX_AUTH_REF         128             /* a prosecutor's authorisation reference */
#define SJ_MAX_PLATE_TYPED      32              /* a plate as typed */
#define SJ_MAX_VIN              32              /* a VIN (chassis number) as typed */
#define SJ_MAX_DOC_NUMBER       32              /* an identity document's number as typed */
#define SJ_MAX_VEHICLE_TEXT     100             /* a vehicle's make or model */
#define SJ_MAX_COLOR            50
#define SJ_MAX_IMEI_TYPED       40              /* an IMEI as typed (15 digits and separators) */
#define SJ_MAX_SEAL_NO          64              /* a seal number of a seized item */
#define SJ_MAX_QUANTITY         64              /* a seized quantity as written ("2 kg") */
#define SJ_MAX_OTP              16              /* a second-factor code as typed */
#define SJ_TOTP_DIGITS          6               /* a TOTP code's length (RFC 6238) */
#define SJ_MAX_OFFENCES         32              /* offences charged when a case opens */
#define SJ_MAX_CASE_PERSONS     64              /* persons named when a case opens */
#define SJ_MAX_MATCH_REASONS    8               /* reasons a candidate or a hit matched */
#define SJ_MAX_ALERTS           256             /* hits one entry or look-up returns */
#define SJ_MAX_LIST             1000            /* rows of an unpaged list (users) */
#define SJ_TEST_CLOCK_MAX_MS    (3650LL * 86400000) /* how far a test server's clock moves */


/* Sessions and login (auth/session.c) */
#define SJ_SESSION_IDLE_MS      (30LL * 60 * 1000)        /* browser: 30 minutes idle */
#define SJ_SESSION_ABS_MS       (12LL * 60 * 60 * 1000)   /* browser: 12 hours at most */
#define SJ_TOKEN_ABS_MS         (90LL * 24 * 60 * 60 * 1000) /* machine tokens: 90 days */
#define SJ_SESSION_TOUCH_MS     (60LL * 1000)             /* last_seen written at most once a minute */
#define SJ_LOCK_AFTER_FAILURES  5
#define SJ_LOCK_BASE_MS         (15LL * 60 * 1000)        /* doubles with each further failure */
#define SJ_LOCK_MAX_MS          (24LL * 60 * 60 * 1000)
#define SJ_LOGIN_IP_WINDOW_MS   (5LL * 60 * 1000)
#define SJ_LOGIN_IP_MAX         60                        /* attempts per address per window */

#endif
