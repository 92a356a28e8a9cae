/* actor.h — who a unit of work acts for, as the capabilities see it.
 *
 * Capabilities (cases, persons, registers, ...) take a `const sj_actor *`,
 * never the HTTP layer's session: the same unit of work then runs from an
 * HTTP request, the command line (`sijill import`), or a batch applied by the
 * exchange with central. Who builds it: app_actor() for a request,
 * cli_actor() for the command line, the exchange for a node's batch. The
 * strings are borrowed from whoever built it and live as long as the unit of
 * work.
 */
#ifndef SJ_ACTOR_H
#define SJ_ACTOR_H

#include <stdbool.h>

typedef struct sj_actor {
	const char *id;          /* users.id; NULL for the system itself */
	const char *badge;
	const char *name;
	const char *rank;        /* from the user's record (reference data of ranks) */
	unsigned role;           /* one ROLE_* bit of auth/roles.h */
	const char *role_name;
	const char *unit_id;
	const char *unit_code;
	const char *unit_path;   /* "/DGSN/PP-CASA/AR-.../": scope is a prefix test */
	const char *unit_name_fr, *unit_name_ar;   /* as a PV names its drafter's unit */
	bool national;           /* reads every unit's records */
	bool writer;             /* a unit writer (chief, OPJ, officer): writes records of its scope */
	bool opj;                /* holds OPJ status (CPP 20) */
	const char *lang;        /* "ar" | "fr" */
	const char *via;         /* "http" | "cli" | "exchange" */
	const char *request_id;  /* for the audit entry; may be NULL */
	const char *ip;          /* may be NULL */
} sj_actor;

/* actor_in_scope: target_path lies in the actor's unit subtree (or is it). */
bool actor_in_scope(const sj_actor *a, const char *target_path);
/* actor_can_read: national actors, or a record of a unit in scope. */
bool actor_can_read(const sj_actor *a, const char *unit_path);
/* actor_can_write: a unit writer whose scope holds the record's unit
 * (national roles read everywhere but write only in their own scope). */
bool actor_can_write(const sj_actor *a, const char *unit_path);

#endif
