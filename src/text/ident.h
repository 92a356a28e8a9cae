/* ident.h — canonical forms of identifiers: CIN, vehicle plates, VIN, phone
 * numbers, passport numbers.
 *
 * Each function reads what an officer typed or an import file carried
 * (spaces, dots, dashes, | and /, Arabic-Indic digits, Arabic or Latin plate
 * letters, either case) and writes one canonical ASCII string into a
 * caller-owned array, so equal identifiers compare equal as bytes and can be
 * indexed. Pure functions: no allocation, no state. On failure out holds ""
 * and the return says why. See docs/internals/text.md.
 */
#ifndef SJ_TEXT_IDENT_H
#define SJ_TEXT_IDENT_H

#include "core/err.h"

#define IDENT_MAX_INPUT    64 /* bytes accepted from the caller (SJ_ELIMIT beyond) */
#define IDENT_CIN_MAX      9  /* "AB123456": 1–3 letters, 1–6 digits */
#define IDENT_PLATE_MAX    12 /* "99999-A-89", "WW-123456", "123456-M" */
#define IDENT_VIN_LEN      17
#define IDENT_PHONE_MAX    13 /* "+212612345678" */
#define IDENT_PASSPORT_MAX 9
#define IDENT_IMEI_LEN     15 /* 14 digits and the Luhn check digit */

/* ident_cin_normalize: a Moroccan national identity card (CNIE) number.
 * Trims, drops inner spaces, dashes and dots, upper-cases, and accepts
 * ^[A-Z]{1,3}[0-9]{1,6}$ — deliberately permissive, as DOMAIN.md knows no
 * authoritative format. Writes e.g. "BK123456" to out.
 * Returns SJ_OK, SJ_EINVAL (not that shape, or invalid UTF-8), SJ_ELIMIT. */
SJ_MUST_USE sj_err ident_cin_normalize(const char *in, char out[IDENT_CIN_MAX + 1]);

typedef enum ident_plate_kind {
	IDENT_PLATE_STANDARD = 1, /* since 2000: serial | letter | prefecture, "12345-A-6" */
	IDENT_PLATE_WW,           /* temporary registration (new vehicles), "WW-123456" */
	IDENT_PLATE_OLD,          /* before 2000, digits only, "1234-56-7" */
	IDENT_PLATE_STATE,        /* state (M, المغرب) or local authority (J, ج), "123456-M" */
} ident_plate_kind;

/* ident_plate_normalize: a Moroccan registration plate. The series letter may
 * be Arabic (أ ب د هـ و ط ي, ج) or its Latin equivalent (A B D H W T Y, J; E and
 * O are read as و); groups may be separated by - | / . or spaces or nothing;
 * a plate copied out of right-to-left text ("6-أ-12345") is put back in
 * order. Leading zeros are dropped. Writes e.g. "12345-A-6" to out and, when
 * kind is not NULL, what sort of plate it is. Foreign plates are SJ_EINVAL:
 * store those as typed. Returns SJ_OK, SJ_EINVAL, SJ_ELIMIT. */
SJ_MUST_USE sj_err ident_plate_normalize(const char *in, char out[IDENT_PLATE_MAX + 1],
					 ident_plate_kind *kind);

/* ident_vin_normalize: a vehicle identification number (ISO 3779): 17
 * characters from 0-9 and A-Z without I, O and Q, after dropping spaces and
 * dashes and upper-casing. The check digit is not verified (only North
 * American VINs carry one). Returns SJ_OK, SJ_EINVAL, SJ_ELIMIT. */
SJ_MUST_USE sj_err ident_vin_normalize(const char *in, char out[IDENT_VIN_LEN + 1]);

/* ident_phone_normalize: a Moroccan telephone number to E.164 (ITU-T E.164
 * §6: "+" country code 212, national number of 9 digits). Accepts 0X…,
 * +212X…, +212 (0)X…, 00212X…, 212X…, with spaces, dots, dashes, slashes,
 * brackets and Arabic-Indic digits, where X is 5 (fixed), 6 or 7 (mobile).
 * Other countries, other lengths and other leading digits are SJ_EINVAL.
 * Writes e.g. "+212612345678" to out. Returns SJ_OK, SJ_EINVAL, SJ_ELIMIT. */
SJ_MUST_USE sj_err ident_phone_normalize(const char *in, char out[IDENT_PHONE_MAX + 1]);

/* ident_passport_normalize: a passport number, any issuing state: 6 to 9
 * letters and digits after dropping spaces and dashes and upper-casing.
 * Returns SJ_OK, SJ_EINVAL, SJ_ELIMIT. */
SJ_MUST_USE sj_err ident_passport_normalize(const char *in, char out[IDENT_PASSPORT_MAX + 1]);

/* ident_imei_normalize: a mobile phone's IMEI (3GPP TS 23.003 §6.2.1): 15
 * digits — TAC (8), serial (6), then the check digit computed by the Luhn
 * algorithm over the first 14 (TS 23.003 annex B). Spaces, dashes, dots,
 * slashes and Arabic-Indic digits are accepted as typed; a 14-digit IMEI
 * without its check digit, a 16-digit IMEISV and a wrong check digit are
 * SJ_EINVAL (a typing error the desk should catch before the register
 * stores it). Writes e.g. "490154203237518" to out. Returns SJ_OK,
 * SJ_EINVAL, SJ_ELIMIT. */
SJ_MUST_USE sj_err ident_imei_normalize(const char *in, char out[IDENT_IMEI_LEN + 1]);

#endif
