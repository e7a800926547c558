// The dashboard's shell: sign-in, language, the date picker, routing between the national,
// province and ward views, live refresh, and report downloads. Every figure comes from the
// same /v1 API the officials' tools use, with the signed-in official's token.

import { narrowScreen } from './charts.js';
import { ApiRefusal, api, app, fmt, headers, href, html, provinceName, route, t } from './core.js';
import { enhanceTables, place, restore } from './tables.js';
import { nationalView, provinceView, wardView } from './views.js';

const REFRESH_MS = 5000;

/** Downloads an export with the official's token and saves it under the server's name. */
async function download(path) {
  const status = document.getElementById('download-status');
  let response;
  try {
    response = await fetch(path, { headers: headers(), cache: 'no-store' });
  } catch (_) {
    status.textContent = t('offline');
    return;
  }
  if (!response.ok) {
    let reason = `HTTP ${response.status}`;
    try {
      reason = (await response.json()).error.reason;
    } catch (_) { /* the status says it */ }
    status.textContent = `${refusalTitle(response.status)}: ${reason}`;
    return;
  }
  const disposition = response.headers.get('content-disposition') || '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || path.split('/').pop();
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  status.textContent = name;
}

/** The heading of an API refusal with `status`. */
function refusalTitle(status) {
  if (status === 403) return t('forbidden');
  if (status === 404) return t('not_found');
  return t('error');
}

/** What a refusal means for the official, in the page's language (the API's reason is English). */
function refusalText(refusal) {
  if (refusal.localized) return refusal.message;
  if (refusal.status === 403) return `${t('refused_scope')} ${scopeText(app.me)}.`;
  if (refusal.status === 404) return t('refused_unknown');
  if (refusal.status === 400) return t('refused_bad');
  return t('refused_server');
}

/** Empties the view, so that nothing of a previous page or official stays on screen. */
function clearView() {
  const view = document.getElementById('view');
  for (const chart of app.charts.splice(0)) chart.destroy();
  view.innerHTML = html`<p>${t('loading')}</p>`;
  document.getElementById('stale').hidden = true;
  view.dataset.state = 'loading';
  delete view.dataset.route;
  app.shown = '';
}

function home() {
  const me = app.me;
  if (me.scope === 'ward') return href('ward', me.ward);
  if (me.scope === 'province') return href('province', me.province);
  return href('national');
}

function applyLabels() {
  document.documentElement.lang = app.lang;
  document.title = t('title');
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  document.getElementById('lang').textContent = t('language');
}

function showSignIn(message) {
  document.getElementById('signin').hidden = false;
  document.getElementById('dashboard').hidden = true;
  document.getElementById('signin-error').textContent = message || '';
  document.getElementById('token').focus();
}

async function whoami() {
  try {
    app.me = await api('/v1/whoami');
  } catch (refusal) {
    app.me = null;
    if (refusal.status === 401) {
      showSignIn(app.token ? t('token_refused') : '');
      return false;
    }
    throw refusal;
  }
  try {
    const all = await api('/v1/provinces');
    app.provinces = Object.fromEntries(all.map((p) => [p.code, p.name]));
  } catch (_) {
    app.provinces = {};
  }
  document.getElementById('signin').hidden = true;
  document.getElementById('dashboard').hidden = false;
  document.getElementById('signout').hidden = !app.me.signed_in;
  document.getElementById('scope').textContent = app.me.signed_in ? scopeText(app.me) : '';
  return true;
}

function scopeText(me) {
  if (me.scope === 'ward') return me.name ? `${me.name} (${me.ward})` : `${t('ward')} ${me.ward}`;
  if (me.scope === 'province') return provinceName(me.province);
  return t('national');
}

/**
 * The days the route's scope can show (`/v1/days`): a page without a picked day opens on the
 * last complete day that counted accounts or integrations, not on a day in progress or one
 * with only the next morning's reports. `null` when the API cannot say (the view then asks
 * for the latest day, as before).
 */
async function openingDay(current) {
  const scope = current.view === 'province' ? `?province=${encodeURIComponent(current.code)}`
    : current.view === 'ward' ? `?ward=${encodeURIComponent(current.code)}` : '';
  try {
    return await api(`/v1/days${scope}`);
  } catch (_) {
    return null;
  }
}

/** Says which day a page opened on and why, with a link to the latest day when it differs. */
function openingNote(opening, current) {
  if (!opening || opening.complete === opening.latest) return '';
  const latest = href(current.view, current.code, opening.latest);
  return html`<p class="note" data-k="opening-day">${t('day_shown')} ${fmt.day(opening.complete)}:
    ${t('day_shown_why')} ${fmt.day(opening.latest)}.
    <a href="${latest}" data-k="show-latest">${t('show_latest')}</a></p>`;
}

/** The days from `first` to `last` (YYYY-MM-DD), newest first. */
function daysBetween(first, last) {
  const out = [];
  const day = new Date(`${last}T00:00:00Z`);
  const stop = new Date(`${first}T00:00:00Z`);
  while (day >= stop && out.length < 1000) {
    out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() - 1);
  }
  return out;
}

/**
 * The day picker: the days with data, newest first, written dd/mm/yyyy whatever the browser's
 * language; the day shown selected (added when a link named a day outside them).
 */
function fillDays(days, shown) {
  const picker = document.getElementById('date');
  const listed = days ? daysBetween(days.first, days.latest) : [];
  if (shown && !listed.includes(shown)) listed.push(shown);
  const key = `${app.lang}|${listed.join(',')}`;
  if (picker.dataset.key !== key) {
    picker.innerHTML = html`${listed.map((d) => html`<option value="${d}">${fmt.day(d)}</option>`)}`;
    picker.dataset.key = key;
  }
  if (document.activeElement !== picker) picker.value = shown || '';
}

/** Says that a day outside the days with data shows nothing counted, rather than zeros alone. */
function outsideNote(days, shown) {
  if (!days || !shown || (shown >= days.first && shown <= days.latest)) return '';
  return html`<p class="notice" data-k="outside-days">${t('outside_days')}
    ${fmt.day(days.first)} – ${fmt.day(days.latest)}.</p>`;
}

/** "Số liệu đến hh:mm dd/mm · ": when the stream recorded the last event the figures include. */
function freshness(days) {
  if (!days?.figures_as_of) return '';
  const at = new Date(days.figures_as_of);
  const part = (options) => at.toLocaleString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', ...options });
  const time = part({ hour: '2-digit', minute: '2-digit', hour12: false });
  const date = part({ day: '2-digit', month: '2-digit' });
  return `${t('figures_as_of')} ${time} ${date} · `;
}

/** The time of day as officials write it, in Vietnam's time (UTC+07:00) wherever the browser is. */
function clock(at) {
  return at.toLocaleTimeString(app.lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
}

/** Keeps the figures on the page and says why they may be out of date, and since when. */
function showStale(why) {
  const banner = document.getElementById('stale');
  const since = app.updatedAt ? ` ${t('stale_since')} ${clock(app.updatedAt)}.` : '';
  banner.textContent = `${why}.${since}`;
  banner.hidden = false;
}

/** Draws the current route; with `quiet`, only when the answers changed (live refresh). */
async function draw(quiet = false) {
  if (!app.me) return;
  if (app.busy) {
    app.again = app.again || !quiet;
    return;
  }
  const current = route();
  const drawn = location.hash;
  if (!current.view) {
    location.replace(home());
    return;
  }
  app.busy = true;
  const view = document.getElementById('view');
  const status = document.getElementById('status');
  if (!quiet && view.dataset.route !== drawn) clearView();
  try {
    const render = { national: nationalView, province: provinceView, ward: wardView }[current.view];
    const days = await openingDay(current);
    const opening = current.date ? null : days;
    if (opening) current.date = opening.complete;
    const page = await render(current, app.me);
    // Painted only if the official and the route are still those it was asked for.
    if (app.me && location.hash === drawn) {
      const key = `${app.lang}|${drawn}|${page.key}`;
      if (!quiet || key !== app.shown) {
        for (const chart of app.charts.splice(0)) chart.destroy();
        // A refresh of the same page keeps the official's place in it.
        const kept = view.dataset.route === drawn ? place(view) : null;
        view.innerHTML = html`${openingNote(opening, current)}${outsideNote(days, page.date)}${page.html}`;
        page.after?.();
        enhanceTables(view);
        if (kept) restore(view, kept);
        app.shown = key;
      }
      fillDays(days, page.date);
      view.dataset.state = 'ready';
      view.dataset.route = drawn;
      app.updatedAt = new Date();
      status.textContent = `${freshness(days)}${t('updated')} ${clock(app.updatedAt)}`;
      document.getElementById('stale').hidden = true;
    }
  } catch (refusal) {
    if (!app.me) {
      // Signed out while the answers were on their way.
    } else if (refusal instanceof ApiRefusal && refusal.status === 401) {
      app.me = null;
      showSignIn(t('token_refused'));
    } else if (quiet && view.dataset.state === 'ready' && view.dataset.route === drawn) {
      // A refresh that failed keeps the figures shown, and says since when they are shown.
      showStale(refusal instanceof ApiRefusal ? refusalTitle(refusal.status) : t('offline'));
      if (!(refusal instanceof ApiRefusal)) status.textContent = t('offline');
    } else if (refusal instanceof ApiRefusal && location.hash === drawn) {
      for (const chart of app.charts.splice(0)) chart.destroy();
      view.innerHTML = html`<section class="notice" data-k="refusal" data-status="${refusal.status}">
        <h2>${refusalTitle(refusal.status)}</h2><p data-k="refusal-text">${refusalText(refusal)}</p>
        ${refusal.localized ? '' : html`<details><summary>${t('details')}</summary><p>${refusal.message}</p></details>`}
        <p><a href="${home()}">${scopeText(app.me)}</a></p></section>`;
      view.dataset.state = 'refused';
      view.dataset.route = drawn;
      app.shown = '';
    } else if (!(refusal instanceof ApiRefusal)) {
      status.textContent = t('offline');
    }
  } finally {
    app.busy = false;
  }
  // The route or the language changed while the answers were on their way: draw again.
  if (app.me && (app.again || location.hash !== drawn)) {
    app.again = false;
    draw();
  }
}

function start() {
  applyLabels();
  // Charts lay their bars down on a phone's screen: draw the page again when a resize or a
  // turn of the phone crosses over (the official's place in it kept).
  let narrow = narrowScreen();
  window.addEventListener('resize', () => {
    if (narrowScreen() === narrow) return;
    narrow = narrowScreen();
    app.shown = '';
    draw(true);
  });
  document.getElementById('lang').addEventListener('click', () => {
    app.lang = app.lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('ehb.lang', app.lang);
    applyLabels();
    draw();
  });
  document.getElementById('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    document.getElementById('signin-error').textContent = '';
    app.token = document.getElementById('token').value.trim();
    sessionStorage.setItem('ehb.token', app.token);
    if (await whoami()) {
      location.hash = home();
      draw();
    }
  });
  document.getElementById('signout').addEventListener('click', () => {
    // Everywhere the token or the official shows: memory, storage, the sign-in field, the header
    // (on a shared office PC the next person must not be one click from the last one's scope).
    app.token = '';
    sessionStorage.removeItem('ehb.token');
    app.me = null;
    document.getElementById('token').value = '';
    document.getElementById('scope').textContent = '';
    document.getElementById('signout').hidden = true;
    clearView();
    history.replaceState(null, '', location.pathname);
    showSignIn('');
  });
  document.getElementById('date').addEventListener('change', (event) => {
    const current = route();
    const code = current.view === 'national' ? '' : current.code;
    location.hash = href(current.view || 'national', code, event.target.value);
  });
  document.getElementById('latest').addEventListener('click', async () => {
    // The latest day with events, today's while the campaign runs.
    const current = route();
    const asked = location.hash;
    const days = await openingDay(current);
    // The official went elsewhere while the days were on their way: stay there.
    if (location.hash !== asked) return;
    location.hash = href(current.view || 'national', current.code, days ? days.latest : '');
  });
  document.getElementById('view').addEventListener('click', (event) => {
    const button = event.target.closest('[data-download]');
    if (button) download(button.dataset.download);
  });
  window.addEventListener('hashchange', () => draw());
  setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    if (app.me) {
      draw(true);
    } else if (document.getElementById('signin').hidden) {
      connect();
    }
  }, REFRESH_MS);
  connect();
}

/** Asks who the token is and draws; when the server cannot be reached, the refresh asks again. */
function connect() {
  whoami()
    .then((signedIn) => signedIn && draw())
    .catch(() => {
      document.getElementById('status').textContent = t('offline');
    });
}

start();
