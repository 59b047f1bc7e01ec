// The job's steps as a horizontal chart, one block per attempt, the phases of a step (scan, media, render,
// write; embed, related…) indented under it. While an attempt runs, its rows come from the progress events
// (a step lasts until the next one starts) and the running one grows; once the job has its result, the
// steps take the result's own timings.
'use strict';

const JobSteps = (() => {
  const PIPELINE_STEPS = ['acquire', 'template', 'build-assets', 'compute-embeddings', 'enrich-data', 'publish', 'deploy'];

  /**
   * The steps of one attempt as its progress events tell them: [{name, at, phases: [{name, at}]}], each at its
   * first event. A step of the pipeline starts a step; any other step name is a phase of the step it is in.
   */
  function fromEvents(events, pipeline) {
    const steps = [];
    for (const event of events) {
      const name = event.type === 'progress' && event.data && event.data.step;
      if (!name || name === 'done') continue;
      const at = Date.parse(event.at);
      if (pipeline.includes(name)) {
        if (!steps.some((s) => s.name === name)) steps.push({ name, at, phases: [] });
      } else if (steps.length > 0) {
        const current = steps[steps.length - 1];
        if (!current.phases.some((p) => p.name === name)) current.phases.push({ name, at });
      }
    }
    return steps;
  }

  /**
   * Chart rows [{name, parent?, start, ms, final}], start in ms from the attempt's first step. Steps take the
   * result's durationMs when there is one, phases the step's own durationsMs (build-assets); the rest is
   * measured between events (a step or phase lasts until the next one starts, the last until {@code end}).
   */
  function rows(seen, resultSteps, end) {
    const out = [];
    const origin = seen.length > 0 ? seen[0].at : 0;
    let offset = 0;
    const names = resultSteps ? Object.keys(resultSteps) : seen.map((s) => s.name);
    // progress may arrive out of order: a phase the worker timed belongs to its own step, whatever the events say
    const timed = new Set(Object.values(resultSteps || {}).flatMap((summary) => Object.keys(summary.durationsMs || {})));
    names.forEach((name, i) => {
      const step = seen.find((s) => s.name === name) || { name, at: null, phases: [] };
      const next = seen[seen.indexOf(step) + 1];
      const summary = resultSteps && resultSteps[name];
      const stepEnd = next ? next.at : end;
      const start = summary ? offset : step.at - origin;
      const ms = summary ? Number(summary.durationMs) || 0 : Math.max(0, stepEnd - step.at);
      out.push({ name, start, ms, final: !!summary });
      if (summary && summary.durationsMs) {
        let inner = start;
        for (const [phase, phaseMs] of Object.entries(summary.durationsMs)) {
          out.push({ name: phase, parent: name, start: inner, ms: Number(phaseMs) || 0, final: true });
          inner += Number(phaseMs) || 0;
        }
      } else if (step.at !== null) {
        step.phases.filter((phase) => !timed.has(phase.name)).forEach((phase, j, phases) => {
          const phaseEnd = j + 1 < phases.length ? phases[j + 1].at : stepEnd;
          const phaseStart = start + (phase.at - step.at);
          out.push({ name: phase.name, parent: name, start: Math.min(phaseStart, start + ms), ms: Math.max(0, Math.min(phaseEnd - phase.at, start + ms - phaseStart)),
            final: !!summary, approximate: true });
        });
      }
      offset = start + ms;
    });
    return out;
  }

  function attempts(job, events) {
    const byAttempt = new Map();
    events.forEach((e) => {
      if (!byAttempt.has(e.attempt)) byAttempt.set(e.attempt, []);
      byAttempt.get(e.attempt).push(e);
    });
    const running = !job || !FINAL.includes(job.status);
    const current = job ? job.attempt : Math.max(...byAttempt.keys());
    return [...byAttempt.entries()].sort((a, b) => a[0] - b[0]).map(([attempt, list]) => {
      const latest = attempt === current;
      const result = latest && job && job.result && job.result.steps ? job.result : null;
      const pipeline = result && Array.isArray(result.pipeline) ? result.pipeline : PIPELINE_STEPS;
      const end = latest && running ? Date.now() : Date.parse(list[list.length - 1].at);
      const state = !latest ? 'failed' : running ? 'running' : job.status;
      return { attempt, state, rows: rows(fromEvents(list, pipeline), result && result.steps, end) };
    });
  }

  function row(attempt, r, total) {
    const left = total > 0 ? (100 * r.start / total) : 0;
    const width = total > 0 ? Math.max(0.5, 100 * r.ms / total) : 100;
    const bar = el('div', { class: 'step-bar', title: r.name + ': ' + (r.approximate ? '≈ ' : '') + duration(r.ms) });
    bar.style.marginLeft = Math.min(left, 99.5).toFixed(2) + '%';
    bar.style.width = Math.min(width, 100 - Math.min(left, 99.5)).toFixed(2) + '%';
    return el('div', { class: 'step-row' + (r.parent ? ' phase' : ''), 'data-step': r.name, 'data-attempt': String(attempt.attempt),
      'data-final': r.final ? 'true' : 'false' },
      el('span', { class: 'step-name', title: r.parent ? r.parent + ' → ' + r.name : r.name }, r.name),
      el('div', { class: 'step-track' }, bar),
      el('span', { class: 'step-duration', title: r.approximate ? 'measured between progress events' : 'measured by the worker' },
        (r.approximate ? '≈ ' : '') + duration(r.ms)));
  }

  function render(container, job, events) {
    const blocks = attempts(job, events);
    container.replaceChildren(...blocks.map((attempt) => {
      const total = Math.max(0, ...attempt.rows.map((r) => r.start + r.ms));
      return el('div', { class: 'step-attempt ' + attempt.state, 'data-attempt': String(attempt.attempt) },
        el('div', { class: 'step-head' }, 'attempt ' + attempt.attempt + ' · ' + attempt.state
          + (attempt.rows.length > 0 ? ' · ' + duration(total) : attempt.state === 'running' ? ' · waiting for its first step' : ' · no step started')),
        ...attempt.rows.map((r) => row(attempt, r, total)));
    }));
    if (blocks.length === 0) container.append(el('p', { class: 'muted' }, 'No steps yet.'));
  }

  return { render };
})();
