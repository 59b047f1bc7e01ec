// The job's artifacts as a tree of folders with sizes. The media folder is grouped by original file
// (every size and format of one image under it), collapsed, so 600 variants read as one line per image.
'use strict';

const JobArtifacts = (() => {
  function size(bytes) {
    if (!(bytes >= 0)) return '';
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MiB';
  }

  function file(artifact, label) {
    return el('li', { class: 'file' }, el('a', { href: artifact.url, target: '_blank', rel: 'noopener' }, label || artifact.path),
      el('span', { class: 'size' }, size(artifact.size)));
  }

  function total(items) {
    return items.reduce((sum, a) => sum + Math.max(0, a.size), 0);
  }

  function folder(name, items, children, attrs) {
    return el('li', { class: 'folder' }, el('details', attrs || { 'data-folder': name },
      el('summary', {}, name + ' ', el('span', { class: 'size' }, items.length + ' files · ' + size(total(items)))),
      el('ul', {}, ...children)));
  }

  /** Media files named {hash}-{size}.{format}, grouped under the name the vault gave them (from medias.json). */
  function mediaGroups(items, originals) {
    const groups = new Map();
    for (const a of items) {
      const base = a.path.slice(a.path.indexOf('/') + 1);
      const hash = base.replace(/-[^-]+\.[a-z0-9]+$/i, '').replace(/\.[a-z0-9]+$/i, '');
      if (!groups.has(hash)) groups.set(hash, []);
      groups.get(hash).push(a);
    }
    return [...groups.entries()].map(([hash, files]) => folder(originals.get(hash) || hash, files,
      files.map((a) => file(a, a.path.slice(a.path.lastIndexOf('/') + 1))), { 'data-media': hash }));
  }

  function render(container, artifacts, originals) {
    if (artifacts.length === 0) {
      container.replaceChildren();
      return;
    }
    const top = [];
    const folders = new Map();
    for (const a of artifacts) {
      const slash = a.path.indexOf('/');
      if (slash < 0) {
        top.push(a);
        continue;
      }
      const name = a.path.slice(0, slash);
      if (!folders.has(name)) folders.set(name, []);
      folders.get(name).push(a);
    }
    const mediaNames = originals || new Map();
    const nodes = [...folders.entries()].map(([name, items]) => folder(name + '/', items,
      name === 'media' ? mediaGroups(items, mediaNames)
        : items.map((a) => file(a, a.path.slice(name.length + 1))), { 'data-folder': name }));
    container.replaceChildren(el('p', { class: 'muted' }, artifacts.length + ' files · ' + size(total(artifacts))),
      el('ul', { class: 'tree' }, ...nodes, ...top.map((a) => file(a))));
  }

  return { render, size };
})();
