// schemaform.js — form fields built from the API's own record descriptions
// (GET /api/v1/openapi.json as caps.js holds it, components.schemas "<record>.create"): each
// field's label key (x-label), control (enum → select with "<x-enum>.<value>"
// labels, date, datetime for UTC milliseconds, number, long text), required
// and limits come from the server, so a form never asks for what the server
// refuses. bodyFrom() turns the form's values back into the record's JSON.
import { field } from './forms.js';
import { apiDoc } from './caps.js';

// schemas(): the API description's record schemas, as caps.js read them once
// at start (no second fetch of the document).
export async function schemas() {
  const doc = apiDoc();
  return (doc && doc.components && doc.components.schemas) || {};
}

function specOf(name, p, required) {
  const spec = { name, label: p['x-label'], required, dir: 'auto' };
  if (p.enum) {
    spec.type = 'select';
    spec.options = [...(required ? [] : [['', 'msg.choose']]), ...p.enum.map((v) => [v, `${p['x-enum']}.${v}`])];
  } else if (p.format === 'date') spec.type = 'date';
  else if (p.format === 'x-utc-ms') spec.type = 'datetime-local';
  else if (p.type === 'integer') { spec.type = 'number'; spec.min = p.minimum; spec.max = p.maximum; }
  else if ((p['x-maxBytes'] || 0) > 1000) { spec.type = 'textarea'; spec.wide = true; }
  else if (p['x-maxBytes']) spec.maxlength = p['x-maxBytes'];
  return spec;
}

// schemaFields(schema, opts): the fields of one schema. opts: prefix (of the
// control names, "items[0]."), skip [names], extra {name: spec overrides}.
export async function schemaFields(schema, opts) {
  const o = opts || {};
  const s = (await schemas())[schema];
  if (!s) return [];
  const req = new Set(s.required || []);
  const out = [];
  for (const [k, p] of Object.entries(s.properties || {})) {
    if ((o.skip || []).includes(k) || p.$ref || p.type === 'array') continue;
    out.push(field({ ...specOf(`${o.prefix || ''}${k}`, p, req.has(k)), ...((o.extra || {})[k] || {}) }));
  }
  return out;
}

// bodyFrom(schema, values, prefix): the members of schema found in values
// (named prefix + member), typed: UTC milliseconds from a datetime-local,
// integers from numbers; empty values left out.
export async function bodyFrom(schema, v, prefix) {
  const s = (await schemas())[schema];
  const out = {};
  for (const [k, p] of Object.entries((s && s.properties) || {})) {
    const raw = v[`${prefix || ''}${k}`];
    if (raw === undefined || raw === '') continue;
    if (p.format === 'x-utc-ms') { const d = new Date(raw); if (!Number.isNaN(d.getTime())) out[k] = d.getTime(); }
    else if (p.type === 'integer') out[k] = Number(raw);
    else out[k] = raw;
  }
  return out;
}
