/* record.h — each record kind described once.
 *
 * A record kind (a person, a case, a PV, a custody...) is described by one
 * X-macro list in the module that owns it. Everything else comes from that
 * list and from nowhere else:
 *   - the SQL column lists, still compile-time string literals (the statement
 *     cache keys on the SQL text's address): REC_COLS, REC_QS, REC_SET;
 *   - the dbj column list that reads rows straight into JSON: REC_DBJ;
 *   - the runtime description (rec_desc) that validates request bodies
 *     (rec_check), shapes responses (rec_out), binds INSERT/UPDATE values
 *     (dbj_bind in db/dbj.h), and feeds the OpenAPI component schemas (rec_schema) that the
 *     web UI builds its forms from, and the exchange's serialisation.
 *
 * Writing a description (see persons.c for a whole one):
 *
 *     #define PERSON_FIELDS(X) \
 *         X(C, cin,        CIN,  1, PERSON_CIN_MAX, NULL,  IN | OUT | PII) \
 *         X(E, address,    TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | PII) \
 *         X(C, sex,        ENUM, 0, 0, &person_sexes, IN | OUT | PII) \
 *         X(V, alerts,     ARRAY, 0, 64, NULL,  OUT)
 *
 *     static const rec_field person_fields[] = { REC_ID_FIELD, PERSON_FIELDS(REC_FIELD) };
 *     const rec_desc person_rec = REC_DESC("person", "persons", person_fields, NULL);
 *     static const char sql_get[] = "SELECT " REC_COLS(PERSON_FIELDS) " FROM persons WHERE id = ?";
 *     e = dbj_one(c, sql_get, REC_DBJ(PERSON_FIELDS), &out, "t", id);
 *
 * Each row is X(kind, name, TYPE, min, max, ext, flags):
 *   kind  C a column set at creation (never changed by a patch),
 *         E a column a patch may change (REC_SET lists these),
 *         V not a column: a nested object/array of the request, or a value a
 *           response adds (joined or computed);
 *   name  the JSON member and, for C/E, the SQL column (one name everywhere);
 *   TYPE  one of rec_type without the REC_ prefix (TEXT, ENUM, TIME ...);
 *   min/max  TEXT/CODE: bytes; INT/TIME: value bounds (both 0: TIME takes
 *         REC_TIME_MIN..REC_TIME_MAX, INT any); ARRAY: max elements;
 *         a limit is a named constant of core/limits.h, never a bare number;
 *   ext   ENUM: &a rec_enum; OBJECT/ARRAY: &the element's rec_desc
 *         (ARRAY of scalars: NULL and the element type given by flags);
 *   flags REC_IN accepted on create, REQ required then, OUT in responses,
 *         PII personal data (loi 09-08: audited, masked where not entitled),
 *         MULTI text may hold line breaks (statements, facts), NULLABLE JSON
 *         null accepted as "absent", EDIT a field a patch accepts (E
 *         columns that are IN are patchable already; EDIT without IN: a
 *         patch only).
 *   TEXT/SECRET min is the fewest bytes (0 allowed), CODE's too (1 at least).
 * The record's id (type ID, a C column, OUT) is implicit and always first:
 * REC_ID_FIELD in the field array, "id" at the head of every column list.
 *
 * Labels: a field's label is the i18n key "<record>.<field>" and an enum
 * value's is "<enum list name>.<value>" (web/i18n/ar.json and fr.json, read
 * by the UI and by the server's printed documents alike).
 *
 * Joins: column lists are unqualified; a read that joins another table joins
 * a subquery that renames that table's columns, e.g.
 *     "SELECT " REC_COLS(F) ", unit_code FROM persons JOIN (SELECT id AS u_id,
 *      code AS unit_code FROM units) u ON u.u_id = home_unit_id"
 */
#ifndef SJ_RECORD_H
#define SJ_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

typedef enum rec_type {
	REC_ID = 1, /* a record id (UUID text) */
	REC_TEXT,   /* free text: valid UTF-8, no controls, no bidi overrides (see rec_text_ok) */
	REC_CODE,   /* a code of reference data or a badge: [A-Za-z0-9._/-], 1..max bytes */
	REC_CIN,    /* a national identity card number, normalised by the owner */
	REC_ENUM,   /* one of ext's values */
	REC_DATE,   /* a real calendar date "YYYY-MM-DD" */
	REC_TIME,   /* an instant: integer UTC milliseconds */
	REC_INT,    /* an integer */
	REC_BOOL,   /* JSON true/false; a 0/1 BIGINT column */
	REC_REAL,   /* a JSON number (never a column: store scaled integers) */
	REC_JSON,   /* a TEXT column holding JSON; any JSON value in and out */
	REC_SECRET, /* a password: any text but NUL and C0 controls, never OUT, never logged */
	REC_OBJECT, /* a nested record (ext: its rec_desc); never a column */
	REC_ARRAY,  /* a list (ext: the element's rec_desc, or NULL: strings); never a column */
	REC_ANY,    /* any JSON value, checked by the owner (its refusal names its own rule); never a column */
} rec_type;

enum {
	REC_KIND_C = 1u << 0,   /* set by the row kind, not written by hand */
	REC_KIND_E = 1u << 1,
	REC_KIND_V = 1u << 2,
	REC_F_IN = 1u << 3,
	REC_F_REQ = 1u << 4,
	REC_F_OUT = 1u << 5,
	REC_F_PII = 1u << 6,
	REC_F_MULTI = 1u << 7,
	REC_F_NULLABLE = 1u << 8,
	REC_F_EDIT = 1u << 9,   /* a V field a patch may change (stored inside a JSON column, or converted) */
};
/* Short flag names for description rows only (undefined nowhere else). */
#define IN REC_F_IN
#define REQ REC_F_REQ
#define OUT REC_F_OUT
#define PII REC_F_PII
#define MULTI REC_F_MULTI
#define NULLABLE REC_F_NULLABLE
#define EDIT REC_F_EDIT

#define REC_TIME_MIN 1LL
#define REC_TIME_MAX 4102444800000LL   /* 2100-01-01T00:00Z */

/* A named list of enum values. A value's label key is "<name>.<value>"
 * ("frame.flagrant"), so two records sharing a list share its labels.
 * Define one with REC_ENUM_DEF(var, "name", "v1", "v2", ...). */
typedef struct rec_enum {
	const char *name;
	const char *const *values;   /* NULL-terminated */
} rec_enum;
#define REC_ENUM_DEF(var, ename, ...) \
	static const char *const var##_values_[] = {__VA_ARGS__, NULL}; \
	static const rec_enum var = {(ename), var##_values_}
#define REC_ENUM_DEF_PUBLIC(var, ename, ...) \
	static const char *const var##_values_[] = {__VA_ARGS__, NULL}; \
	const rec_enum var = {(ename), var##_values_}

typedef struct rec_desc rec_desc;

typedef struct rec_field {
	const char *name;
	rec_type type;
	int64_t min, max;
	const void *ext;       /* const rec_enum * (ENUM) or const rec_desc * (OBJECT/ARRAY) */
	unsigned flags;
} rec_field;

/* rec_check_fn: the record's own cross-field rules (either a person_id or a
 * person; an unknown person has a description...). Called by rec_check after
 * every field passed; appends errors to errs with rec_err. */
typedef void (*rec_check_fn)(json_t *obj, const char *prefix, json_t *errs);

struct rec_desc {
	const char *name;          /* "person": label keys, OpenAPI schema name */
	const char *table;         /* "persons", or NULL for a command body */
	const rec_field *fields;
	size_t nfields;
	rec_check_fn check;        /* may be NULL */
	const rec_desc *flat;      /* a read that flattens another record's members into this one's
				    * (a case's persons: the link and the person); may be NULL */
};

/* ---- generating from the X-macro list ---- */
#define REC_STR_(x) #x
#define REC_STR(x) REC_STR_(x)

#define REC_FIELD(kind, name, type, mn, mx, ext, fl) \
	{#name, REC_##type, (mn), (mx), (ext), (unsigned)(fl) | REC_KIND_##kind},
#define REC_ID_FIELD {"id", REC_ID, 0, 36, NULL, REC_KIND_C | REC_F_OUT}
#define REC_DESC(rname, table, fields, check) \
	{(rname), (table), (fields), sizeof(fields) / sizeof((fields)[0]), (check), NULL}
/* REC_DESC_FLAT: as REC_DESC, for a record whose reads also carry flat's
 * OUT members (typed, kept by rec_out and published by rec_schema from
 * flat's description); bodies are still checked against fields only. */
#define REC_DESC_FLAT(rname, table, fields, check, flat) \
	{(rname), (table), (fields), sizeof(fields) / sizeof((fields)[0]), (check), (flat)}

/* Column names ("id, a, b"), placeholders ("?, ?, ?") and the dbj list
 * ("id:t,a:t,b:i"), all columns (C and E) in list order. */
#define REC_COL_C(name) ", " #name
#define REC_COL_E(name) ", " #name
#define REC_COL_V(name)
#define REC_COL_(kind, name, ...) REC_COL_##kind(name)
#define REC_COLS(LIST) "id" LIST(REC_COL_)

#define REC_Q_C ", ?"
#define REC_Q_E ", ?"
#define REC_Q_V
#define REC_Q_(kind, ...) REC_Q_##kind
#define REC_QS(LIST) "?" LIST(REC_Q_)

/* "a = ?, b = ?, " for the E columns: follow it with one more assignment,
 * e.g. "UPDATE cases SET " REC_SET(F) "updated_at = ? WHERE id = ?". */
#define REC_SET_C(name)
#define REC_SET_E(name) #name " = ?, "
#define REC_SET_V(name)
#define REC_SET_(kind, name, ...) REC_SET_##kind(name)
#define REC_SET(LIST) LIST(REC_SET_)

/* "a = COALESCE(a, ?), " for the E columns: fill only what is still empty
 * (a later entry never overwrites recorded identity). */
#define REC_FILL_C(name)
#define REC_FILL_E(name) #name " = COALESCE(" #name ", ?), "
#define REC_FILL_V(name)
#define REC_FILL_(kind, name, ...) REC_FILL_##kind(name)
#define REC_FILL(LIST) LIST(REC_FILL_)

#define REC_DBJ_T_ID "t"
#define REC_DBJ_T_TEXT "t"
#define REC_DBJ_T_CODE "t"
#define REC_DBJ_T_CIN "t"
#define REC_DBJ_T_ENUM "t"
#define REC_DBJ_T_DATE "t"
#define REC_DBJ_T_TIME "i"
#define REC_DBJ_T_INT "i"
#define REC_DBJ_T_BOOL "b"
#define REC_DBJ_T_JSON "j"
#define REC_DBJ_T_SECRET "t"
#define REC_DBJ_C(name, type) "," #name ":" REC_DBJ_T_##type
#define REC_DBJ_E(name, type) "," #name ":" REC_DBJ_T_##type
#define REC_DBJ_V(name, type)
#define REC_DBJ_(kind, name, type, ...) REC_DBJ_##kind(name, type)
#define REC_DBJ(LIST) "id:t" LIST(REC_DBJ_)

/* ---- runtime ---- */

typedef enum rec_op {
	REC_CREATE = 1, /* IN fields accepted, REQ ones required */
	REC_PATCH,      /* EDIT fields and IN E columns accepted, none required, at least one given */
} rec_op;

/* rec_field_find returns d's field called name, or NULL. */
const rec_field *rec_field_find(const rec_desc *d, const char *name);
/* rec_field_view returns the field of a read member called name: d's own,
 * else the flattened record's (d->flat) when it is OUT there; or NULL. */
const rec_field *rec_field_view(const rec_desc *d, const char *name);
/* rec_sub returns the nested description of an OBJECT/ARRAY field (or NULL);
 * rec_enums the value list of an ENUM field (or NULL). */
const rec_desc *rec_sub(const rec_field *f);
const rec_enum *rec_enums(const rec_field *f);
/* rec_enum_ok: value is one of f's enum values. */
bool rec_enum_ok(const rec_field *f, const char *value);

/* rec_date_ok: s is a real calendar date "YYYY-MM-DD" (years 1800..2200);
 * rec_id_ok: s is a record id (36 lower-case hex and hyphens). For query
 * parameters, which are not bodies. */
bool rec_date_ok(const char *s);
bool rec_id_ok(const char *s);

/* rec_check validates obj (any JSON value) as a body of d for op: unknown
 * members, required ones, types, limits, enums, dates, ids, text hygiene;
 * nested OBJECT/ARRAY members against their own description (a patch's
 * nested objects are checked as creations). Then, when every field passed,
 * d->check. Each problem is appended to errs as {"field", "code", "detail"}
 * with field prefixed by prefix (may be NULL: "persons[1]." style). Returns
 * true when it added no error. Never writes obj. */
bool rec_check(const rec_desc *d, rec_op op, json_t *obj, const char *prefix, json_t *errs);
/* rec_err appends one field error to errs: code is a stable field-error code
 * (required, too-long, enum, format, conflict...; each has the i18n key
 * "ferr.<code>"), detail a short English explanation for developers. */
void rec_err(json_t *errs, const char *prefix, const char *field, const char *code, const char *detail);

/* rec_text_ok returns NULL when s is acceptable stored text, otherwise the
 * field-error code that refuses it: "control" (C0/C1 controls; line breaks
 * and tabs only when multi), "bidi" (embedding/override/isolate controls,
 * U+202A–202E, U+2066–2069, and U+061C outside Arabic), "invisible"
 * (zero-width characters other than ZWNJ/ZWJ, which Arabic and Persian
 * names need; BOM; soft hyphen), "noncharacter" (U+FDD0–FDEF, U+xFFFE/F),
 * "utf8" (invalid UTF-8). Visual spoofing of a PV or a name is refused at
 * the door rather than cleaned silently. */
const char *rec_text_ok(const char *s, size_t len, bool multi);
/* rec_text_visible returns a copy of s (a new string, caller frees; NULL out
 * of memory) in which every character rec_text_ok refuses — but line breaks
 * and tabs — is written visibly as "⟦U+202E⟧", and an invalid byte as
 * "⟦0xFF⟧": what audit views print of stored text, old rows included.
 * rec_json_visible does it in place to every string value under v. */
char *rec_text_visible(const char *s);
void rec_json_visible(json_t *v);

/* rec_out removes from obj (in place) the members d does not declare OUT and
 * returns obj. NULL-safe. */
json_t *rec_out(const rec_desc *d, json_t *obj);

/* rec_schema returns a new OpenAPI 3.1 schema object for d in op's shape
 * (REC_CREATE/REC_PATCH: the request body; 0: the response), with enums,
 * limits, x-label keys and x-personal; nested descriptions by $ref to
 * "#/components/schemas/<name>". */
json_t *rec_schema(const rec_desc *d, rec_op op);

#endif
