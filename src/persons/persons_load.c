/* persons_load.c — the bulk load of a national register (`sijill import
 * persons`, see persons.h: persons_load_*).
 *
 * A national register is millions of lines. Per line, persons_import costs
 * a CIN look-up, an INSERT and ~7 key INSERTs, each a round trip on
 * PostgreSQL, and a B-tree descent per key on both. The loader:
 *   * knows which CINs exist (every CIN of the database, read once, as
 *     64-bit hashes, when there are at most PERSONS_LOAD_PRELOAD persons),
 *     so a new CIN costs no query; a hash seen before is checked in the
 *     table (and the person known by it filled by persons_import);
 *   * keeps new persons in memory and writes them with db_copy (COPY on
 *     PostgreSQL) at each flush, then their keys (srch_index_bulk);
 *   * into an empty database, drops the key index and the birth-date index
 *     and builds them once at the end (sorting 7 rows a person once instead
 *     of inserting them at random).
 * The rows are those persons_import writes (the same columns, the same
 * free-text father's and mother's names of a new person).
 */
#include "persons/persons.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "search/search.h"

enum { L_FA, L_LA, L_FL, L_LL, L_PA, L_PL, L_MA, L_BD, L_SEX, L_NF };
static const char *const load_fields[L_NF] = {
	"first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat", "father_name_ar",
	"father_name_lat", "mother_name_ar", "birth_date", "sex",
};

typedef struct pend {
	char id[ID_LEN + 1];
	char cin[PERSON_CIN_MAX + 1];
	char *f[L_NF];         /* owned; NULL when absent */
} pend;

#define LOAD_AUTO_FLUSH 50000   /* pending persons written even inside a long batch */

struct persons_loader {
	db_conn *c;
	char unit[ID_LEN + 1];
	bool bulk;             /* the indexes were dropped: build them at the end */
	bool known_all;        /* every CIN of the database is in seen */
	uint64_t *seen;
	size_t seen_n, seen_cap;   /* open addressing, 0 = free, cap a power of two */
	pend *p;
	int np, pcap;
	int32_t *pslot;        /* CIN -> pending index + 1 */
	size_t pslots;
	int64_t now;
};

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static uint64_t hash64(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h ? h : 1;
}

static sj_err seen_grow(persons_loader *l)
{
	size_t cap = l->seen_cap ? l->seen_cap * 2 : 1u << 16;
	uint64_t *t = calloc(cap, sizeof *t);
	if (!t)
		return SJ_ENOMEM;
	for (size_t i = 0; i < l->seen_cap; i++) {
		uint64_t h = l->seen[i];
		if (!h)
			continue;
		size_t j = h & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = h;
	}
	free(l->seen);
	l->seen = t;
	l->seen_cap = cap;
	return SJ_OK;
}

/* seen_add records h; *was tells whether it was there already. */
static sj_err seen_add(persons_loader *l, uint64_t h, bool *was)
{
	if ((l->seen_n + 1) * 2 > l->seen_cap) {
		sj_err e = seen_grow(l);
		if (e)
			return e;
	}
	size_t j = h & (l->seen_cap - 1);
	while (l->seen[j]) {
		if (l->seen[j] == h) {
			*was = true;
			return SJ_OK;
		}
		j = (j + 1) & (l->seen_cap - 1);
	}
	l->seen[j] = h;
	l->seen_n++;
	*was = false;
	return SJ_OK;
}

static int pend_find(const persons_loader *l, const char *cin)
{
	if (!l->pslots)
		return -1;
	size_t j = hash64(cin) & (l->pslots - 1);
	while (l->pslot[j]) {
		const pend *p = &l->p[l->pslot[j] - 1];
		if (strcmp(p->cin, cin) == 0)
			return l->pslot[j] - 1;
		j = (j + 1) & (l->pslots - 1);
	}
	return -1;
}

static sj_err pend_index(persons_loader *l, int i)
{
	if ((size_t)(i + 1) * 2 > l->pslots) {
		size_t n = l->pslots ? l->pslots * 2 : 1u << 14;
		int32_t *t = calloc(n, sizeof *t);
		if (!t)
			return SJ_ENOMEM;
		free(l->pslot);
		l->pslot = t;
		l->pslots = n;
		for (int k = 0; k < i; k++)
			if (l->p[k].cin[0]) {
				size_t j = hash64(l->p[k].cin) & (n - 1);
				while (t[j])
					j = (j + 1) & (n - 1);
				t[j] = k + 1;
			}
	}
	size_t j = hash64(l->p[i].cin) & (l->pslots - 1);
	while (l->pslot[j])
		j = (j + 1) & (l->pslots - 1);
	l->pslot[j] = i + 1;
	return SJ_OK;
}

static void pend_clear(persons_loader *l)
{
	for (int i = 0; i < l->np; i++)
		for (int k = 0; k < L_NF; k++)
			free(l->p[i].f[k]);
	l->np = 0;
	if (l->pslot)
		memset(l->pslot, 0, l->pslots * sizeof *l->pslot);
}

static const char sql_count_persons[] = "SELECT COUNT(*) FROM persons";
static const char sql_all_cins[] = "SELECT cin FROM persons WHERE cin IS NOT NULL";
static const char sql_cin_known[] = "SELECT COUNT(*) FROM persons WHERE cin = ?";
/* The index of 0003 that a bulk load into an empty database builds after
 * the rows; the same definition as there. */
static const char sql_drop_birth_index[] = "DROP INDEX IF EXISTS persons_birth";
static const char sql_make_birth_index[] = "CREATE INDEX IF NOT EXISTS persons_birth ON persons(birth_date)";

sj_err persons_load_begin(db_conn *c, const char *home_unit_id, persons_loader **out)
{
	*out = NULL;
	if (db_in_tx(c))
		return SJ_EINTERNAL;
	persons_loader *l = calloc(1, sizeof *l);
	if (!l)
		return SJ_ENOMEM;
	l->c = c;
	snprintf(l->unit, sizeof l->unit, "%s", home_unit_id);
	sj_err e = db_bulk_session(c, true);
	int64_t persons = 0;
	bool no_keys = false;
	e = e ? e : db_begin(c, DB_WRITE);
	e = e ? e : dbj_int(c, sql_count_persons, &persons, "");
	e = e ? e : srch_index_is_empty(c, &no_keys);
	if (!e && persons <= PERSONS_LOAD_PRELOAD) {
		db_stmt *s;
		bool row, was;
		e = db_prepare(c, sql_all_cins, &s);
		while (!e && !(e = db_step(s, &row)) && row)
			e = seen_add(l, hash64(db_col_text(s, 0)), &was);
		l->known_all = !e;
	}
	if (!e && persons == 0 && no_keys) {
		l->bulk = true;
		e = srch_index_drop(c);
		e = e ? e : db_exec(c, sql_drop_birth_index);
	} else if (!e) {
		/* an earlier bulk load that stopped before its end left these out */
		e = srch_index_build(c, false);
		e = e ? e : db_exec(c, sql_make_birth_index);
	}
	e = e ? e : db_commit(c);
	if (e) {
		db_rollback(c);
		l->bulk = false;
		if (persons_load_end(l)) {
			/* the first failure is the one to report */
		}
		return e;
	}
	*out = l;
	return SJ_OK;
}

bool persons_load_is_bulk(const persons_loader *l)
{
	return l && l->bulk;
}

/* pend_new keeps p as a new person (written at the next flush). */
static sj_err pend_new(persons_loader *l, json_t *p, const char *cin)
{
	if (l->np == l->pcap) {
		int cap = l->pcap ? l->pcap * 2 : 1024;
		pend *t = realloc(l->p, (size_t)cap * sizeof *t);
		if (!t)
			return SJ_ENOMEM;
		l->p = t;
		l->pcap = cap;
	}
	pend *np = &l->p[l->np];
	memset(np, 0, sizeof *np);
	id_new(np->id);
	snprintf(np->cin, sizeof np->cin, "%s", cin);
	l->np++;
	for (int i = 0; i < L_NF; i++)
		if (js(p, load_fields[i]) && !(np->f[i] = strdup(js(p, load_fields[i]))))
			return SJ_ENOMEM;
	return cin[0] ? pend_index(l, l->np - 1) : SJ_OK;
}

sj_err persons_load_person(persons_loader *l, json_t *p, bool *created)
{
	*created = false;
	char cin[PERSON_CIN_MAX + 1] = "";
	if (js(p, "cin") && !persons_cin_normalize(js(p, "cin"), cin))
		return SJ_EINVAL;
	l->now = clock_now_ms();
	if (cin[0]) {
		int k = pend_find(l, cin);
		if (k >= 0) {
			/* twice before a flush: the first line made it, this one fills */
			for (int i = 0; i < L_NF; i++)
				if (!l->p[k].f[i] && js(p, load_fields[i]) && !(l->p[k].f[i] = strdup(js(p, load_fields[i]))))
					return SJ_ENOMEM;
			return SJ_OK;
		}
		bool was = false;
		sj_err e = seen_add(l, hash64(cin), &was);
		if (e)
			return e;
		if (was || !l->known_all) {
			int64_t n = 0;
			e = dbj_int(l->c, sql_cin_known, &n, "t", cin);
			if (!e && n > 0) {
				/* known: its empty fields filled, re-keyed (persons_import) */
				char id[ID_LEN + 1];
				bool made = false;
				return persons_import(l->c, p, l->unit, id, &made);
			}
			if (e)
				return e;
		}
	}
	sj_err e = pend_new(l, p, cin);
	*created = !e;
	if (!e && l->np >= LOAD_AUTO_FLUSH)
		e = persons_load_flush(l);
	return e;
}

sj_err persons_load_flush(persons_loader *l)
{
	if (!l || l->np == 0)
		return SJ_OK;
	db_copy *cp = NULL;
	sj_err e = db_copy_begin(l->c, "persons",
				 "id, cin, unknown, first_name_ar, last_name_ar, first_name_lat, last_name_lat,"
				 " father_name, mother_name, father_name_ar, father_name_lat, mother_name_ar, birth_date,"
				 " sex, home_unit_id, created_at, updated_at", &cp);
	for (int i = 0; i < l->np && !e; i++) {
		char **f = l->p[i].f;
		e = db_copy_row(cp, "tti" "tttttttttttt" "ii", l->p[i].id, l->p[i].cin[0] ? l->p[i].cin : NULL,
				(int64_t)0, f[L_FA], f[L_LA], f[L_FL], f[L_LL], f[L_PA] ? f[L_PA] : f[L_PL], f[L_MA],
				f[L_PA], f[L_PL], f[L_MA], f[L_BD], f[L_SEX], l->unit, l->now, l->now);
	}
	sj_err e2 = db_copy_end(cp);
	e = e ? e : e2;
	const char **ids = e ? NULL : malloc((size_t)l->np * sizeof *ids);
	srch_names *names = e ? NULL : malloc((size_t)l->np * sizeof *names);
	if (!e && (!ids || !names))
		e = SJ_ENOMEM;
	for (int i = 0; i < l->np && !e; i++) {
		char **f = l->p[i].f;
		ids[i] = l->p[i].id;
		names[i] = (srch_names){f[L_FA], f[L_LA], f[L_FL], f[L_LL], f[L_PA], f[L_PL], f[L_MA], NULL, f[L_BD]};
	}
	e = e ? e : srch_index_bulk(l->c, l->np, ids, names);
	free(ids);
	free(names);
	pend_clear(l);
	return e;
}

sj_err persons_load_end(persons_loader *l)
{
	if (!l)
		return SJ_OK;
	sj_err e = SJ_OK;
	if (db_in_tx(l->c))
		db_rollback(l->c);
	if (l->bulk)
		e = db_exec(l->c, sql_make_birth_index);
	/* the key index (built if a bulk load dropped it) and its statistics */
	sj_err e2 = srch_index_build(l->c, true);
	e = e ? e : e2;
	e2 = db_maintain(l->c, "persons");
	e = e ? e : e2;
	e2 = db_bulk_session(l->c, false);
	e = e ? e : e2;
	pend_clear(l);
	free(l->p);
	free(l->pslot);
	free(l->seen);
	free(l);
	return e;
}
