/* fuzz_ident.c — the identifier parsers: CIN, plate, VIN, phone, passport.
 * Checks: an accepted identifier is canonical (parsing its output again gives
 * the same output) and fits its array. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[IDENT_MAX_INPUT * 2 + 2];
	if (size > sizeof in - 1)
		size = sizeof in - 1;
	memcpy(in, data, size);
	in[size] = '\0';
	char a[32], b[32];
	ident_plate_kind k1, k2;
	if (!ident_cin_normalize(in, a) && (ident_cin_normalize(a, b) || strcmp(a, b) || strlen(a) > IDENT_CIN_MAX))
		abort();
	if (!ident_plate_normalize(in, a, &k1) &&
	    (ident_plate_normalize(a, b, &k2) || strcmp(a, b) || k1 != k2 || strlen(a) > IDENT_PLATE_MAX))
		abort();
	if (!ident_vin_normalize(in, a) && (ident_vin_normalize(a, b) || strcmp(a, b) || strlen(a) != IDENT_VIN_LEN))
		abort();
	if (!ident_phone_normalize(in, a) &&
	    (ident_phone_normalize(a, b) || strcmp(a, b) || strlen(a) > IDENT_PHONE_MAX))
		abort();
	if (!ident_passport_normalize(in, a) &&
	    (ident_passport_normalize(a, b) || strcmp(a, b) || strlen(a) > IDENT_PASSPORT_MAX))
		abort();
	return 0;
}
