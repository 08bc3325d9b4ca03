// Arbor observer: renders the frames that /events pushes (see SnapshotJson for their shape).
// Everything from the server is shown with textContent or DOM properties, never parsed as markup:
// names and failure messages are user data. Elements are kept by path and updated in place, so
// that a tooltip, a selection or a scroll position survive the next frame.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const SPARK_W = 132;
  const SPARK_H = 30;
  const $ = (id) => document.getElementById(id);

  /** key (JSON of a path) -> element, for supervisors' cards and children's rows. */
  const cards = new Map();
  const rows = new Map();
  let lastFrameAt = 0;
  let intervalMillis = 500;

  // ------------------------------------------------------------------ small DOM helpers

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setText(e, text) {
    const t = String(text);
    if (e.textContent !== t) e.textContent = t;
  }

  /** Replaces the classes that start with prefix by prefix + value. */
  function setModifier(e, prefix, value) {
    for (const c of [...e.classList]) if (c.startsWith(prefix)) e.classList.remove(c);
    e.classList.add(prefix + value);
  }

  /** Puts child at position index of parent, moving it only if it is elsewhere. */
  function place(parent, child, index) {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] || null);
  }

  function simpleName(type) {
    const dot = type.lastIndexOf('.');
    return dot < 0 ? type : type.slice(dot + 1);
  }

  function number(n) {
    return Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 });
  }

  function seconds(ms) {
    return ms >= 10000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
  }

  function duration(ms) {
    return ms < 1000 ? `${ms} ms` : seconds(ms);
  }

  // ------------------------------------------------------------------ a supervisor's card

  function newCard(key) {
    const card = el('section', 'sup');
    card.dataset.path = key;
    const head = el('div', 'sup-head');
    const title = el('div', 'sup-title');
    const name = el('span', 'sup-name');
    const state = el('span', 'badge');
    const status = el('span', 'pill');
    title.append(name, state, status);

    const gauge = el('div', 'gauge');
    const track = el('div', 'gauge-track');
    const fill = el('div', 'gauge-fill');
    track.append(fill);
    const gaugeText = el('span', 'gauge-text');
    gauge.append(track, gaugeText);

    const backoff = el('span', 'backoff');
    const spark = el('div', 'spark');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', SPARK_W);
    svg.setAttribute('height', SPARK_H);
    svg.setAttribute('viewBox', `0 0 ${SPARK_W} ${SPARK_H}`);
    svg.setAttribute('aria-hidden', 'true');
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('class', 'spark-base');
    base.setAttribute('x1', '2');
    base.setAttribute('x2', String(SPARK_W - 2));
    base.setAttribute('y1', String(SPARK_H - 3));
    base.setAttribute('y2', String(SPARK_H - 3));
    const area = document.createElementNS(SVG, 'path');
    area.setAttribute('class', 'spark-area');
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('class', 'spark-line');
    const dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('class', 'spark-dot');
    dot.setAttribute('r', '2.5');
    svg.append(base, area, line, dot);
    const sparkLabel = el('span', 'spark-label', 'restarts');
    const sparkText = el('div', 'spark-text');
    const rate = el('span', 'spark-rate');
    const peak = el('span', 'spark-peak');
    sparkText.append(rate, peak);
    spark.append(sparkLabel, svg, sparkText);

    head.append(title, gauge, backoff, spark);

    const totals = el('div', 'sup-totals');
    const cause = el('div', 'cause');

    const table = el('table', 'children');
    const thead = el('thead');
    const hr = el('tr');
    for (const [label, cls] of [['child', ''], ['state', ''], ['restart', ''], ['restarts', 'num'],
                                ['last failure', '']]) {
      hr.append(el('th', cls, label));
    }
    thead.append(hr);
    const tbody = el('tbody');
    table.append(thead, tbody);
    const subs = el('div', 'subs');
    card.append(head, cause, totals, table, subs);
    card.parts = { name, state, status, fill, gaugeText, backoff, svg, area, line, dot, rate, peak, totals, cause,
                   table, tbody, subs };
    return card;
  }

  function updateCard(card, s, historySize) {
    const p = card.parts;
    setText(p.name, s.name);
    setText(p.state, s.state);
    setModifier(p.state, 'state-', s.state);
    setText(p.status, s.status);
    setModifier(p.status, 'status-', s.status);
    setModifier(card, 'status-', s.status);

    const threshold = s.failureThreshold;
    const share = threshold > 0 ? Math.min(1, s.failures / threshold) : (s.failures > 0 ? 1 : 0);
    p.fill.style.width = `${(share * 100).toFixed(1)}%`;
    setModifier(p.fill, 'level-', share >= 1 ? 'high' : share > 0.5 ? 'mid' : 'low');
    setText(p.gaugeText, `${number(s.failures)} / ${number(threshold)} failures`);
    p.gaugeText.parentElement.title = 'decayed failure count against the failure threshold';

    p.backoff.hidden = s.backoffRemainingMillis === null;
    if (s.backoffRemainingMillis !== null) setText(p.backoff, `backoff ${seconds(s.backoffRemainingMillis)}`);

    drawSpark(p, s.startsHistory, historySize);

    const t = s.totals;
    setText(p.totals, `${t.starts} starts · ${t.failures} failures · ${t.completions} completed · ${t.stops} stopped`
        + ` · ${t.stopTimeouts} stop timeouts · ${t.backoffs} backoffs`);
    const causes = Object.entries(t.failuresByCause).sort((a, b) => b[1] - a[1])
        .map(([type, n]) => `${type === 'returned' ? 'returned' : simpleName(type)} ×${n}`);
    p.totals.title = causes.length ? `failures by cause: ${causes.join(', ')}` : 'no failures';

    p.cause.hidden = s.terminationCause === null;
    if (s.terminationCause !== null) {
      setText(p.cause, `terminated: ${simpleName(s.terminationCause.type)}`
          + (s.terminationCause.message === null ? '' : `: ${s.terminationCause.message}`));
    }
    p.table.hidden = s.children.length === 0;
  }

  function drawSpark(p, history, historySize) {
    const slots = Math.max(2, historySize);
    const step = (SPARK_W - 4) / (slots - 1);
    const max = Math.max(1, ...history);
    const x0 = SPARK_W - 2 - (history.length - 1) * step;
    const pts = history.map((v, i) => [x0 + i * step, SPARK_H - 3 - (v / max) * (SPARK_H - 6)]);
    const fmt = ([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`;
    p.line.setAttribute('points', pts.map(fmt).join(' '));
    if (pts.length > 0) {
      const last = pts[pts.length - 1];
      p.area.setAttribute('d', `M${fmt([pts[0][0], SPARK_H - 1])} L${pts.map(fmt).join(' L')} `
          + `L${fmt([last[0], SPARK_H - 1])} Z`);
      p.dot.setAttribute('cx', last[0].toFixed(1));
      p.dot.setAttribute('cy', last[1].toFixed(1));
      p.dot.style.display = '';
    } else {
      p.area.setAttribute('d', '');
      p.dot.style.display = 'none';
    }
    const now = history.length ? history[history.length - 1] : 0;
    const peak = history.length ? Math.max(...history) : 0;
    const perSecond = (n) => `${number(n / (intervalMillis / 1000))}/s`;
    setText(p.rate, perSecond(now));
    setText(p.peak, `peak ${perSecond(peak)}`);
    p.svg.parentElement.title = `services started per ${duration(intervalMillis)}, `
        + `last ${seconds(historySize * intervalMillis)}: ${history.join(' ')}`;
    setModifier(p.svg.parentElement, 'spark-', now > 0 ? 'hot' : 'calm');
  }

  // ------------------------------------------------------------------ a child's row

  function newRow(key) {
    const tr = el('tr', 'child');
    tr.dataset.path = key;
    const nameCell = el('td', 'name');
    const dot = el('span', 'dot');
    const name = el('span', 'child-name');
    nameCell.append(dot, name);
    const state = el('td', 'state');
    const restart = el('td', 'restart');
    const restarts = el('td', 'restarts num');
    const failure = el('td', 'failure');
    const ftype = el('span', 'failure-type');
    const fmsg = el('span', 'failure-message');
    failure.append(ftype, fmsg);
    tr.append(nameCell, state, restart, restarts, failure);
    tr.parts = { dot, name, state, restart, restarts, failure, ftype, fmsg, lastRestarts: null };
    return tr;
  }

  function updateRow(tr, c) {
    const p = tr.parts;
    setText(p.name, c.name);
    setModifier(p.dot, 'state-', c.state);
    setText(p.state, c.state);
    setModifier(p.state, 'state-', c.state);
    setText(p.restart, c.restart.toLowerCase());
    setText(p.restarts, c.restarts);
    if (p.lastRestarts !== null && c.restarts > p.lastRestarts) {
      p.restarts.classList.remove('bumped');
      void p.restarts.offsetWidth;   // restart the animation
      p.restarts.classList.add('bumped');
    }
    p.lastRestarts = c.restarts;
    const f = c.lastFailure;
    if (f === null) {
      setText(p.ftype, '');
      setText(p.fmsg, '—');
      p.failure.title = '';
      p.failure.classList.add('none');
    } else {
      setText(p.ftype, simpleName(f.type));
      setText(p.fmsg, f.message === null ? '' : f.message);
      p.failure.title = `${f.type}${f.message === null ? '' : `: ${f.message}`}${f.at === null ? '' : `\n  at ${f.at}`}`;
      p.failure.classList.remove('none');
    }
    tr.classList.toggle('is-supervisor', c.supervisor !== null);
  }

  // ------------------------------------------------------------------ the tree

  function renderSupervisor(s, parent, index, historySize, seen) {
    const key = JSON.stringify(s.path);
    seen.add(key);
    let card = cards.get(key);
    if (!card) {
      card = newCard(key);
      cards.set(key, card);
    }
    place(parent, card, index);
    updateCard(card, s, historySize);
    let subIndex = 0;
    s.children.forEach((c, i) => {
      const rowKey = JSON.stringify(c.path);
      seen.add(`row:${rowKey}`);
      let tr = rows.get(rowKey);
      if (!tr) {
        tr = newRow(rowKey);
        rows.set(rowKey, tr);
      }
      place(card.parts.tbody, tr, i);
      updateRow(tr, c);
      if (c.supervisor !== null) {
        renderSupervisor({ ...c.supervisor, path: c.path }, card.parts.subs, subIndex++, historySize, seen);
      }
    });
  }

  function prune(seen) {
    for (const [key, card] of cards) if (!seen.has(key)) { card.remove(); cards.delete(key); }
    for (const [key, tr] of rows) if (!seen.has(`row:${key}`)) { tr.remove(); rows.delete(key); }
  }

  function summarize(root) {
    const sum = { supervisors: 0, services: 0, running: 0, restarts: 0, failures: 0, backoffs: 0, stopTimeouts: 0 };
    (function walk(s) {
      sum.supervisors++;
      sum.failures += s.totals.failures;
      sum.backoffs += s.totals.backoffs;
      sum.stopTimeouts += s.totals.stopTimeouts;
      for (const c of s.children) {
        sum.restarts += c.restarts;
        if (c.supervisor !== null) {
          walk(c.supervisor);
        } else {
          sum.services++;
          if (c.state === 'RUNNING') sum.running++;
        }
      }
    })(root);
    return sum;
  }

  function renderSummary(root) {
    const sum = summarize(root);
    const tiles = [
      ['services running', `${sum.running} / ${sum.services}`, sum.running < sum.services ? 'warn' : ''],
      ['supervisors', sum.supervisors, ''],
      ['restarts', sum.restarts, sum.restarts > 0 ? 'note' : ''],
      ['failures', sum.failures, sum.failures > 0 ? 'note' : ''],
      ['backoffs', sum.backoffs, sum.backoffs > 0 ? 'warn' : ''],
      ['stop timeouts', sum.stopTimeouts, sum.stopTimeouts > 0 ? 'bad' : ''],
    ];
    const box = $('summary');
    tiles.forEach(([label, value, tone], i) => {
      let tile = box.children[i];
      if (!tile) {
        tile = el('div', 'tile');
        tile.append(el('div', 'tile-value'), el('div', 'tile-label'));
        box.append(tile);
      }
      tile.dataset.stat = label;
      setText(tile.children[0], value);
      setText(tile.children[1], label);
      tile.className = `tile${tone ? ` tone-${tone}` : ''}`;
    });
  }

  function render(frame) {
    intervalMillis = frame.intervalMillis;
    lastFrameAt = Date.now();
    const root = frame.root;
    setText($('root-name'), root.name);
    const overall = $('overall');
    overall.hidden = false;
    setText(overall, root.status);
    setModifier(overall, 'status-', root.status);
    document.title = `${root.status} · ${root.name} · Arbor observer`;
    setText($('updated'), `updated ${new Date(frame.observedAtMillis).toLocaleTimeString('en-GB')}`);
    setText($('interval'), duration(frame.intervalMillis));
    setText($('window'), seconds(frame.historySize * frame.intervalMillis));
    $('empty').hidden = true;
    renderSummary(root);
    const seen = new Set();
    renderSupervisor(root, $('tree'), 0, frame.historySize, seen);
    prune(seen);
    document.body.dataset.seq = frame.seq;
  }

  // ------------------------------------------------------------------ the stream

  function setLink(state, text) {
    const link = $('link');
    link.className = `link ${state}`;
    setText($('link-text'), text);
  }

  function connect() {
    const source = new EventSource('events');
    source.onopen = () => setLink('live', 'live');
    source.addEventListener('snapshot', (e) => {
      setLink('live', 'live');
      render(JSON.parse(e.data));
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (e.g. too many open views) or the observer stopped: the browser will not retry.
        setLink('down', 'disconnected, retrying');
        setTimeout(connect, 3000);
      } else {
        setLink('connecting', 'reconnecting');
      }
    };
  }

  setInterval(() => {
    if (lastFrameAt && Date.now() - lastFrameAt > Math.max(3000, 4 * intervalMillis)
        && $('link').classList.contains('live')) {
      setLink('stale', 'no news');
    }
  }, 1000);

  connect();
})();
