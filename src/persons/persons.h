/* persons.h — the one person index. Every person named in a case (complainant,
 * victim, suspect, witness, arrested) or loaded by `sijill import persons` is
 * a row here, linked to cases by the cases module; the same CIN always
 * resolves to the same person. This module owns the `persons` and
 * `person_merges` tables: nothing else writes them.
 *
 * The names are indexed for the national search through the search module's
 * indexing interface (search.h: srch_index_person, srch_reindex_person):
 * persons calls search, never the other way round — search knows names and
 * keys, not what a person record is.
 *
 * Records described here (core/record.h): person (a person as entered and
 * read), person_import (one line of the import contract), person_merge (a
 * merge and its history row), person_unmerge (the undo command) and
 * person_match (a candidate of a search or of the duplicates list).
 */
#ifndef SJ_PERSONS_H
#define SJ_PERSONS_H

#include <jansson.h>
#include <stdbool.h>
#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "core/record.h"
#include "db/db.h"

#define PERSON_CIN_MAX 10     /* ^[A-Z]{1,3}[0-9]{1,6}$ */
#define PERSON_DUPLICATES_MAX 20   /* candidates the duplicates list shows */

/* The person record, described once (persons.c): validation of every body
 * that carries a person (a complainant, a person added to a case...), the
 * columns of `persons`, responses and the OpenAPI schema. Its own rules
 * (persons_check): the CIN must normalise, an unknown person has no CIN and
 * has a description, anyone else has a name in at least one script. */
extern const rec_desc person_rec;
extern const rec_enum person_sexes;
/* One line of `sijill import persons` (the contract of issue #4: cin, the
 * names in both scripts with the parents' split names, birth_date, sex; a
 * name is required). */
extern const rec_desc person_import_rec;
/* A merge of two records of one person (the body of POST /persons/merges and
 * the person_merges row), the undo command, and a search candidate. */
extern const rec_desc person_merge_rec, person_unmerge_rec, person_match_rec, person_duplicates_rec;

/* persons_cin_normalize upper-cases and strips spaces from in; false when the
 * result is not a CIN (loi 04.20: letters then digits, validated permissively). */
bool persons_cin_normalize(const char *in, char out[PERSON_CIN_MAX + 1]);

/* persons_upsert stores p (checked against person_rec) inside c's write
 * transaction. With a CIN already known, the existing person is reused and
 * only its empty fields are filled (nothing recorded is overwritten); an
 * unknown person is always new. id_out receives the person's id; *created
 * (may be NULL) tells whether a row was made. home_unit_id is the unit that
 * writes the record. The names are (re)indexed for the national search. */
SJ_MUST_USE sj_err persons_upsert(db_conn *c, json_t *p, const char *home_unit_id,
				  char id_out[ID_LEN + 1], bool *created);

/* persons_get returns the person as a new JSON object; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err persons_get(db_conn *c, const char *id, json_t **out);
/* persons_exists sets *yes when a person has this id. */
SJ_MUST_USE sj_err persons_exists(db_conn *c, const char *id, bool *yes);
/* persons_birth_date writes id's birth date ("" when unknown) into out;
 * SJ_ENOTFOUND when there is no such person. */
SJ_MUST_USE sj_err persons_birth_date(db_conn *c, const char *id, char out[11]);

/* persons_display_name writes "LAST First / الاسم" style text for lists. */
void persons_display_name(json_t *person, char *out, size_t outsz);

/* --- the import (`sijill import persons`) --- */

/* persons_import_check checks one import line against person_import_rec;
 * returns NULL when it is good, or a message naming the first problem
 * ("birth_date: must be a date YYYY-MM-DD", "unknown field nickname"),
 * written into buf (bufsz bytes) or a static string. */
const char *persons_import_check(json_t *p, char *buf, size_t bufsz);
/* persons_import stores one checked import line with the semantics of
 * persons_upsert (a known CIN resolves to the same person and only its empty
 * fields are filled) inside c's write transaction, home unit home_unit_id,
 * and indexes the names. *created tells whether a row was made. */
SJ_MUST_USE sj_err persons_import(db_conn *c, json_t *p, const char *home_unit_id, char id_out[ID_LEN + 1],
				  bool *created);

/* --- the bulk load of a national register (`sijill import persons`) ---
 *
 *     persons_loader *l; if (persons_load_begin(c, unit_id, &l)) fail;
 *     per batch: db_begin(c, DB_WRITE); per line persons_load_person(l, p, &made);
 *                persons_load_flush(l); audit; db_commit(c);
 *     persons_load_end(l);   (always, also after a failure)
 *
 * The same semantics as persons_import, line after line, at a national
 * register's scale (persons_load.c). persons_load_begin (outside a
 * transaction) reads the CINs already stored (up to PERSONS_LOAD_PRELOAD
 * persons) and, when the database holds no person, drops the name-key and
 * birth-date indexes, which persons_load_end builds once at the end.
 * persons_load_person (checked line, in a write transaction) resolves a
 * known CIN to the same person (its empty fields filled, at once) and keeps
 * a new person in memory; *created as for persons_import. persons_load_flush
 * writes the persons kept (db_copy: COPY on PostgreSQL), then their keys;
 * call it before the audit entry and the commit of each batch.
 * persons_load_end (outside a transaction) builds what begin dropped (also
 * when the load stopped early: committed batches stay searchable),
 * refreshes the planner's statistics and frees l. */
#define PERSONS_LOAD_PRELOAD 5000000   /* persons whose CINs a load reads up front */
typedef struct persons_loader persons_loader;
SJ_MUST_USE sj_err persons_load_begin(db_conn *c, const char *home_unit_id, persons_loader **out);
SJ_MUST_USE sj_err persons_load_person(persons_loader *l, json_t *p, bool *created);
SJ_MUST_USE sj_err persons_load_flush(persons_loader *l);
SJ_MUST_USE sj_err persons_load_end(persons_loader *l);
/* persons_load_is_bulk: the load builds the indexes at its end. */
bool persons_load_is_bulk(const persons_loader *l);

/* --- duplicates and merges (roles checked by the route; scope here) --- */

/* persons_duplicates returns {"id", "candidates": [person_match...]}: the
 * person's likely duplicates by the national search (its names in each
 * script, ranked with the birth date, sex and father's name; the person
 * itself excluded, a merged person read as its survivor), as a new object.
 * SJ_ENOTFOUND (*why "person-not-found"); the person must be one the actor
 * may merge (SJ_EFORBIDDEN "merge-needs-data-quality-role", as below). The
 * purpose and the rate limit are lookup_duplicates' (lookup.h). */
SJ_MUST_USE sj_err persons_duplicates(db_conn *c, const sj_actor *a, const char *id, json_t **out,
				      const char **why);
/* persons_merge records that in's merged_id is the same person as its
 * survivor_id (a person_merge body), with its reason: merged_id's row stays
 * (and every mention of it), marked merged_into. Both must lie in the
 * actor's scope — administrators (the national data-quality role) merge
 * nationally, the national index (root unit) included; a chief the persons
 * whose home unit is theirs or below: SJ_EFORBIDDEN
 * "merge-needs-data-quality-role" otherwise (audited as refused). SJ_ECONFLICT
 * "merge-same-person" / "person-already-merged"; SJ_ENOTFOUND
 * "person-not-found". *out: {"id" (the merge), "survivor_id", "merged_id"}. */
SJ_MUST_USE sj_err persons_merge(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why);
/* persons_unmerge undoes merge merge_id with in's reason (its history row is
 * kept, marked undone); scope as persons_merge for both persons.
 * SJ_ENOTFOUND "merge-not-found", SJ_ECONFLICT "merge-already-undone".
 * *out: {"id", "undone": true}. */
/* --- one national person per CIN (central, national.c) ---
 * persons_national_link: row (a node's person, translated, about to be
 * written into central's persons) is linked to the national person. When
 * its CIN is held at central by another person (another region's record of
 * the same person), the row is written without its CIN, merged_into that
 * person: *survivor receives it and *is_new is true — the caller calls
 * persons_national_record once the row is written. When its id was merged
 * so before, the row keeps that (merged_into the survivor; none once the
 * merge was undone, the CIN staying the national person's). Else nothing. */
SJ_MUST_USE sj_err persons_national_link(db_conn *c, json_t *row, char survivor[ID_LEN + 1], bool *is_new);
/* persons_national_record records the merge of merged_id into survivor
 * (person_merges: merged_by the node's id, the reason naming the CIN and
 * the node) and audits it (person.merge, outcome ok, in c's transaction). */
SJ_MUST_USE sj_err persons_national_record(db_conn *c, const char *node, const char *merged_id, const char *survivor,
					   const char *cin);
SJ_MUST_USE sj_err persons_unmerge(db_conn *c, const sj_actor *a, const char *merge_id, json_t *in, json_t **out,
				   const char **why);

#endif
