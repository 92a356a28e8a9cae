/* persons.h — the one person index. Every person named in a case (complainant,
 * victim, suspect, witness, arrested) is a row here, linked to cases by the
 * cases module; the same CIN always resolves to the same person.
 *
 * All writes go through persons_upsert() so later work (cross-script name
 * keys, DESIGN "Text and names") has a single place to hook in.
 */
#ifndef SJ_PERSONS_H
#define SJ_PERSONS_H

#include <jansson.h>
#include <stdbool.h>
#include "core/err.h"
#include "core/id.h"
#include "core/record.h"
#include "db/db.h"

#define PERSON_CIN_MAX 10     /* ^[A-Z]{1,3}[0-9]{1,6}$ */

/* The person record, described once (persons.c): validation of every body
 * that carries a person (a complainant, a person added to a case...), the
 * columns of `persons`, responses and the OpenAPI schema. Its own rules
 * (persons_check): the CIN must normalise, an unknown person has no CIN and
 * has a description, anyone else has a name in at least one script. */
extern const rec_desc person_rec;
extern const rec_enum person_sexes;

/* persons_cin_normalize upper-cases and strips spaces from in; false when the
 * result is not a CIN (loi 04.20: letters then digits, validated permissively). */
bool persons_cin_normalize(const char *in, char out[PERSON_CIN_MAX + 1]);

/* persons_upsert stores p (checked against person_rec) inside c's write
 * transaction. With a CIN already known, the existing person is reused and
 * only its empty fields are filled (nothing recorded is overwritten); an
 * unknown person is always new. id_out receives the person's id; *created
 * (may be NULL) tells whether a row was made. home_unit_id is the unit that
 * writes the record. */
SJ_MUST_USE sj_err persons_upsert(db_conn *c, json_t *p, const char *home_unit_id,
				  char id_out[ID_LEN + 1], bool *created);

/* persons_get returns the person as a new JSON object; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err persons_get(db_conn *c, const char *id, json_t **out);

/* persons_display_name writes "LAST First / الاسم" style text for lists. */
void persons_display_name(json_t *person, char *out, size_t outsz);

#endif
