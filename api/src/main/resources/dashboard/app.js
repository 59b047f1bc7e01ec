// Repo Worker dashboard: plain JavaScript over the JSON API; a job page follows its event stream (SSE).
// Everything from the server is inserted as text (textContent), never as HTML.
'use strict';

const API = '/api/cloudrun';
const FINAL = ['completed', 'failed', 'cancelled'];
const $ = (selector) => document.querySelector(selector);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(API + path, { ...options, headers, credentials: 'same-origin' });
  let body = {};
  try { body = await response.json(); } catch (e) { /* empty body */ }
  if (!response.ok) {
    const error = body.error || {};
    throw new Error((error.message || 'HTTP ' + response.status) + (error.field ? ' (' + error.field + ')' : ''));
  }
  return body;
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ago';
  return Math.floor(s / 86400) + ' d ago';
}

function duration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(1) + ' s';
  return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
}

function jobDuration(job) {
  if (job.duration !== null && job.duration !== undefined) return job.duration;
  const start = Date.parse(job.createdAt);
  const end = job.completedAt ? Date.parse(job.completedAt) : (FINAL.includes(job.status) ? null : Date.now());
  return end ? end - start : null;
}

function badge(status) {
  return el('span', { class: 'badge status status-' + status }, status);
}

const SIMULATED_NOTE = 'development mode: no worker took this job, nothing was processed';

function runnerLabel(job) {
  return job.runner === 'simulated' ? 'simulated (' + SIMULATED_NOTE + ')' : (job.runner || '—');
}

function statusCell(job) {
  const cell = [badge(job.status)];
  if (job.runner === 'simulated') cell.push(' ', el('span', { class: 'badge simulated', title: SIMULATED_NOTE }, 'simulated'));
  return cell;
}

// ---------------------------------------------------------------- jobs list

const list = { cursor: null, shown: 0, timer: null };

function filters() {
  const query = new URLSearchParams();
  const status = $('#filter-status').value;
  const type = $('#filter-type').value.trim();
  const project = $('#filter-project').value.trim();
  if (status) query.set('status', status);
  if (type) query.set('type', type);
  if (project) query.set('projectId', project);
  return query;
}

function jobRow(job) {
  return el('tr', { 'data-job-id': job.id, 'data-status': job.status },
    el('td', { class: 'id', 'data-label': 'Job' }, el('a', { href: '/jobs/' + encodeURIComponent(job.id), title: job.id }, job.id.slice(0, 8))),
    el('td', { 'data-label': 'Type' }, job.type || ''),
    el('td', { 'data-label': 'Task' }, job.task || ''),
    el('td', { 'data-label': 'Project' }, job.projectId || ''),
    el('td', { 'data-label': 'Status' }, ...statusCell(job)),
    el('td', { 'data-label': 'Age', title: job.createdAt }, ago(job.createdAt)),
    el('td', { 'data-label': 'Duration' }, duration(jobDuration(job))));
}

async function loadJobs(append) {
  const query = filters();
  if (append && list.cursor) {
    query.set('cursor', list.cursor);
  } else {
    query.set('limit', String(Math.min(100, Math.max(20, list.shown))));
  }
  try {
    const page = await api('/jobs?' + query.toString());
    const body = $('#jobs tbody');
    if (!append) body.replaceChildren();
    page.jobs.forEach((job) => body.append(jobRow(job)));
    list.shown = body.children.length;
    list.cursor = page.nextCursor;
    $('#more').hidden = !page.nextCursor;
    $('#jobs-empty').hidden = list.shown > 0;
  } catch (e) {
    $('#jobs-empty').hidden = false;
    $('#jobs-empty').textContent = 'Cannot load jobs: ' + e.message;
  }
}

function scheduleRefresh() {
  clearInterval(list.timer);
  list.timer = setInterval(() => {
    if ($('#auto-refresh').checked && !document.hidden) loadJobs(false);
  }, 3000);
}

async function submitImport(event) {
  event.preventDefault();
  const task = $('#task').value;
  const url = $('#repo-url').value.trim();
  const branch = $('#branch').value.trim();
  const project = $('#project-id').value.trim();
  const data = task === 'import-repo' ? { sourceUrl: url } : { repoUrl: url };
  if (branch) data.branch = branch;
  const body = { task, data };
  if (project) body.projectId = project;
  const message = $('#submit-message');
  $('#submit').disabled = true;
  message.className = 'message';
  message.textContent = 'Submitting…';
  try {
    const job = await api('/jobs', { method: 'POST', body: JSON.stringify(body) });
    message.textContent = 'Submitted job ' + job.id;
    location.assign('/jobs/' + encodeURIComponent(job.id));
  } catch (e) {
    message.className = 'message bad';
    message.textContent = 'Refused: ' + e.message;
  } finally {
    $('#submit').disabled = false;
  }
}

function showList() {
  $('#list-view').hidden = false;
  document.title = 'Jobs · Repo Worker';
  $('#submit-form').addEventListener('submit', submitImport);
  ['#filter-status', '#filter-type', '#filter-project'].forEach((s) => $(s).addEventListener('change', () => {
    list.shown = 0;
    loadJobs(false);
  }));
  $('#more').addEventListener('click', () => loadJobs(true));
  loadJobs(false);
  scheduleRefresh();
}

// ---------------------------------------------------------------- one job

const view = { id: null, job: null, stream: null, poll: null, progress: null };

function renderJob(job) {
  view.job = job;
  document.title = job.status + ' · ' + job.id.slice(0, 8) + ' · Repo Worker';
  $('#job-title').textContent = 'Job ' + job.id;
  const status = $('#status');
  status.textContent = job.status;
  status.className = 'badge status status-' + job.status;
  $('#job-type').textContent = job.type || '';
  $('#job-task').textContent = job.task || '';
  $('#job-project').textContent = job.projectId || '—';
  $('#job-attempt').textContent = job.attempt + ' of ' + job.maxAttempts;
  $('#job-runner').textContent = runnerLabel(job);
  $('#job-runner').className = job.runner === 'simulated' ? 'simulated' : '';
  $('#job-created').textContent = new Date(job.createdAt).toLocaleString() + ' (' + ago(job.createdAt) + ')';
  $('#job-duration').textContent = duration(jobDuration(job)) || '—';
  $('#retry').hidden = !(job.status === 'failed' || job.status === 'cancelled');
  $('#cancel').hidden = FINAL.includes(job.status);
  const error = $('#error');
  error.hidden = !job.error;
  error.textContent = job.error || '';
  renderResult(job.result);
  renderProgress();
  JobPage.job(job);
}

// Scalar fields only: the nested ones are the job page's views (job.js), and all of it is under "raw result JSON".
function renderResult(result) {
  const body = $('#result tbody');
  body.replaceChildren();
  const entries = result ? Object.entries(result).filter(([, value]) => typeof value !== 'object' || value === null) : [];
  entries.forEach(([key, value]) => body.append(el('tr', {},
    el('th', {}, key), el('td', {}, String(value)))));
  $('#result-empty').hidden = entries.length > 0;
}

function renderProgress() {
  const job = view.job;
  const box = $('#progress');
  const fill = $('#progress-fill');
  const label = $('#progress-label');
  box.classList.remove('indeterminate', 'done', 'failed');
  if (!job) return;
  if (job.status === 'completed') {
    box.classList.add('done');
    fill.style.width = '100%';
    label.textContent = 'completed';
    return;
  }
  if (job.status === 'failed' || job.status === 'cancelled') {
    box.classList.add('failed');
    fill.style.width = '100%';
    label.textContent = job.status;
    return;
  }
  const p = view.progress && view.progress.attempt === job.attempt ? view.progress : null;
  if (p && p.data && p.data.total > 0) {
    const percent = Math.min(100, Math.round(100 * p.data.done / p.data.total));
    fill.style.width = percent + '%';
    label.textContent = p.data.step + ' ' + p.data.done + '/' + p.data.total + ' (' + percent + '%)';
  } else {
    box.classList.add('indeterminate');
    fill.style.width = '';
    label.textContent = p && p.data ? p.data.step + ': ' + (p.message || '') : job.status;
  }
}

function addEvent(event) {
  if (event.type === 'progress') view.progress = event;
  const when = new Date(event.at);
  let message = event.message || '';
  if (event.type === 'progress' && event.data && event.data.total > 0) {
    message += ' (' + event.data.done + '/' + event.data.total + ')';
  }
  $('#timeline').append(el('li', { class: 'ev ev-' + event.type, 'data-type': event.type },
    el('time', { dateTime: event.at, title: when.toLocaleString() }, when.toLocaleTimeString()),
    el('span', { class: 'badge' }, event.type),
    el('span', { class: 'muted' }, 'attempt ' + event.attempt),
    el('span', { class: 'msg' }, message)));
  renderProgress();
  JobPage.event(event);
}

async function loadArtifacts() {
  try {
    const body = await api('/jobs/' + encodeURIComponent(view.id) + '/artifacts');
    $('#artifacts-empty').hidden = body.artifacts.length > 0;
    if (body.note) $('#artifacts-empty').textContent = body.note;
    await JobPage.artifacts(body.artifacts);
  } catch (e) {
    $('#artifacts-empty').hidden = false;
  }
}

async function refreshJob() {
  renderJob(await api('/jobs/' + encodeURIComponent(view.id)));
}

function follow() {
  if (view.stream) view.stream.close();
  clearInterval(view.poll);
  $('#timeline').replaceChildren();
  JobPage.reset();
  view.progress = null;
  if (!window.EventSource) {
    pollJob();
    return;
  }
  const stream = new EventSource(API + '/jobs/' + encodeURIComponent(view.id) + '/events');
  view.stream = stream;
  stream.addEventListener('open', () => { $('#live').hidden = false; });
  stream.addEventListener('event', (e) => addEvent(JSON.parse(e.data)));
  stream.addEventListener('job', (e) => renderJob(JSON.parse(e.data)));
  stream.addEventListener('end', () => {
    stream.close();
    $('#live').hidden = true;
    refreshJob().then(loadArtifacts);
  });
  stream.addEventListener('error', () => {
    if (stream.readyState === EventSource.CLOSED) {
      $('#live').hidden = true;
      pollJob();
    }
  });
}

// The fallback when there is no event stream: the job with all its events, every 2 seconds.
function pollJob() {
  const tick = async () => {
    try {
      const job = await api('/jobs/' + encodeURIComponent(view.id));
      $('#timeline').replaceChildren();
      JobPage.reset();
      (job.events || []).forEach(addEvent);
      renderJob(job);
      if (FINAL.includes(job.status)) {
        clearInterval(view.poll);
        loadArtifacts();
      }
    } catch (e) { /* try again */ }
  };
  clearInterval(view.poll);
  view.poll = setInterval(tick, 2000);
  tick();
}

async function act(action) {
  const message = $('#action-message');
  message.className = 'message';
  message.textContent = action === 'retry' ? 'Retrying…' : 'Cancelling…';
  try {
    const job = await api('/jobs/' + encodeURIComponent(view.id) + '/' + action, { method: 'POST', body: '{}' });
    message.textContent = action === 'retry' ? 'Retry requested: attempt ' + job.attempt : 'Cancelled';
    renderJob(job);
    follow();
  } catch (e) {
    message.className = 'message bad';
    message.textContent = e.message;
  }
}

async function showJob(id) {
  view.id = id;
  $('#job-view').hidden = false;
  $('#retry').addEventListener('click', () => act('retry'));
  $('#cancel').addEventListener('click', () => act('cancel'));
  JobPage.init();
  try {
    await refreshJob();
  } catch (e) {
    $('#job-title').textContent = e.message;
    return;
  }
  follow();
  loadArtifacts();
}

// ---------------------------------------------------------------- routing

document.addEventListener('DOMContentLoaded', () => {
  const match = location.pathname.match(/^\/jobs\/([^/]+)$/);
  if (match) showJob(decodeURIComponent(match[1]));
  else showList();
});
