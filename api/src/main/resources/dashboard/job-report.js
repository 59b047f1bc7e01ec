// The build report: what was built as a grid of counts (from the result's step summaries), the content
// issues of issues.json grouped by kind with file and line (filterable), and the raw result JSON behind a toggle.
'use strict';

const JobReport = (() => {
  const COUNTS = [
    ['posts', 'posts', (s) => pick(s['build-assets'], 'posts')],
    ['notes', 'notes', (s) => pick(s['build-assets'], 'notes')],
    ['media', 'media files', (s) => pick(s['build-assets'], 'media')],
    ['variants', 'image variants', (s) => pick(s['build-assets'], 'variants')],
    ['mediaReused', 'media reused', (s) => pick(s['build-assets'], 'mediaReused')],
    ['chunks', 'chunks', (s) => pick(s['compute-embeddings'], 'chunks')],
    ['embedded', 'embedded', (s) => pick(s['compute-embeddings'], 'embedded')],
    ['reused', 'embeddings reused', (s) => pick(s['compute-embeddings'], 'reused', 'cached')],
    ['tags', 'tags', (s) => pick(s['enrich-data'], 'tags')],
    ['issues', 'content issues', (s) => pick(s['build-assets'], 'issues')],
  ];

  function pick(summary, ...keys) {
    if (!summary) return undefined;
    for (const key of keys) if (typeof summary[key] === 'number') return summary[key];
    return undefined;
  }

  function summary(container, result) {
    const steps = (result && result.steps) || {};
    const cells = COUNTS.map(([key, label, read]) => [key, label, read(steps)]).filter(([, , value]) => value !== undefined);
    const source = steps.acquire || steps.template;
    if (source && source.commit) cells.push(['commit', 'commit' + (source.branch ? ' on ' + source.branch : ''), String(source.commit).slice(0, 10)]);
    container.hidden = cells.length === 0;
    container.replaceChildren(...cells.map(([key, label, value]) => el('div', { class: 'stat' + (key === 'issues' && value > 0 ? ' warn' : ''), 'data-key': key },
      el('span', { class: 'value', title: key === 'commit' ? source.commit : '' }, typeof value === 'number' ? value.toLocaleString('en') : value),
      el('span', { class: 'label' }, label))));
  }

  function raw(pre, result) {
    pre.textContent = result ? JSON.stringify(result, null, 2) : '';
  }

  /** issues.json ([{kind, file, line, message}]) as one table, a header row per kind with its count. */
  function issues(table, filter, list) {
    const body = table.tBodies[0];
    const kinds = new Map();
    list.forEach((issue) => {
      if (!kinds.has(issue.kind)) kinds.set(issue.kind, []);
      kinds.get(issue.kind).push(issue);
    });
    body.replaceChildren();
    for (const [kind, items] of [...kinds.entries()].sort((a, b) => b[1].length - a[1].length)) {
      body.append(el('tr', { class: 'kind', 'data-group': kind }, el('th', { colSpan: 3 }, kind + ' · ' + items.length)));
      items.forEach((issue) => body.append(el('tr', { 'data-kind': kind },
        el('td', { class: 'file', 'data-label': 'File' }, issue.file),
        el('td', { class: 'line', 'data-label': 'Line' }, issue.line > 0 ? String(issue.line) : '—'),
        el('td', { class: 'message', 'data-label': 'Problem' }, issue.message))));
    }
    table.hidden = list.length === 0;
    filter.closest('label').hidden = list.length === 0;
    const apply = () => {
      const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const shown = new Map();
      for (const tr of body.querySelectorAll('tr[data-kind]')) {
        const text = (tr.dataset.kind + ' ' + tr.textContent).toLowerCase();
        tr.hidden = !words.every((w) => text.includes(w));
        if (!tr.hidden) shown.set(tr.dataset.kind, true);
      }
      body.querySelectorAll('tr[data-group]').forEach((tr) => { tr.hidden = !shown.has(tr.dataset.group); });
    };
    filter.oninput = apply;
    apply();
  }

  return { summary, raw, issues };
})();
