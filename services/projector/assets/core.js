// What the views and the shell share: the session (language, token, who is signed in), labels
// and number formats of the current language, API calls with the official's token, and routes.

import { LABELS, count, percent, day } from './i18n.js';

/** The session: language, token, the signed-in official, what is shown. */
export const app = {
  lang: localStorage.getItem('ehb.lang') === 'en' ? 'en' : 'vi',
  token: sessionStorage.getItem('ehb.token') || '',
  me: null,
  shown: '',
  charts: [],
  busy: false,
  again: false,
  /** Province names by code (`/v1/provinces`). */
  provinces: {},
  /** The column each table is sorted by, by table id: `{ col, up }`. */
  sorts: {},
  /** The flag the ward table is filtered by ('' for none). */
  filter: '',
};

/** A province as officials name it: its name with its code, "Hải Phòng (31)". */
export function provinceName(code) {
  const name = app.provinces[code];
  return name ? `${name} (${code})` : `${t('province')} ${code}`;
}

/** The label `key` in the current language. */
export function t(key) {
  return LABELS[app.lang][key] ?? key;
}

/** Number, percentage and day formatters of the current language. */
export const fmt = {
  count: (n) => count(app.lang, n),
  percent: (v) => percent(app.lang, v),
  day: (d) => day(app.lang, d),
};

/** Escapes text for HTML. */
export function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markup made by [`html`]: put into a page as it is, never escaped again. */
class Markup {
  constructor(text) {
    this.text = text;
  }

  toString() {
    return this.text;
  }
}

/** A value in a page: markup as it is, a list one after the other, nothing for null, undefined
 * or false, and anything else as escaped text. */
function inPage(value) {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(inPage).join('');
  if (value === null || value === undefined || value === false) return '';
  return esc(value);
}

/**
 * The page's template: `html\`<td>${name}</td>\`` escapes every value put into it (a ward's
 * name, a report's text, a label), so that nothing from an answer is read as markup; markup made
 * by `html` itself, and lists of it, go in as they are.
 */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    out += inPage(value) + strings[i + 1];
  });
  return new Markup(out);
}

/** `parts` one after the other with `separator` (text) between them, as markup. */
export function joined(parts, separator) {
  return new Markup(parts.map(inPage).join(esc(separator)));
}

/** An API answer that is not a success: its status and the API's field and reason. */
export class ApiRefusal extends Error {
  /** `localized`: the reason is already in the page's language (the page's own refusal). */
  constructor(status, field, reason, localized = false) {
    super(reason || `HTTP ${status}`);
    this.status = status;
    this.field = field;
    this.localized = localized;
  }
}

/** The official's token as a request header. */
export function headers() {
  return app.token ? { Authorization: `Bearer ${app.token}` } : {};
}

/** GETs a /v1 path as JSON with the official's token. */
export async function api(path) {
  const response = await fetch(path, { headers: headers(), cache: 'no-cache' });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    throw new ApiRefusal(response.status, body?.error?.field, body?.error?.reason);
  }
  return body;
}

/** Keeps a chart to be destroyed when the view is drawn again. */
export function keepChart(chart) {
  app.charts.push(chart);
}

/** The route in the URL's fragment: `#/`, `#/province/31`, `#/ward/31001`, each `?date=`. */
export function route() {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  // Only a day is kept: the fragment is the user's to edit and ends up in links.
  const asked = new URLSearchParams(query || '').get('date') || '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : '';
  const code = /^\d+$/.test(parts[1] || '') ? parts[1] : '';
  if (parts[0] === 'province' && code) return { view: 'province', code, date };
  if (parts[0] === 'ward' && code) return { view: 'ward', code, date };
  if (parts[0] === 'national') return { view: 'national', date };
  return { view: '', date };
}

/** The fragment of a view, keeping the picked date. */
export function href(view, code, date = route().date) {
  const path = view === 'national' ? '#/national' : `#/${view}/${code}`;
  return date ? `${path}?date=${date}` : path;
}

