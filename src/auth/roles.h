/* roles.h — who may do what: the roles and their properties.
 *
 * A role is a bit so a route can name the set of roles allowed (routes.c). The
 * unit scope rule: a user acts in their unit and the units below it; national
 * roles read everywhere; read-only roles write nothing.
 */
#ifndef SJ_ROLES_H
#define SJ_ROLES_H

#include <stdbool.h>

typedef enum role {
	ROLE_NONE    = 0,
	ROLE_ADMIN   = 1 << 0,  /* national administrator: users, units, reference data */
	ROLE_CHIEF   = 1 << 1,  /* head of a unit: reassigns, supervises */
	ROLE_OPJ     = 1 << 2,  /* officier de police judiciaire: seals PVs, custody */
	ROLE_OFFICER = 1 << 3,  /* desk / investigating officer */
	ROLE_ANALYST = 1 << 4,  /* national, read-only */
	ROLE_AUDITOR = 1 << 5,  /* reads the audit log, national */
	ROLE_MONITOR = 1 << 6,  /* machine: /metrics only */
	ROLE_COMMUNICATION = 1 << 7, /* security communication: writes the comms register in its unit's scope */
	ROLE_COMM_HEAD = 1 << 8, /* the unit's head of communication: also approves, publishes (seals) */
} role;

/* The communication roles (issue 15) never see case or register data: they
 * are humans (session routes) but not case readers. */
#define ROLES_COMMS (ROLE_COMMUNICATION | ROLE_COMM_HEAD)
#define ROLES_ALL (ROLE_ADMIN | ROLE_CHIEF | ROLE_OPJ | ROLE_OFFICER | ROLE_ANALYST | ROLE_AUDITOR | ROLE_MONITOR | \
		   ROLES_COMMS)
#define ROLES_HUMAN (ROLE_ADMIN | ROLE_CHIEF | ROLE_OPJ | ROLE_OFFICER | ROLE_ANALYST | ROLE_AUDITOR | ROLES_COMMS)
/* Who may read case, person and register data: every human but communication
 * and the auditor. The auditor (issue 10 item 12, least privilege) reads the
 * audit log, and a case, PV or person only through an audit entry that names
 * it (ROUTE_AUDIT_VIA routes: ?via=<seq>; src/app/dispatch.c). */
#define ROLES_CASE_READERS (ROLES_HUMAN & ~ROLES_COMMS & ~ROLE_AUDITOR)
#define ROLES_UNIT_WRITERS (ROLE_CHIEF | ROLE_OPJ | ROLE_OFFICER)

/* role_from_name maps "admin", "chief", "opj", "officer", "analyst", "auditor",
 * "monitor", "communication", "comm_head" to its bit; ROLE_NONE for anything else. */
role role_from_name(const char *name);
/* role_name returns the static name of a single role bit, or "none". */
const char *role_name(role r);
/* role_is_national: reads every unit's records (admin, analyst, auditor). */
bool role_is_national(role r);
/* role_is_read_only: writes no records (analyst, auditor, monitor). */
bool role_is_read_only(role r);
/* role_names_json-like listing for docs and the matrix test. */
extern const char *const role_all_names[];

#endif
