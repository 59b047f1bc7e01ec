// The job's posts: a list (title, slug, tags, words, links in and out), a preview of the chosen post in a
// sandboxed frame, and a search over the job's embeddings. The preview is the post's own html with its
// media pointed at the job's artifact URLs; the frame may not run scripts (sandbox without allow-scripts)
// and keeps the page's CSP. It is same-origin only so that its images load with the dashboard's cookie.
'use strict';

const JobPosts = (() => {
  const state = { files: new Map(), media: new Map(), posts: [], jobId: null, chosen: null };
  const LINK_ATTRIBUTES = ['src', 'href', 'poster'];

  /** artifacts: the job's listing; posts: [{slug, title, tags, words, linksIn, linksOut}]. */
  function load(jobId, artifacts, posts) {
    state.jobId = jobId;
    state.files = new Map(artifacts.map((a) => [a.path, a]));
    state.media = new Map(artifacts.filter((a) => a.path.startsWith('media/')).map((a) => [a.path.slice(6), a.url]));
    state.posts = posts;
    list();
  }

  function list() {
    $('#posts').replaceChildren(...state.posts.map((p) => el('li', { 'data-slug': p.slug },
      el('button', { type: 'button', class: 'post-pick' }, el('strong', {}, p.title || p.slug), ' ', el('code', {}, p.slug)),
      el('span', { class: 'post-facts' },
        (p.words !== undefined ? p.words + ' words · ' : '') + p.linksIn + ' in · ' + p.linksOut + ' out',
        ...(p.tags || []).map((t) => el('span', { class: 'tag' }, '#' + t))))));
    $('#posts').onclick = (e) => {
      const item = e.target.closest('li[data-slug]');
      if (item && e.target.closest('button')) show(item.dataset.slug);
    };
    $('#posts-empty').hidden = state.posts.length > 0;
    document.querySelectorAll('#posts li').forEach((li) => li.classList.toggle('chosen', li.dataset.slug === state.chosen));
  }

  /** A media URL of the post's html (…/{hash}-{size}.{format}) as the job's artifact URL; others unchanged. */
  function resolve(url) {
    if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#')) return url;
    const [path, fragment] = url.split('#');
    const name = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    return state.media.has(name) ? state.media.get(name) + (fragment !== undefined ? '#' + fragment : '') : url;
  }

  function srcdoc(post) {
    const doc = new DOMParser().parseFromString(post.html || '', 'text/html');
    for (const node of doc.body.querySelectorAll('[src], [href], [poster], [srcset]')) {
      LINK_ATTRIBUTES.forEach((name) => { if (node.hasAttribute(name)) node.setAttribute(name, resolve(node.getAttribute(name))); });
      if (node.hasAttribute('srcset')) {
        node.setAttribute('srcset', node.getAttribute('srcset').split(',').map((part) => {
          const [url, width] = part.trim().split(/\s+/);
          return resolve(url) + (width ? ' ' + width : '');
        }).join(', '));
      }
    }
    const hasHeading = doc.body.querySelector('h1');
    const title = hasHeading ? '' : '<h1>' + escapeHtml(post.title || post.slug) + '</h1>';
    return '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/dashboard/job-preview.css"></head>'
      + '<body><article>' + title + doc.body.innerHTML + '</article></body></html>';
  }

  function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  async function show(slug) {
    state.chosen = slug;
    document.querySelectorAll('#posts li').forEach((li) => li.classList.toggle('chosen', li.dataset.slug === slug));
    const file = state.files.get('posts/' + slug + '.json');
    const caption = $('#preview-caption');
    if (!file) {
      caption.textContent = 'No posts/' + slug + '.json among the artifacts.';
      return;
    }
    caption.textContent = 'Loading ' + slug + '…';
    try {
      const response = await fetch(file.url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const post = await response.json();
      if (state.chosen !== slug) return;
      $('#preview-frame').srcdoc = srcdoc(post);
      caption.replaceChildren(el('strong', {}, post.title || slug), ' · ', el('code', {}, post.path || ''),
        (post.url ? ' · ' + post.url : ''));
      $('#preview-card').scrollIntoView({ block: 'nearest' });
    } catch (e) {
      caption.textContent = 'Cannot load ' + slug + ': ' + e.message;
    }
  }

  async function search(event) {
    event.preventDefault();
    const q = $('#search-q').value.trim();
    const results = $('#search-results');
    const message = $('#search-message');
    if (!q) return;
    message.className = 'message';
    message.textContent = 'Searching…';
    try {
      const hits = await api('/jobs/' + encodeURIComponent(state.jobId) + '/search?k=10&q=' + encodeURIComponent(q));
      message.textContent = hits.length + (hits.length === 1 ? ' post' : ' posts');
      results.replaceChildren(...hits.map((hit) => el('li', { 'data-slug': hit.slug },
        el('button', { type: 'button', class: 'post-pick' }, el('strong', {}, hit.title || hit.slug)),
        el('span', { class: 'score', title: 'cosine similarity' }, Number(hit.score).toFixed(2)),
        hit.heading ? el('span', { class: 'muted' }, ' § ' + hit.heading) : null,
        el('p', { class: 'snippet' }, hit.snippet || ''))));
      results.onclick = (e) => {
        const item = e.target.closest('li[data-slug]');
        if (item && e.target.closest('button')) show(item.dataset.slug);
      };
    } catch (e) {
      message.className = 'message bad';
      message.textContent = 'Search failed: ' + e.message;
      results.replaceChildren();
    }
  }

  function init() {
    $('#search-form').addEventListener('submit', search);
    // Links between posts open in the preview; the frame runs no script, so this page listens for it.
    $('#preview-frame').addEventListener('load', () => {
      const doc = $('#preview-frame').contentDocument;
      if (!doc) return;
      doc.addEventListener('click', (e) => {
        const link = e.target.closest && e.target.closest('a[href]');
        if (!link) return;
        const target = state.posts.find((p) => p.url && link.getAttribute('href').split('#')[0] === p.url);
        e.preventDefault();
        if (target) show(target.slug);
        else if (/^https?:/i.test(link.href)) window.open(link.href, '_blank', 'noopener');
      });
    });
  }

  return { load, show, init };
})();
