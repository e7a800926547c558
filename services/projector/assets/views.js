// The three views. Each asks the API, and answers the page's HTML, the charts to draw once it
// is in place, the day shown, and a key that changes when any figure does (live refresh).
// Every value goes into the page through the `html` template, which escapes it.
// Every figure carries `data-k` (and tables `data-ward` / `data-province`) so that tests can
// compare what is shown with what the API answered.

import { dailyChart, groupsChart, ratesChart } from './charts.js';
import { ApiRefusal, api, app, fmt, href, html, joined, provinceName, t } from './core.js';

const FLAGS = [
  'below_average', 'no_progress', 'missing_report', 'late_report', 'groups_without_team',
  'unregistered',
];

/** `iso` moved by `days` days. */
function plusDays(iso, days) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function query(params) {
  const text = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return text ? `?${text}` : '';
}

function card(key, label, value, note = '') {
  return html`<div class="card"><div class="label">${label}</div>
    <div class="value" data-k="${key}">${value}</div>${note ? html`<div class="note">${note}</div>` : ''}</div>`;
}

/** A row's flags; groups without a team say how many groups (`groups`, when known). */
function flagChips(flags, groups = null) {
  return joined(flags.map((f) => html`<span class="flag" data-flag="${f}">${t(f)}${
    f === 'groups_without_team' && groups ? `: ${fmt.count(groups)}` : ''}</span>`), ' ');
}

/**
 * The way up from a page, offering only pages the official's token opens: the nation to a
 * national token; a ward's province to whoever reads the ward (its province's officials, and the
 * ward's own, who read their province's summary and review).
 */
function crumbs(province = null) {
  const links = [];
  if (app.me?.scope === 'national') {
    links.push(html`<a href="${href('national')}" data-k="crumb-national">${t('national')}</a>`);
  }
  if (province) {
    links.push(html`<a href="${href('province', province)}" data-k="crumb-province">${provinceName(province)}</a>`);
  }
  return links.length ? html`<p class="crumbs">${joined(links, ' › ')}</p>` : '';
}

/** A ward's name in a province's table: a link to its page when the official's token opens it
 * (a ward's token opens its own ward only). */
function wardName(w) {
  const name = w.name ?? w.ward;
  if (app.me?.scope === 'ward' && app.me.ward !== w.ward) return html`<span data-k="name">${name}</span>`;
  return html`<a href="${href('ward', w.ward)}" data-k="name">${name}</a>`;
}

function windowLine(review) {
  return html`<p class="window" data-k="window">${t('window')}: ${fmt.day(review.window.from)} – ${fmt.day(review.window.to)}
    · ${t('previous_window')}: ${fmt.day(review.previous.from)} – ${fmt.day(review.previous.to)}</p>`;
}

/** File kinds: key, extension, added query (`locale=vi`: for a Vietnamese spreadsheet), label. */
const FILE_KINDS = [['csv', 'csv', '', 'file_csv'], ['csv-vi', 'csv', 'locale=vi', 'file_csv_vi'],
  ['xlsx', 'xlsx', '', 'file_xlsx']];

function exportButtons(items) {
  const buttons = items.map(([label, path]) => FILE_KINDS.map(([kind, ext, extra, name]) => {
    const file = path.replace('{ext}', ext);
    const url = extra ? `${file}${file.includes('?') ? '&' : '?'}${extra}` : file;
    return html`<button type="button" data-download="${url}"
      data-k="export-${label}-${kind}">${t(label)} (${t(name)})</button>`;
  }));
  return html`<section class="exports"><h2>${t('exports')}</h2>${buttons}
    <p id="download-status" class="note" data-k="download"></p></section>`;
}

/** All provinces: their rates, gains and how many wards need following up. */
export async function nationalView(route) {
  const review = await api(`/v1/review${query({ date: route.date })}`);
  if (review.scope !== null) {
    // The API answers a province's token with its own province: not the national page.
    throw new ApiRefusal(403, 'province', `${t('national_only')} ${review.scope}.`, true);
  }
  const rows = review.provinces.map((p) => html`<tr data-province="${p.province}">
      <td><a href="${href('province', p.province)}" data-k="name">${provinceName(p.province)}</a></td>
      <td data-k="gain">${fmt.count(p.gain)}</td>
      <td data-k="previous-gain">${fmt.count(p.previous_gain)}</td>
      <td data-k="rate-residents">${fmt.percent(p.rates.per_residents)}</td>
      <td data-k="rate-insured">${fmt.percent(p.rates.per_insured)}</td>
      <td data-k="average">${fmt.percent(p.average.value)}</td>
      <td data-k="below-average">${fmt.count(p.flagged.below_average)}</td>
      <td data-k="no-progress">${fmt.count(p.flagged.no_progress)}</td>
      <td data-k="missing-report">${fmt.count(p.flagged.missing_report)}</td></tr>`);
  const markup = html`<h1 data-k="heading">${t('national')} · ${fmt.day(review.date)}</h1>
    ${windowLine(review)}
    <section class="chart"><h2>${t('chart_provinces')}</h2><div class="plot"><canvas id="chart-provinces"></canvas></div></section>
    <section><h2>${t('provinces')}</h2><div class="scroll"><table id="provinces">
      <thead><tr><th>${t('province')}</th><th>${t('gain')}</th><th>${t('previous_gain')}</th>
      <th>${t('rate_residents')}</th><th>${t('rate_insured')}</th><th>${t('average_plain')}</th>
      <th>${t('below_average')}</th><th>${t('no_progress')}</th><th>${t('missing_report')}</th></tr></thead>
      <tbody>${rows}</tbody></table></div></section>
    ${exportButtons([['export_review', `/v1/review.{ext}${query({ date: review.date })}`]])}`;
  // Provinces are compared by their own rates; no national average is made up here.
  const after = () => ratesChart(document.getElementById('chart-provinces'),
    review.provinces.map((p) => provinceName(p.province)),
    review.provinces.map((p) => p.rates.per_residents), null,
    review.provinces.map(() => false), t('province'));
  return { html: markup, after, date: review.date, key: JSON.stringify(review) };
}

/** One province: both rates, the plain mean, ranked wards with flags, and two charts. */
export async function provinceView(route) {
  const code = route.code;
  const review = await api(`/v1/review${query({ province: code, date: route.date })}`);
  const date = review.date;
  const [summary, insured, series] = await Promise.all([
    api(`/v1/provinces/${encodeURIComponent(code)}/summary${query({ date, average: 'plain' })}`),
    api(`/v1/provinces/${encodeURIComponent(code)}/summary${query({ date, average: 'plain', rate: 'insured' })}`),
    api(`/v1/provinces/${encodeURIComponent(code)}/series${query({ from: plusDays(date, -29), to: date })}`),
  ]);
  const province = review.provinces[0];
  const wards = province ? province.wards : [];
  const rows = wards.map((w) => html`<tr data-ward="${w.ward}">
      <td data-k="rank">${w.rank ?? '—'}</td>
      <td>${wardName(w)}</td>
      <td data-k="gain">${fmt.count(w.gain)}</td>
      <td data-k="previous-gain">${fmt.count(w.previous_gain)}</td>
      <td data-k="integrated">${fmt.count(w.integrated)}</td>
      <td data-k="rate-residents">${fmt.percent(w.rates.per_residents)}</td>
      <td data-k="rate-insured">${fmt.percent(w.rates.per_insured)}</td>
      <td data-k="flags">${flagChips(w.flags, w.groups_without_team)}</td></tr>`);
  // Groups without a team are counted as groups (the number to act on), with the wards they are in.
  const groupsWithout = wards.reduce((n, w) => n + (w.groups_without_team ?? 0), 0);
  const flags = province
    ? FLAGS.filter((f) => province.flagged[f]).map((f) => (f === 'groups_without_team'
      ? html`<span class="flag" data-flag="${f}">${t(f)}: <b data-k="groups-without-team">${fmt.count(groupsWithout)}</b>
          ${t('in_wards')} <b data-k="flagged-${f}">${fmt.count(province.flagged[f])}</b> ${t('wards_unit')}</span>`
      : html`<span class="flag" data-flag="${f}">${t(f)}: <b data-k="flagged-${f}">${fmt.count(province.flagged[f])}</b></span>`))
    : [];
  const flagged = flags.length ? joined(flags, ' ') : t('none');
  const markup = html`<h1 data-k="heading">${provinceName(code)} · ${fmt.day(date)}</h1>
    ${crumbs()}
    ${windowLine(review)}
    <section class="cards">
      ${card('integrated', t('integrated'), fmt.count(summary.integrated))}
      ${card('rate-residents', t('rate_residents'), fmt.percent(summary.rates.per_residents), html`${t('residents')}: <span data-k="residents">${fmt.count(summary.residents)}</span>`)}
      ${card('rate-insured', t('rate_insured'), fmt.percent(summary.rates.per_insured), html`${t('insured')}: <span data-k="insured">${fmt.count(summary.insured)}</span>`)}
      ${card('rate-level2', t('rate_level2'), fmt.percent(summary.rates.per_level2), html`${t('level2')}: <span data-k="level2">${fmt.count(summary.populations.level2)}</span>`)}
      ${card('rate-eligible', t('rate_eligible'), fmt.percent(summary.rates.per_eligible), html`${t('not_integrated')}: <span data-k="eligible-not-integrated">${summary.not_integrated.eligible === null ? '—' : fmt.count(summary.not_integrated.eligible)}</span>`)}
      ${card('average', t('average_residents'), fmt.percent(summary.average.value))}
      ${card('average-insured', t('average_insured'), fmt.percent(insured.average.value))}
      ${card('gain', t('gain'), fmt.count(province?.gain), html`${t('previous_gain')}: <span data-k="previous-gain">${fmt.count(province?.previous_gain)}</span>`)}
      ${card('accounts', t('accounts'), fmt.count(summary.accounts))}
      ${card('teams', t('teams'), fmt.count(summary.teams), html`${t('team_members_total')}: <span data-k="team-members">${fmt.count(summary.team_members)}</span>`)}
    </section>
    ${exportButtons([
      ['export_review', `/v1/review.{ext}${query({ province: code, date })}`],
      ['export_summary', `/v1/provinces/${encodeURIComponent(code)}/summary.{ext}${query({ date })}`],
    ])}
    <p class="flags" data-k="flagged">${t('wards_flagged')}: ${flagged}
      <span class="note" data-k="filter-note" role="status"></span></p>
    <section class="chart"><h2>${t('chart_rates')}</h2><div class="plot"><canvas id="chart-rates"></canvas></div></section>
    <section class="chart"><h2>${t('chart_daily')}</h2><div class="plot"><canvas id="chart-daily"></canvas></div></section>
    <section><h2>${t('wards')}</h2><div class="scroll"><table id="wards">
      <thead><tr><th>${t('rank')}</th><th>${t('ward')}</th><th>${t('gain')}</th><th>${t('previous_gain')}</th>
      <th>${t('integrated')}</th><th>${t('rate_residents')}</th><th>${t('rate_insured')}</th><th>${t('flags')}</th></tr></thead>
      <tbody>${rows}</tbody></table></div></section>`;
  const after = () => {
    ratesChart(document.getElementById('chart-rates'), wards.map((w) => w.name ?? w.ward),
      wards.map((w) => w.rates.per_residents), summary.average.value,
      wards.map((w) => w.flags.includes('below_average')), t('ward'));
    dailyChart(document.getElementById('chart-daily'), series.days, false);
  };
  return { html: markup, after, date, key: JSON.stringify([review, summary, insured, series]) };
}

/** A ward's residential groups: each group's team, figures and flags, and the facts without one. */
function groupsTable(answer) {
  const row = (key, label, team, f, flags) => html`<tr data-group="${key}"><td data-k="group">${label}</td>
      <td data-k="team">${team ? `${fmt.day(team.formed_on)} (${team.members === null ? '—' : fmt.count(team.members)})` : '—'}</td>
      <td data-k="accounts">${fmt.count(f.accounts.cumulative)}</td>
      <td data-k="integrated-new">${fmt.count(f.integrated.new)}</td>
      <td data-k="integrated">${fmt.count(f.integrated.cumulative)}</td>
      <td data-k="gain">${fmt.count(f.gain)}</td>
      <td data-k="flags">${flagChips(flags)}</td></tr>`;
  const rows = [...answer.groups.map((g) => row(g.group, g.group, g.team, g, g.flags)),
    row('', t('without_group'), null, answer.without_group, [])];
  return html`<section><h2>${t('groups')}</h2><div class="scroll"><table id="groups">
      <thead><tr><th>${t('group')}</th><th>${t('team_members')}</th><th>${t('accounts')}</th>
      <th>${t('integrated_today')}</th><th>${t('integrated')}</th><th>${t('gain')}</th><th>${t('flags')}</th></tr></thead>
      <tbody>${rows}</tbody></table></div></section>`;
}

/** `weekly/2026-03-16` or `monthly/2026-03` in words. */
function periodLabel(period) {
  const [kind, start] = period.split('/');
  if (kind === 'weekly') return `${t('week_from')} ${fmt.day(start)}`;
  if (kind === 'monthly' || kind === 'final') {
    const [year, month] = start.split('-');
    return `${t(kind === 'final' ? 'final_month' : 'month')} ${app.lang === 'vi' ? `${month}/${year}` : `${year}-${month}`}`;
  }
  return period;
}

/** A UTC time as Vietnam's local day and hour (UTC+7, no daylight saving). */
function localTime(utc) {
  const local = new Date(Date.parse(utc) + 7 * 3600 * 1000).toISOString();
  return `${fmt.day(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

/** A report's state as of the end of `day` in Vietnam (UTC+7): one not yet due is pending. */
function reportState(status, day) {
  if (status.filed) return status.on_time ? 'on_time' : 'late';
  const endOfDay = Date.parse(`${day}T17:00:00Z`);
  return Date.parse(status.due) > endOfDay ? 'pending' : 'missing';
}

function reportRow(label, status, day) {
  const state = reportState(status, day);
  const differences = status.differences.length
    ? html`<ul class="differences">${status.differences.map((d) => html`<li data-figure="${d.figure}">${t(`fig_${d.figure}`)}:
        ${t('claimed')} <b>${fmt.count(d.claimed)}</b>, ${t('events')} <b>${fmt.count(d.events)}</b></li>`)}</ul>`
    : (status.filed ? html`<span class="note">${t('no_differences')}</span>` : '');
  const text = status.text
    ? ['difficulties', 'proposals'].filter((k) => status.text[k])
      .map((k) => html`<p class="report-text" data-text="${k}"><b>${t(k)}:</b> ${status.text[k]}</p>`)
    : '';
  return html`<tr data-report="${label}"><td>${label}</td>
    <td data-k="report-state" data-state="${state}"><span class="state ${state}">${t(state)}</span></td>
    <td>${localTime(status.due)}</td><td>${differences}${text}</td></tr>`;
}

/** One ward: the day's and cumulative figures, both rates, target, teams, reports, a chart. */
export async function wardView(route) {
  const code = route.code;
  const daily = await api(`/v1/wards/${encodeURIComponent(code)}/daily${query({ date: route.date })}`);
  const date = daily.date;
  const [series, groupsAnswer] = await Promise.all([
    api(`/v1/wards/${encodeURIComponent(code)}/series${query({ from: plusDays(date, -29), to: date })}`),
    api(`/v1/wards/${encodeURIComponent(code)}/groups${query({ date })}`),
  ]);
  const groups = daily.groups;
  const target = daily.target;
  // What the ward had before its tracking began, once the day shown reaches it.
  const opening = daily.opening && daily.opening.as_of <= date ? daily.opening : null;
  // A month's figures close on the 14th: say which days its report speaks of.
  const covers = (p) => (p.period.startsWith('monthly/') ? ` (${fmt.day(p.covers.from)}–${fmt.day(p.covers.to)})` : '');
  const periods = [
    ...daily.period_reports.map((p) => reportRow(`${periodLabel(p.period)}${covers(p)}`, p, date)),
    ...daily.other_reports.map((p) => reportRow(`${t(`reporter_${p.reporter}`)}: ${periodLabel(p.period)}`, p, date)),
  ];
  const title = daily.name ? `${daily.name} (${code})` : `${t('ward')} ${code}`;
  const markup = html`<h1 data-k="heading">${title} · ${fmt.day(date)}</h1>
    ${crumbs(daily.province)}
    <section class="cards">
      ${card('integrated-new', t('integrated_today'), fmt.count(daily.integrated.new))}
      ${card('integrated', t('integrated'), fmt.count(daily.integrated.cumulative), opening ? html`${t('opening_balance')} ${fmt.day(opening.as_of)}: <span data-k="opening-integrated">${fmt.count(opening.integrated)}</span>` : '')}
      ${card('rank', t('rank_in_province'), daily.standing.rank === null ? '—' : `${fmt.count(daily.standing.rank)}/${fmt.count(daily.standing.ranked)}`, html`${t('average_residents')}: <span data-k="province-average">${fmt.percent(daily.standing.average.value)}</span>`)}
      ${card('standing-flags', t('flags'), daily.standing.flags.map((f) => t(f)).join(', ') || '—')}
      ${card('rate-residents', t('rate_residents'), fmt.percent(daily.rates.per_residents))}
      ${card('rate-insured', t('rate_insured'), fmt.percent(daily.rates.per_insured))}
      ${card('rate-level2', t('rate_level2'), fmt.percent(daily.rates.per_level2), daily.populations ? html`${t('level2')}: <span data-k="level2">${fmt.count(daily.populations.level2)}</span>` : '')}
      ${card('rate-eligible', t('rate_eligible'), fmt.percent(daily.rates.per_eligible), daily.not_integrated?.eligible != null ? html`${t('not_integrated')}: <span data-k="eligible-not-integrated">${fmt.count(daily.not_integrated.eligible)}</span>` : '')}
      ${card('target', t('progress'), target ? fmt.percent(target.percent) : '—', target ? html`${t('target')}: <span data-k="target-count">${fmt.count(target.target)}</span>` : '')}
      ${card('accounts-new', t('accounts_today'), fmt.count(daily.accounts.new), html`${t('accounts')}: <span data-k="accounts">${fmt.count(daily.accounts.cumulative)}</span>${opening ? html`, ${t('opening_balance')} ${fmt.day(opening.as_of)}: <span data-k="opening-accounts">${fmt.count(opening.accounts)}</span>` : ''}`)}
      ${card('with-team', `${t('groups')} ${t('with_team')}`, fmt.count(groups.with_team), groups.total !== null ? html`/ <span data-k="groups-total">${fmt.count(groups.total)}</span>` : '')}
      ${card('without-team', `${t('groups')} ${t('without_team')}`, groups.without_team === null ? '—' : fmt.count(groups.without_team))}
      ${card('facilities', t('facilities'), fmt.count(daily.facilities.linked), daily.facilities.total !== null ? `/ ${fmt.count(daily.facilities.total)}` : '')}
      ${card('team-members', t('team_members_total'), fmt.count(groups.team_members))}
      ${card('groups-without-progress', t('groups_without_progress'), fmt.count(groupsAnswer.totals.without_progress), `/ ${fmt.count(groupsAnswer.totals.known)}`)}
    </section>
    ${exportButtons([['export_groups', `/v1/wards/${encodeURIComponent(code)}/groups.{ext}${query({ date })}`]])}
    <section><h2>${t('reports')}</h2><div class="scroll"><table id="reports">
      <thead><tr><th>${t('report_period')}</th><th>${t('filed')}</th><th>${t('due')}</th><th>${t('differs')}</th></tr></thead>
      <tbody>${reportRow(`${t('report_daily')} ${fmt.day(date)}`, daily.report, date)}${periods}</tbody></table></div></section>
    ${groupsTable(groupsAnswer)}
    ${groupsAnswer.groups.length ? html`<section class="chart"><h2>${t('chart_groups')}</h2><div class="plot"><canvas id="chart-groups"></canvas></div></section>` : ''}
    <section class="chart"><h2>${t('chart_daily')}</h2><div class="plot"><canvas id="chart-daily"></canvas></div></section>`;
  const after = () => {
    if (groupsAnswer.groups.length) groupsChart(document.getElementById('chart-groups'), groupsAnswer.groups);
    dailyChart(document.getElementById('chart-daily'), series.days, true);
  };
  return { html: markup, after, date, key: JSON.stringify([daily, series, groupsAnswer]) };
}
