// The dashboard's charts (Chart.js): rates against the average, integrations per day, and a
// ward's residential groups. Each is drawn once its page is in place, says what it shows to
// readers who cannot see it, and differs in black-and-white print (hatching, not colour alone).

import { fmt, keepChart, t } from './core.js';

/** Whether the screen is a phone's: charts with many bars lay them down there. */
export function narrowScreen() {
  return window.innerWidth < 600;
}

/** The bars' colour. */
const BAR = '#2f7ebc';

const percentAxis = {
  beginAtZero: true,
  ticks: { callback: (value) => fmt.percent(value) },
};

/** Chart options: no animation (the page redraws live), the legend below, and tooltips and the
 * axes' ticks in the language's format. */
function chartOptions(format, scales) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      legend: { position: 'bottom' },
      // The value is along the bars: `y` when they stand, `x` when they lie down.
      tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.chart.options.indexAxis === 'y' ? item.parsed.x : item.parsed.y)}` } },
    },
    scales,
  };
}

/** Diagonal hatching on `colour`, so that bars below the average differ in black-and-white print. */
function hatched(colour) {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const c = tile.getContext('2d');
  c.fillStyle = colour;
  c.fillRect(0, 0, 8, 8);
  c.strokeStyle = 'rgba(255,255,255,.75)';
  c.lineWidth = 2;
  c.beginPath();
  c.moveTo(0, 8);
  c.lineTo(8, 0);
  c.stroke();
  return c.createPattern(tile, 'repeat');
}

/** Says what a chart shows, for readers who cannot see it (and as its accessible name). */
function describe(canvas, text) {
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', text);
}

/**
 * The options of a bar chart with one bar per `marks` entry, the marked bars hatched with
 * `pattern` and named `marked` in the legend after the bars' own entry; the bars lie down when
 * there are more than 12 on a phone, so that their names can be read.
 */
function barOptions(canvas, marks, { format, valueAxis, category, pattern, marked }) {
  const lying = marks.length > 12 && narrowScreen();
  if (lying) canvas.parentElement.style.height = `${Math.max(280, marks.length * 22)}px`;
  const options = chartOptions(format, {
    [lying ? 'x' : 'y']: valueAxis,
    [lying ? 'y' : 'x']: { ticks: { autoSkip: !lying, maxRotation: 60 }, title: { display: true, text: category } },
  });
  options.indexAxis = lying ? 'y' : 'x';
  options.plugins.legend.labels = {
    generateLabels: (chart) => {
      const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
      items[0].fillStyle = BAR;
      if (marks.some((m) => m)) {
        items.splice(1, 0, { text: marked, fillStyle: pattern, strokeStyle: pattern, lineWidth: 0, hidden: false, datasetIndex: 0 });
      }
      return items;
    },
  };
  return options;
}

/**
 * A bar chart of rates, the bars below the average hatched and red and the average (when there
 * is one) drawn above them as a dashed line, each in the legend; bars lie down when there are
 * many on a phone, so that their names can be read.
 */
export function ratesChart(canvas, labels, rates, average, highlight, unit) {
  const below = hatched('#d9534f');
  const datasets = [{
    type: 'bar',
    label: t('rate_residents'),
    data: rates,
    backgroundColor: highlight.map((h) => (h ? below : BAR)),
    order: 1,
  }];
  if (average !== null) {
    datasets.push({
      type: 'line',
      label: `${t('average')}: ${fmt.percent(average)}`,
      data: labels.map(() => average),
      borderColor: '#1a1a1a',
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
      order: 0,
    });
  }
  const options = barOptions(canvas, highlight, {
    format: fmt.percent,
    valueAxis: { ...percentAxis, title: { display: true, text: t('rate_residents') } },
    category: unit,
    pattern: below,
    marked: t('below_average'),
  });
  keepChart(new Chart(canvas, { data: { labels, datasets }, options }));
  const known = labels.map((l, i) => [l, rates[i]]).filter(([, r]) => r !== null);
  const top = known.reduce((a, b) => (a === null || b[1] > a[1] ? b : a), null);
  const bottom = known.reduce((a, b) => (a === null || b[1] < a[1] ? b : a), null);
  describe(canvas, `${t('chart_rates_said')} ${unit}: ${t('peak')} ${top ? `${top[0]} ${fmt.percent(top[1])}` : '—'}, ${t('lowest')} ${bottom ? `${bottom[0]} ${fmt.percent(bottom[1])}` : '—'}`
    + (average !== null ? `; ${t('average')} ${fmt.percent(average)}; ${t('below_average')}: ${highlight.filter((h) => h).length}` : ''));
}

/** The days from the first that counted an integration (the weeks before the campaign are left out). */
export function fromFirstIntegration(days) {
  const first = days.findIndex((d) => d.integrated_new > 0);
  return first < 0 ? days : days.slice(first);
}

/** A line chart of integrations per day (and, for a ward, the running total). */
export function dailyChart(canvas, all, withTotal) {
  const days = fromFirstIntegration(all);
  const datasets = [{
    type: withTotal ? 'bar' : 'line',
    label: t('integrated_today'),
    data: days.map((d) => d.integrated_new),
    borderColor: BAR,
    backgroundColor: withTotal ? BAR : 'rgba(47,126,188,.15)',
    fill: !withTotal,
    tension: 0.2,
    yAxisID: 'y',
  }];
  if (withTotal) {
    datasets.push({
      type: 'line',
      label: t('integrated'),
      data: days.map((d) => d.integrated_cumulative),
      borderColor: '#e08a00',
      pointRadius: 0,
      yAxisID: 'total',
    });
  }
  const countAxis = { beginAtZero: true, ticks: { callback: (value) => fmt.count(value) } };
  const perDay = { ...countAxis, title: { display: true, text: t('integrated_today') } };
  keepChart(new Chart(canvas, {
    data: { labels: days.map((d) => fmt.day(d.date)), datasets },
    options: chartOptions(fmt.count, withTotal
      ? { y: perDay, total: { ...countAxis, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: t('integrated') } } }
      : { y: perDay }),
  }));
  const total = days.reduce((n, d) => n + d.integrated_new, 0);
  const peak = days.reduce((best, d) => (d.integrated_new > (best?.integrated_new ?? -1) ? d : best), null);
  describe(canvas, days.length
    ? `${t('chart_daily_said')} ${fmt.day(days[0].date)} – ${fmt.day(days[days.length - 1].date)}: ${fmt.count(total)}; ${t('peak')} ${fmt.count(peak.integrated_new)} (${fmt.day(peak.date)})`
    : t('none'));
}

/**
 * A ward's residential groups: each group's integrations so far as a bar, those of groups
 * without a guidance team hatched and named in the legend; bars lie down when there are many on
 * a phone.
 */
export function groupsChart(canvas, groups) {
  const noTeam = hatched('#d9534f');
  const labels = groups.map((g) => g.group);
  const without = groups.map((g) => g.flags.includes('no_team'));
  const options = barOptions(canvas, without, {
    format: fmt.count,
    valueAxis: { beginAtZero: true, ticks: { callback: (value) => fmt.count(value) }, title: { display: true, text: t('integrated') } },
    category: t('group'),
    pattern: noTeam,
    marked: t('no_team'),
  });
  const data = groups.map((g) => g.integrated.cumulative);
  keepChart(new Chart(canvas, {
    data: {
      labels,
      datasets: [{
        type: 'bar',
        label: t('integrated'),
        data,
        backgroundColor: without.map((w) => (w ? noTeam : BAR)),
      }],
    },
    options,
  }));
  const top = groups.reduce((best, g) => (best === null || g.integrated.cumulative > best.integrated.cumulative ? g : best), null);
  describe(canvas, `${t('chart_groups_said')}: ${fmt.count(groups.length)}; ${t('peak')} ${top ? `${top.group} ${fmt.count(top.integrated.cumulative)}` : '—'}; ${t('no_team')}: ${fmt.count(without.filter((w) => w).length)}`);
}
