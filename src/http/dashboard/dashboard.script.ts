// Browser script served at /dashboard/assets/dashboard.js: loads the reports
// from /api/v1 (the session cookie signs the requests), draws the charts and
// lists, and switches language without reloading. Text from the server is
// only ever set with textContent; element styles only through the CSSOM.
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var S = window.DubanStrings, C = window.DubanCharts;
  var state = { lang: 'en', me: null, people: {}, data: {}, charts: {} };
  var $ = function (id) { return document.getElementById(id); };

  function t(key, params) {
    var text = (S[state.lang] && S[state.lang][key]) || S.en[key] || key;
    return text.replace(/\{(\w+)\}/g, function (_, k) { return params && params[k] !== undefined ? String(params[k]) : ''; });
  }
  var names = {
    dept: function (id) {
      var d = (state.me.directory || []).filter(function (x) { return x.id === id; })[0];
      return d ? (state.lang === 'zh-CN' && d.nameZh ? d.nameZh : d.name) : id;
    },
    person: function (id) { return (state.people[id] && state.people[id].name) || id || t('unclaimed'); },
    code: function (kind, value) { var c = S.codes[state.lang][kind] || {}; return c[value] || value; }
  };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function table(head, rows) {
    var tb = el('table'), tr = el('tr');
    head.forEach(function (h) { tr.appendChild(el('th', h)); });
    var thead = el('thead'); thead.appendChild(tr); tb.appendChild(thead);
    var body = el('tbody');
    rows.forEach(function (r) { var row = el('tr'); r.forEach(function (c) { var td = el('td'); if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? '' : String(c); row.appendChild(td); }); body.appendChild(row); });
    tb.appendChild(body);
    return tb;
  }
  function when(iso) { return iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') : ''; }
  function day(d) { return d.toISOString().slice(0, 10); }

  function status(text, isError) { var s = $('status'); s.textContent = text; s.className = isError ? 'error' : ''; }

  function api(path) {
    return fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (res) {
      if (res.status === 401) { location.href = '/dashboard'; throw new Error('signed out'); }
      return res.json().then(function (body) { if (!res.ok) throw new Error(body.error || res.status); return body; });
    });
  }

  function query() {
    var q = 'from=' + encodeURIComponent($('from').value) + '&to=' + encodeURIComponent($('to').value);
    if ($('department').value) q += '&department=' + encodeURIComponent($('department').value);
    return q;
  }

  function chart(id, option) {
    var box = $('chart-' + id);
    if (!box) return;
    var c = state.charts[id] || (state.charts[id] = echarts.init(box, null, { renderer: 'canvas' }));
    c.setOption(option, true);
    box.setAttribute('aria-label', t(box.getAttribute('data-label')));
  }

  function ticketButton(id) {
    var b = el('button', id, 'tid');
    b.type = 'button';
    b.addEventListener('click', function () { openTicket(id); });
    return b;
  }

  function renderOverdue(r) {
    chart('overdue', C.overdue(r, t, names));
    var box = clear($('overdue-list'));
    if (!r.total) { box.appendChild(el('p', t('none'), 'muted')); return; }
    r.departments.forEach(function (d) {
      box.appendChild(el('div', names.dept(d.departmentId) + ' · ' + t('overdueCount', { n: d.count }), 'group'));
      d.owners.forEach(function (o) {
        box.appendChild(el('div', names.person(o.ownerId), 'owner'));
        box.appendChild(table([t('ticket'), '', t('clock')], o.tickets.map(function (tk) {
          var title = el('span', tk.title);
          if (tk.confidential) title.appendChild(el('span', t('confidential'), 'tag'));
          var clocks = el('div');
          tk.clocks.forEach(function (c) {
            var line = el('div', null, 'clockline');
            line.appendChild(el('span', names.code('clock', c.name)));
            var bar = el('div', null, 'bar' + (c.ratio < 1.5 ? ' warn' : ''));
            var fill = el('span');
            fill.style.width = Math.min(100, Math.round((c.ratio / 3) * 100)) + '%';
            bar.appendChild(fill);
            line.appendChild(bar);
            line.appendChild(el('span', Math.round(c.ratio * 100) + '%'));
            clocks.appendChild(line);
          });
          return [ticketButton(tk.id), title, clocks];
        })));
      });
    });
  }

  function renderHandoffs(r) {
    chart('handoff', C.handoff(r, t, names));
    var box = clear($('handoff-list'));
    if (!r.pairs.length) return;
    box.appendChild(table([t('department'), '#', t('medianWait'), t('maxWait'), t('accepted'), t('declined'), t('waiting')], r.pairs.map(function (p) {
      return [names.dept(p.from) + ' → ' + names.dept(p.to), p.count, p.medianWait, p.maxWait, p.accepted, p.declined, p.waiting];
    })));
  }

  function renderCases(r) {
    var box = clear($('cases-list'));
    if (!r.cases.length) { box.appendChild(el('p', t('none'), 'muted')); return; }
    box.appendChild(table([t('ticket'), '', t('department'), t('clock'), t('grade'), '', t('status')], r.cases.map(function (c) {
      return [ticketButton(c.ticketId), c.title, names.dept(c.departmentId), names.code('clock', c.clock), names.code('grade', c.grade), t('over', { n: Math.round(c.overrun * 100) }), names.code('status', c.status)];
    })));
  }

  function pct(v) { return v === undefined || v === null ? '—' : Math.round(v * 1000) / 10 + '%'; }
  function renderScorecards(r) {
    var box = clear($('scorecards-list'));
    if (!r.cards.length) { box.appendChild(el('p', t('none'), 'muted')); return; }
    var cards = r.cards.slice().sort(function (a, b) { return b.score - a.score; });
    box.appendChild(table([t('people'), t('tickets'), t('score100'), t('quality'), t('efficiency'), t('satisfaction'), t('points'), ''], cards.map(function (c) {
      return [names.person(c.personId), c.tickets, c.score, pct(c.quality), pct(c.efficiency), pct(c.satisfaction), c.points, r.stars.indexOf(c.personId) >= 0 ? '★ ' + t('star') : ''];
    })));
  }

  function renderAccess(r) {
    var box = clear($('access-list'));
    box.appendChild(table([t('when'), t('who'), t('what'), t('why')], r.entries.slice(0, 50).map(function (e) {
      return [when(e.at), names.person(e.actor) === e.actor ? e.actor : names.person(e.actor), e.action + ' ' + e.subject, (e.reason ? e.reason + ' · ' : '') + e.route];
    })));
  }

  function renderExports() {
    var list = clear($('exports'));
    ['tickets', 'timelines', 'penalties', 'scorecards'].forEach(function (kind) {
      var li = el('li'), a = el('a', kind + '.csv');
      a.href = '/api/v1/exports/' + kind + '?' + query() + '&reason=dashboard';
      a.setAttribute('download', '');
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  var RENDER = {
    overdue: renderOverdue,
    compliance: function (r) { chart('compliance', C.compliance(r, t, names)); chart('people', C.people(r, t, names)); },
    timing: function (r) { chart('timing', C.timing(r, t, names)); chart('timing-weekly', C.timingWeekly(r, t, names)); },
    handoffs: renderHandoffs,
    escalations: function (r) { chart('escalation', C.escalation(r, t, names)); chart('escalation-level', C.escalationLevel(r, t, names)); },
    csat: function (r) { chart('csat', C.csat(r, t, names)); chart('csat-weekly', C.csatWeekly(r, t, names)); },
    penalties: function (r) { chart('penalty', C.penalty(r, t, names)); chart('appeal', C.appeal(r, t, names)); },
    cases: renderCases,
    scorecards: renderScorecards,
    access: renderAccess
  };

  function renderAll() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (n) { n.textContent = t(n.getAttribute('data-t')); });
    $('lang').textContent = t('language');
    $('me').textContent = t('signedInAs', { name: state.me.name });
    var sel = $('department'), chosen = sel.value;
    clear(sel).appendChild(el('option', t('allDepartments')));
    sel.firstChild.value = '';
    state.me.departments.forEach(function (d) { var o = el('option', names.dept(d.id)); o.value = d.id; sel.appendChild(o); });
    sel.value = chosen;
    Object.keys(state.data).forEach(function (k) { if (state.data[k]) RENDER[k](state.data[k]); });
    renderExports();
  }

  function load() {
    status(t('loading'));
    var q = query(), month = $('month').value;
    var calls = {
      overdue: '/api/v1/reports/overdue' + ($('department').value ? '?department=' + encodeURIComponent($('department').value) : ''),
      compliance: '/api/v1/reports/compliance?' + q,
      timing: '/api/v1/reports/timing?' + q,
      handoffs: '/api/v1/reports/handoffs?' + q,
      escalations: '/api/v1/reports/escalations?' + q,
      csat: '/api/v1/reports/csat?' + q,
      penalties: '/api/v1/reports/penalties?' + q,
      cases: '/api/v1/reports/typical-cases?month=' + encodeURIComponent(month),
      scorecards: '/api/v1/scorecards?month=' + encodeURIComponent(month)
    };
    if (state.me.admin) calls.access = '/api/v1/access-log?limit=50';
    var keys = Object.keys(calls), failed = null;
    return Promise.all(keys.map(function (k) {
      return api(calls[k]).then(function (body) { state.data[k] = body; }, function (err) { failed = failed || err; });
    })).then(function () {
      renderAll();
      if (failed) status(t('failed', { error: failed.message }), true); else status('');
      document.body.setAttribute('data-ready', '1');
    });
  }

  function openTicket(id) {
    api('/api/v1/tickets/' + encodeURIComponent(id) + '?reason=dashboard').then(function (body) {
      var tk = body.ticket;
      $('detail-title').textContent = tk.id + ' · ' + tk.title;
      var list = clear($('detail-timeline'));
      tk.timeline.forEach(function (e) {
        var details = Object.keys(e.details || {}).map(function (k) { return k + ': ' + e.details[k]; }).join(' · ');
        list.appendChild(el('li', when(e.at) + ' · ' + names.person(e.actorId) + ' · ' + e.kind + (e.to ? ' → ' + names.code('state', e.to) : '') + (details ? ' · ' + details : '')));
      });
      $('detail').showModal();
    }, function (err) { status(t('failed', { error: err.message }), true); });
  }

  var resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { Object.keys(state.charts).forEach(function (k) { state.charts[k].resize(); }); }, 120);
  });

  document.addEventListener('DOMContentLoaded', function () {
    var today = new Date();
    $('to').value = day(today);
    $('from').value = day(new Date(today.getTime() - 83 * 86400000));
    $('month').value = day(today).slice(0, 7);
    $('filters').addEventListener('submit', function (e) { e.preventDefault(); load(); });
    $('month').addEventListener('change', load);
    $('detail-close').addEventListener('click', function () { $('detail').close(); });
    $('lang').addEventListener('click', function () {
      state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
      try { localStorage.setItem('duban.lang', state.lang); } catch (e) { /* private mode */ }
      renderAll();
    });
    Promise.all([api('/api/v1/me'), api('/api/v1/people')]).then(function (r) {
      state.me = r[0];
      r[1].people.forEach(function (p) { state.people[p.id] = p; });
      var saved = null;
      try { saved = localStorage.getItem('duban.lang'); } catch (e) { /* private mode */ }
      state.lang = saved === 'en' || saved === 'zh-CN' ? saved : state.me.locale === 'zh-CN' ? 'zh-CN' : 'en';
      if (!state.me.admin) $('sec-access').hidden = true;
      renderAll();
      return load();
    }).catch(function (err) { status(t('failed', { error: err.message }), true); });
  });
})();
`;
