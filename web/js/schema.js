// schema.js — forms built from the API's own description. A page names the
// route a form posts to and the fields it shows, in its order, with only
// what is about presentation (direction, width, a hint); everything about
// the data comes from the route's request schema in /api/v1/openapi.json
// (components.schemas, generated from the record descriptions in C): the
// label (x-label), the control (enum → a select with "choose…" first and no
// default, date, x-utc-ms → date and time, x-multiline → textarea, boolean →
// checkbox), required, the limits (x-maxBytes, minLength, pattern: the CIN)
// and which members the body may carry at all (additionalProperties false).
//
//   const sf = schemaForm('POST', EP.casePersons, ['role', 'person'], { person: { order: PERSON_ORDER } });
//   form({ check: sf.check, onSubmit: (v) => api('POST', url, sf.body(v)) }, sf.fields);
//
// A field the page asks for and the schema does not accept is left out (and
// reported to the browser suite's contract check).
import { field } from './forms.js';
import { requestSchema, resolve } from './caps.js';
import { hasKey } from './i18n.js';

const enc = new TextEncoder();
const contract = () => (typeof window !== 'undefined' && window.__sijillContract) || null;

// bodySchema(method, path): the route's request schema (the server's), or null.
export function bodySchema(method, path) {
  return requestSchema(method, path);
}

// sub(s): a property's schema with its $ref followed (nested records).
function sub(s) {
  if (!s) return null;
  if (s.$ref) return { ...resolve(s), 'x-label': s['x-label'] };
  return s;
}

function kind(s) {
  if (s.enum) return 'select';
  if (s.type === 'boolean') return 'checkbox';
  if (s.type === 'integer' && s.format === 'x-utc-ms') return 'datetime-local';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.format === 'date') return 'date';
  if (s['x-multiline']) return 'textarea';
  return 'text';
}

// options(s): the enum's choices, "choose…" first: nothing is chosen for the
// officer (safe defaults: no default role, frame or regime).
function options(s, only) {
  const vals = only ? s.enum.filter((v) => only.includes(v)) : s.enum;
  return [['', 'msg.choose'], ...vals.map((v) => [v, `${s['x-enum']}.${v}`])];
}

// schemaForm(method, path, order, ui): the fields and the two functions a
// form needs. order: field names; a nested record's name expands into its
// own fields (ui[name].order gives their order, ui[name].omit what is left
// out). ui[name]: presentation only — dir, wide, hint, rows, value, label
// (used only when the schema's x-label has no dictionary entry), type (a
// presentation type for the same data, e.g. 'select' with options built by
// the page from live data such as the case's persons), options, only (a
// subset of the enum), required (true: the page needs it although the API
// does not), readonly.
export function schemaForm(method, path, order, ui) {
  return build(bodySchema(method, path), order, ui, '', `${method} ${path}`);
}

// recordForm(record, order, ui, prefix): the same, for one record of the
// API's description by name ("desk_cancel.create", "declaration_item.create":
// a route whose path has parameters, or one element of a list), its
// controls named prefix + member ("items[0].doc_type"); order defaults to
// the record's members as the server lists them (lists left out); body()
// gives the record itself, without the prefix.
export function recordForm(record, order, ui, prefix) {
  const root = resolve({ $ref: `#/components/schemas/${record}` });
  const own = order || Object.entries((root && root.properties) || {}).filter(([, p]) => p.type !== 'array').map(([k]) => k);
  return build(root, own, ui, prefix || '', record);
}

function build(root, order, ui, prefix, what) {
  const u = ui || {};
  const specs = [];   // [name (dotted), schema, required, ui]
  const missing = [];
  const walk = (s, names, prefix, reqd) => {
    const props = (s && s.properties) || {};
    const req = new Set((s && s.required) || []);
    for (const n of names) {
      const ps = sub(props[n]);
      const full = prefix + n;
      if (!ps) { missing.push(full); continue; }
      const fu = u[full.slice(prefix.length)] || {};
      if (ps.type === 'object' && ps.properties && !fu.type) {
        const own = fu.order || Object.keys(ps.properties);
        walk(ps, own.filter((x) => !(fu.omit || []).includes(x)), `${full}.`, reqd && req.has(n));
      } else {
        specs.push([full, ps, reqd && req.has(n), fu]);
      }
    }
  };
  if (root) walk(root, order, prefix, true);
  else missing.push(...order);
  const c = contract();
  if (c && missing.length) c.missingFields.push(...missing.map((m) => `${what}: ${m}`));

  const fields = specs.map(([name, s, req, fu]) => {
    const type = fu.type || kind(s);
    const label = hasKey(s['x-label']) ? s['x-label'] : (fu.label || s['x-label']);
    return field({
      name, label, type, required: req || !!fu.required, hint: fu.hint, dir: fu.dir || (type === 'text' || type === 'textarea' ? 'auto' : undefined), wide: fu.wide || type === 'textarea',
      rows: fu.rows, value: fu.value, readonly: fu.readonly, autocomplete: fu.autocomplete,
      options: fu.options || (s.enum ? options(s, fu.only) : undefined),
      maxlength: s['x-maxBytes'], inputmode: fu.inputmode,
    });
  });

  // check(values): client-side errors, as the server would answer them.
  const check = (v) => {
    const errs = [];
    for (const [name, s, req, fu] of specs) {
      const x = v[name];
      if (x === undefined || x === '' || typeof x !== 'string') continue;
      if (s['x-maxBytes'] && enc.encode(x).length > s['x-maxBytes']) errs.push({ field: name, code: 'too-long' });
      else if (s.minLength && [...x.trim()].length < s.minLength && !fu.options) errs.push({ field: name, code: 'too-short' });
      else if (s.pattern && !new RegExp(s.pattern, 'u').test(x)) errs.push({ field: name, code: /cin/.test(s['x-label'] || name) ? 'cin' : 'format' });
      if (req && !x.trim()) errs.push({ field: name, code: 'required' });
    }
    return errs;
  };

  // body(values): exactly what the schema accepts, typed — nothing else.
  const body = (v, extra) => {
    const out = {};
    for (const [name, s] of specs) {
      const x = v[name];
      if (x === undefined || x === '') continue;
      let val = x;
      if (s.type === 'integer' && s.format === 'x-utc-ms') {
        const d = new Date(x);
        if (Number.isNaN(d.getTime())) continue;
        val = d.getTime();
      } else if (s.type === 'integer' || s.type === 'number') val = Number(x);
      else if (s.type === 'boolean') val = !!x;
      const parts = name.slice(prefix.length).split('.');
      let o = out;
      for (const p of parts.slice(0, -1)) { o[p] = o[p] || {}; o = o[p]; }
      o[parts[parts.length - 1]] = val;
    }
    return { ...out, ...(extra || {}) };
  };
  const names = specs.map((x) => x[0]);
  // under(prefix): the fields of one nested record ("complainant."), or, with
  // no prefix given, the top-level ones.
  const rel = names.map((n) => n.slice(prefix.length));
  const under = (p) => fields.filter((_, i) => (p ? rel[i].startsWith(p) : !rel[i].includes('.')));
  return { fields, check, body, under, schema: root, names };
}
