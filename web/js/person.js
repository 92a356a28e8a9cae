// person.js — how a person's fields are laid out wherever a person is typed
// in (complainant, suspect, victim, witness). Which fields exist, their
// labels, limits and the CIN's format come from the person record's schema
// (schema.js); this file only orders them and says which way each is written.
import { field } from './forms.js';
export const PERSON_ORDER = ['last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'cin', 'birth_date', 'sex',
  'father_name', 'mother_name', 'birth_place', 'nationality', 'phone', 'address'];

// personUi(prefix, opts): the presentation of the nested person fields under
// prefix ("person", "complainant") for schemaForm's ui argument.
export function personUi(prefix, opts) {
  const o = opts || {};
  const n = (k) => `${prefix}.${k}`;
  return {
    [prefix]: { order: o.order || PERSON_ORDER },
    [n('last_name_lat')]: { dir: 'ltr' },
    [n('first_name_lat')]: { dir: 'ltr' },
    [n('last_name_ar')]: { dir: 'rtl' },
    [n('first_name_ar')]: { dir: 'rtl' },
    [n('cin')]: { dir: 'ltr', hint: 'person.cin-hint' },
    [n('father_name')]: { dir: 'auto' },
    [n('mother_name')]: { dir: 'auto' },
    [n('birth_place')]: { dir: 'auto' },
    [n('nationality')]: { dir: 'auto' },
    [n('phone')]: { dir: 'ltr', type: 'tel', inputmode: 'tel' },
    [n('address')]: { dir: 'auto', wide: true },
    [n('description')]: { dir: 'auto', wide: true },
  };
}

// personFields / personFrom: the hand-laid person fields the desk's pages
// (deskdeclare.js, deskresidence.js) still use; to be replaced by
// schemaForm + personUi as the case and complaint pages do.
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
