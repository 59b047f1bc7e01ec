// The job's link graph (graph.json) as SVG: a small force layout, nodes sized by backlinks, posts with
// broken links ringed in red, a click opens the post's preview. Repulsion only reaches the 3×3 neighbouring
// cells of a grid, so a thousand notes lay out in a fraction of a second; the iterations are capped.
'use strict';

const JobGraph = (() => {
  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    return node;
  }

  /** Post nodes and post-to-post edges of graph.json, with each post's backlink count. */
  function posts(graph) {
    const nodes = graph.nodes.filter((n) => n.type === 'post').map((n) => ({ id: n.id, slug: n.id.slice(5), label: n.label, backlinks: 0 }));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const seen = new Set();
    const edges = [];
    for (const link of graph.links) {
      const source = byId.get(link.source);
      const target = byId.get(link.target);
      const key = link.source + ' ' + link.target;
      if (!source || !target || source === target || seen.has(key)) continue;
      seen.add(key);
      target.backlinks++;
      edges.push({ source, target });
    }
    return { nodes, edges };
  }

  function layout(nodes, edges) {
    const n = nodes.length;
    const spacing = 30;
    nodes.forEach((node, i) => { // a sunflower spiral: evenly spread, no two nodes on one spot
      const r = spacing * Math.sqrt(i + 0.5);
      const a = i * 2.39996;
      node.x = r * Math.cos(a);
      node.y = r * Math.sin(a);
    });
    const reach = spacing * 3;
    const iterations = n > 500 ? 120 : 250;
    let temperature = spacing * 2;
    for (let step = 0; step < iterations; step++) {
      nodes.forEach((node) => { node.dx = -node.x * 0.01; node.dy = -node.y * 0.01; }); // a little gravity
      const grid = new Map();
      const cell = (gx, gy) => (gx + 32768) * 65536 + (gy + 32768);
      for (const node of nodes) {
        const key = cell(Math.floor(node.x / reach), Math.floor(node.y / reach));
        const bucket = grid.get(key);
        if (bucket) bucket.push(node);
        else grid.set(key, [node]);
      }
      for (const node of nodes) {
        const cx = Math.floor(node.x / reach);
        const cy = Math.floor(node.y / reach);
        for (let gx = cx - 1; gx <= cx + 1; gx++) {
          for (let gy = cy - 1; gy <= cy + 1; gy++) {
            const bucket = grid.get(cell(gx, gy));
            if (!bucket) continue;
            for (const other of bucket) {
              if (other === node) continue;
              const ddx = node.x - other.x;
              const ddy = node.y - other.y;
              const d2 = Math.max(ddx * ddx + ddy * ddy, 1);
              if (d2 > reach * reach) continue;
              const push = (spacing * spacing) / d2;
              node.dx += ddx * push;
              node.dy += ddy * push;
            }
          }
        }
      }
      for (const { source, target } of edges) {
        const ddx = target.x - source.x;
        const ddy = target.y - source.y;
        const d = Math.max(Math.sqrt(ddx * ddx + ddy * ddy), 1);
        const pull = (d - spacing * 1.5) / d * 0.1;
        source.dx += ddx * pull; source.dy += ddy * pull;
        target.dx -= ddx * pull; target.dy -= ddy * pull;
      }
      for (const node of nodes) {
        const d = Math.sqrt(node.dx * node.dx + node.dy * node.dy) || 1;
        const move = Math.min(d, temperature);
        node.x += node.dx / d * move;
        node.y += node.dy / d * move;
      }
      temperature = Math.max(1, temperature * 0.97);
    }
  }

  /** Draws graph.json into {@code container}; {@code broken} holds the slugs with a broken link; {@code open(slug)} on click. */
  function render(container, graph, broken, open) {
    const { nodes, edges } = posts(graph);
    container.replaceChildren();
    if (nodes.length === 0) {
      container.append(el('p', { class: 'muted' }, 'No posts.'));
      return;
    }
    layout(nodes, edges);
    const labelled = nodes.length <= 80;
    const pad = 40;
    const xs = nodes.map((n) => n.x);
    const ys = nodes.map((n) => n.y);
    // at least 640 × 360 units, so a small graph is not blown up; room on the right for the labels
    const labelRoom = labelled ? 120 : 0;
    const width = Math.max(640, Math.max(...xs) - Math.min(...xs) + 2 * pad + labelRoom);
    const height = Math.max(360, Math.max(...ys) - Math.min(...ys) + 2 * pad);
    const minX = (Math.min(...xs) + Math.max(...xs) + labelRoom) / 2 - width / 2;
    const minY = (Math.min(...ys) + Math.max(...ys)) / 2 - height / 2;
    const root = svg('svg', { viewBox: [minX, minY, width, height].map((v) => v.toFixed(1)).join(' '), role: 'img',
      'aria-label': nodes.length + ' posts, ' + edges.length + ' links' });
    const lines = svg('g', { class: 'edges' });
    edges.forEach(({ source, target }) => lines.append(svg('line', { class: 'edge', x1: source.x, y1: source.y, x2: target.x, y2: target.y })));
    root.append(lines);
    for (const node of nodes) {
      const group = svg('g', { class: 'node' + (broken.has(node.slug) ? ' broken' : ''), 'data-slug': node.slug,
        transform: 'translate(' + node.x.toFixed(1) + ' ' + node.y.toFixed(1) + ')', tabindex: '0' });
      const title = svg('title', {});
      title.textContent = node.label + ' · ' + node.backlinks + ' backlinks' + (broken.has(node.slug) ? ' · has broken links' : '');
      group.append(title, svg('circle', { r: (4 + 2.5 * Math.sqrt(node.backlinks)).toFixed(1) }));
      if (labelled) {
        const label = svg('text', { x: 8, y: 4 });
        label.textContent = node.label;
        group.append(label);
      }
      group.addEventListener('click', () => open(node.slug));
      group.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(node.slug); });
      root.append(group);
    }
    container.append(zoomButtons(root, [minX, minY, width, height]), root);
  }

  /** +, − and reset buttons and dragging with the mouse: a thousand notes are read by zooming into them. */
  function zoomButtons(root, initial) {
    let box = initial.slice();
    const apply = () => root.setAttribute('viewBox', box.map((v) => v.toFixed(1)).join(' '));
    const zoom = (factor) => {
      const [x, y, w, h] = box;
      box = [x + w * (1 - factor) / 2, y + h * (1 - factor) / 2, w * factor, h * factor];
      apply();
    };
    let drag = null;
    root.addEventListener('pointerdown', (e) => { if (e.pointerType === 'mouse') drag = { x: e.clientX, y: e.clientY }; });
    root.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const scale = box[2] / root.getBoundingClientRect().width;
      box[0] -= (e.clientX - drag.x) * scale;
      box[1] -= (e.clientY - drag.y) * scale;
      drag = { x: e.clientX, y: e.clientY };
      apply();
    });
    ['pointerup', 'pointerleave'].forEach((type) => root.addEventListener(type, () => { drag = null; }));
    return el('div', { class: 'graph-zoom' },
      el('button', { type: 'button', class: 'secondary', title: 'zoom in', onclick: () => zoom(0.6) }, '+'),
      el('button', { type: 'button', class: 'secondary', title: 'zoom out', onclick: () => zoom(1 / 0.6) }, '−'),
      el('button', { type: 'button', class: 'secondary', title: 'show all', onclick: () => { box = initial.slice(); apply(); } }, 'all'));
  }

  return { render };
})();
