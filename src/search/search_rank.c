/* search_rank.c — the evidence, score and reasons of one candidate (engine.h,
 * docs/internals/search.md). */
#include "search/search.h"
#include "search/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/record.h"
#include "db/dbj.h"
#include "text/norm.h"

/* ------------------------------------------------------------ ranking */

/* Namesakes share their spellings. Two per-search memos: the name evidence
 * of a record's (first, last) strings, and the similarity of each recorded
 * name part to each typed one (Mohammed, العلوي: a few hundred distinct
 * parts among the candidates of a hot-ish bucket). */

void engine_memo_init(memo *mm, const nk_name *q)
{
	mm->n = mm->nu = 0;
	mm->q = q;
	memset(mm->k, 0, sizeof mm->k);
	memset(mm->uh, 0, sizeof mm->uh);
}

void engine_memo_free(memo *mm)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		free(mm->k[i]);
}

/* memo_find returns the entry of key (inserting an empty one, s < 0, when
 * there is room), or NULL when the memo is full. */
static memo_ent *memo_find(memo *mm, const char *key)
{
	uint32_t i = hash_str(key) & (MEMO_SLOTS - 1);
	while (mm->k[i]) {
		if (strcmp(mm->k[i], key) == 0)
			return &mm->e[i];
		i = (i + 1) & (MEMO_SLOTS - 1);
	}
	if (mm->n >= MEMO_SLOTS * 3 / 4)
		return NULL;
	mm->k[i] = strdup(key);
	if (!mm->k[i])
		return NULL;
	mm->e[i].s = -1;
	mm->n++;
	return &mm->e[i];
}

static uint64_t hash_mix(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

/* unit_sim answers nk_name_score_with from the memo: a recorded unit is
 * compared with every typed unit once. */
static double unit_sim(void *ctx, unsigned qi, const nk_unit *c)
{
	memo *mm = ctx;
	char tag[6] = {(char)('0' + c->script), (char)('0' + c->particle), (char)('0' + c->article),
		       (char)('0' + c->compound), (char)('0' + c->honorific), '\0'};
	uint64_t h = hash_mix(hash_mix(hash_mix(1469598103934665603ull, tag), c->whole), c->body);
	h = h ? h : 1;
	uint32_t i = (uint32_t)h & (USIM_SLOTS - 1);
	for (int probe = 0; probe < 16; probe++, i = (i + 1) & (USIM_SLOTS - 1)) {
		if (mm->uh[i] == h)
			return mm->us[i][qi];
		if (mm->uh[i])
			continue;
		if (mm->nu >= USIM_SLOTS * 3 / 4)
			break;
		mm->uh[i] = h;
		mm->nu++;
		for (unsigned k = 0; k < mm->q->n; k++)
			mm->us[i][k] = (float)nk_unit_similarity(&mm->q->u[k], c);
		return mm->us[i][qi];
	}
	return nk_unit_similarity(&mm->q->u[qi], c);
}

/* name_evidence: how well the typed names fit one script's record. */
static double name_evidence(memo *mm, const qinfo *qi, char script, const char *first, const char *last,
			    nk_match *m)
{
	memset(m, 0, sizeof *m);
	if (empty(first) && empty(last))
		return 0;
	char key[2 * SJ_MAX_NAME + 8];
	snprintf(key, sizeof key, "%c%s\x1f%s", script, first ? first : "", last ? last : "");
	memo_ent *me = memo_find(mm, key);
	if (me && me->s >= 0) {
		*m = me->m;
		return me->s;
	}
	nk_name f, l;
	f.n = l.n = 0;
	if (!empty(first) && nk_parse(first, &f))
		f.n = 0;
	if (!empty(last) && nk_parse(last, &l))
		l.n = 0;
	double s = f.n || l.n ? nk_name_score_with(&qi->name, &f, &l, NULL, m, unit_sim, mm) : 0;
	if (me) {
		me->s = s;
		me->m = *m;
	}
	return s;
}

/* father_evidence: how well the typed father's name (in q or given apart)
 * fits the recorded one; -1 when the record has none. */
static double father_evidence(memo *mm, const qinfo *qi, const char *father)
{
	if (empty(father))
		return -1;
	char key[SJ_MAX_NAME + 8];
	snprintf(key, sizeof key, "p%s", father);
	memo_ent *me = memo_find(mm, key);
	if (me && me->s >= 0)
		return me->s;
	nk_name f;
	double s = 0;
	if (nk_parse(father, &f) == SJ_OK && f.n > 0) {
		if (qi->father_in_q)
			s = nk_father_similarity(&qi->fu, &f);
		for (unsigned i = 0; i < qi->father.n; i++)
			if (!qi->father.u[i].honorific) {
				double x = nk_father_similarity(&qi->father.u[i], &f);
				s = x > s ? x : s;
				break;
			}
	}
	if (me)
		me->s = s;
	return s;
}

/* Weights of the evidence in the score (given components only). */
#define W_NAME   1.0
#define W_BIRTH  0.4
#define W_FATHER 0.3
#define W_SEX    0.1
#define W_PLACE  0.15

static double round3(double x)
{
	return (double)(long)(x * 1000 + 0.5) / 1000.0;
}

/* engine_score_one ranks row r against the query: r->score, r->strong (every name
 * part typed found, and nothing given contradicts the record) and r->ev.
 * Returns false when the name evidence is too weak to be a result. */
bool engine_score_one(memo *mm, const qinfo *qi, prow *r)
{
	nk_match ml;
	evid *ev = &r->ev;
	double sa = name_evidence(mm, qi, 'a', r->v[P_FA], r->v[P_LA], &ev->m);
	double sl = name_evidence(mm, qi, 'l', r->v[P_FL], r->v[P_LL], &ml);
	if (sl > sa)
		ev->m = ml;
	double ns = sa >= sl ? sa : sl;
	if (ns < SRCH_MIN_SCORE)
		return false;
	bool strong = true;
	for (unsigned i = 0; i < qi->name.n; i++)
		if (!qi->name.u[i].honorific)
			strong = strong && ev->m.unit_sim[i] >= NK_UNIT_MATCH;
	ev->name = ns;
	ev->father = ev->birth = ev->sex = ev->place = -1;
	double sum = W_NAME * ns, wsum = W_NAME;
	/* father's name: typed inside q (ben Ahmed) or given apart */
	if (has_father(qi)) {
		const char *pa = !empty(r->v[P_PA]) ? r->v[P_PA] : r->v[P_P];
		const char *pl = !empty(r->v[P_PL]) ? r->v[P_PL] : r->v[P_P];
		double fa = father_evidence(mm, qi, pa), fl = father_evidence(mm, qi, pl);
		double f = fa > fl ? fa : fl;
		ev->father_how = f < 0 ? "unknown" : f >= NK_UNIT_MATCH ? "same" : f >= 0.6 ? "close" : "differs";
		strong = strong && (f < 0 || f >= NK_UNIT_MATCH);
		ev->father = f < 0 ? 0.4 : f;
		sum += W_FATHER * ev->father;
		wsum += W_FATHER;
	}
	/* birth: the date as typed, with day and month swapped, or the year */
	const char *bd = r->v[P_BD];
	ev->year = bd ? atoi(bd) : 0;
	if (has_birth(qi)) {
		int ry = ev->year;
		double e;
		const char *how;
		if (!bd || !*bd)
			e = 0.3, how = "unknown";
		else if (qi->dob[0] && strcmp(bd, qi->dob) == 0)
			e = 1, how = "date";
		else if (qi->swapped[0] && strcmp(bd, qi->swapped) == 0)
			e = 0.85, how = "swapped";
		else if (ry == qi->year)
			e = qi->dob[0] ? 0.45 : 1, how = "year";
		else if (!qi->dob[0] && (ry == qi->year - 1 || ry == qi->year + 1))
			e = 0.4, how = "near_year";
		else
			e = 0, how = "differs";
		strong = strong && (e >= 0.85 || (!qi->dob[0] && ry == qi->year) || !bd || !*bd);
		ev->birth = e;
		ev->birth_how = how;
		sum += W_BIRTH * e;
		wsum += W_BIRTH;
	}
	if (qi->sex) {
		const char *sx = r->v[P_SEX];
		ev->sex = !sx ? 0.5 : strcmp(sx, qi->sex) == 0 ? 1 : 0;
		ev->sex_how = !sx ? "unknown" : ev->sex == 1 ? "same" : "differs";
		strong = strong && ev->sex > 0;
		sum += W_SEX * ev->sex;
		wsum += W_SEX;
	}
	if (qi->place) {
		ev->place = 0.5;
		ev->place_how = "unknown";
		if (!empty(r->v[P_PLACE])) {
			buf a, b;
			buf_init(&a, 4 * SJ_MAX_NAME);
			buf_init(&b, 4 * SJ_MAX_NAME);
			bool same = !txt_normalize(qi->place, &a) && !txt_normalize(r->v[P_PLACE], &b) &&
				    strcmp(buf_str(&a), buf_str(&b)) == 0;
			buf_free(&a);
			buf_free(&b);
			ev->place = same ? 1 : 0;
			ev->place_how = same ? "same" : "differs";
		}
		sum += W_PLACE * ev->place;
		wsum += W_PLACE;
	}
	r->score = round3(sum / wsum);
	r->strong = strong;
	return true;
}

static const char *part_name(unsigned part)
{
	return part == NK_PART_FIRST ? "first_name" : part == NK_PART_LAST ? "last_name" : "father_name";
}

static json_t *reason(const char *code, const char *match)
{
	return json_pack("{s:s,s:s}", "code", code, "match", match);
}

/* engine_result_obj writes r as a result with its reasons (docs: search.h). */
json_t *engine_result_obj(const qinfo *qi, const prow *r)
{
	const evid *ev = &r->ev;
	json_t *reasons = json_array(), *matched = json_array(), *e = json_object();
	for (unsigned i = 0; i < qi->name.n; i++) {
		if (qi->name.u[i].honorific)
			continue;
		double us = ev->m.unit_sim[i];
		bool same_script = ev->m.unit_script[i] == qi->name.u[i].script;
		const char *how = us >= 0.995 && same_script ? "same"
				  : us >= NK_UNIT_MATCH ? (same_script ? "spelling" : "script")
				  : us >= 0.5 ? "close" : "none";
		unsigned part = us >= NK_UNIT_MATCH ? ev->m.unit_part[i] : ev->m.unit_near[i];
		json_t *x = reason("name", how);
		if (part)
			json_object_set_new(x, "part", json_string(part_name(part)));
		if (us >= 0.5)
			json_object_set_new(x, "script",
					    json_string(ev->m.unit_script[i] == NK_SCRIPT_ARABIC ? "ar" : "lat"));
		json_array_append_new(reasons, x);
	}
	if (ev->m.parts & NK_PART_FIRST)
		json_array_append_new(matched, json_string("first_name"));
	if (ev->m.parts & NK_PART_LAST)
		json_array_append_new(matched, json_string("last_name"));
	json_object_set_new(e, "name", json_real(round3(ev->name)));
	if (ev->father >= 0) {
		json_array_append_new(reasons, reason("father", ev->father_how));
		if (strcmp(ev->father_how, "same") == 0)
			json_array_append_new(matched, json_string("father_name"));
		json_object_set_new(e, "father", json_real(round3(ev->father)));
	}
	if (ev->birth >= 0) {
		json_t *x = reason("birth", ev->birth_how);
		if (ev->year)
			json_object_set_new(x, "year", json_integer(ev->year));
		json_array_append_new(reasons, x);
		if (strcmp(ev->birth_how, "date") == 0)
			json_array_append_new(matched, json_string("birth_date"));
		json_object_set_new(e, "birth", json_real(round3(ev->birth)));
	}
	if (ev->sex >= 0) {
		json_array_append_new(reasons, reason("sex", ev->sex_how));
		if (ev->sex == 1)
			json_array_append_new(matched, json_string("sex"));
		json_object_set_new(e, "sex", json_real(ev->sex));
	}
	if (ev->place >= 0) {
		json_array_append_new(reasons, reason("place", ev->place_how));
		json_object_set_new(e, "place", json_real(ev->place));
	}
#define V(i) (r->v[i] ? json_string(r->v[i]) : json_null())
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:o,s:o,s:o}", "id", V(P_ID), "cin", V(P_CIN),
			 "first_name_ar", V(P_FA), "last_name_ar", V(P_LA), "first_name_lat", V(P_FL), "last_name_lat",
			 V(P_LL), "father_name_ar", V(P_PA), "father_name_lat", V(P_PL), "birth_date", V(P_BD), "sex",
			 V(P_SEX), "score", r->score, "matched", matched, "reasons", reasons, "evidence", e);
#undef V
}

int engine_by_score(const void *a, const void *b)
{
	const prow *x = *(prow *const *)a, *y = *(prow *const *)b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->v[P_ID], y->v[P_ID]);
}

int engine_by_weight(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->weight != y->weight)
		return y->weight - x->weight;
	return strcmp(x->id, y->id);
}
