// Tables an official works in all day: sorted by any column (its header, by click or keyboard),
// the ward table filtered by a flag (a flag's count above it), and the choices, the sideways
// scroll and the focus kept when a refresh draws the page again.

import { app, t } from './core.js';

/** A cell's value to sort by: its number when it shows one (1.238, 29,02 %, 1,238, 29.02%), else its text. */
function value(cell) {
  const text = (cell?.textContent ?? '').trim();
  if (!/^[-\d.,\s%—]+$/.test(text) || !/\d/.test(text)) return { text: text.toLowerCase() };
  const plain = app.lang === 'vi' ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  return { number: parseFloat(plain.replace(/[^\d.-]/g, '')) };
}

function compare(a, b) {
  const [x, y] = [value(a), value(b)];
  if (x.number !== undefined && y.number !== undefined) return x.number - y.number;
  if (x.number !== undefined) return -1;
  if (y.number !== undefined) return 1;
  return x.text.localeCompare(y.text, app.lang === 'vi' ? 'vi' : 'en', { numeric: true });
}

/** Puts `table`'s rows in the order the official chose (the answer's order when none). */
function applySort(table) {
  const chosen = app.sorts[table.id];
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, col) => {
    th.setAttribute('aria-sort', chosen?.col === col ? (chosen.up ? 'ascending' : 'descending') : 'none');
  });
  const body = table.tBodies[0];
  const rows = [...body.rows];
  if (!chosen) {
    // The answer's own order, as drawn.
    rows.sort((a, b) => Number(a.dataset.order) - Number(b.dataset.order));
  } else {
    rows.sort((a, b) => compare(a.cells[chosen.col], b.cells[chosen.col]) * (chosen.up ? 1 : -1));
  }
  body.append(...rows);
}

/** Shows only the wards with the chosen flag, and says how many of them there are. */
function applyFilter(view) {
  const table = view.querySelector('#wards');
  const flag = app.filter;
  for (const chip of view.querySelectorAll('[data-k=flagged] .flag[data-flag]')) {
    chip.setAttribute('aria-pressed', String(chip.dataset.flag === flag));
  }
  if (!table) return;
  let shown = 0;
  for (const row of table.tBodies[0].rows) {
    const keep = !flag || row.querySelector(`[data-k=flags] [data-flag="${flag}"]`) !== null;
    row.hidden = !keep;
    if (keep) shown += 1;
  }
  const note = view.querySelector('[data-k=filter-note]');
  if (note) note.textContent = flag ? `${t('filtered')} ${t(flag)}: ${shown}` : '';
}

/** Runs `action` when `element` is clicked, or pressed with Enter or Space from the keyboard. */
function activate(element, action) {
  element.addEventListener('click', action);
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      action();
    }
  });
}

/** Makes the view's tables sortable and the ward table filterable, with the choices re-applied. */
export function enhanceTables(view) {
  for (const table of view.querySelectorAll('table[id]')) {
    [...table.tBodies[0].rows].forEach((row, i) => {
      row.dataset.order = String(i);
    });
    [...table.tHead.rows[0].cells].forEach((th, col) => {
      th.tabIndex = 0;
      th.classList.add('sortable');
      // Ascending, then descending, then the answer's own order again.
      const choose = () => {
        const chosen = app.sorts[table.id];
        if (chosen?.col !== col) app.sorts[table.id] = { col, up: true };
        else if (chosen.up) app.sorts[table.id] = { col, up: false };
        else delete app.sorts[table.id];
        applySort(table);
      };
      activate(th, choose);
    });
    applySort(table);
  }
  for (const chip of view.querySelectorAll('[data-k=flagged] .flag[data-flag]')) {
    chip.tabIndex = 0;
    chip.setAttribute('role', 'button');
    const toggle = () => {
      app.filter = app.filter === chip.dataset.flag ? '' : chip.dataset.flag;
      applyFilter(view);
    };
    activate(chip, toggle);
  }
  applyFilter(view);
}

/** Where the official is in the view: each table's sideways scroll and the focused element. */
export function place(view) {
  const scrolls = {};
  for (const box of view.querySelectorAll('.scroll')) {
    const id = box.querySelector('table[id]')?.id;
    if (id) scrolls[id] = box.scrollLeft;
  }
  const active = document.activeElement;
  let focus = null;
  if (active && view.contains(active)) {
    const table = active.closest('table[id]');
    const index = active.tagName === 'TH' ? [...active.parentElement.cells].indexOf(active) : -1;
    focus = { id: active.id, table: table?.id, index, flag: active.dataset?.flag };
  }
  return { scrolls, focus };
}

/** Puts the official back where they were after the view was drawn again. */
export function restore(view, kept) {
  for (const box of view.querySelectorAll('.scroll')) {
    const id = box.querySelector('table[id]')?.id;
    if (id && kept.scrolls[id] !== undefined) box.scrollLeft = kept.scrolls[id];
  }
  const f = kept.focus;
  if (!f) return;
  let target = null;
  if (f.id) target = document.getElementById(f.id);
  else if (f.table && f.index >= 0) target = view.querySelector(`#${CSS.escape(f.table)} thead th:nth-child(${f.index + 1})`);
  else if (f.flag) target = view.querySelector(`[data-k=flagged] .flag[data-flag="${CSS.escape(f.flag)}"]`);
  target?.focus({ preventScroll: true });
}
