/* config.c — the process configuration, described once (config.h). */
#include "config/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

typedef enum { K_INT = 1, K_BOOL, K_LISTEN, K_TEXT, K_PATH, K_DB, K_URL, K_PGURI, K_ADDR } kind;

typedef struct keydef {
	const char *name;
	kind kind;
	size_t off;                 /* offsetof(config, member) */
	size_t size;                /* text members: their size */
	int64_t min, max;           /* K_INT */
	const char *dflt;           /* as text in the file */
	const char *unit;
	const char *doc;
} keydef;

#define INT_KEY(n, m, lo, hi, d, u, doc) {n, K_INT, offsetof(config, m), 0, lo, hi, d, u, doc}
#define TXT_KEY(n, k, m, d, doc) {n, k, offsetof(config, m), sizeof(((config *)0)->m), 0, 0, d, NULL, doc}

static const keydef KEYS[] = {
	TXT_KEY("listen", K_LISTEN, listen, "127.0.0.1:8080",
		"Address and port to listen on (HOST:PORT; IPv6 as [::1]:8080; port 0 picks a free one). "
		"A non-loopback address is refused while demo accounts are active."),
	INT_KEY("threads", threads, 1, 64, "4", "worker threads", "Threads serving requests."),
	INT_KEY("max_body", max_body, 1024, 64LL * 1024 * 1024, "1048576", "bytes", "Largest request body."),
	INT_KEY("max_connections", max_connections, 1, 100000, "512", "connections",
		"Open connections from all clients together."),
	INT_KEY("max_connections_per_ip", max_connections_per_ip, 1, 100000, "64", "connections",
		"Open connections from one address. A station behind one NAT address needs it larger."),
	INT_KEY("connection_timeout", connection_timeout, 1, 3600, "30", "seconds", "An idle connection is closed after this."),
	INT_KEY("login_attempts_per_address", login_attempts_per_address, 1, 1000000, "60", "attempts per window",
		"Login attempts one address may make in login_window (then 429). Raise it for a station behind one NAT address."),
	INT_KEY("login_window", login_window, 10, 86400, "300", "seconds", "The window of login_attempts_per_address."),
	TXT_KEY("db", K_DB, db, "/var/lib/sijill/sijill.db",
		"The database: a SQLite file path, or a postgresql:// URI (keep its password in a ~/.pgpass file named "
		"by PGPASSFILE, not here)."),
	TXT_KEY("db_read_uri", K_PGURI, db_read_uri, "",
		"Central only: a postgresql:// URI for reads where a few seconds of lag are acceptable (national person "
		"search, register lists, the auditors' look-up flags), e.g. a standby: postgresql://sijill@db1,db2/sijill?"
		"target_session_attrs=prefer-standby. Empty: every read goes to db. Audit entries always go to db."),
	TXT_KEY("audit_key", K_PATH, audit_key, "",
		"The audit checkpoint key. Empty: $SIJILL_AUDIT_KEY, else DB.audit-key for SQLite, "
		"/var/lib/sijill/audit.key for PostgreSQL."),
	TXT_KEY("pv_key", K_PATH, pv_key, "", "The PV wrapping key. Empty: AUDIT_KEY.pv-wrap."),
	TXT_KEY("webroot", K_PATH, webroot, "",
		"The web interface's files. Empty: webroot next to the binary, else /usr/share/sijill/web."),
	TXT_KEY("data_dir", K_PATH, data_dir, "", "The reference data. Empty: ../data next to the binary, else /usr/share/sijill/data."),
	TXT_KEY("central_url", K_URL, central_url, "",
		"A field node's central (https://...). Empty on a station or at central. Used by the exchange."),
	TXT_KEY("public_url", K_URL, public_url, "",
		"The public base URL of this service (https://...), printed in the QR code of every receipt and "
		"certificate as <public_url>/verify/<number>. Empty: http://<the Host the browser used> (a station)."),
	TXT_KEY("abis_url", K_URL, abis_url, "",
		"Central: the ABIS (MOSIP ABIS JSON) the mobile units' biometric dedup asks. Empty: no biometric dedup."),
	TXT_KEY("abis_reference_base", K_URL, abis_reference_base, "",
		"Central: the base URL at which the ABIS reaches this server to fetch the CBEFF images (MOSIP's "
		"referenceURL <base>/api/v1/mobile/abis/<referenceId>?exp=&sig=). Empty: the referenceURL is sent empty."),
	TXT_KEY("device_url", K_URL, device_url, "",
		"A mobile kit: the capture device (SBI) on loopback, http://127.0.0.1:PORT, which the hand-over page "
		"asks for the citizen's finger (the 1:1 check); the pages may connect to it (Content-Security-Policy "
		"connect-src). Empty: the page offers the supervisor's override only."),
	TXT_KEY("trusted_proxy", K_ADDR, trusted_proxy, "",
		"The address of the reverse proxy that terminates TLS in front of sijill (e.g. 127.0.0.1): only from it is "
		"X-Forwarded-Proto: https believed, and the session cookie then carries Secure. Empty: no proxy."),
	{"access_log", K_BOOL, offsetof(config, access_log), 0, 0, 1, "on", NULL,
	 "Write a JSON line per request to standard error (on/off)."},
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static const keydef *find(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(KEYS[i].name, name) == 0)
			return &KEYS[i];
	return NULL;
}

static bool parse_int(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || s[0] == ' ' || s[0] == '+')
		return false;
	*out = v;
	return true;
}

static bool valid_listen(const char *s)
{
	char host[64];
	const char *colon;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof host)
			return false;
		snprintf(host, sizeof host, "%.*s", (int)(rb - s - 1), s + 1);
		colon = rb + 1;
		struct in6_addr a6;
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return false;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host)
			return false;
		snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
		struct in_addr a4;
		if (inet_pton(AF_INET, host, &a4) != 1)
			return false;
	}
	int64_t port;
	return parse_int(colon + 1, &port) && port >= 0 && port <= 65535;
}

static bool set_def(config *c, const keydef *k, const char *text, char *why, size_t whysz)
{
	char *base = (char *)c + k->off;
	switch (k->kind) {
	case K_INT: {
		int64_t v;
		if (!parse_int(text, &v) || v < k->min || v > k->max) {
			snprintf(why, whysz, "must be a whole number from %" PRId64 " to %" PRId64 " (%s)", k->min, k->max,
				 k->unit);
			return false;
		}
		*(int64_t *)(void *)base = v;
		return true;
	}
	case K_BOOL:
		if (strcmp(text, "on") == 0 || strcmp(text, "yes") == 0 || strcmp(text, "true") == 0) {
			*(int64_t *)(void *)base = 1;
		} else if (strcmp(text, "off") == 0 || strcmp(text, "no") == 0 || strcmp(text, "false") == 0) {
			*(int64_t *)(void *)base = 0;
		} else {
			snprintf(why, whysz, "must be on or off");
			return false;
		}
		return true;
	case K_LISTEN:
		if (!valid_listen(text)) {
			snprintf(why, whysz, "must be HOST:PORT with a numeric address and a port from 0 to 65535 "
					     "(127.0.0.1:8080, [::1]:8080)");
			return false;
		}
		break;
	case K_DB:
		if (!*text) {
			snprintf(why, whysz, "must name a SQLite file or a postgresql:// URI");
			return false;
		}
		break;
	case K_URL:
		if (*text && strncmp(text, "https://", 8) != 0 && strncmp(text, "http://127.", 11) != 0 &&
		    strncmp(text, "http://[::1]", 12) != 0) {
			snprintf(why, whysz, "must be an https:// URL (http:// only to a loopback address), or empty");
			return false;
		}
		break;
	case K_PGURI:
		if (*text && strncmp(text, "postgresql://", 13) != 0 && strncmp(text, "postgres://", 11) != 0) {
			snprintf(why, whysz, "must be a postgresql:// URI, or empty");
			return false;
		}
		break;
	case K_PATH:
		if (*text && text[0] != '/') {
			snprintf(why, whysz, "must be an absolute path, or empty for the default");
			return false;
		}
		break;
	case K_ADDR: {
		struct in_addr a4;
		struct in6_addr a6;
		if (*text && inet_pton(AF_INET, text, &a4) != 1 && inet_pton(AF_INET6, text, &a6) != 1) {
			snprintf(why, whysz, "must be a numeric IPv4 or IPv6 address (127.0.0.1), or empty");
			return false;
		}
		break;
	}
	case K_TEXT:
		break;
	}
	if (strlen(text) >= k->size) {
		snprintf(why, whysz, "is longer than %zu bytes", k->size - 1);
		return false;
	}
	snprintf(base, k->size, "%s", text);
	return true;
}

void config_defaults(config *c)
{
	memset(c, 0, sizeof *c);
	char why[256];
	for (size_t i = 0; i < NKEYS; i++)
		if (!set_def(c, &KEYS[i], KEYS[i].dflt, why, sizeof why))
			abort(); /* a default outside its own range: a bug in KEYS */
}

bool config_set(config *c, const char *key, const char *text, char *why, size_t whysz)
{
	const keydef *k = find(key);
	if (!k) {
		size_t n = (size_t)snprintf(why, whysz, "unknown key (known:");
		for (size_t i = 0; i < NKEYS && n < whysz; i++)
			n += (size_t)snprintf(why + n, whysz - n, " %s", KEYS[i].name);
		if (n < whysz)
			snprintf(why + n, whysz - n, ")");
		return false;
	}
	return set_def(c, k, text, why, whysz);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

bool config_load(config *c, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: cannot open the configuration file (%s)", path, strerror(errno));
		return false;
	}
	char line[CONFIG_MAX_LINE + 2], why[512];
	int lineno = 0;
	size_t total = 0;
	bool ok = true;
	bool seen[NKEYS] = {false};
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		total += len;
		if (total > CONFIG_MAX_FILE) {
			snprintf(err, errsz, "%s:%d: the file is larger than %d bytes", path, lineno, CONFIG_MAX_FILE);
			ok = false;
			break;
		}
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			snprintf(err, errsz, "%s:%d: line longer than %d bytes", path, lineno, CONFIG_MAX_LINE);
			ok = false;
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errsz, "%s:%d: expected `key = value`, got \"%.60s\"", path, lineno, s);
			ok = false;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		/* a comment after the value, outside quotes */
		if (*val == '"') {
			char *q = strchr(val + 1, '"');
			if (!q || (*trim(q + 1) != '\0' && *trim(q + 1) != '#')) {
				snprintf(err, errsz, "%s:%d: %s: unterminated or trailing text after the quoted value", path,
					 lineno, key);
				ok = false;
				break;
			}
			*q = '\0';
			val++;
		} else {
			char *hash = strstr(val, " #");
			if (hash)
				*hash = '\0';
			val = trim(val);
		}
		const keydef *k = find(key);
		if (k && seen[k - KEYS]) {
			snprintf(err, errsz, "%s:%d: %s is set twice", path, lineno, key);
			ok = false;
			break;
		}
		if (!config_set(c, key, val, why, sizeof why)) {
			snprintf(err, errsz, "%s:%d: %s = %.80s: %s", path, lineno, key, val, why);
			ok = false;
			break;
		}
		seen[k - KEYS] = true;
	}
	if (ok && ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		ok = false;
	}
	fclose(f);
	return ok;
}

void config_write_sample(FILE *f)
{
	fputs("# /etc/sijill/sijill.conf — the configuration of `sijill serve` (what belongs to\n"
	      "# the process). Generated by `sijill serve --config-sample`; each key shows its\n"
	      "# default. Command-line flags override this file. Settings kept in the database\n"
	      "# (look-up limits, flag thresholds, exchange) are changed with `sijill settings`.\n"
	      "# Environment variables name secrets' paths only: SIJILL_AUDIT_KEY, PGPASSFILE.\n"
	      "# Syntax: key = value; `#` starts a comment; a bad key or value stops the server\n"
	      "# with the file, line, key and allowed range named.\n",
	      f);
	for (size_t i = 0; i < NKEYS; i++) {
		const keydef *k = &KEYS[i];
		fprintf(f, "\n# %s\n", k->doc);
		if (k->kind == K_INT)
			fprintf(f, "# %" PRId64 " to %" PRId64 " %s; default %s\n", k->min, k->max, k->unit, k->dflt);
		else if (k->kind == K_BOOL)
			fprintf(f, "# on or off; default %s\n", k->dflt);
		else
			fprintf(f, "# default: %s\n", *k->dflt ? k->dflt : "(empty)");
		if (*k->dflt)
			fprintf(f, "#%s = %s\n", k->name, k->dflt);
		else
			fprintf(f, "#%s =\n", k->name);
	}
}
