/* files.c — uploads of the comms module: the archived copy of a claim and
 * the media items of a major event. Type-checked by their bytes against the
 * type declared, size-capped, hashed (BLAKE2b-256), served as stored (see
 * comms.h). */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "db/dbj.h"

/* An upload's body; the cap on data is the body's, the decoded size is
 * checked against COMMS_FILE_MAX. */
#define FILE_FIELDS(X) \
	X(V, name, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ) \
	X(V, media_type, TEXT, 3, COMMS_MAX_MEDIA, NULL, IN | REQ) \
	X(V, data, TEXT, 4, SJ_MAX_BODY_DEFAULT, NULL, IN | REQ | MULTI) \
	X(V, caption, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE)

static const rec_field file_fields[] = {FILE_FIELDS(REC_FIELD)};
const rec_desc comms_file_rec = REC_DESC("comms_file", NULL, file_fields, NULL);

static const char sql_file_meta[] =
	"SELECT id, name, media_type, size, hash, caption, created_at FROM comms_files WHERE id = ?";

sj_err comms_file_meta(db_conn *c, const char *id, json_t **out)
{
	return dbj_one(c, sql_file_meta, "id:t,name:t,media_type:t,size:i,hash:t,caption:t,created_at:i", out, "t", id);
}

/* ------------------------------------------------------------ files */

typedef struct ftype {
	const char *type, *ext;
} ftype;
static const ftype accepted[] = {
	{"image/png", "png"}, {"image/jpeg", "jpg"}, {"image/webp", "webp"}, {"image/gif", "gif"},
	{"application/pdf", "pdf"}, {"video/mp4", "mp4"}, {NULL, NULL},
};

/* sniff names the type the bytes are (their signature), or NULL. */
static const char *sniff(const unsigned char *d, size_t n)
{
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n >= 12 && memcmp(d + 4, "ftyp", 4) == 0)
		return "video/mp4";
	return NULL;
}

int comms_file_error_status(const char *why)
{
	if (!why)
		return 0;
	if (strcmp(why, "comms-file-type") == 0)
		return 415;
	if (strcmp(why, "comms-file-too-large") == 0)
		return 413;
	if (strcmp(why, "comms-file-mismatch") == 0 || strcmp(why, "comms-file-base64") == 0)
		return 422;
	return 0;
}

static const char sql_file_insert[] =
	"INSERT INTO comms_files (id, unit_id, owner_kind, owner_id, name, media_type, size, hash, data, caption,"
	" created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

sj_err comms_file_add(db_conn *c, const sj_actor *a, const char *unit_id, const char *owner_kind,
		      const char *owner_id, json_t *in, char file_id[37], json_t **out, const char **why)
{
	if (out)
		*out = NULL;
	const char *type = cj_str(in, "media_type"), *b64 = cj_str(in, "data");
	const ftype *ft = NULL;
	for (const ftype *f = accepted; f->type; f++)
		if (strcasecmp(f->type, type) == 0)
			ft = f;
	if (!ft) {
		*why = "comms-file-type";
		return SJ_EUNPROCESSABLE;
	}
	size_t bl = strlen(b64);
	if (bl > COMMS_FILE_B64_MAX + 1024) {
		*why = "comms-file-too-large";
		return SJ_EUNPROCESSABLE;
	}
	unsigned char *bin = malloc(bl / 4 * 3 + 3);
	if (!bin)
		return SJ_ENOMEM;
	size_t n = 0;
	sj_err e = SJ_OK;
	char hash[65];
	char *canon = NULL;
	if (sodium_base642bin(bin, bl / 4 * 3 + 3, b64, bl, " \r\n", &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n == 0) {
		*why = "comms-file-base64";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (n > COMMS_FILE_MAX) {
		*why = "comms-file-too-large";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	const char *is = sniff(bin, n);
	if (!is || strcmp(is, ft->type) != 0) {
		*why = "comms-file-mismatch";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	comms_hash_hex(bin, n, hash);
	size_t cl = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	canon = malloc(cl);
	if (!canon) {
		e = SJ_ENOMEM;
		goto out;
	}
	sodium_bin2base64(canon, cl, bin, n, sodium_base64_VARIANT_ORIGINAL);
	id_new(file_id);
	int64_t now = clock_now_ms();
	e = db_run(c, sql_file_insert, "ttttttitttti", file_id, unit_id, owner_kind, owner_id, cj_str(in, "name"),
		   ft->type, (int64_t)n, hash, canon, cj_str(in, "caption"), a->id, now);
	if (!e && out)
		e = comms_file_meta(c, file_id, out);
out:
	free(canon);
	free(bin);
	return e;
}

static const char sql_file_get[] =
	"SELECT owner_kind, media_type, hash, data, unit_path FROM comms_files"
	" JOIN (SELECT id AS u_id, path AS unit_path FROM units) u ON u.u_id = unit_id WHERE id = ?";

sj_err comms_file_get(db_conn *c, const sj_actor *a, const char *id, unsigned char **data, size_t *len,
		      char media_type[COMMS_MAX_MEDIA + 1], char name[80])
{
	*data = NULL;
	*len = 0;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *f = NULL;
	sj_err e = dbj_one(c, sql_file_get, "owner_kind:t,media_type:t,hash:t,data:t,unit_path:t", &f, "t", id);
	if (e)
		return e;
	/* media of a major event are national; an archived claim is its unit's */
	bool ok = strcmp(cj_str(f, "owner_kind"), "event") == 0 ? (a->national || (a->role & ROLES_COMMS))
								: comms_can_read(a, cj_str(f, "unit_path"));
	if (!ok) {
		json_decref(f);
		return SJ_EFORBIDDEN;
	}
	const char *b64 = cj_str(f, "data"), *ext = "bin";
	for (const ftype *t = accepted; t->type; t++)
		if (strcmp(t->type, cj_str(f, "media_type")) == 0)
			ext = t->ext;
	size_t bl = strlen(b64);
	*data = malloc(bl / 4 * 3 + 3);
	if (!*data) {
		json_decref(f);
		return SJ_ENOMEM;
	}
	if (sodium_base642bin(*data, bl / 4 * 3 + 3, b64, bl, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(*data);
		*data = NULL;
		json_decref(f);
		return SJ_EINTERNAL;
	}
	snprintf(media_type, COMMS_MAX_MEDIA + 1, "%s", cj_str(f, "media_type"));
	snprintf(name, 80, "%.16s.%s", cj_str(f, "hash"), ext);
	json_decref(f);
	return SJ_OK;
}

