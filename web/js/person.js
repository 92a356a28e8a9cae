// person.js — the person fields used wherever a person is typed in
// (complainant, suspect, victim, witness): names in both scripts, CIN, etc.
import { field } from './forms.js';

export function personFields(prefix, opts) {
  const o = opts || {};
  const n = (k) => (prefix ? `${prefix}.${k}` : k);
  return [
    field({ name: n('last_name_lat'), label: 'person.last_lat', dir: 'ltr', autocomplete: 'off' }),
    field({ name: n('first_name_lat'), label: 'person.first_lat', dir: 'ltr' }),
    field({ name: n('last_name_ar'), label: 'person.last_ar', dir: 'rtl', lang: 'ar' }),
    field({ name: n('first_name_ar'), label: 'person.first_ar', dir: 'rtl' }),
    field({ name: n('cin'), label: 'person.cin', dir: 'ltr', hint: 'person.cin-hint', maxlength: 10 }),
    field({ name: n('birth_date'), label: 'person.birth_date', type: 'date' }),
    field({ name: n('sex'), label: 'person.sex', type: 'select', options: [['', 'msg.choose'], ['M', 'sex.M'], ['F', 'sex.F']] }),
    field({ name: n('father_name'), label: 'person.father', dir: 'auto' }),
    field({ name: n('mother_name'), label: 'person.mother', dir: 'auto' }),
    o.short ? null : field({ name: n('birth_place'), label: 'person.birth_place', dir: 'auto' }),
    o.short ? null : field({ name: n('nationality'), label: 'person.nationality', dir: 'auto' }),
    field({ name: n('phone'), label: 'person.phone', type: 'tel', dir: 'ltr' }),
    o.short ? null : field({ name: n('address'), label: 'person.address', dir: 'auto', wide: true }),
  ].filter(Boolean);
}

// personFrom(values, prefix): the person object from a form's values
// ("prefix.field" names), without empty fields.
export function personFrom(v, prefix) {
  const p = {};
  const pre = prefix ? `${prefix}.` : '';
  for (const [k, val] of Object.entries(v)) {
    if (!k.startsWith(pre) || val === '' || val === undefined) continue;
    p[k.slice(pre.length)] = val;
  }
  return p;
}

// stripPrefix(values, prefix): the other (non-person) values.
export function without(v, prefix) {
  const o = {};
  for (const [k, val] of Object.entries(v)) if (!k.startsWith(`${prefix}.`)) o[k] = val;
  return o;
}
