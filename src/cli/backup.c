/* backup.c — `sijill backup`, `sijill restore` and `sijill migrate`.
 *
 * A backup is a directory:
 *   sijill.db       a consistent copy of the SQLite database (online backup
 *                   API: the server keeps serving while it runs)
 *   audit-key.enc   the audit checkpoint key, and
 *   pv-wrap.enc     the PV wrapping key, each encrypted (crypto_secretbox)
 *                   under a key derived from the operator's passphrase with
 *                   argon2id (crypto_pwhash); never inside the database copy
 *   mobile-box.enc  when the node has one, the mobile units' box key
 *                   (<audit key>.mobile-box: central opens the kits' sealed
 *                   packets with it, src/mobile/central.c), encrypted likewise
 *   audit.heads     the audit key's heads file (signed heads, no secret),
 *                   copied after the database
 *   MANIFEST.json   what the backup holds: each file's size and BLAKE2b-256,
 *                   the schema version, the node's last acknowledged exchange
 *   MANIFEST.mac    keyed BLAKE2b-256 of MANIFEST.json under a second key
 *                   derived from the same passphrase
 * so one changed byte anywhere is refused by restore, which also verifies
 * the audit chain and every sealed PV of the copy before putting it in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cases/pv.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/jdump.h"
#include "core/limits.h"
#include "db/migrate.h"
#include "settings/settings.h"

#define BK_FORMAT "sijill-backup-1"
#define BK_DB "sijill.db"
#define BK_AUDIT "audit-key.enc"
#define BK_PV "pv-wrap.enc"
#define BK_BOX "mobile-box.enc" /* <audit key>.mobile-box, when present */
#define BK_HEADS "audit.heads" /* <audit key>.heads: src/audit/heads.c */
#define BK_MANIFEST "MANIFEST.json"
#define BK_MAC "MANIFEST.mac"
#define BK_MAX_MANIFEST (1024 * 1024)
#define BK_MAX_KEYFILE 4096
#define BK_MIN_PASSPHRASE 12
#define BK_MAX_PASSPHRASE 1024
#define BK_OPS crypto_pwhash_OPSLIMIT_MODERATE
#define BK_MEM crypto_pwhash_MEMLIMIT_MODERATE
#define BK_MAX_OPS 16ULL                          /* bounds accepted from a manifest */
#define BK_MAX_MEM (1024ULL * 1024 * 1024)

/* ---------- small file helpers (the rest in files.c) ---------- */

static void join(char *out, size_t outsz, const char *dir, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

/* ---------- the passphrase and its keys ---------- */

typedef struct bk_keys {
	unsigned char enc[crypto_secretbox_KEYBYTES];
	unsigned char mac[crypto_generichash_KEYBYTES];
} bk_keys;

/* get_passphrase reads it from file (first line) or asks on the terminal
 * (twice when confirm). */
static bool get_passphrase(const char *file, bool confirm, char *out, size_t outsz)
{
	if (file) {
		char *b = cli_read_small(file, BK_MAX_PASSPHRASE, NULL);
		if (!b) {
			fprintf(stderr, "sijill: cannot read the passphrase file %s\n", file);
			return false;
		}
		b[strcspn(b, "\r\n")] = '\0';
		snprintf(out, outsz, "%s", b);
		sodium_memzero(b, strlen(b));
		free(b);
	} else {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "sijill: give --passphrase-file FILE, or run on a terminal to be asked\n");
			return false;
		}
		if (!cli_read_secret("backup passphrase: ", out, outsz))
			return false;
		if (confirm) {
			char again[BK_MAX_PASSPHRASE + 2];
			bool same = cli_read_secret("again: ", again, sizeof again) && strcmp(again, out) == 0;
			sodium_memzero(again, sizeof again);
			if (!same) {
				fprintf(stderr, "sijill: the two passphrases differ\n");
				return false;
			}
		}
	}
	if (strlen(out) < BK_MIN_PASSPHRASE) {
		fprintf(stderr, "sijill: the passphrase must have at least %d characters\n", BK_MIN_PASSPHRASE);
		return false;
	}
	return true;
}

static bool derive(const char *pass, const unsigned char salt[crypto_pwhash_SALTBYTES], unsigned long long ops,
		   size_t mem, bk_keys *k)
{
	unsigned char out[sizeof k->enc + sizeof k->mac];
	if (crypto_pwhash(out, sizeof out, pass, strlen(pass), salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return false;
	memcpy(k->enc, out, sizeof k->enc);
	memcpy(k->mac, out + sizeof k->enc, sizeof k->mac);
	sodium_memzero(out, sizeof out);
	return true;
}

/* seal_key encrypts the key file at path into dst: nonce || secretbox. */
static bool seal_key(const bk_keys *k, const char *path, const char *dst)
{
	size_t n = 0;
	char *plain = cli_read_small(path, BK_MAX_KEYFILE, &n);
	if (!plain)
		return false;
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	unsigned char *box = malloc(blen);
	bool ok = box != NULL;
	if (ok) {
		randombytes_buf(box, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (unsigned char *)plain, n, box, k->enc);
		ok = cli_write_new(dst, box, blen);
	}
	sodium_memzero(plain, n);
	free(plain);
	free(box);
	return ok;
}

/* open_key decrypts src into a new file dst (0600). */
static bool open_key(const bk_keys *k, const char *src, const char *dst)
{
	size_t n = 0;
	char *box = cli_read_small(src, BK_MAX_KEYFILE + 64, &n);
	if (!box || n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		free(box);
		return false;
	}
	size_t plen = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	unsigned char *plain = malloc(plen + 1);
	bool ok = plain && crypto_secretbox_open_easy(plain, (unsigned char *)box + crypto_secretbox_NONCEBYTES,
						       n - crypto_secretbox_NONCEBYTES, (unsigned char *)box, k->enc) == 0;
	ok = ok && cli_write_new(dst, plain, plen);
	if (plain)
		sodium_memzero(plain, plen);
	free(plain);
	free(box);
	return ok;
}

static void mac_hex(const bk_keys *k, const char *data, size_t len, char hex[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)data, len, k->mac, sizeof k->mac);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

static void key_paths(const char *dbu, const char *audit_key, const char *pv_key, char ak[PATH_MAX],
		      char pk[PATH_MAX + 16])
{
	if (audit_key)
		snprintf(ak, PATH_MAX, "%s", audit_key);
	else
		cli_default_key_path(dbu, ak);
	if (pv_key)
		snprintf(pk, PATH_MAX + 16, "%s", pv_key);
	else
		snprintf(pk, PATH_MAX + 16, "%s.pv-wrap", ak);
}

/* read_last_ack reads the node's last acknowledged exchange sequence from
 * the SQLite database at path (opened without migrating); *found false when
 * the node never exchanged (or the database predates node_state). */
static bool read_last_ack(const char *path, int64_t *seq, bool *found)
{
	*seq = 0;
	*found = false;
	db *d = NULL;
	if (db_open(path, 1, &d))
		return false;
	db_conn *c;
	bool ok = false;
	if (!db_acquire(d, &c)) {
		ok = !settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, seq, found);
		db_release(d, c);
	}
	db_close(d);
	return ok;
}

/* ---------- sijill backup ---------- */

static void backup_usage(FILE *f)
{
	fputs("usage: sijill backup --db DB [--passphrase-file FILE] [--audit-key PATH] OUT\n"
	      "\n"
	      "Copy a SQLite database while the server keeps serving (SQLite's online\n"
	      "backup API: one consistent snapshot), with the audit key and the PV\n"
	      "wrapping key exported beside it, each encrypted under a key derived from\n"
	      "an operator passphrase (argon2id, then crypto_secretbox). OUT is a new\n"
	      "directory: sijill.db, audit-key.enc, pv-wrap.enc, audit.heads (the audit\n"
	      "key's signed heads, copied after the database), mobile-box.enc (the mobile\n"
	      "units' box key AUDIT-KEY.mobile-box, when there is one), MANIFEST.json (sizes and\n"
	      "BLAKE2b-256 of every file, schema version, last acknowledged exchange) and\n"
	      "MANIFEST.mac (keyed with the passphrase). Keep the passphrase apart from\n"
	      "the backup: without it the keys cannot be recovered.\n"
	      "\n"
	      "PostgreSQL (central) is backed up with pg_basebackup and a WAL archive:\n"
	      "see /usr/share/doc/sijill/pg-backup.md.\n"
	      "\n"
	      "  --db DB                 the SQLite database file\n"
	      "  --passphrase-file FILE  read the passphrase (first line) from FILE;\n"
	      "                          otherwise it is asked twice on the terminal\n"
	      "  --audit-key PATH        the audit key (default as for `sijill init`)\n"
	      "  --pv-key PATH           the PV wrapping key (default AUDIT-KEY.pv-wrap)\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "Exit status 0: the backup is complete; 1: it failed (OUT is removed); 2: usage.\n", f);
}

static void rm_backup_dir(const char *out)
{
	const char *names[] = {BK_DB, BK_AUDIT, BK_PV, BK_MANIFEST, BK_MAC, NULL};
	char p[PATH_MAX + 32];
	for (int i = 0; names[i]; i++) {
		join(p, sizeof p, out, names[i]);
		unlink(p);
	}
	rmdir(out);
}

int cli_backup(int argc, char **argv)
{
	const char *dbu = getenv("SIJILL_DB"), *passfile = NULL, *akey = NULL, *pkey = NULL;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"audit-key", required_argument, NULL, 'k'},
		{"pv-key", required_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'P': passfile = optarg; break;
		case 'k': akey = optarg; break;
		case 'K': pkey = optarg; break;
		case 'h': backup_usage(stdout); return 0;
		default: backup_usage(stderr); return 2;
		}
	}
	if (!dbu || optind != argc - 1) {
		backup_usage(stderr);
		return 2;
	}
	const char *out = argv[optind];
	umask(077); /* the copy holds personal data: the operator only */
	if (db_uri_is_pg(dbu)) {
		fprintf(stderr, "sijill: a PostgreSQL database is backed up with pg_basebackup and a WAL archive\n"
				"        (see /usr/share/doc/sijill/pg-backup.md, dist/pg-backup/ in the source)\n");
		return 2;
	}
	if (access(dbu, R_OK) != 0) {
		fprintf(stderr, "sijill: no database file %s\n", dbu);
		return 1;
	}
	char ak[PATH_MAX], pk[PATH_MAX + 16];
	key_paths(dbu, akey, pkey, ak, pk);
	if (access(ak, R_OK) != 0 || access(pk, R_OK) != 0) {
		fprintf(stderr, "sijill: cannot read the keys %s and %s (give --audit-key)\n", ak, pk);
		return 1;
	}
	char pass[BK_MAX_PASSPHRASE + 2];
	if (!get_passphrase(passfile, true, pass, sizeof pass))
		return 2;
	if (mkdir(out, 0700) != 0) {
		fprintf(stderr, "sijill: cannot create the backup directory %s (%s); it must not exist\n", out,
			strerror(errno));
		sodium_memzero(pass, sizeof pass);
		return 1;
	}
	int64_t started = clock_now_ms();
	char p[PATH_MAX + 32], err[512] = "";
	int rc = 1;
	bk_keys k;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	randombytes_buf(salt, sizeof salt);
	json_t *man = NULL, *files = NULL;
	char *text = NULL;
	if (!derive(pass, salt, BK_OPS, BK_MEM, &k)) {
		fprintf(stderr, "sijill: deriving the backup key failed (out of memory?)\n");
		goto out;
	}
	fprintf(stderr, "sijill: copying %s ...\n", dbu);
	join(p, sizeof p, out, BK_DB);
	if (db_sqlite_copy(dbu, p, err, sizeof err)) {
		fprintf(stderr, "sijill: backup failed: %s\n", err);
		goto out;
	}
	char a_enc[PATH_MAX + 32], p_enc[PATH_MAX + 32];
	join(a_enc, sizeof a_enc, out, BK_AUDIT);
	join(p_enc, sizeof p_enc, out, BK_PV);
	if (!seal_key(&k, ak, a_enc) || !seal_key(&k, pk, p_enc)) {
		fprintf(stderr, "sijill: exporting the keys failed\n");
		goto out;
	}
	/* the mobile units' box key: without it no packet a kit sealed opens again */
	char bx[PATH_MAX + 16], b_enc[PATH_MAX + 32];
	snprintf(bx, sizeof bx, "%s.mobile-box", ak);
	join(b_enc, sizeof b_enc, out, BK_BOX);
	bool has_box = access(bx, F_OK) == 0;
	if (has_box && !seal_key(&k, bx, b_enc)) {
		fprintf(stderr, "sijill: exporting the mobile box key %s failed\n", bx);
		goto out;
	}
	/* after the database: every signed head of the copy is in the file */
	char heads[PATH_MAX + 8];
	snprintf(heads, sizeof heads, "%s.heads", ak);
	join(p, sizeof p, out, BK_HEADS);
	if (!cli_copy_file(heads, p)) {
		fprintf(stderr, "sijill: cannot copy the audit heads file %s (%s)\n", heads, strerror(errno));
		goto out;
	}
	int64_t ack = 0;
	bool has_ack = false;
	int schema = 0;
	join(p, sizeof p, out, BK_DB);
	{
		db *d = NULL;
		if (db_open(p, 1, &d) || db_schema_version(d, &schema)) {
			db_close(d);
			fprintf(stderr, "sijill: the copy cannot be opened\n");
			goto out;
		}
		db_close(d);
		/* opening may have recreated -wal/-shm: the copy must stay one file */
		char side[PATH_MAX + 48];
		snprintf(side, sizeof side, "%s-wal", p);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", p);
		unlink(side);
	}
	if (!read_last_ack(p, &ack, &has_ack)) {
		fprintf(stderr, "sijill: reading the exchange state of the copy failed\n");
		goto out;
	}
	{
		char side[PATH_MAX + 48];
		snprintf(side, sizeof side, "%s-wal", p);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", p);
		unlink(side);
	}
	files = json_array();
	const char *names[] = {BK_DB, BK_AUDIT, BK_PV, BK_HEADS, BK_BOX};
	for (int i = 0; i < (has_box ? 5 : 4) && files; i++) {
		char hex[65];
		int64_t size;
		join(p, sizeof p, out, names[i]);
		if (!cli_hash_file(p, hex, &size)) {
			fprintf(stderr, "sijill: cannot read back %s\n", p);
			goto out;
		}
		json_array_append_new(files, json_pack("{s:s,s:I,s:s}", "name", names[i], "size", (json_int_t)size,
						       "blake2b", hex));
	}
	char salthex[2 * sizeof salt + 1], iso[32];
	sodium_bin2hex(salthex, sizeof salthex, salt, sizeof salt);
	clock_format_iso(started, iso);
	man = json_pack("{s:s,s:I,s:s,s:s,s:i,s:i,s:O,s:{s:s,s:s,s:I,s:I},s:O}", "format", BK_FORMAT, "created_at",
			(json_int_t)started, "created_at_utc", iso, "source", dbu, "schema_version", schema,
			"binary_schema_version", db_binary_version(), "exchange_last_ack_seq",
			has_ack ? json_integer(ack) : json_null(), "kdf", "alg", "argon2id13", "salt", salthex,
			"opslimit", (json_int_t)BK_OPS, "memlimit", (json_int_t)BK_MEM, "files", files);
	text = man ? jdump_dumps(man, JSON_SORT_KEYS | JSON_INDENT(1)) : NULL;
	if (!text) {
		fprintf(stderr, "sijill: out of memory\n");
		goto out;
	}
	char mac[65];
	mac_hex(&k, text, strlen(text), mac);
	join(p, sizeof p, out, BK_MANIFEST);
	char m[PATH_MAX + 32];
	join(m, sizeof m, out, BK_MAC);
	if (!cli_write_new(p, text, strlen(text)) || !cli_write_new(m, mac, strlen(mac))) {
		fprintf(stderr, "sijill: writing the manifest failed\n");
		goto out;
	}
	printf("sijill: backup written to %s (schema %d, %lld bytes of database)\n", out, schema,
	       (long long)json_integer_value(json_object_get(json_array_get(files, 0), "size")));
	rc = 0;
out:
	sodium_memzero(pass, sizeof pass);
	sodium_memzero(&k, sizeof k);
	free(text);
	json_decref(man);
	json_decref(files);
	if (rc)
		rm_backup_dir(out);
	return rc;
}

/* ---------- sijill restore ---------- */

static void restore_usage(FILE *f)
{
	fputs("usage: sijill restore --db DB [--passphrase-file FILE] [--force] BACKUP\n"
	      "\n"
	      "Check a backup made by `sijill backup` and put it in place as DB (a SQLite\n"
	      "file), with its audit key and PV wrapping key. Nothing is put in place\n"
	      "unless every check passes:\n"
	      "  1. MANIFEST.mac matches MANIFEST.json under the passphrase's key;\n"
	      "  2. every file has the size and BLAKE2b-256 hash the manifest states\n"
	      "     (one changed byte is refused);\n"
	      "  3. the keys decrypt;\n"
	      "  4. the audit chain of the copy verifies, with every signed checkpoint;\n"
	      "  5. every sealed PV of the copy keeps its hash and OPJ signature;\n"
	      "  6. the copy is not older than the node's last acknowledged exchange with\n"
	      "     central (read from the database now at DB): restoring it would make\n"
	      "     the node send again, differently, what central already holds.\n"
	      "     --force overrides this one check only, after agreeing with central.\n"
	      "Stop the server first. An existing DB (and its keys, when they differ) is\n"
	      "kept beside as NAME.before-restore-TIME, never deleted.\n"
	      "\n"
	      "  --db DB                 where to restore (a SQLite file path)\n"
	      "  --passphrase-file FILE  the backup's passphrase (first line of FILE);\n"
	      "                          otherwise asked on the terminal\n"
	      "  --audit-key PATH        where the audit key goes (default as for `sijill init`)\n"
	      "  --pv-key PATH           where the PV wrapping key goes (default AUDIT-KEY.pv-wrap)\n"
	      "  --force                 restore even if older than the last acknowledged exchange\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "Exit status 0: restored; 1: refused or failed (nothing changed); 2: usage.\n", f);
}

/* set_aside renames path to path.before-restore-<ts> when it exists. */
static bool set_aside(const char *path, int64_t ts)
{
	if (access(path, F_OK) != 0)
		return true;
	char to[PATH_MAX + 64];
	snprintf(to, sizeof to, "%s.before-restore-%lld", path, (long long)ts);
	return rename(path, to) == 0;
}

static bool same_file_content(const char *a, const char *b)
{
	char ha[65], hb[65];
	int64_t sa, sb;
	return cli_hash_file(a, ha, &sa) && cli_hash_file(b, hb, &sb) && strcmp(ha, hb) == 0;
}

int cli_restore(int argc, char **argv)
{
	const char *dbu = NULL, *passfile = NULL, *akey = NULL, *pkey = NULL;
	int force = 0;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"audit-key", required_argument, NULL, 'k'},
		{"pv-key", required_argument, NULL, 'K'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'P': passfile = optarg; break;
		case 'k': akey = optarg; break;
		case 'K': pkey = optarg; break;
		case 'f': force = 1; break;
		case 'h': restore_usage(stdout); return 0;
		default: restore_usage(stderr); return 2;
		}
	}
	umask(077);
	if (!dbu || optind != argc - 1 || db_uri_is_pg(dbu)) {
		if (dbu && db_uri_is_pg(dbu))
			fprintf(stderr, "sijill: PostgreSQL is restored from its base backup and WAL archive "
					"(see pg-backup.md)\n");
		restore_usage(stderr);
		return 2;
	}
	const char *in = argv[optind];
	char p[PATH_MAX + 32];
	join(p, sizeof p, in, BK_MANIFEST);
	size_t mlen = 0;
	char *mtext = cli_read_small(p, BK_MAX_MANIFEST, &mlen);
	join(p, sizeof p, in, BK_MAC);
	char *mactext = cli_read_small(p, 200, NULL);
	if (!mtext || !mactext) {
		fprintf(stderr, "sijill: %s is not a sijill backup (no readable %s and %s)\n", in, BK_MANIFEST, BK_MAC);
		free(mtext);
		free(mactext);
		return 1;
	}
	json_error_t jerr;
	json_t *man = jdump_loads(mtext, JSON_REJECT_DUPLICATES, &jerr);
	int rc = 1;
	char pass[BK_MAX_PASSPHRASE + 2] = "";
	bk_keys k;
	memset(&k, 0, sizeof k);
	char stage[PATH_MAX + 64] = "", ak_stage[PATH_MAX + 64] = "", pk_stage[PATH_MAX + 80] = "",
	     bx_stage[PATH_MAX + 96] = "";
	char side[PATH_MAX + 128];
	int64_t now = clock_now_ms();
	db *d = NULL;
	const char *salthex = json_string_value(json_object_get(json_object_get(man, "kdf"), "salt"));
	json_int_t ops = json_integer_value(json_object_get(json_object_get(man, "kdf"), "opslimit"));
	json_int_t mem = json_integer_value(json_object_get(json_object_get(man, "kdf"), "memlimit"));
	unsigned char salt[crypto_pwhash_SALTBYTES];
	size_t sl = 0;
	if (!man || strcmp(json_string_value(json_object_get(man, "format")) ?: "", BK_FORMAT) != 0 || !salthex ||
	    sodium_hex2bin(salt, sizeof salt, salthex, strlen(salthex), NULL, &sl, NULL) || sl != sizeof salt ||
	    ops < 1 || (unsigned long long)ops > BK_MAX_OPS || mem < 8192 || (unsigned long long)mem > BK_MAX_MEM) {
		fprintf(stderr, "sijill: %s/%s is damaged or not of format %s; refusing to restore\n", in, BK_MANIFEST,
			BK_FORMAT);
		goto out;
	}
	if (!get_passphrase(passfile, false, pass, sizeof pass))
		goto out;
	if (!derive(pass, salt, (unsigned long long)ops, (size_t)mem, &k)) {
		fprintf(stderr, "sijill: deriving the backup key failed (out of memory?)\n");
		goto out;
	}
	/* 1. the manifest is the one the passphrase's holder wrote */
	char mac[65];
	mac_hex(&k, mtext, mlen, mac);
	mactext[strcspn(mactext, "\r\n")] = '\0';
	if (strlen(mactext) != 64 || sodium_memcmp(mac, mactext, 64) != 0) {
		fprintf(stderr, "sijill: the backup's manifest does not match its MAC: wrong passphrase, or\n"
				"        %s/%s was changed; refusing to restore\n", in, BK_MANIFEST);
		goto out;
	}
	/* 2. every file as the manifest states it */
	json_t *files = json_object_get(man, "files"), *fe;
	size_t i;
	bool have_db = false, have_a = false, have_p = false, have_h = false, have_b = false;
	json_array_foreach(files, i, fe) {
		const char *name = json_string_value(json_object_get(fe, "name")),
			   *want = json_string_value(json_object_get(fe, "blake2b"));
		json_int_t wsize = json_integer_value(json_object_get(fe, "size"));
		if (!name || !want || strchr(name, '/')) {
			fprintf(stderr, "sijill: the manifest names a bad file; refusing to restore\n");
			goto out;
		}
		char hex[65];
		int64_t size = -1;
		join(p, sizeof p, in, name);
		if (!cli_hash_file(p, hex, &size)) {
			fprintf(stderr, "sijill: %s is missing from the backup; refusing to restore\n", p);
			goto out;
		}
		if (size != wsize || strcmp(hex, want) != 0) {
			fprintf(stderr, "sijill: %s is corrupted: its %s differs from the manifest (%lld bytes, "
					"BLAKE2b %.16s…; expected %lld bytes, %.16s…); refusing to restore\n",
				p, size != wsize ? "size" : "hash", (long long)size, hex, (long long)wsize, want);
			goto out;
		}
		have_db |= strcmp(name, BK_DB) == 0;
		have_a |= strcmp(name, BK_AUDIT) == 0;
		have_p |= strcmp(name, BK_PV) == 0;
		have_h |= strcmp(name, BK_HEADS) == 0;
		have_b |= strcmp(name, BK_BOX) == 0;
	}
	if (!have_db || !have_a || !have_p || !have_h) {
		fprintf(stderr, "sijill: the manifest does not list the database, both keys and the audit heads file;"
				" refusing to restore\n");
		goto out;
	}
	/* 3. the keys, beside their final place */
	char ak[PATH_MAX], pk[PATH_MAX + 16];
	key_paths(dbu, akey, pkey, ak, pk);
	snprintf(stage, sizeof stage, "%s.restore-%lld", dbu, (long long)now);
	snprintf(ak_stage, sizeof ak_stage, "%s.restore-%lld", ak, (long long)now);
	snprintf(pk_stage, sizeof pk_stage, "%s.restore-%lld", pk, (long long)now);
	char a_enc[PATH_MAX + 32], p_enc[PATH_MAX + 32];
	join(a_enc, sizeof a_enc, in, BK_AUDIT);
	join(p_enc, sizeof p_enc, in, BK_PV);
	if (!open_key(&k, a_enc, ak_stage) || !open_key(&k, p_enc, pk_stage)) {
		fprintf(stderr, "sijill: the keys in the backup do not decrypt; refusing to restore\n");
		goto out;
	}
	if (audit_key_load_or_create(ak_stage, false) || pv_key_load_or_create(pk_stage, false)) {
		fprintf(stderr, "sijill: the keys in the backup are not valid keys; refusing to restore\n");
		goto out;
	}
	char bx[PATH_MAX + 16];
	snprintf(bx, sizeof bx, "%s.mobile-box", ak);
	snprintf(bx_stage, sizeof bx_stage, "%s.restore-%lld", bx, (long long)now);
	if (have_b) {
		char b_enc[PATH_MAX + 32];
		join(b_enc, sizeof b_enc, in, BK_BOX);
		size_t bl = 0;
		char *bt = NULL;
		bool good = open_key(&k, b_enc, bx_stage) && (bt = cli_read_small(bx_stage, BK_MAX_KEYFILE, &bl)) != NULL;
		if (good) {   /* one line: the X25519 secret in hex */
			unsigned char sk[crypto_box_SECRETKEYBYTES];
			size_t skn = 0;
			bt[strcspn(bt, "\r\n")] = 0;
			good = sodium_hex2bin(sk, sizeof sk, bt, strlen(bt), NULL, &skn, NULL) == 0 && skn == sizeof sk;
			sodium_memzero(sk, sizeof sk);
			sodium_memzero(bt, bl);
		}
		free(bt);
		if (!good) {
			fprintf(stderr, "sijill: the mobile box key in the backup does not decrypt; refusing to restore\n");
			goto out;
		}
	} else {
		bx_stage[0] = '\0';
	}
	join(p, sizeof p, in, BK_DB);
	if (!cli_copy_file(p, stage)) {
		fprintf(stderr, "sijill: cannot copy the database to %s (%s)\n", stage, strerror(errno));
		goto out;
	}
	/* 4. and 5. the copy's own proofs, before anything is migrated */
	if (db_open(stage, 1, &d)) {
		fprintf(stderr, "sijill: the database in the backup cannot be opened; refusing to restore\n");
		goto out;
	}
	int unknown = 0;
	if (db_schema_newer(d, &unknown) || unknown) {
		fprintf(stderr, "sijill: the backup was made by a newer sijill (schema version %d, this binary knows\n"
				"        up to %d); restore it with that version\n", unknown, db_binary_version());
		goto out;
	}
	/* the heads file beside the staged key, cut to the copy's entries */
	join(p, sizeof p, in, BK_HEADS);
	if (audit_heads_restore(d, p)) {
		fprintf(stderr, "sijill: the audit heads file of the backup cannot be read; refusing to restore\n");
		goto out;
	}
	/* judged as of the backup: its newest entries were in their window */
	audit_report rep;
	if (audit_verify_as_of(d, json_integer_value(json_object_get(man, "created_at")), &rep)) {
		fprintf(stderr, "sijill: the audit chain of the copy cannot be read; refusing to restore\n");
		goto out;
	}
	if (!rep.ok) {
		fprintf(stderr, "sijill: the audit chain of the copy is BROKEN at entry %lld (%s); refusing to restore\n",
			(long long)rep.first_bad_seq, rep.reason);
		goto out;
	}
	db_conn *c;
	int64_t pvs = 0, copy_ack = 0;
	bool copy_has_ack = false;
	char bad[ID_LEN + 1];
	sj_err e = db_acquire(d, &c);
	if (!e) {
		e = pv_verify_all(c, &pvs, bad);
		if (!e && bad[0]) {
			fprintf(stderr, "sijill: the sealed PV %s of the copy fails its hash or signature; refusing to restore\n",
				bad);
			db_release(d, c);
			goto out;
		}
		/* a copy older than node_state has no exchange either */
		if (!e && settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &copy_ack, &copy_has_ack))
			copy_has_ack = false;
		db_release(d, c);
	}
	/* the restore is an entry of the copy's log, which signs its head at rest */
	audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = "backup.restore",
			  .object_type = "backup", .object_id = in, .outcome = "ok"};
	e = e ? e : audit_record(d, &ae);
	if (e) {
		fprintf(stderr, "sijill: checking the PVs of the copy or auditing the restore failed (%s); refusing to"
				" restore\n", sj_err_name(e));
		goto out;
	}
	db_close(d);
	d = NULL;
	/* 6. never go back behind what central acknowledged */
	if (access(dbu, F_OK) == 0) {
		int64_t live_ack = 0;
		bool live_has = false;
		if (!read_last_ack(dbu, &live_ack, &live_has)) {
			fprintf(stderr, "sijill: warning: cannot read the exchange state of %s; the check against the\n"
					"        last acknowledged exchange is skipped\n", dbu);
		} else if (live_has && (!copy_has_ack || copy_ack < live_ack)) {
			if (!force) {
				fprintf(stderr,
					"sijill: this backup is older than the node's last acknowledged exchange: central\n"
					"        acknowledged sequence %lld, the backup only %lld. Restoring it would make this\n"
					"        node send different records under sequences central already holds.\n"
					"        Refusing; use --force only after agreeing the recovery with central.\n",
					(long long)live_ack, (long long)copy_ack);
				goto out;
			}
			fprintf(stderr, "sijill: --force: restoring a copy older than the last acknowledged exchange "
					"(%lld < %lld)\n", (long long)copy_ack, (long long)live_ack);
		}
	}
	/* put in place: the old files are kept beside, never deleted */
	bool ok = set_aside(dbu, now);
	snprintf(side, sizeof side, "%s-wal", dbu);
	ok = ok && set_aside(side, now);
	snprintf(side, sizeof side, "%s-shm", dbu);
	ok = ok && (access(side, F_OK) != 0 || unlink(side) == 0);
	if (ok && access(ak, F_OK) == 0 && !same_file_content(ak, ak_stage))
		ok = set_aside(ak, now);
	if (ok && access(pk, F_OK) == 0 && !same_file_content(pk, pk_stage))
		ok = set_aside(pk, now);
	if (ok && bx_stage[0] && access(bx, F_OK) == 0 && !same_file_content(bx, bx_stage))
		ok = set_aside(bx, now);
	char hs[PATH_MAX + 80], hd[PATH_MAX + 80]; /* the heads files beside the keys */
	snprintf(hs, sizeof hs, "%s.heads", ak_stage);
	snprintf(hd, sizeof hd, "%s.heads", ak);
	ok = ok && (access(hd, F_OK) != 0 || set_aside(hd, now));
	ok = ok && rename(stage, dbu) == 0 && rename(ak_stage, ak) == 0 && rename(pk_stage, pk) == 0 &&
	     rename(hs, hd) == 0 && (!bx_stage[0] || rename(bx_stage, bx) == 0);
	if (!ok) {
		fprintf(stderr, "sijill: putting the restored files in place failed (%s)\n", strerror(errno));
		goto out;
	}
	stage[0] = ak_stage[0] = pk_stage[0] = bx_stage[0] = '\0';
	printf("sijill: restored %s from %s (made %s): %lld audit entries and %lld checkpoints verified, "
	       "%lld sealed PVs verified; keys in %s and %s\n",
	       dbu, in, json_string_value(json_object_get(man, "created_at_utc")) ?: "?", (long long)rep.entries,
	       (long long)rep.checkpoints, (long long)pvs, ak, pk);
	rc = 0;
out:
	db_close(d);
	if (stage[0]) {
		unlink(stage);
		snprintf(side, sizeof side, "%s-wal", stage);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", stage);
		unlink(side);
	}
	if (ak_stage[0]) {
		unlink(ak_stage);
		snprintf(side, sizeof side, "%s.heads", ak_stage);
		unlink(side);
	}
	if (pk_stage[0])
		unlink(pk_stage);
	if (bx_stage[0])
		unlink(bx_stage);
	sodium_memzero(pass, sizeof pass);
	sodium_memzero(&k, sizeof k);
	json_decref(man);
	free(mtext);
	free(mactext);
	return rc;
}
