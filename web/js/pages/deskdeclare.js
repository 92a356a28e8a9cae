// deskdeclare.js — a declaration of loss or of theft: the declarant (the one
// person index), where and when, and each thing lost or stolen, every field
// built from the server's record descriptions (schemaform.js).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { form } from '../forms.js';
import { page, needs } from '../ui.js';
import { personFields, personFrom } from '../person.js';
import { schemaFields, bodyFrom } from '../schemaform.js';
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

async function itemBox(i, onRemove) {
  const fields = await schemaFields('declaration_item.create', { prefix: `items[${i}].` });
  const name = (w) => w.dataset.field.replace(/^items\[\d+\]\./, '');
  fields.sort((a, b) => (name(a) === 'item_type' ? -1 : name(b) === 'item_type' ? 1 : 0));
  const box = h('fieldset', { class: 'wide desk-item', 'data-item': String(i) },
    h('legend', { text: `${t('declaration_item.item_type')} ${i + 1}` }), h('div', { class: 'grid' }, fields));
  const type = box.querySelector('select[name$=".item_type"]');
  const show = () => {
    for (const w of fields) {
      const n = name(w);
      const on = n === 'item_type' || (SHOWN[type.value] || []).includes(n);
      w.hidden = !on;
      for (const el of w.querySelectorAll('input,select,textarea')) el.disabled = !on;
    }
  };
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
  let next = 0;
  const remove = (box) => box.remove();
  items.appendChild(await itemBox(next++, remove));
  const add = h('button', { type: 'button', id: 'add-item', onclick: async () => items.appendChild(await itemBox(next++, remove)), text: t('desk.add_item') });
  const f = form({
    submit: 'desk.save', label: title, draft: `${ctx.user.badge}.declaration.${kind}`,
    onSubmit: async (v) => {
      const body = { kind, declarant: personFrom(v, 'declarant'), ...(await bodyFrom('declaration.create', v)), items: [] };
      for (const box of items.querySelectorAll('[data-item]')) {
        body.items.push(await bodyFrom('declaration_item.create', v, `items[${box.dataset.item}].`));
      }
      // the server names item fields by their place in the list
      items.querySelectorAll('[data-item]').forEach((box, k) => {
        for (const el of box.querySelectorAll('[name]')) el.name = el.name.replace(/^items\[\d+\]/, `items[${k}]`);
        for (const w of box.querySelectorAll('[data-field]')) w.dataset.field = w.dataset.field.replace(/^items\[\d+\]/, `items[${k}]`);
        box.dataset.item = String(k);
      });
      next = body.items.length;
      const r = await api('POST', DESK.declarations, body);
      ctx.toast(`${t('desk.created')} ${r.receipt_no}`);
      ctx.go(`/desk/declarations/${encodeURIComponent(r.id)}`);
    },
  },
  h('fieldset', { class: 'wide' }, h('legend', { text: t('declaration.declarant') }), h('div', { class: 'grid' }, personFields('declarant', { short: true }))),
  h('fieldset', { class: 'wide' }, h('legend', { text: t('desk.receipt.section') }),
    h('div', { class: 'grid' }, await schemaFields('declaration.create', { skip: ['kind'] }))),
  h('fieldset', { class: 'wide' }, h('legend', { text: t('declaration.items') }), items, add));
  return page(title, ctx, h('section', { class: 'card' }, f));
}
