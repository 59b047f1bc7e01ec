// The list page's overview: jobs finished per minute over the last hour (SVG bars stacked by outcome) and the
// p50/p95 duration of each task, from GET /api/cloudrun/stats. Refreshed like the jobs list: every few seconds
// while auto-refresh is on and the page is visible. Server text goes in as text, never as HTML.
'use strict';

(() => {
  const OUTCOMES = ['completed', 'failed', 'cancelled'];
  const SVG = 'http://www.w3.org/2000/svg';
  const WIDTH = 600;
  const HEIGHT = 140;
  const REFRESH_MS = 5000;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    node.append(...children);
    return node;
  }

  function ms(value) {
    if (value < 1000) return value + ' ms';
    if (value < 60000) return (value / 1000).toFixed(1) + ' s';
    return Math.floor(value / 60000) + ' min ' + Math.round((value % 60000) / 1000) + ' s';
  }

  function total(minute) {
    return OUTCOMES.reduce((sum, outcome) => sum + minute[outcome], 0);
  }

  // One group per minute that had jobs: a rect per outcome, stacked from the bottom, and a title for hover.
  function drawChart(throughput) {
    const chart = document.getElementById('throughput');
    const highest = Math.max(1, ...throughput.map(total));
    const slot = WIDTH / throughput.length;
    const bars = throughput.map((minute, index) => {
      if (total(minute) === 0) return null;
      const x = index * slot + slot * 0.1;
      let top = HEIGHT;
      const group = svg('g', { class: 'minute', 'data-minute': minute.minute, 'data-total': total(minute) },
        svg('title', {}, new Date(minute.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + ': '
          + OUTCOMES.map((outcome) => minute[outcome] + ' ' + outcome).join(', ')));
      for (const outcome of OUTCOMES) {
        if (minute[outcome] === 0) continue;
        const height = HEIGHT * minute[outcome] / highest;
        top -= height;
        group.append(svg('rect', { class: 'seg ' + outcome, 'data-outcome': outcome, 'data-count': minute[outcome],
          x: x.toFixed(2), y: top.toFixed(2), width: (slot * 0.8).toFixed(2), height: height.toFixed(2) }));
      }
      return group;
    }).filter((group) => group !== null);
    chart.replaceChildren(svg('line', { class: 'baseline', x1: 0, y1: HEIGHT, x2: WIDTH, y2: HEIGHT }), ...bars);
    document.getElementById('throughput-max').textContent = highest + ' / min';
    const finished = throughput.reduce((sum, minute) => sum + total(minute), 0);
    document.getElementById('overview-summary').textContent = finished + ' finished, '
      + throughput.reduce((sum, minute) => sum + minute.failed, 0) + ' failed';
  }

  function drawDurations(durations) {
    const body = document.querySelector('#durations tbody');
    body.replaceChildren(...durations.map((task) => {
      const row = document.createElement('tr');
      row.dataset.task = task.task;
      [['Task', task.task], ['Jobs', task.count], ['p50', ms(task.p50Ms)], ['p95', ms(task.p95Ms)]].forEach(([label, value]) => {
        const cell = document.createElement('td');
        cell.dataset.label = label;
        cell.textContent = String(value);
        row.append(cell);
      });
      return row;
    }));
    document.getElementById('durations-empty').hidden = durations.length > 0;
  }

  async function refresh() {
    const message = document.getElementById('overview-error');
    try {
      const response = await fetch('/api/cloudrun/stats?window=1h', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      const stats = await response.json();
      if (!response.ok) throw new Error((stats.error && stats.error.message) || 'HTTP ' + response.status);
      drawChart(stats.throughput);
      drawDurations(stats.durations);
      message.hidden = true;
    } catch (e) {
      message.hidden = false;
      message.textContent = 'Cannot load the last hour: ' + e.message;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    if (location.pathname !== '/' || !document.getElementById('overview')) return;
    refresh();
    setInterval(() => {
      const auto = document.getElementById('auto-refresh');
      if ((!auto || auto.checked) && !document.hidden) refresh();
    }, REFRESH_MS);
  });
})();
