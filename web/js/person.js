// person.js — how a person's fields are laid out wherever a person is typed
// in (complainant, suspect, victim, witness). Which fields exist, their
// labels, limits and the CIN's format come from the person record's schema
// (schema.js); this file only orders them and says which way each is written.
export const PERSON_ORDER = ['last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'cin', 'birth_date', 'sex',
  'father_name', 'mother_name', 'birth_place', 'nationality', 'phone', 'address'];
// PERSON_SHORT: the front desk's declarant or applicant — who they are and how
// to reach them; the rest of the identity is the index's.
export const PERSON_SHORT = ['last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'cin', 'birth_date', 'sex',
  'father_name', 'mother_name', 'phone'];

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
