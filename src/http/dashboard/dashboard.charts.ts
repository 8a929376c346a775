// Browser script served at /dashboard/assets/charts.js: turns each report
// (as /api/v1 returns it) into an ECharts option. Tooltips render as rich
// text on the canvas, so no HTML (and no inline style) is ever injected.
export const CHARTS_SCRIPT = String.raw`(function () {
  'use strict';
  var COLORS = ['#4f46e5', '#16a34a', '#d97706', '#dc2626', '#0891b2', '#9333ea', '#64748b', '#db2777'];

  function base(extra) {
    var o = {
      color: COLORS,
      animation: false,
      tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' }
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }

  function empty(option, t) {
    option.title = { text: t('none'), left: 'center', top: 'middle', textStyle: { color: '#8a919c', fontSize: 13, fontWeight: 'normal' } };
    option.legend = { show: false };
    // A pie with nothing to show draws a grey ring; no series at all is clearer.
    if (!option.xAxis) option.series = [];
    return option;
  }

  function weekLabels(weeks) {
    return weeks.map(function (w) { return w.slice(5); });
  }

  var C = {};

  C.overdue = function (r, t, n) {
    var depts = r.departments.map(function (d) { return n.dept(d.departmentId); });
    var o = base({
      xAxis: { type: 'category', data: depts, axisLabel: { interval: 0, overflow: 'truncate', width: 90 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('overdueCount', { n: r.total }), data: r.departments.map(function (d) { return d.count; }), itemStyle: { color: '#dc2626' }, barMaxWidth: 48, label: { show: true, position: 'top' } }]
    });
    return r.total ? o : empty(o, t);
  };

  C.compliance = function (r, t, n) {
    var o = base({
      xAxis: { type: 'category', data: weekLabels(r.weeks) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: r.departments.map(function (d) {
        return { type: 'line', name: n.dept(d.departmentId) + (d.share === null ? '' : ' ' + d.share + '%'), data: d.series, connectNulls: true, symbolSize: 6 };
      })
    });
    return r.departments.length ? o : empty(o, t);
  };

  C.people = function (r, t, n) {
    var people = r.people.filter(function (p) { return p.share !== null; });
    var o = base({
      tooltip: { trigger: 'item', renderMode: 'richText', confine: true },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      legend: { show: false },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: people.map(function (p) { return n.person(p.personId); }), inverse: true },
      series: [{ type: 'bar', data: people.map(function (p) { return { value: p.share, itemStyle: { color: p.share >= 90 ? '#16a34a' : p.share >= 70 ? '#d97706' : '#dc2626' } }; }), barMaxWidth: 18, label: { show: true, position: 'right', formatter: '{c}%' } }]
    });
    return people.length ? o : empty(o, t);
  };

  C.timing = function (r, t, n) {
    var ids = [];
    r.firstResponse.departments.concat(r.resolution.departments).forEach(function (d) { if (ids.indexOf(d.departmentId) < 0) ids.push(d.departmentId); });
    function pick(list, id, key) { var d = list.filter(function (x) { return x.departmentId === id; })[0]; return d ? d[key] : null; }
    var o = base({
      xAxis: { type: 'category', data: ids.map(n.dept), axisLabel: { interval: 0, overflow: 'truncate', width: 90 } },
      yAxis: [{ type: 'value', name: t('firstResponse'), nameTextStyle: { align: 'left' } }, { type: 'value', name: t('resolution'), nameTextStyle: { align: 'right' } }],
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      series: [
        { type: 'bar', name: t('firstResponse') + ' · ' + t('median'), data: ids.map(function (id) { return pick(r.firstResponse.departments, id, 'median'); }) },
        { type: 'bar', name: t('firstResponse') + ' · ' + t('p90'), data: ids.map(function (id) { return pick(r.firstResponse.departments, id, 'p90'); }) },
        { type: 'bar', yAxisIndex: 1, name: t('resolution') + ' · ' + t('median'), data: ids.map(function (id) { return pick(r.resolution.departments, id, 'median'); }) },
        { type: 'bar', yAxisIndex: 1, name: t('resolution') + ' · ' + t('p90'), data: ids.map(function (id) { return pick(r.resolution.departments, id, 'p90'); }) }
      ]
    });
    return ids.length ? o : empty(o, t);
  };

  C.timingWeekly = function (r, t) {
    var o = base({
      xAxis: { type: 'category', data: weekLabels(r.weeks) },
      yAxis: [{ type: 'value', name: t('firstResponse'), nameTextStyle: { align: 'left' } }, { type: 'value', name: t('resolution'), nameTextStyle: { align: 'right' } }],
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      series: [
        { type: 'line', name: t('firstResponse') + ' · ' + t('median'), data: r.firstResponse.weekly, connectNulls: true },
        { type: 'line', yAxisIndex: 1, name: t('resolution') + ' · ' + t('median'), data: r.resolution.weekly, connectNulls: true }
      ]
    });
    return r.firstResponse.overall.count + r.resolution.overall.count ? o : empty(o, t);
  };

  C.handoff = function (r, t, n) {
    var labels = r.pairs.map(function (p) { return n.dept(p.from) + ' → ' + n.dept(p.to); });
    var o = base({
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'value', name: t('medianWait') },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [
        { type: 'bar', name: t('medianWait'), data: r.pairs.map(function (p) { return p.medianWait; }), barMaxWidth: 18 },
        { type: 'bar', name: t('maxWait'), data: r.pairs.map(function (p) { return p.maxWait; }), barMaxWidth: 18 }
      ]
    });
    return r.pairs.length ? o : empty(o, t);
  };

  C.escalation = function (r, t) {
    var o = base({
      xAxis: { type: 'category', data: weekLabels(r.weeks) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('perWeek') + ' (' + r.total + ')', data: r.weekly, itemStyle: { color: '#d97706' }, barMaxWidth: 32 }]
    });
    return r.total ? o : empty(o, t);
  };

  C.escalationLevel = function (r, t, n) {
    var data = Object.keys(r.byLevel).map(function (k) { return { name: n.code('level', k), value: r.byLevel[k] }; }).filter(function (d) { return d.value > 0; });
    data.push({ name: t('automatic'), value: r.automatic }, { name: t('manual'), value: r.manual });
    var o = base({
      tooltip: { trigger: 'item', renderMode: 'richText', confine: true },
      series: [
        { type: 'pie', name: 'level', radius: ['0%', '42%'], center: ['50%', '58%'], data: data.slice(0, data.length - 2), label: { position: 'inner', fontSize: 11 } },
        { type: 'pie', name: 'how', radius: ['55%', '72%'], center: ['50%', '58%'], data: data.slice(data.length - 2).filter(function (d) { return d.value > 0; }) }
      ]
    });
    return r.total ? o : empty(o, t);
  };

  C.csat = function (r, t) {
    var o = base({
      xAxis: { type: 'category', data: [1, 2, 3, 4, 5].map(function (s) { return t('score', { n: s }); }) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('responses', { n: r.responses }) + (r.average === null ? '' : ' · ' + t('average') + ' ' + r.average), data: r.distribution.map(function (v, i) { return { value: v, itemStyle: { color: ['#dc2626', '#f97316', '#eab308', '#84cc16', '#16a34a'][i] } }; }), barMaxWidth: 40 }]
    });
    return r.responses ? o : empty(o, t);
  };

  C.csatWeekly = function (r, t) {
    var o = base({
      xAxis: { type: 'category', data: weekLabels(r.weeks) },
      yAxis: { type: 'value', min: 1, max: 5 },
      series: [{ type: 'line', name: t('average'), data: r.weekly, connectNulls: true, itemStyle: { color: '#16a34a' } }]
    });
    return r.responses ? o : empty(o, t);
  };

  C.penalty = function (r, t, n) {
    var grades = ['minor', 'moderate', 'severe'];
    var statuses = ['active', 'appealed', 'upheld', 'reduced', 'revoked'];
    var o = base({
      xAxis: { type: 'category', data: grades.map(function (g) { return n.code('grade', g); }) },
      yAxis: { type: 'value', minInterval: 1 },
      series: statuses.map(function (s) { return { type: 'bar', stack: 'status', name: n.code('status', s), data: grades.map(function (g) { return r.byGrade[g][s] || 0; }), barMaxWidth: 48 }; })
    });
    return r.total ? o : empty(o, t);
  };

  C.appeal = function (r, t, n) {
    var a = r.appeals;
    var data = [{ name: t('open'), value: a.open }].concat(['uphold', 'reduce', 'revoke'].map(function (d) { return { name: n.code('decision', d), value: a.byDecision[d] }; })).filter(function (d) { return d.value > 0; });
    var o = base({ tooltip: { trigger: 'item', renderMode: 'richText', confine: true }, series: [{ type: 'pie', name: t('appeals'), radius: ['35%', '65%'], center: ['50%', '58%'], data: data }] });
    return a.total ? o : empty(o, t);
  };

  window.DubanCharts = C;
})();
`;
