/* abis.c — the biometric dedup adapter: MOSIP's ABIS JSON messages (insert,
 * identify with a referenceId, targetFPIR, a candidate list) over HTTP to
 * the ABIS named by the configuration (mobile.h). The ABIS is told nothing
 * about the person: a random referenceId, the biometrics' hashes and
 * qualities, and MOSIP's referenceURL from which a real ABIS fetches the
 * CBEFF images (central.c mob_abis_ref_url, mob_abis_cbeff). */
#include "mobile/mobile.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "db/dbj.h"

#define ABIS_URL_MAX 1024
#define ABIS_MAX_ANSWER (1 << 20)
#define ABIS_TARGET_FPIR "30"   /* MOSIP's default false positive identification rate target */
#define ABIS_MAX_RESULTS "10"

static char abis_url[ABIS_URL_MAX], abis_ref_base[ABIS_URL_MAX];

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void mob_abis_configure(const char *url, const char *reference_base)
{
	snprintf(abis_url, sizeof abis_url, "%s", url ? url : "");
	snprintf(abis_ref_base, sizeof abis_ref_base, "%s", reference_base ? reference_base : "");
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	return buf_add((buf *)ud, p, size * n) ? 0 : size * n;
}

/* send posts msg to the ABIS and returns its answer (new) or NULL. */
static json_t *send_msg(json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	if (!text)
		return NULL;
	buf b;
	buf_init(&b, ABIS_MAX_ANSWER);
	CURL *h = curl_easy_init();
	json_t *out = NULL;
	if (h) {
		struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_URL, abis_url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		long status = 0;
		if (curl_easy_perform(h) == CURLE_OK && curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
		    status == 200)
			out = json_loads(buf_str(&b), 0, NULL);
		curl_slist_free_all(hd);
		curl_easy_cleanup(h);
	}
	buf_free(&b);
	free(text);
	return out;
}

static json_t *header(const char *id, const char *ref)
{
	char rid[ID_LEN + 1], t[32];
	id_new(rid);
	clock_format_legal(clock_now_ms(), t);
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "version", "1.1", "requestId", rid, "requesttime", t,
			 "referenceId", ref);
}

static const char sql_by_ref[] = "SELECT application_no FROM mob_received WHERE abis_ref = ?";

sj_err mob_abis_dedup(db_conn *c, json_t *app, const char *ref, json_t *cands)
{
	if (!abis_url[0])
		return SJ_OK;
	/* what the ABIS may know: per capture, its type, position, quality and
	 * the image's hash */
	json_t *bios = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(app, "captures"), i, x) {
		const char *data = js(x, "data"), *d1 = data ? strchr(data, '.') : NULL, *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
		unsigned char *pl = NULL, *bv = NULL;
		size_t pln = 0, bvn = 0;
		char *b64 = d2 ? strndup(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
		json_t *p = b64 && mob_b64url_decode(b64, MOB_MAX_JWS, &pl, &pln) ? json_loadb((char *)pl, pln, 0, NULL) : NULL;
		free(b64);
		free(pl);
		if (p && mob_b64url_decode(js(p, "bioValue"), MOB_MAX_JWS, &bv, &bvn)) {
			char h[MOB_HASH_HEX + 1];
			mob_sha256_hex(bv, bvn, h);
			json_array_append_new(bios, json_pack("{s:s?,s:s?,s:O?,s:s}", "type", js(p, "bioType"), "subType",
							      js(p, "bioSubType"), "qualityScore",
							      json_object_get(p, "qualityScore"), "hash", h));
		}
		free(bv);
		json_decref(p);
	}
	char url[ABIS_URL_MAX + 256] = "";
	if (!mob_abis_ref_url(abis_ref_base, ref, url, sizeof url))
		url[0] = 0;
	json_t *ins = header("mosip.abis.insert", ref);
	json_object_set_new(ins, "referenceURL", json_string(url));
	json_object_set_new(ins, "biometrics", bios);
	json_t *a = send_msg(ins);
	json_decref(ins);
	if (!a || strcmp(js(a, "returnValue") ? js(a, "returnValue") : "", "1") != 0) {
		json_decref(a);
		return SJ_EIO;
	}
	json_decref(a);
	json_t *idn = header("mosip.abis.identify", ref);
	json_object_set_new(idn, "referenceURL", json_string(url));
	json_object_set_new(idn, "gallery", json_null());
	json_object_set_new(idn, "flags", json_pack("{s:s,s:s}", "maxResults", ABIS_MAX_RESULTS, "targetFPIR", ABIS_TARGET_FPIR));
	a = send_msg(idn);
	json_decref(idn);
	if (!a || strcmp(js(a, "returnValue") ? js(a, "returnValue") : "", "1") != 0) {
		json_decref(a);
		return SJ_EIO;
	}
	sj_err e = SJ_OK;
	json_array_foreach(json_object_get(json_object_get(a, "candidateList"), "candidates"), i, x) {
		json_t *r = NULL;
		if (!js(x, "referenceId") || strcmp(js(x, "referenceId"), ref) == 0)
			continue;
		e = dbj_one(c, sql_by_ref, "application_no:t", &r, "t", js(x, "referenceId"));
		if (e == SJ_ENOTFOUND) {
			e = SJ_OK;
			continue;
		}
		if (e)
			break;
		json_array_append_new(cands, json_pack("{s:s,s:O}", "kind", "biometric", "application_no",
						       json_object_get(r, "application_no")));
		json_decref(r);
	}
	json_decref(a);
	return e;
}
