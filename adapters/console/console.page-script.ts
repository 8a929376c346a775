// The local web console's browser script, inlined by console.page.ts. Plain
// modern JavaScript (no build step). Everything the server sends is user
// controlled, so the DOM is built with createElement/textContent only: never
// innerHTML with data, never eval. (Kept free of backticks and dollar-brace so
// it can live in this String.raw literal.)
import { CONSOLE_SCRIPT_CARDS } from './console.page-cards.js';

const SCRIPT_HEAD = String.raw`
(() => {
'use strict';
const $ = (id) => document.getElementById(id);
const TOKEN = new URLSearchParams(location.search).get('token') || '';
const POLL_MS = 3000;
const S = JSON.parse($('strings').textContent);
const T = S.text, ROLES = S.roles, LANGS = S.langs, CHIPS = S.chips, SHOW = S.show;
const TONES = ['neutral', 'good', 'warning', 'danger', 'info'];
const toneOf = (card) => (card && TONES.includes(card.tone) ? card.tone : 'neutral');

let locale = /^zh/i.test(navigator.language || '') ? 'zh-CN' : 'en';
let people = [];
let me = null;
let view = 'chat';
const convs = new Map();
let inbox = { owner: null, items: new Map(), seen: new Set(), first: true };
let pollTimer = 0;
let pollGen = 0;
let seq = 0;

const t = (key, params) => String((T[locale] || T.en)[key] ?? T.en[key] ?? key)
  .replace(/\{(\w+)\}/g, (m, k) => (params && k in params ? String(params[k]) : m));
function h(tag, cls, text, props) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return props ? Object.assign(e, props) : e;
}
const store = {
  get(k) { try { return localStorage.getItem('duban.console.' + k); } catch (e) { return null; } },
  set(k, v) { try { localStorage.setItem('duban.console.' + k, v); } catch (e) { /* private mode */ } },
};
function uuid() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return [x.slice(0, 8), x.slice(8, 12), x.slice(12, 16), x.slice(16, 20), x.slice(20)].join('-');
}
const mobile = () => window.matchMedia('(max-width: 799px)').matches;
const roleName = (r) => (ROLES[locale] && ROLES[locale][r]) || r;
const roleList = (p) => (p.roles || []).map(roleName).join(locale === 'zh-CN' ? '、' : ', ');
function deptName(id) {
  const same = people.find((p) => p.department === id && p.locale === locale && p.departmentName);
  const any = people.find((p) => p.department === id && p.departmentName);
  return (same || any || { departmentName: id }).departmentName;
}
function initials(name) {
  const n = String(name || '?').trim();
  if (/[\u3400-\u9fff]/.test(n)) return n.length <= 2 ? n : n.slice(-2);
  return n.split(/\s+/).slice(0, 2).map((w) => w.charAt(0).toUpperCase()).join('') || '?';
}
function avatar(p, cls) {
  const a = h('span', 'av' + (cls ? ' ' + cls : ''), initials(p.name));
  let hash = 0;
  for (const ch of String(p.id)) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  a.style.background = 'hsl(' + hash + ' 55% 45%)';
  a.setAttribute('aria-hidden', 'true');
  return a;
}
const fmtTime = (d) => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
function ago(d) {
  const s = (Date.now() - d.getTime()) / 1000;
  if (s < 45) return t('now');
  if (s < 3600) return t('min', { n: Math.max(1, Math.round(s / 60)) });
  if (s < 86400) return t('hr', { n: Math.round(s / 3600) });
  return d.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
}
function timeEl(d, rel) {
  const e = h('time', null, rel ? ago(d) : fmtTime(d));
  e.dateTime = d.toISOString();
  e.title = d.toLocaleString(locale);
  return e;
}

// Text with backtick code spans; ticket ids become links that show the ticket.
function rich(parent, text, links) {
  const parts = String(text ?? '').split('\u0060');
  if (parts.length % 2 === 0) { const tail = parts.pop(); parts[parts.length - 1] += '\u0060' + tail; }
  parts.forEach((part, i) => {
    if (!part) return;
    if (i % 2) { parent.appendChild(h('code', null, part)); return; }
    if (!links) { parent.append(part); return; }
    const re = /\bT-\d+\b/g;
    let last = 0, m;
    while ((m = re.exec(part))) {
      parent.append(part.slice(last, m.index), ticketLink(m[0]));
      last = m.index + m[0].length;
    }
    parent.append(part.slice(last));
  });
  return parent;
}
function ticketLink(id) {
  const cmd = (SHOW[locale] || SHOW.en) + id;
  return h('button', 'tlink', id, { type: 'button', title: cmd, onclick: () => { if (mobile()) setView('chat'); sendText(cmd); } });
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body) headers['content-type'] = 'application/json';
  if (TOKEN) headers.authorization = 'Bearer ' + TOKEN;
  const res = await fetch(path, { method, headers, cache: 'no-store', body: body ? JSON.stringify(body) : undefined });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (res.status === 401) banner((data && data.error) || 'Unauthorized: open /console?token=<ADMIN_TOKEN>');
  return { ok: res.ok, status: res.status, data };
}
function banner(text) { const b = $('banner'); b.textContent = text || ''; b.hidden = !text; }
function setConn(up) {
  $('conn').classList.toggle('down', !up);
  $('connText').textContent = up ? t('live') : t('reconnecting');
}

// ---- Conversation (one per person, kept in memory while switching) ----
function conv(p) {
  let c = convs.get(p.id);
  if (!c) {
    c = { person: p, el: h('div', 'log-inner'), hist: [], hi: -1, draft: '' };
    const w = h('div', 'welcome');
    const what = [roleList(p), p.departmentName].filter(Boolean).join(' · ');
    w.append(h('span', 'av bot', '督'), h('h2', null, t('welcome', { name: p.name })),
      rich(h('p'), t('welcome1', { name: p.name, what })), h('p', null, t('welcome2')));
    w.firstChild.setAttribute('aria-hidden', 'true');
    c.el.append(w);
    convs.set(p.id, c);
  }
  return c;
}
function append(c, node) {
  const wrap = $('logWrap');
  const near = wrap.scrollHeight - wrap.scrollTop - wrap.clientHeight < 160;
  c.el.appendChild(node);
  if (me && c === convs.get(me.id) && (near || node.classList.contains('me'))) wrap.scrollTop = wrap.scrollHeight;
  return node;
}
function userMsg(c, text, act) {
  const m = h('div', 'msg me' + (act ? ' act' : ''));
  const body = h('div', 'body');
  body.append(h('div', 'bubble', (act ? '▸ ' : '') + text), h('div', 'meta'));
  body.lastChild.append(timeEl(new Date()));
  m.append(body);
  return append(c, m);
}
function botMsg(c, extra) {
  const m = h('div', 'msg bot' + (extra ? ' ' + extra : ''));
  const body = h('div', 'body');
  const meta = h('div', 'meta');
  meta.append(h('b', null, t('bot')), h('span', 'apptag', t('app')), timeEl(new Date()));
  body.append(meta);
  m.append(h('span', 'av bot', '督'), body);
  m.firstChild.setAttribute('aria-hidden', 'true');
  return { m, body };
}
function botReplies(c, replies) {
  const { m, body } = botMsg(c);
  if (!replies.length) body.append(h('div', 'bubble', t('noReply')));
  for (const r of replies) {
    if (r.private) body.append(h('div', 'private', t('private')));
    if (r.text) body.append(rich(h('div', 'bubble'), r.text, true));
    if (r.card) {
      if (r.card.subject) supersede(c, r.card.subject);
      body.append(renderCard(r.card, c.person, 'chat'));
    }
  }
  append(c, m);
}
function supersede(c, subject) {
  for (const old of c.el.querySelectorAll('.card[data-subject]')) {
    if (old.dataset.subject !== subject || old.classList.contains('stale')) continue;
    old.classList.add('stale');
    old.after(h('div', 'stale-note', t('updated') + ' ↓'));
  }
}
function errorMsg(c, text, retry) {
  const { m, body } = botMsg(c, 'err');
  const b = rich(h('div', 'bubble err', '⚠ '), text);
  if (retry) b.append(h('button', 'retry', t('retry'), { type: 'button', onclick: () => { m.remove(); retry(); } }));
  body.append(b);
  append(c, m);
}
async function deliver(c, payload) {
  const { m, body } = botMsg(c, 'typing');
  m.setAttribute('aria-hidden', 'true');
  body.append(h('div', 'bubble'));
  body.lastChild.append(h('i'), h('i'), h('i'));
  append(c, m);
  let res = null;
  try { res = await api('POST', '/console/api/messages', payload); } catch (e) { res = null; }
  m.remove();
  if (res && res.ok && res.data) { botReplies(c, res.data.replies || []); pollSoon(); return true; }
  if (res && res.status === 400) { errorMsg(c, (res.data && res.data.error) || 'Bad request'); return false; }
  const again = () => deliver(c, payload);
  errorMsg(c, res ? t('failed', { status: res.status, error: (res.data && res.data.error) || '' }) : t('unreachable'), res && res.status === 401 ? null : again);
  return false;
}
function sendText(text) {
  if (!me) return;
  const c = conv(me);
  if (c.hist[c.hist.length - 1] !== text) c.hist.push(text);
  c.hi = -1;
  userMsg(c, text);
  return deliver(c, { user: c.person.id, text, deliveryId: uuid() });
}

`;

const SCRIPT_TAIL = String.raw`
// ---- People, locale, views ----
function applyLocale(l) {
  locale = T[l] ? l : 'en';
  document.documentElement.lang = locale;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-aria]')) e.setAttribute('aria-label', t(e.dataset.i18nAria));
  $('input').placeholder = t('placeholder');
  const chips = $('chips');
  chips.textContent = '';
  for (const [label, cmd, fill] of CHIPS[locale]) {
    chips.append(h('button', 'chip', label, { type: 'button', title: cmd.trim(), onclick: () => {
      if (!fill) return sendText(cmd);
      const i = $('input');
      i.value = cmd;
      i.focus();
      i.setSelectionRange(cmd.length, cmd.length);
      syncInput();
    } }));
  }
}
function fillPeople() {
  const sel = $('person');
  sel.textContent = '';
  const groups = new Map();
  for (const p of people) {
    const k = p.department || '';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(p);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === '') - (b === ''));
  for (const k of keys) {
    const og = h('optgroup', null, null, { label: k ? deptName(k) : t('noDept') });
    for (const p of groups.get(k)) og.append(h('option', null, p.name + ' — ' + (roleList(p) || '·') + ' · ' + (LANGS[p.locale] || p.locale), { value: p.id }));
    sel.append(og);
  }
  if (me) sel.value = me.id;
}
function showPerson(p) {
  const card = $('personCard');
  card.textContent = '';
  const main = h('div', 'person-main');
  const name = h('div', 'person-name', p.name);
  name.append(h('span', 'person-id', p.id));
  const tags = h('div', 'tags');
  for (const r of p.roles || []) tags.append(h('span', 'tag', roleName(r)));
  tags.append(h('span', 'tag lang', LANGS[p.locale] || p.locale));
  main.append(name, h('div', 'person-dept', p.department ? deptName(p.department) : t('noDept')), tags);
  card.append(avatar(p), main);
  $('meAv').replaceWith(Object.assign(avatar(p), { id: 'meAv' }));
  $('meName').textContent = p.name;
  $('meBtn').setAttribute('aria-label', t('youAre') + ': ' + p.name);
  $('chatSub').textContent = t('chatSub', { name: p.name });
  $('inboxHint').textContent = t('inboxHint', { name: p.name });
}
function selectPerson(id) {
  const p = people.find((x) => x.id === id);
  if (!p) return;
  const input = $('input');
  if (me) conv(me).draft = input.value;
  me = p;
  store.set('person', p.id);
  applyLocale(p.locale);
  fillPeople();
  showPerson(p);
  const c = conv(p);
  const log = $('log');
  log.textContent = '';
  log.append(c.el);
  input.value = c.draft;
  syncInput();
  $('logWrap').scrollTop = $('logWrap').scrollHeight;
  resetInbox(p);
  updateBadges();
  poll();
}
function setView(v) {
  if (v === view) return;
  view = v;
  $('app').dataset.view = v;
  $('tabChat').setAttribute('aria-selected', String(v === 'chat'));
  $('tabInbox').setAttribute('aria-selected', String(v === 'inbox'));
  if (v === 'inbox') return markReadSoon();
  markAllRead();
  $('logWrap').scrollTop = $('logWrap').scrollHeight;
}
function syncInput() {
  const i = $('input');
  i.style.height = 'auto';
  i.style.height = Math.min(i.scrollHeight, 168) + 'px';
  $('send').disabled = !i.value.trim();
}

async function boot() {
  applyLocale(locale);
  setConn(true);
  let res = null;
  try { res = await api('GET', '/console/api/people'); } catch (e) { res = null; }
  if (!res || !res.ok || !res.data) {
    if (!res || res.status !== 401) banner(t('peopleFailed', { error: res ? (res.data && res.data.error) || res.status : t('unreachable') }));
    setConn(false);
    setTimeout(boot, 5000);
    return;
  }
  banner('');
  people = res.data.people || [];
  if (!people.length) { banner(t('noPeople')); return; }
  const want = new URLSearchParams(location.search).get('as') || store.get('person');
  const first = people.find((p) => p.id === want) || people.find((p) => (p.roles || []).includes('agent')) || people[0];
  selectPerson(first.id);
  if (!mobile()) $('input').focus();
}

$('person').addEventListener('change', (e) => selectPerson(e.target.value));
$('tabChat').addEventListener('click', () => setView('chat'));
$('tabInbox').addEventListener('click', () => setView('inbox'));
$('meBtn').addEventListener('click', () => { if (mobile()) setView('inbox'); $('person').focus(); });
$('markRead').addEventListener('click', markAllRead);
$('inbox').addEventListener('pointerdown', () => { if (!mobile()) markAllRead(); });
$('inbox').addEventListener('focusin', () => { if (!mobile()) markAllRead(); });
document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
const input = $('input');
input.addEventListener('input', () => { if (me) conv(me).hi = -1; syncInput(); });
input.addEventListener('keydown', (e) => {
  if (e.isComposing || e.keyCode === 229) return;
  const c = me && conv(me);
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('composer').requestSubmit(); return; }
  if (!c || !c.hist.length) return;
  const recalled = c.hi >= 0 && input.value === c.hist[c.hi];
  if (e.key === 'ArrowUp' && (!input.value.trim() || recalled)) {
    e.preventDefault();
    c.hi = c.hi < 0 ? c.hist.length - 1 : Math.max(0, c.hi - 1);
    input.value = c.hist[c.hi];
    syncInput();
    input.setSelectionRange(input.value.length, input.value.length);
  } else if (e.key === 'ArrowDown' && recalled) {
    e.preventDefault();
    c.hi = c.hi + 1 < c.hist.length ? c.hi + 1 : -1;
    input.value = c.hi < 0 ? '' : c.hist[c.hi];
    syncInput();
  }
});
$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || !me) return;
  input.value = '';
  syncInput();
  sendText(text);
});
boot();
})();
`;

export const CONSOLE_SCRIPT = SCRIPT_HEAD + CONSOLE_SCRIPT_CARDS + SCRIPT_TAIL;
