// settings.js — my language and my password.
import { h } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { api } from '../api.js';
import { field, form } from '../forms.js';
import { page } from '../ui.js';

export function render(ctx) {
  const langForm = form({
    submit: 'act.save', label: 'settings.lang',
    onSubmit: async (v) => {
      await api('PUT', '/api/v1/me/lang', { lang: v.lang });
      ctx.user.lang = v.lang;
      const { setLang } = await import('../i18n.js');
      setLang(v.lang);
      ctx.rerender();
    },
  }, field({ name: 'lang', label: 'settings.lang', type: 'select', value: getLang(), options: [['ar', 'العربية', true], ['fr', 'Français', true]] }));
  const pwForm = form({
    submit: 'settings.change-password', label: 'settings.password',
    onSubmit: async (v, f) => {
      if (v.new_password !== v.confirm) {
        const { ApiError } = await import('../api.js');
        throw new ApiError(400, { code: 'validation', errors: [{ field: 'confirm', code: 'mismatch' }] });
      }
      await api('PUT', '/api/v1/me/password', { current_password: v.current_password, new_password: v.new_password });
      f.reset();
      ctx.toast(t('settings.password-changed'));
    },
  },
  field({ name: 'current_password', label: 'settings.current', type: 'password', required: true, autocomplete: 'current-password' }),
  field({ name: 'new_password', label: 'settings.new', type: 'password', required: true, autocomplete: 'new-password', hint: 'settings.new-hint' }),
  field({ name: 'confirm', label: 'settings.confirm', type: 'password', required: true, autocomplete: 'new-password' }));
  return page('nav.settings', ctx,
    h('section', { class: 'card' }, h('h2', { text: t('settings.lang') }), langForm),
    h('section', { class: 'card' }, h('h2', { text: t('settings.password') }), pwForm));
}
