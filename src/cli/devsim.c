/* devsim.c — `sijill device-sim`: a simulated capture device on loopback,
 * modelled on MOSIP's SBI 0.9.5 (mobile.h), for tests, training and the
 * bench — never for real citizens. It reads test images (PGM files
 * DIR/<subject>/<position>.pgm, made by whoever runs it: nobody's real
 * fingers), scores each image's quality from its contrast, signs each
 * capture with its own Ed25519 key (a compact JWS, alg EdDSA, kid = its
 * serial) and chains each capture's hash to the previous one:
 *     POST /device           discovery: its serial, type, status
 *     POST /sim/present      {"subject"}: whose images are on the sensor
 *     POST /capture          {"transactionId", "previousHash",
 *                             "bio": [{"type", "bioSubType": [...]}]}
 *                            → {"biometrics": [{"data", "hash", "error"}]}
 * The key file is created (mode 0600) on first start and its public key
 * printed: register it at central (POST /api/v1/mobile/devices). */
#include "cli/cli.h"

#include <getopt.h>
#include <math.h>
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define SIM_MAX_BODY (64 * 1024)
#define SIM_MAX_IMAGE (1 << 20)
#define SIM_SUBJECT_MAX 128

static unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
static char serial[64] = "SIM-FP-0001", images[PATH_MAX] = ".", subject[SIM_SUBJECT_MAX + 1] = "";
static volatile sig_atomic_t stop;

static void on_signal(int s)
{
	(void)s;
	stop = 1;
}

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *b64(const void *p, size_t n)
{
	size_t m = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(m);
	if (s)
		sodium_bin2base64(s, m, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* pgm_data: the offset of the pixels of a binary PGM ("P5", width,
 * height, maxval, separated by whitespace, then one whitespace byte), or n
 * when it is not one. */
static size_t pgm_data(const unsigned char *img, size_t n)
{
	if (n < 2 || img[0] != 'P' || img[1] != '5')
		return n;
	size_t off = 2;
	for (int tok = 0; tok < 3; tok++) {
		while (off < n && (img[off] == ' ' || img[off] == '\n' || img[off] == '\r' || img[off] == '\t'))
			off++;
		while (off < n && img[off] >= '0' && img[off] <= '9')
			off++;
	}
	return off < n ? off + 1 : n;
}

/* quality scores an image 0..100 from the spread of its pixels: a flat
 * (smudged, absent) print scores low. */
static int quality(const unsigned char *img, size_t n)
{
	size_t off = pgm_data(img, n);
	if (off >= n)
		return 0;
	double sum = 0, sq = 0;
	for (size_t i = off; i < n; i++) {
		sum += img[i];
		sq += (double)img[i] * img[i];
	}
	double cnt = (double)(n - off), sd = sqrt(sq / cnt - (sum / cnt) * (sum / cnt));
	int q = (int)(sd * 100.0 / 70.0);
	return q > 100 ? 100 : q;
}

static bool safe_name(const char *s)
{
	if (!s || !*s || strlen(s) > SIM_SUBJECT_MAX || strstr(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/')
			return false;
	return true;
}

/* one capture of position pos for txn, chained from prev (updated). */
static json_t *capture(const char *type, const char *pos, const char *txn, char prev[65])
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s/%s.pgm", images, subject, pos);
	FILE *f = safe_name(subject) && safe_name(pos) ? fopen(path, "rb") : NULL;
	unsigned char *img = f ? malloc(SIM_MAX_IMAGE) : NULL;
	size_t n = img ? fread(img, 1, SIM_MAX_IMAGE, f) : 0;
	if (f)
		fclose(f);
	if (!n) {
		free(img);
		return json_pack("{s:n,s:n,s:{s:s,s:s}}", "data", "hash", "error", "errorCode", "101", "errorInfo",
				 "nothing on the sensor for this position");
	}
	char bh[65], link[130], hash[65], when[32];
	sha_hex(img, n, bh);
	snprintf(link, sizeof link, "%s%s", prev, bh);
	sha_hex(link, strlen(link), hash);
	time_t t = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	char *bv = b64(img, n);
	int q = quality(img, n);
	free(img);
	json_t *p = json_pack("{s:{s:s,s:s,s:s,s:s},s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s}", "digitalId", "serialNo", serial,
			      "type", type, "make", "sijill", "model", "device-sim", "bioType", type, "bioSubType", pos,
			      "bioValue", bv ? bv : "", "qualityScore", q, "transactionId", txn, "timestamp", when, "purpose",
			      "Registration", "env", "Developer");
	free(bv);
	char hdr[160];
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}", serial);
	char *pl = json_dumps(p, JSON_COMPACT), *h64 = b64(hdr, strlen(hdr)), *p64 = pl ? b64(pl, strlen(pl)) : NULL;
	json_decref(p);
	free(pl);
	json_t *out = NULL;
	if (h64 && p64) {
		size_t sn = strlen(h64) + strlen(p64) + 2;
		char *signing = malloc(sn);
		unsigned char sig[crypto_sign_BYTES];
		if (signing) {
			snprintf(signing, sn, "%s.%s", h64, p64);
			crypto_sign_detached(sig, NULL, (unsigned char *)signing, strlen(signing), sk);
			char *s64 = b64(sig, sizeof sig);
			size_t dn = sn + (s64 ? strlen(s64) : 0) + 2;
			char *data = s64 ? malloc(dn) : NULL;
			if (data) {
				snprintf(data, dn, "%s.%s", signing, s64);
				out = json_pack("{s:s,s:s,s:{s:s}}", "data", data, "hash", hash, "error", "errorCode", "0");
				memcpy(prev, hash, 65);
			}
			free(data);
			free(s64);
			free(signing);
		}
	}
	free(h64);
	free(p64);
	return out;
}

static json_t *answer(const char *url, json_t *in, int *status)
{
	*status = 200;
	if (strcmp(url, "/device") == 0) {
		char hex[65];
		sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
		return json_pack("[{s:s,s:s,s:s,s:s,s:s,s:[s],s:{s:s,s:s,s:s},s:s}]", "deviceId", serial, "serialNo", serial,
				 "type", "Finger", "deviceStatus", "Ready", "purpose", "Registration", "specVersion", "0.9.5",
				 "digitalId", "serialNo", serial, "make", "sijill", "model", "device-sim", "publicKey", hex);
	}
	if (strcmp(url, "/sim/present") == 0 && safe_name(js(in, "subject"))) {
		snprintf(subject, sizeof subject, "%s", js(in, "subject"));
		return json_pack("{s:s}", "subject", subject);
	}
	if (strcmp(url, "/capture") == 0 && js(in, "transactionId") && js(in, "previousHash") &&
	    strlen(js(in, "previousHash")) == 64) {
		char prev[65];
		snprintf(prev, sizeof prev, "%s", js(in, "previousHash"));
		json_t *bios = json_array();
		size_t i, j;
		json_t *b, *pos;
		json_array_foreach(json_object_get(in, "bio"), i, b) json_array_foreach(json_object_get(b, "bioSubType"), j, pos)
		{
			json_t *c = json_is_string(pos) ? capture(js(b, "type") ? js(b, "type") : "Finger",
								 json_string_value(pos), js(in, "transactionId"), prev)
							 : NULL;
			if (c)
				json_array_append_new(bios, c);
		}
		return json_pack("{s:o}", "biometrics", bios);
	}
	*status = 400;
	return json_pack("{s:s}", "error", "unknown request");
}

typedef struct req {
	char *body;
	size_t n;
} req;

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **con_cls)
{
	(void)cls;
	(void)version;
	req *rq = *con_cls;
	if (!rq) {
		*con_cls = calloc(1, sizeof *rq);
		return *con_cls ? MHD_YES : MHD_NO;
	}
	if (*size) {
		if (rq->n + *size > SIM_MAX_BODY)
			return MHD_NO;
		char *nb = realloc(rq->body, rq->n + *size + 1);
		if (!nb)
			return MHD_NO;
		rq->body = nb;
		memcpy(rq->body + rq->n, data, *size);
		rq->n += *size;
		rq->body[rq->n] = 0;
		*size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "OPTIONS") == 0) {
		/* the kit's hand-over page asks the device from the browser (SBI:
		 * a capture service on loopback, called across origins) */
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
		MHD_add_response_header(r, "Access-Control-Allow-Methods", "POST");
		MHD_add_response_header(r, "Access-Control-Allow-Headers", "Content-Type");
		MHD_add_response_header(r, "Access-Control-Allow-Private-Network", "true");
		MHD_add_response_header(r, "Access-Control-Max-Age", "600");
		enum MHD_Result ok = MHD_queue_response(conn, 204, r);
		MHD_destroy_response(r);
		return ok;
	}
	json_t *in = rq->body ? json_loads(rq->body, 0, NULL) : json_object();
	int st = 400;
	json_t *out = strcmp(method, "POST") == 0 ? answer(url, in, &st) : json_pack("{s:s}", "error", "POST only");
	json_decref(in);
	char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (!text)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)st, r);
	MHD_destroy_response(r);
	return ok;
}

static void done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
	(void)cls;
	(void)conn;
	(void)t;
	req *rq = *con_cls;
	if (rq)
		free(rq->body);
	free(rq);
	*con_cls = NULL;
}

static int load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned char seed[crypto_sign_SEEDBYTES];
	char hex[2 * crypto_sign_SEEDBYTES + 2] = "";
	if (f) {
		bool ok = fgets(hex, sizeof hex, f) != NULL;
		fclose(f);
		hex[strcspn(hex, "\n")] = 0;
		if (!ok || sodium_hex2bin(seed, sizeof seed, hex, strlen(hex), NULL, NULL, NULL) != 0)
			return 1;
	} else {
		randombytes_buf(seed, sizeof seed);
		sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
		mode_t old = umask(077);
		f = fopen(path, "w");
		umask(old);
		if (!f || fprintf(f, "%s\n", hex) < 0 || fclose(f) != 0)
			return 1;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(hex, sizeof hex);
	return 0;
}

int cli_devsim(int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
					     {"key", required_argument, NULL, 'k'},
					     {"serial", required_argument, NULL, 's'},
					     {"images", required_argument, NULL, 'i'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int port = 4501, o;
	const char *key = "device-sim.key";
	optind = 1;
	while ((o = getopt_long(argc, argv, "p:k:s:i:h", opts, NULL)) != -1) {
		switch (o) {
		case 'p': port = atoi(optarg); break;
		case 'k': key = optarg; break;
		case 's': snprintf(serial, sizeof serial, "%s", optarg); break;
		case 'i': snprintf(images, sizeof images, "%s", optarg); break;
		case 'h':
		default:
			fputs("usage: sijill device-sim [--port N] [--key FILE] [--serial S] [--images DIR]\n"
			      "A simulated SBI capture device on 127.0.0.1 (tests and training only): reads\n"
			      "DIR/<subject>/<position>.pgm, signs each capture with the key in FILE (created\n"
			      "on first start) and prints its public key to register at central.\n", o == 'h' ? stdout : stderr);
			return o == 'h' ? 0 : 2;
		}
	}
	if (port < 1 || port > 65535 || load_key(key)) {
		fprintf(stderr, "sijill: device-sim: bad port or unreadable key %s\n", key);
		return 1;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* loopback only, as SBI requires */
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL, handle, NULL,
						MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
						MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "sijill: device-sim: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
	printf("device-sim %s on 127.0.0.1:%d public_key %s\n", serial, port, hex);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	return 0;
}
