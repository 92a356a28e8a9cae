/* central.c — central's side of the mobile units: its box key (packets are
 * sealed to it), the validation of every packet a kit sent through the
 * exchange — decrypted, hash and kit signature, every capture's device
 * signature and chain and quality again, whatever the kit claims; a
 * distinct reason for each refusal, nothing applied, audited — and the
 * production statuses (mobile.h).
 *
 * Why a central step reading xchg_rows rather than a hook in apply.c: the
 * exchange's apply keeps every node row exactly as sent and acknowledges the
 * batch; a refused packet is a finding about the kit's work, not a reason to
 * refuse or quarantine the batch that carried it (the kit would resend it
 * forever). mob_validate_pending runs over the packet rows not yet
 * validated, each once (mob_received.packet_id), each in short transactions
 * of its own (mob_validate): no write is held over a decryption, a search or
 * an ABIS call. */
#include "mobile/mobile.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "exchange/exchange.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ box key */

static unsigned char box_pk[crypto_box_PUBLICKEYBYTES], box_sk[crypto_box_SECRETKEYBYTES];
static bool box_loaded;

sj_err mob_box_keys_load(const char *audit_key_path)
{
	char path[4096 + 16];
	snprintf(path, sizeof path, "%s.mobile-box", audit_key_path);
	FILE *f = fopen(path, "r");
	char hex[2 * crypto_box_SECRETKEYBYTES + 2] = "";
	if (f) {
		bool ok = fgets(hex, sizeof hex, f) != NULL;
		fclose(f);
		hex[strcspn(hex, "\n")] = 0;
		if (!ok || sodium_hex2bin(box_sk, sizeof box_sk, hex, strlen(hex), NULL, NULL, NULL) != 0)
			return SJ_EIO;
		crypto_scalarmult_base(box_pk, box_sk);
	} else {
		crypto_box_keypair(box_pk, box_sk);
		sodium_bin2hex(hex, sizeof hex, box_sk, sizeof box_sk);
		mode_t old = umask(077);
		f = fopen(path, "w");
		umask(old);
		if (!f)
			return SJ_EIO;
		bool ok = fprintf(f, "%s\n", hex) > 0;
		ok = fclose(f) == 0 && ok;
		sodium_memzero(hex, sizeof hex);
		if (!ok)
			return SJ_EIO;
	}
	box_loaded = true;
	return SJ_OK;
}

sj_err mob_box_public_hex(char out[MOB_HASH_HEX + 1])
{
	if (!box_loaded)
		return SJ_ENOTFOUND;
	sodium_bin2hex(out, MOB_HASH_HEX + 1, box_pk, sizeof box_pk);
	return SJ_OK;
}

/* ------------------------------------------------------------ records */

#define RECEIVED_FIELDS(X) \
	X(C, packet_id, ID, 0, 36, NULL, OUT) \
	X(C, node_id, ID, 0, 36, NULL, OUT) \
	X(C, enrolment_id, ID, 0, 36, NULL, OUT) \
	X(C, application_no, CODE, 1, 64, NULL, OUT) \
	X(C, packet_hash, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(C, unit, CODE, 1, 64, NULL, OUT) \
	X(C, outcome, CODE, 1, 16, NULL, OUT) \
	X(C, reason, CODE, 1, 64, NULL, OUT) \
	X(E, status, CODE, 1, 32, NULL, IN | REQ | OUT) \
	X(E, demographic, JSON, 0, 0, NULL, OUT) \
	X(C, applicant, JSON, 0, 0, NULL, 0) \
	X(C, abis_ref, ID, 0, 36, NULL, 0) \
	X(C, received_at, TIME, 0, 0, NULL, OUT) \
	X(E, status_at, TIME, 0, 0, NULL, OUT) \
	X(C, handover_id, ID, 0, 36, NULL, 0) \
	X(C, handed_at, TIME, 0, 0, NULL, OUT)
static const rec_field received_fields[] = {REC_ID_FIELD, RECEIVED_FIELDS(REC_FIELD)};
const rec_desc mob_received_rec = REC_DESC("mob_received", "mob_received", received_fields, NULL);
#define RECEIVEDS_FIELDS(X) \
	X(V, items, ARRAY, 0, 0, &mob_received_rec, OUT) \
	X(V, validated, INT, 0, 0, NULL, OUT) \
	X(V, accepted, INT, 0, 0, NULL, OUT) \
	X(V, refused, INT, 0, 0, NULL, OUT) \
	X(V, handed, INT, 0, 0, NULL, OUT) \
	X(V, more, BOOL, 0, 0, NULL, OUT)
static const rec_field receiveds_fields[] = {RECEIVEDS_FIELDS(REC_FIELD)};
const rec_desc mob_receiveds_rec = REC_DESC("mob_receiveds", NULL, receiveds_fields, NULL);

REC_ENUM_DEF(prod_statuses, "mob_production_status", "in_production", "ready", "dispatched");
#define STATUS_FIELDS(X) X(V, status, ENUM, 0, 0, &prod_statuses, IN | REQ)
static const rec_field status_fields[] = {STATUS_FIELDS(REC_FIELD)};
const rec_desc mob_status_rec = REC_DESC("mob_status", NULL, status_fields, NULL);

/* ------------------------------------------------------------ one packet */

static const char sql_node_key[] = "SELECT public_key FROM xchg_nodes WHERE id = ?";
static const char sql_seen[] =
	"SELECT COUNT(*) FROM mob_received WHERE outcome = 'accepted' AND (packet_hash = ? OR application_no = ?)";

/* check validates the packet row (with "node_id") and sets *reason (NULL:
 * accepted) and *app (new: the clear packet, when it decrypted). */
static sj_err check(db_conn *c, json_t *row, const char **reason, json_t **app)
{
	*app = NULL;
	*reason = "packet-malformed";
	const char *hash = js(row, "packet_hash"), *sig = js(row, "signature"), *b64 = js(row, "box");
	if (!hash || !sig || !b64 || strlen(b64) > MOB_MAX_PACKET * 2)
		return SJ_OK;
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_seen, &n, "tt", hash, js(row, "application_no") ? js(row, "application_no") : "");
	if (e)
		return e;
	if (n) {
		*reason = "packet-replay";
		return SJ_OK;
	}
	size_t bl = strlen(b64), bn = 0;
	unsigned char *box = malloc(bl);
	if (!box)
		return SJ_ENOMEM;
	*reason = "packet-undecryptable";
	if (sodium_base642bin(box, bl, b64, bl, NULL, &bn, NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    bn < crypto_box_SEALBYTES || !box_loaded) {
		free(box);
		return SJ_OK;
	}
	size_t tn = bn - crypto_box_SEALBYTES;
	char *text = malloc(tn + 1);
	if (!text || crypto_box_seal_open((unsigned char *)text, box, bn, box_pk, box_sk) != 0) {
		free(box);
		free(text);
		return text ? SJ_OK : SJ_ENOMEM;
	}
	free(box);
	text[tn] = 0;
	char h[MOB_HASH_HEX + 1], msg[80 + MOB_HASH_HEX];
	mob_packet_hash(text, tn, h);
	json_t *p = json_loadb(text, tn, 0, NULL);
	free(text);
	*reason = "packet-hash";
	if (strcmp(h, hash) != 0) {
		json_decref(p);
		return SJ_OK;
	}
	/* signed by the kit that sent it: the node's key pinned at its join */
	json_t *k = NULL;
	e = dbj_one(c, sql_node_key, "public_key:t", &k, "t", js(row, "node_id") ? js(row, "node_id") : "");
	if (e && e != SJ_ENOTFOUND) {
		json_decref(p);
		return e;
	}
	snprintf(msg, sizeof msg, "sijill-mob-packet-v1|%s", hash);
	*reason = "packet-signature";
	if (e || !js(k, "public_key") || !xchg_verify_hex(js(k, "public_key"), sig, msg, strlen(msg))) {
		json_decref(k);
		json_decref(p);
		return SJ_OK;
	}
	json_decref(k);
	*reason = "packet-malformed";
	json_t *en = json_object_get(p, "enrolment");
	if (!p || !js(en, "id") || !json_is_array(json_object_get(p, "captures"))) {
		json_decref(p);
		return SJ_OK;
	}
	*app = p;
	/* every capture again: its device, its signature, its chain, its quality */
	char day[11], head[MOB_HASH_HEX + 1];
	clock_legal_date((int64_t)json_integer_value(json_object_get(json_object_get(p, "ops"), "created_at")), day);
	json_t *rule = NULL;
	if ((e = mob_rule_at(c, day, &rule)) == SJ_ENOTFOUND) {
		*reason = "no-cnie-rule";
		return SJ_OK;
	}
	if (e)
		return e;
	mob_chain_genesis(head);
	size_t i;
	json_t *x;
	json_t *good = json_object();   /* positions with an accepted capture */
	json_array_foreach(json_object_get(p, "captures"), i, x) {
		json_t *pl = NULL;
		const char *why = NULL;
		char nh[MOB_HASH_HEX + 1];
		if ((e = mob_capture_verify(c, x, head, js(en, "id"), &pl, nh, &why))) {
			json_decref(good);
			json_decref(rule);
			if (e != SJ_EUNPROCESSABLE)
				return e;
			*reason = why;
			return SJ_OK;
		}
		snprintf(head, sizeof head, "%s", nh);
		const char *mod = js(x, "modality");
		int64_t q = json_integer_value(json_object_get(pl, "qualityScore"));
		int64_t th = json_integer_value(json_object_get(json_object_get(rule, "quality"),
								mod && strcmp(mod, "finger") == 0 ? "finger" : "face"));
		bool claimed = json_is_true(json_object_get(x, "accepted"));
		if (claimed && q < th) {
			json_decref(pl);
			json_decref(good);
			json_decref(rule);
			*reason = "capture-quality";
			return SJ_OK;
		}
		if (q >= th && js(pl, "bioSubType"))
			json_object_set_new(good, js(pl, "bioSubType"), json_true());
		json_decref(pl);
	}
	json_array_foreach(json_object_get(p, "exceptions"), i, x) if (js(x, "position"))
		json_object_set_new(good, js(x, "position"), json_true());
	bool complete = json_is_true(json_object_get(good, "Face"));
	json_array_foreach(json_object_get(rule, "fingers"), i, x) if (!json_object_get(good, json_string_value(x)))
		complete = false;
	json_decref(good);
	json_decref(rule);
	*reason = complete ? NULL : "capture-quality";
	return SJ_OK;
}

static const char sql_rec_add[] =
	"INSERT INTO mob_received (" REC_COLS(RECEIVED_FIELDS) ") VALUES (" REC_QS(RECEIVED_FIELDS) ")";
static const char sql_done[] = "SELECT COUNT(*) FROM mob_received WHERE packet_id = ?";

/* record writes packet row's outcome (reason NULL: accepted, with app's
 * enrolment and the candidates cands, stolen) and its audit entry, in one
 * short write transaction of its own. The packet validated by another round
 * in the meantime: nothing written, *outcome NULL. A replay is looked for
 * again under the write lock (another copy may have been accepted since the
 * checks were made outside it). */
static sj_err record(db_conn *c, json_t *row, const char *reason, json_t *app, json_t *cands, const char *ref,
		     json_t **outcome)
{
	int64_t n = 0;
	sj_err e = db_begin(c, DB_WRITE);
	e = e ? e : dbj_int(c, sql_done, &n, "t", js(row, "id") ? js(row, "id") : "");
	if (!e && n) {
		db_rollback(c);
		json_decref(cands);
		return SJ_OK;
	}
	if (!e && !reason) {
		e = dbj_int(c, sql_seen, &n, "tt", js(row, "packet_hash") ? js(row, "packet_hash") : "",
			    js(row, "application_no") ? js(row, "application_no") : "");
		if (!e && n) {
			reason = "packet-replay";
			json_decref(cands);
			cands = NULL;
		}
	}
	if (e) {
		db_rollback(c);
		json_decref(cands);
		return e;
	}
	int64_t now = clock_now_ms();
	char id[ID_LEN + 1];
	id_new(id);
	json_t *rec = json_pack("{s:s,s:O,s:O,s:s?,s:O,s:O,s:O,s:s,s:s?,s:s,s:I,s:I}", "id", id, "packet_id",
				json_object_get(row, "id"), "node_id", json_object_get(row, "node_id"), "enrolment_id",
				js(json_object_get(app, "enrolment"), "id"), "application_no",
				json_object_get(row, "application_no"), "packet_hash", json_object_get(row, "packet_hash"),
				"unit", json_object_get(row, "unit"), "outcome", reason ? "refused" : "accepted", "reason",
				reason, "status",
				reason ? "refused" : json_array_size(cands) ? "adjudication" : "in_production",
				"received_at", (json_int_t)now, "status_at", (json_int_t)now);
	if (!rec) {
		db_rollback(c);
		json_decref(cands);
		return SJ_ENOMEM;
	}
	if (cands)
		json_object_set_new(rec, "demographic", cands);
	if (!reason) {
		json_object_set(rec, "applicant", json_object_get(app, "enrolment"));
		json_object_set_new(rec, "abis_ref", json_string(ref));
	}
	e = dbj_write(c, sql_rec_add, &mob_received_rec, rec, false, "");
	audit_entry ae = {.badge = "system", .role = "system", .action = "mobile.packet.validate",
			  .object_type = "mob_packet", .object_id = js(row, "id"),
			  .outcome = reason ? "refused" : "ok",
			  .detail = json_pack("{s:O,s:s?,s:O?}", "application_no", json_object_get(row, "application_no"),
					      "reason", reason, "status", json_object_get(rec, "status"))};
	e = e ? e : audit_append(c, &ae, NULL);
	json_decref(ae.detail);
	e = e ? e : db_commit(c);
	if (e)
		db_rollback(c);
	else
		*outcome = json_pack("{s:O,s:O,s:s,s:s?,s:O,s:O?}", "id", json_object_get(rec, "id"), "application_no",
				     json_object_get(row, "application_no"), "outcome", reason ? "refused" : "accepted",
				     "reason", reason, "status", json_object_get(rec, "status"), "demographic",
				     json_object_get(rec, "demographic"));
	json_decref(rec);
	return e;
}

/* One packet in three steps, none of them a long write: the checks
 * (decryption, hash, the kit's and every device's signature, the chain, the
 * quality) and the demographic dedup in a read transaction; the ABIS
 * (HTTP) outside any transaction; the outcome and its audit entry in a short
 * write transaction (record). A kill between the steps leaves the packet
 * pending (mob_received has no row for it): the next round does it again,
 * whole; at most the ABIS keeps an orphan referenceId, which maps back to no
 * application (abis.c skips it). */
sj_err mob_validate(db_conn *c, json_t *row, json_t **outcome)
{
	*outcome = NULL;
	if (db_in_tx(c))
		return SJ_EINTERNAL;
	const char *reason = NULL;
	json_t *app = NULL, *cands = NULL;
	int64_t n = 0;
	sj_err e = db_begin(c, DB_READ);
	e = e ? e : dbj_int(c, sql_done, &n, "t", js(row, "id") ? js(row, "id") : "");
	if (!e && n) {
		db_rollback(c);
		return SJ_OK;   /* another round did it */
	}
	e = e ? e : check(c, row, &reason, &app);
	if (!e && !reason)
		e = mob_dedup(c, app, &cands);
	db_rollback(c);   /* it only read */
	char ref[ID_LEN + 1] = "";
	if (!e && !reason) {
		id_new(ref);
		e = mob_abis_dedup(c, app, ref, cands);   /* no transaction open */
	}
	if (e) {
		json_decref(app);
		json_decref(cands);
		return e;
	}
	e = record(c, row, reason, app, cands, ref, outcome);
	json_decref(app);
	return e;
}

/* the pending packets' ids only: each row (its box may be large) is read
 * when its turn comes */
static const char sql_pending[] =
	"SELECT id FROM xchg_rows WHERE tbl = 'mob_packets'"
	" AND id NOT IN (SELECT packet_id FROM mob_received) ORDER BY applied_at, id LIMIT 500";
static const char sql_packet_row[] =
	"SELECT id, node_id, unit, row FROM xchg_rows WHERE tbl = 'mob_packets' AND id = ?";

/* The kits' hand-overs (mob_handovers rows central holds, migration 0215)
 * recorded on the received application of their number from the same unit:
 * its handed_at, once (handover_id). The status is left as production said
 * it (the kit knows it handed the card; the status feed sends nothing). A
 * hand-over whose application central did not accept stays in xchg_rows. */
static const char sql_handovers[] =
	"SELECT id, unit, row FROM xchg_rows WHERE tbl = 'mob_handovers'"
	" AND id NOT IN (SELECT handover_id FROM mob_received WHERE handover_id IS NOT NULL)"
	" ORDER BY applied_at, id LIMIT 500";
static const char sql_handed[] =
	"UPDATE mob_received SET handover_id = ?, handed_at = ? WHERE application_no = ? AND unit = ?"
	" AND outcome = 'accepted' AND handover_id IS NULL";

static sj_err handovers(db_conn *c, int64_t *n)
{
	json_t *rows = NULL, *r;
	sj_err e = dbj_rows(c, sql_handovers, "id:t,unit:t,row:t", &rows, "");
	size_t i;
	json_array_foreach(rows, i, r) {
		if (e)
			break;
		json_t *row = json_loads(js(r, "row"), 0, NULL);
		json_t *at = json_object_get(row, "handed_at");
		const char *no = js(row, "application_no");
		if (json_is_integer(at) && no && js(r, "unit")) {
			db_stmt *st = NULL;
			bool more = false;
			e = db_prepare(c, sql_handed, &st);
			e = e ? e : db_bind_text(st, 1, js(r, "id"));
			e = e ? e : db_bind_int(st, 2, (int64_t)json_integer_value(at));
			e = e ? e : db_bind_text(st, 3, no);
			e = e ? e : db_bind_text(st, 4, js(r, "unit"));
			e = e ? e : db_step(st, &more);
			if (!e)
				*n += db_changes(st);
		}
		json_decref(row);
	}
	json_decref(rows);
	return e;
}

/* one round at a time in this process (the job's and an administrator's):
 * two side by side would both decrypt, search and call the ABIS for the
 * same packets, one of them for nothing */
static pthread_mutex_t round_mu = PTHREAD_MUTEX_INITIALIZER;
static sj_err validate_round(db_conn *c, json_t **out);

sj_err mob_validate_pending(db_conn *c, json_t **out)
{
	*out = NULL;
	if (db_in_tx(c))
		return SJ_EINTERNAL;
	pthread_mutex_lock(&round_mu);
	sj_err e = validate_round(c, out);
	pthread_mutex_unlock(&round_mu);
	return e;
}

static sj_err validate_round(db_conn *c, json_t **out)
{
	json_t *ids = NULL, *items = json_array();
	sj_err e = db_begin(c, DB_READ);
	e = e ? e : dbj_rows(c, sql_pending, "id:t", &ids, "");
	db_rollback(c);
	int64_t acc = 0, ref = 0, t0 = clock_now_ms();
	bool more = false;
	size_t i;
	json_t *r;
	json_array_foreach(ids, i, r) {
		if (e)
			break;
		/* a round is bounded by time too: its caller (an HTTP request, the
		 * job) asks again while "more" */
		if (clock_now_ms() - t0 > MOB_ROUND_MS) {
			more = true;
			break;
		}
		json_t *x = NULL, *o = NULL;
		e = db_begin(c, DB_READ);
		e = e ? e : dbj_one(c, sql_packet_row, "id:t,node_id:t,unit:t,row:t", &x, "t", js(r, "id"));
		db_rollback(c);
		if (e == SJ_ENOTFOUND) {
			e = SJ_OK;
			continue;
		}
		if (e)
			break;
		json_t *row = json_loads(js(x, "row"), 0, NULL);
		if (!json_is_object(row)) {
			json_decref(row);
			row = json_object();
		}
		json_object_set(row, "id", json_object_get(x, "id"));
		json_object_set(row, "node_id", json_object_get(x, "node_id"));
		json_object_set(row, "unit", json_object_get(x, "unit"));
		json_decref(x);
		e = mob_validate(c, row, &o);
		json_decref(row);
		if (!e && o) {
			if (strcmp(js(o, "outcome"), "accepted") == 0)
				acc++;
			else
				ref++;
			json_array_append_new(items, o);
		}
	}
	if (!e && json_array_size(ids) == 500 && !more)
		more = true;   /* the list was cut at 500 */
	json_decref(ids);
	int64_t handed = 0;
	if (!e) {
		e = db_begin(c, DB_WRITE);
		e = e ? e : handovers(c, &handed);
		e = e ? e : db_commit(c);
		if (e)
			db_rollback(c);
	}
	if (e) {
		json_decref(items);
		return e;
	}
	*out = json_pack("{s:o,s:I,s:I,s:I,s:I,s:b}", "items", items, "validated", (json_int_t)(acc + ref), "accepted",
			 (json_int_t)acc, "refused", (json_int_t)ref, "handed", (json_int_t)handed, "more", more);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_get[] = "SELECT " REC_COLS(RECEIVED_FIELDS) " FROM mob_received WHERE id = ?";
static const char sql_list[] =
	"SELECT " REC_COLS(RECEIVED_FIELDS) " FROM mob_received ORDER BY received_at DESC, id LIMIT 200";
static const char sql_set[] = "UPDATE mob_received SET status = ?, status_at = ? WHERE id = ?";

sj_err mob_received_list(db_conn *c, json_t **out)
{
	json_t *rows = NULL;
	sj_err e = dbj_rec_rows(c, sql_list, &mob_received_rec, &rows, "");
	if (!e && !(*out = json_pack("{s:o}", "items", rows)))
		e = SJ_ENOMEM;
	return e;
}

sj_err mob_received_status(db_conn *c, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_get, &mob_received_rec, &o, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "packet-not-found";
	if (e)
		return e;
	/* in_production → ready → dispatched, in that order only */
	static const char *const order[] = {"in_production", "ready", "dispatched"};
	const char *cur = js(o, "status"), *want = js(in, "status");
	int ci = -1, wi = -1;
	for (int i = 0; i < 3; i++) {
		if (strcmp(cur, order[i]) == 0)
			ci = i;
		if (strcmp(want, order[i]) == 0)
			wi = i;
	}
	json_decref(o);
	if (ci < 0 || wi != ci + 1) {
		*why = "status-out-of-order";
		return SJ_ECONFLICT;
	}
	e = db_run(c, sql_set, "tit", want, clock_now_ms(), id);
	return e ? e : dbj_rec_one(c, sql_get, &mob_received_rec, out, "t", id);
}

/* ------------------------------------------------------------ adjudication */

REC_ENUM_DEF(adj_decisions, "mob_adjudication_decision", "distinct", "duplicate");
#define ADJ_FIELDS(X) \
	X(V, decision, ENUM, 0, 0, &adj_decisions, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)
static const rec_field adj_fields[] = {ADJ_FIELDS(REC_FIELD)};
const rec_desc mob_adjudication_rec = REC_DESC("mob_adjudication", NULL, adj_fields, NULL);

static const char sql_adj[] =
	"UPDATE mob_received SET status = ?, reason = ?, outcome = ?, status_at = ? WHERE id = ? AND status = 'adjudication'";

sj_err mob_adjudicate(db_conn *c, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_get, &mob_received_rec, &o, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "packet-not-found";
	if (!e && strcmp(js(o, "status"), "adjudication") != 0) {
		*why = "not-in-adjudication";
		e = SJ_ECONFLICT;
	}
	json_decref(o);
	if (e)
		return e;
	bool dup = strcmp(js(in, "decision"), "duplicate") == 0;
	e = db_run(c, sql_adj, "tttit", dup ? "refused" : "in_production", dup ? "duplicate" : NULL,
		   dup ? "refused" : "accepted", clock_now_ms(), id);
	return e ? e : dbj_rec_one(c, sql_get, &mob_received_rec, out, "t", id);
}

/* ------------------------------------------------ the ABIS's reference URL */

/* MOSIP's referenceURL: where the ABIS fetches the CBEFF images of a
 * referenceId. The URL carries its expiry and a MAC under a key derived from
 * central's box secret (nothing to provision; a new box key voids every URL
 * given out), so the route needs no account: whoever holds the URL may fetch
 * those images until it expires — and only those: no name, no CIN, no
 * number, the referenceId being a random UUID (mob_received.abis_ref). */
#define ABIS_REF_TTL_MS (24LL * 3600 * 1000)

static void ref_mac(const char *ref, int64_t exp, char out[crypto_auth_hmacsha256_BYTES * 2 + 1])
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
	static const char ctx[] = "sijill-abis-ref-v1";
	crypto_generichash(key, sizeof key, (const unsigned char *)ctx, sizeof ctx - 1, box_sk, sizeof box_sk);
	char msg[128];
	int n = snprintf(msg, sizeof msg, "%s|%lld", ref, (long long)exp);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)(n > 0 ? n : 0), key);
	sodium_memzero(key, sizeof key);
	sodium_bin2hex(out, crypto_auth_hmacsha256_BYTES * 2 + 1, mac, sizeof mac);
}

bool mob_abis_ref_url(const char *base, const char *ref, char *out, size_t n)
{
	if (!box_loaded || !base || !base[0] || !id_valid(ref))
		return false;
	int64_t exp = clock_now_ms() + ABIS_REF_TTL_MS;
	char mac[crypto_auth_hmacsha256_BYTES * 2 + 1];
	ref_mac(ref, exp, mac);
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	int w = snprintf(out, n, "%.*s/api/v1/mobile/abis/%s?exp=%lld&sig=%s", (int)bl, base, ref, (long long)exp, mac);
	return w > 0 && (size_t)w < n;
}

static const char sql_ref_row[] =
	"SELECT x.row AS row FROM mob_received r JOIN xchg_rows x ON x.tbl = 'mob_packets' AND x.id = r.packet_id"
	" WHERE r.abis_ref = ? AND r.outcome = 'accepted'";

/* put appends s to b unless an earlier append failed (*e) */
static void put(buf *b, sj_err *e, const char *s)
{
	if (!*e)
		*e = buf_adds(b, s);
}

static void xml_text(buf *b, sj_err *e, const char *s)
{
	for (; s && *s && !*e; s++) {
		switch (*s) {
		case '<': *e = buf_adds(b, "&lt;"); break;
		case '>': *e = buf_adds(b, "&gt;"); break;
		case '&': *e = buf_adds(b, "&amp;"); break;
		case '"': *e = buf_adds(b, "&quot;"); break;
		default: *e = buf_addc(b, *s);
		}
	}
}

sj_err mob_abis_cbeff(db_conn *c, const char *ref, const char *exp, const char *sig, buf *out, const char **why)
{
	*why = "abis-ref-invalid";
	char *end = NULL;
	long long x = exp ? strtoll(exp, &end, 10) : 0;
	if (!box_loaded || !id_valid(ref) || !exp || !end || *end || !sig ||
	    strlen(sig) != crypto_auth_hmacsha256_BYTES * 2)
		return SJ_ENOTFOUND;
	char mac[crypto_auth_hmacsha256_BYTES * 2 + 1];
	ref_mac(ref, (int64_t)x, mac);
	if (sodium_memcmp(mac, sig, sizeof mac - 1) != 0)
		return SJ_ENOTFOUND;
	if ((int64_t)x < clock_now_ms()) {
		*why = "abis-ref-expired";
		return SJ_ENOTFOUND;
	}
	json_t *r = NULL;
	sj_err e = dbj_one(c, sql_ref_row, "row:t", &r, "t", ref);
	if (e == SJ_ENOTFOUND)
		*why = "packet-not-found";
	if (e)
		return e;
	json_t *row = json_loads(js(r, "row"), 0, NULL);
	json_decref(r);
	const char *b64 = js(row, "box");
	size_t bl = b64 ? strlen(b64) : 0, bn = 0;
	unsigned char *box = bl ? malloc(bl) : NULL;
	char *text = NULL;
	json_t *p = NULL;
	if (box && !sodium_base642bin(box, bl, b64, bl, NULL, &bn, NULL, sodium_base64_VARIANT_ORIGINAL) &&
	    bn >= crypto_box_SEALBYTES && (text = malloc(bn - crypto_box_SEALBYTES + 1)) &&
	    crypto_box_seal_open((unsigned char *)text, box, bn, box_pk, box_sk) == 0)
		p = json_loadb(text, bn - crypto_box_SEALBYTES, 0, NULL);
	free(box);
	free(text);
	json_decref(row);
	if (!p) {
		*why = "packet-undecryptable";
		return SJ_EINTERNAL;
	}
	/* CBEFF (ISO/IEC 19785-3) as MOSIP's ABIS reads it: one BIR per accepted
	 * finger or face capture, the image (the device's bioValue) in the BDB */
	put(out, &e, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<BIR xmlns=\"http://standards.iso.org/iso-iec/19785/-3/ed-2/\">\n"
		      " <Version><Major>1</Major><Minor>1</Minor></Version>\n"
		      " <CBEFFVersion><Major>1</Major><Minor>1</Minor></CBEFFVersion>\n"
		      " <BIRInfo><Integrity>false</Integrity></BIRInfo>\n");
	size_t i;
	json_t *cap;
	json_array_foreach(json_object_get(p, "captures"), i, cap) {
		const char *mod = js(cap, "modality"), *data = js(cap, "data");
		if (!mod || !json_is_true(json_object_get(cap, "accepted")) ||
		    (strcmp(mod, "finger") != 0 && strcmp(mod, "face") != 0) || !data)
			continue;
		const char *d1 = strchr(data, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
		unsigned char *pl = NULL;
		size_t pln = 0;
		char *seg = d2 ? strndup(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
		json_t *pj = seg && mob_b64url_decode(seg, MOB_MAX_JWS, &pl, &pln) ? json_loadb((char *)pl, pln, 0, NULL) : NULL;
		free(seg);
		free(pl);
		if (js(pj, "bioValue")) {
			bool face = strcmp(mod, "face") == 0;
			put(out, &e, " <BIR>\n  <BIRInfo><Integrity>false</Integrity></BIRInfo>\n  <BDBInfo><Format><Organization>Mosip</Organization><Type>");
			put(out, &e, face ? "8" : "7");
			put(out, &e, "</Type></Format><Type>");
			put(out, &e, face ? "Face" : "Finger");
			put(out, &e, "</Type><Subtype>");
			xml_text(out, &e, face ? "" : js(cap, "position"));
			char q[32];
			snprintf(q, sizeof q, "%lld", (long long)json_integer_value(json_object_get(cap, "quality")));
			put(out, &e, "</Subtype><Level>Raw</Level><Purpose>Identify</Purpose><Quality><Score>");
			put(out, &e, q);
			put(out, &e, "</Score></Quality></BDBInfo>\n  <BDB>");
			xml_text(out, &e, js(pj, "bioValue"));
			put(out, &e, "</BDB>\n </BIR>\n");
		}
		json_decref(pj);
	}
	json_decref(p);
	put(out, &e, "</BIR>\n");
	return e;
}
