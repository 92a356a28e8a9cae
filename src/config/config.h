/* config.h — what belongs to the process: the configuration file
 * (/etc/sijill/sijill.conf) and the command-line flags of `sijill serve`
 * that override it. What belongs to the database is settings/settings.h.
 *
 * The file is lines of `key = value`; `#` starts a comment; blank lines are
 * ignored; a value may be wrapped in double quotes. Every key is described
 * once in config.c (type, default, unit, range, one sentence): parsing,
 * defaults, the error messages, `sijill serve --config-sample` and the man
 * page come from that table. A bad file or value is refused as a whole, with
 * the file, line, key and the allowed range named.
 */
#ifndef SJ_CONFIG_H
#define SJ_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_LINE 2048      /* bytes of one line of the file */
#define CONFIG_MAX_FILE (256 * 1024)
#define CONFIG_TEXT_MAX 1024      /* a text value (URI, URL) */

typedef struct config {
	char listen[128];             /* HOST:PORT */
	int64_t threads;
	int64_t max_body;             /* bytes */
	int64_t max_connections;
	int64_t max_connections_per_ip;
	int64_t connection_timeout;   /* seconds */
	int64_t login_attempts_per_address;
	int64_t login_window;         /* seconds */
	char db[CONFIG_TEXT_MAX];     /* SQLite path or postgresql:// URI */
	char db_read_uri[CONFIG_TEXT_MAX]; /* reads that tolerate lag (a standby); "" = none */
	char audit_key[PATH_MAX];     /* "" = derived from db (cli_default_key_path) */
	char pv_key[PATH_MAX];        /* "" = AUDIT_KEY.pv-wrap */
	char webroot[PATH_MAX];       /* "" = webroot next to the binary, else /usr/share/sijill/web */
	char data_dir[PATH_MAX];      /* "" = as `sijill init` finds it */
	char central_url[CONFIG_TEXT_MAX]; /* node: central's https:// URL; "" = none (a station or central) */
	char abis_url[CONFIG_TEXT_MAX];   /* central: the mobile units' ABIS; "" none */
	char abis_reference_base[CONFIG_TEXT_MAX];   /* central: as the ABIS reaches us; "" none */
	char device_url[CONFIG_TEXT_MAX];   /* a mobile kit: its capture device (SBI) on loopback; "" none */
	char public_url[CONFIG_TEXT_MAX]; /* the base URL printed in documents' QR codes; "" = http://LISTEN */
	int64_t access_log;           /* 1 on, 0 off */
	char trusted_proxy[64];       /* the TLS-terminating proxy's address; "" = none */
} config;

/* config_defaults fills c with every key's default. */
void config_defaults(config *c);

/* config_set sets key from text, validated against the key's type and
 * range. On failure returns false and writes why ("must be a whole number
 * from 1 to 64 (worker threads)"); unknown keys too ("unknown key"). */
bool config_set(config *c, const char *key, const char *text, char *why, size_t whysz);

/* config_load reads the file at path over c (keys not in the file keep
 * their value). On failure returns false and writes a message naming the
 * file, line and key into err ("sijill.conf:12: threads = 100: must be ...");
 * c may then be partly changed: do not start. */
bool config_load(config *c, const char *path, char *err, size_t errsz);

/* config_write_sample prints the documented sample file (every key, its
 * default, unit and range) to f: the source of dist/sijill.conf. */
void config_write_sample(FILE *f);

#endif
