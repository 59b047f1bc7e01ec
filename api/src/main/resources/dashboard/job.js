// The job page's views beyond the job's facts (app.js): the step chart, live from the event stream, and,
// once the job has artifacts, its build report, issues, posts, search, link graph and artifact tree.
// app.js calls JobPage.reset/event/job/artifacts as the job's data arrives.
'use strict';

const JobPage = (() => {
  const state = { job: null, events: [], ticker: null, loadedFor: null };

  function drawSteps() {
    JobSteps.render($('#steps'), state.job, state.events);
  }

  function reset() {
    state.events = [];
    drawSteps();
  }

  function event(e) {
    state.events.push(e);
    drawSteps();
  }

  /** A new state of the job: redraw the steps (every second while it runs, so the running bar grows). */
  function job(j) {
    state.job = j;
    drawSteps();
    JobReport.summary($('#summary'), j.result);
    JobReport.raw($('#raw-result'), j.result);
    $('#raw').hidden = !j.result;
    const running = !FINAL.includes(j.status);
    if (running && !state.ticker) state.ticker = setInterval(drawSteps, 1000);
    if (!running && state.ticker) {
      clearInterval(state.ticker);
      state.ticker = null;
    }
  }

  async function json(files, path) {
    const file = files.get(path);
    if (!file) return null;
    const response = await fetch(file.url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  /** Posts for the list: from the API's summary of posts.json (no bodies), links counted both ways. */
  function postRows(summaries) {
    return summaries.map((p) => ({ slug: p.slug, title: p.title, path: p.path, url: p.url, tags: p.tags || [], words: p.wordCount,
      linksIn: (p.backlinks || []).length, linksOut: (p.links || []).length }));
  }

  /** Media hash → "photo.png · in Welcome, Cooking": the vault's name for it and the posts that show it (graph.json). */
  function mediaNames(medias, graph) {
    const titles = new Map(((graph && graph.nodes) || []).map((n) => [n.id, n.label]));
    const usedBy = new Map();
    for (const link of (graph && graph.links) || []) {
      if (link.type !== 'media') continue;
      const hash = link.target.slice('media:'.length);
      if (!usedBy.has(hash)) usedBy.set(hash, []);
      usedBy.get(hash).push(titles.get(link.source) || link.source.slice('post:'.length));
    }
    return new Map((medias || []).map((m) => {
      const posts = usedBy.get(m.hash) || [];
      const shown = posts.slice(0, 3).join(', ') + (posts.length > 3 ? ' +' + (posts.length - 3) : '');
      return [m.hash, m.path + (posts.length > 0 ? ' · in ' + shown : ' · unused')];
    }));
  }

  /** The job's listing is in: draw the tree, then read the build's JSON files for the other views (once per job). */
  async function artifacts(listing) {
    const files = new Map(listing.map((a) => [a.path, a]));
    const [medias, graph] = await Promise.all(['medias.json', 'graph.json'].map((path) => json(files, path).catch(() => null)));
    JobArtifacts.render($('#artifacts'), listing, mediaNames(medias, graph));
    const key = state.job && state.job.id + ':' + listing.length;
    if (!state.job || state.loadedFor === key || !files.has('posts.json')) return;
    state.loadedFor = key;
    $('#content-views').hidden = false;
    const [issues, summaries] = await Promise.all([json(files, 'issues.json').catch(() => null),
      api('/jobs/' + encodeURIComponent(state.job.id) + '/posts').then((body) => body.posts).catch(() => [])]);
    $('#issues-box').hidden = !issues;
    JobReport.issues($('#issues'), $('#issues-filter'), issues || []);
    $('#issues-none').hidden = !(issues && issues.length === 0);
    const rows = postRows(summaries);
    JobPosts.load(state.job.id, listing, rows);
    const brokenFiles = new Set((issues || []).filter((i) => i.kind === 'broken-link').map((i) => i.file));
    const broken = new Set(rows.filter((p) => brokenFiles.has(p.path)).map((p) => p.slug));
    if (graph) JobGraph.render($('#graph'), graph, broken, JobPosts.show);
  }

  function init() {
    JobPosts.init();
  }

  return { init, reset, event, job, artifacts };
})();
