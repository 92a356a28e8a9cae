/* fuzz_query.c — query strings and paging: the input is the raw query of a
 * GET to one of the list and search routes (byte 0 picks it), as the
 * officer-of-unit-A would send it: repeated, missing, empty, huge, negative or
 * non-numeric limit/offset, unknown parameters, percent-encoding. Checks
 * (fz_request): never a 5xx, every 4xx a problem document; and
 * app_paging_or_reply never accepts a limit outside 1..SJ_MAX_PAGE. */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "fuzz.h"

static const char *const lists[] = {
	"/api/v1/cases", "/api/v1/complaints", "/api/v1/persons/search", "/api/v1/search/cases",
	"/api/v1/registers/wanted", "/api/v1/registers/vehicles", "/api/v1/registers/documents",
	"/api/v1/notifications", "/api/v1/audit", "/api/v1/users", "/api/v1/custody/deadlines",
	"/api/v1/units/AR-CASA-OULFA/custody-register", "/api/v1/units/AR-CASA-OULFA/custody-daily",
	"/api/v1/offences", "/api/v1/audit/flags",
};
/* who reads each list: the officer, but the audit routes need the auditor and
 * the users list a chief */
static int reader(const char *path)
{
	if (strncmp(path, "/api/v1/audit", 13) == 0)
		return FZ_AUDITOR;
	if (strcmp(path, "/api/v1/users") == 0)
		return FZ_CHIEF;
	return FZ_OFFICER;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 6000)
		return 0;
	fz_app();
	const char *path = lists[data[0] % (sizeof lists / sizeof lists[0])];
	char target[8192];
	size_t k = (size_t)snprintf(target, sizeof target, "%s?", path);
	for (size_t i = 1; i < size && k + 1 < sizeof target; i++) {
		char ch = (char)data[i];
		/* bytes that cannot be in a request target on the wire are encoded */
		if ((unsigned char)ch <= 0x20 || (unsigned char)ch >= 0x7f || ch == '#') {
			if (k + 4 >= sizeof target)
				break;
			k += (size_t)snprintf(target + k, sizeof target - k, "%%%02X", (unsigned char)ch);
		} else {
			target[k++] = ch;
		}
	}
	target[k] = '\0';
	char auth[256];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", fz_token(reader(path)));
	const char *h[] = {auth, NULL};
	fz_request("GET", target, h, NULL, 0);

	/* the paging helper alone */
	http_req *r = http_req_fake("GET", target, NULL, NULL, 0, NULL);
	if (r) {
		int limit;
		int64_t offset;
		if (!http_query_has_duplicates(r) && app_paging_or_reply(r, &limit, &offset)) {
			if (limit < 1 || limit > SJ_MAX_PAGE || offset < 0)
				abort();
		}
		http_req_fake_free(r);
	}
	return 0;
}
