// deskdeclare.js — a declaration of loss or of theft: the declarant (the one
// person index), where and when, and each thing lost or stolen, every field
// built from the server's record descriptions (schema.js).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { form } from '../forms.js';
import { page, needs } from '../ui.js';
import { personUi, PERSON_SHORT } from '../person.js';
import { schemaForm, recordForm } from '../schema.js';
import { DESK } from './desk.js';

// What each kind of thing is told by (the server's item check decides what
// is required; this only keeps the form short).
const SHOWN = {
  document: ['doc_type', 'doc_number', 'issued_on'],
  phone: ['imei', 'make', 'model', 'color'],
  vehicle: ['plate', 'vin', 'make', 'model', 'color'],
  card: ['card_last4', 'description'],
  other: ['description'],
};

// itemBox(i, onRemove, from): the fieldset of the list's i-th thing, its
// controls named "items[i].<member>" as the server names them in its
// answers; from: an earlier box whose values it takes (the list renumbered
// after a removal). box.sf: its record form (check and body).
function itemBox(i, onRemove, from) {
  const sf = recordForm('declaration_item.create', null, {}, `items[${i}].`);
  const name = (w) => w.dataset.field.replace(/^items\[\d+\]\./, '');
  const fields = sf.fields;
  const box = h('fieldset', { class: 'wide desk-item', 'data-item': String(i) },
    h('legend', { text: `${t('declaration_item.item_type')} ${i + 1}` }), h('div', { class: 'grid' }, fields));
  box.sf = sf;
  const type = box.querySelector('select[name$=".item_type"]');
  const grid = box.querySelector('.grid');
  // the kind's own fields, in the order a person tells them (SHOWN)
  const show = () => {
    const want = ['item_type', ...(SHOWN[type.value] || [])];
    for (const w of [...fields].sort((a, b) => (want.indexOf(name(a)) + 1 || 99) - (want.indexOf(name(b)) + 1 || 99))) {
      const on = want.includes(name(w));
      w.hidden = !on;
      for (const el of w.querySelectorAll('input,select,textarea')) el.disabled = !on;
      grid.appendChild(w);
    }
  };
  for (const el of (from ? from.querySelectorAll('[name]') : [])) {
    const c = box.querySelector(`[name="items[${i}].${el.name.replace(/^items\[\d+\]\./, '')}"]`);
    if (c) c.value = el.value;
  }
  type.addEventListener('change', show);
  show();
  setTimeout(show, 0); // after a restored draft
  if (i > 0) box.appendChild(h('button', { type: 'button', class: 'link', onclick: () => onRemove(box), text: t('desk.remove_item') }));
  return box;
}

export async function render(ctx) {
  const kind = ctx.params.kind === 'theft' ? 'theft' : 'loss';
  const title = kind === 'theft' ? 'desk.new_theft' : 'desk.new_loss';
  const missing = needs('POST', DESK.declarations);
  if (missing) return page(title, ctx, missing);
  const items = h('div', { class: 'wide desk-items' });
  const boxes = () => [...items.querySelectorAll('[data-item]')];
  // a removal renumbers the boxes after it: items[k] is the list's k-th
  const remove = (box) => {
    box.remove();
    boxes().forEach((b, k) => { if (b.dataset.item !== String(k)) b.replaceWith(itemBox(k, remove, b)); });
  };
  items.appendChild(itemBox(0, remove));
  const add = h('button', { type: 'button', id: 'add-item', onclick: () => items.appendChild(itemBox(boxes().length, remove)), text: t('desk.add_item') });
  const sf = schemaForm('POST', DESK.declarations, ['declarant', 'occurred_at', 'place', 'circumstances'], {
    ...personUi('declarant', { order: PERSON_SHORT }),
    place: { dir: 'auto' }, circumstances: { dir: 'auto' },
  });
  const f = form({
    submit: 'desk.save', label: title, draft: `${ctx.user.badge}.declaration.${kind}`,
    check: (v) => [...sf.check(v), ...boxes().flatMap((b) => b.sf.check(v))],
    onSubmit: async (v) => {
      const r = await api('POST', DESK.declarations, sf.body(v, { kind, items: boxes().map((b) => b.sf.body(v)) }));
      ctx.toast(`${t('desk.created')} ${r.receipt_no}`);
      ctx.go(`/desk/declarations/${encodeURIComponent(r.id)}`);
    },
  },
  h('fieldset', { class: 'wide' }, h('legend', { text: t('declaration.declarant') }), h('div', { class: 'grid' }, sf.under('declarant.'))),
  h('fieldset', { class: 'wide' }, h('legend', { text: t('desk.receipt.section') }), h('div', { class: 'grid' }, sf.under())),
  h('fieldset', { class: 'wide' }, h('legend', { text: t('declaration.items') }), items, add));
  return page(title, ctx, h('section', { class: 'card' }, f));
}
