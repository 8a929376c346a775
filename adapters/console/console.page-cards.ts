// The console script's card rendering and inbox (part of CONSOLE_SCRIPT; see
// console.page-script.ts for the rules this code follows).
export const CONSOLE_SCRIPT_CARDS = String.raw`
// ---- Cards ----
function renderCard(card, owner, source) {
  const el = h('div', 'card tone-' + toneOf(card));
  if (card.subject) el.dataset.subject = String(card.subject);
  el.append(rich(h('div', 'card-title'), card.title || ''));
  if (card.body) el.append(rich(h('div', 'card-body'), card.body));
  const fields = card.fields || [];
  if (fields.length) {
    const dl = h('dl', 'fields');
    for (const f of fields) {
      const d = h('div', 'field' + (f.short ? '' : ' full'));
      d.append(h('dt', /^\//.test(f.label) ? 'mono' : null, f.label), h('dd', null, f.value));
      dl.append(d);
    }
    el.append(dl);
  }
  const elements = card.elements || [];
  const inputs = elements.filter((e) => e.type === 'input');
  const actions = elements.filter((e) => e.type === 'button' || e.type === 'select');
  if (inputs.length) {
    const box = h('div', 'card-inputs');
    for (const i of inputs) {
      const id = 'cf' + ++seq;
      const inp = h(i.multiline ? 'textarea' : 'input', null, null, { id, maxLength: 10000, placeholder: i.placeholder || '' });
      inp.dataset.field = i.name;
      const w = h('div');
      w.append(h('label', null, i.label, { htmlFor: id }), inp);
      box.append(w);
    }
    el.append(box);
  }
  if (actions.length) {
    const row = h('div', 'card-actions');
    for (const a of actions) {
      if (a.type === 'button') {
        const b = h('button', 'btn' + (a.style === 'primary' || a.style === 'danger' ? ' ' + a.style : ''), a.label, { type: 'button' });
        b.addEventListener('click', () => {
          if (a.confirm && !window.confirm(a.confirm)) return;
          const values = Object.assign({}, a.values || {});
          for (const f of el.querySelectorAll('[data-field]')) if (f.value.trim()) values[f.dataset.field] = f.value.trim();
          act(el, owner, a.actionId, values, a.label, source, b);
        });
        row.append(b);
      } else {
        const s = h('select', 'sel');
        s.setAttribute('aria-label', a.label);
        s.append(h('option', null, a.label, { value: '', disabled: true, selected: true }));
        for (const o of a.options || []) s.append(h('option', null, o.label, { value: o.value }));
        s.addEventListener('change', () => {
          if (!s.value) return;
          const label = String(a.label).replace(/[.\u2026]+$/, '') + ' ' + s.options[s.selectedIndex].textContent;
          act(el, owner, a.actionId, Object.assign({}, a.values || {}, { [a.name || 'value']: s.value }), label, source, s);
        });
        row.append(s);
      }
    }
    el.append(row);
  }
  if (card.context) el.append(rich(h('div', 'card-context'), card.context));
  return el;
}
function setBusy(el, on, ctrl) {
  el.setAttribute('aria-busy', on ? 'true' : 'false');
  for (const x of el.querySelectorAll('button, input, select, textarea')) x.disabled = on;
  if (ctrl) ctrl.classList.toggle('loading', on && ctrl.tagName === 'BUTTON');
}
async function act(el, owner, id, values, label, source, ctrl) {
  if (el.getAttribute('aria-busy') === 'true') return;
  const c = conv(owner);
  const subject = el.dataset.subject ? el.dataset.subject.replace(/^ticket:/, '') : '';
  setBusy(el, true, ctrl);
  if (source === 'inbox' && mobile()) setView('chat');
  userMsg(c, label + (subject && !String(label).includes(subject) ? ' · ' + subject : ''), true);
  const ok = await deliver(c, { user: owner.id, action: { id, values }, deliveryId: uuid() });
  setBusy(el, false, ctrl);
  const fields = [...el.querySelectorAll('[data-field]')];
  if (ok) fields.forEach((f) => { f.value = ''; });
  else if (source === 'chat' || !mobile()) { const empty = fields.find((f) => !f.value); if (empty) empty.focus(); }
  for (const s of el.querySelectorAll('select')) s.selectedIndex = 0;
}

// ---- Inbox (polled every 3 s for the selected person) ----
function loadSeen(id) {
  try { return new Set(JSON.parse(store.get('seen.' + id) || '[]')); } catch (e) { return new Set(); }
}
function resetInbox(p) {
  inbox = { owner: p, items: new Map(), seen: loadSeen(p.id), first: true };
  $('inboxList').textContent = '';
  $('inboxEmpty').hidden = true;
}
function renderInbox(list) {
  const ul = $('inboxList');
  const ids = new Set(list.map((n) => n.id));
  for (const [id, rec] of inbox.items) if (!ids.has(id)) { rec.li.remove(); inbox.items.delete(id); }
  list.forEach((n, i) => {
    let rec = inbox.items.get(n.id);
    const unread = !inbox.seen.has(n.id);
    if (!rec) {
      rec = noteItem(n, unread);
      if (!inbox.first) rec.li.classList.add('fresh');
      inbox.items.set(n.id, rec);
    } else if (n.card && JSON.stringify(n.card) !== rec.json && !rec.li.contains(document.activeElement)
      && rec.details && rec.details.querySelector('.card').getAttribute('aria-busy') !== 'true'
      && ![...rec.li.querySelectorAll('[data-field]')].some((f) => f.value)) {
      rec.details.querySelector('.card').replaceWith(renderCard(n.card, inbox.owner, 'inbox'));
      rec.json = JSON.stringify(n.card);
      rec.li.querySelector('.dot').className = 'dot tone-' + toneOf(n.card);
    }
    rec.li.classList.toggle('unread', unread);
    rec.time.textContent = ago(rec.at);
    if (ul.children[i] !== rec.li) ul.insertBefore(rec.li, ul.children[i] || null);
  });
  inbox.first = false;
  $('inboxEmpty').hidden = list.length > 0;
  $('inboxEmpty').textContent = t('inboxEmpty', { name: inbox.owner.name });
  updateBadges();
  if (view === 'inbox' && mobile()) markReadSoon();
}
function noteItem(n, unread) {
  const li = h('li', 'note');
  const at = new Date(n.at);
  const head = h('div', 'note-head');
  head.append(h('span', 'dot tone-' + toneOf(n.card)));
  if (n.ticketId) head.append(ticketLink(n.ticketId));
  const time = timeEl(at, true);
  head.append(time);
  li.append(head, rich(h('p', 'note-text'), n.text, true));
  let details = null;
  if (n.card) {
    details = h('details');
    details.open = unread;
    details.append(h('summary', null, t('card')), renderCard(n.card, inbox.owner, 'inbox'));
    li.append(details);
  }
  if (unread) li.classList.add('unread');
  return { li, at, time, details, json: n.card ? JSON.stringify(n.card) : '' };
}
function unreadCount() { let n = 0; for (const id of inbox.items.keys()) if (!inbox.seen.has(id)) n++; return n; }
function updateBadges() {
  const n = unreadCount();
  for (const id of ['badgeTab', 'badgeInbox']) {
    const b = $(id);
    b.textContent = n > 99 ? '99+' : String(n);
    b.hidden = n === 0;
    b.setAttribute('aria-label', t('unread', { n }));
  }
  $('markRead').hidden = n === 0;
  document.title = (n ? '(' + n + ') ' : '') + t('bot') + ' · ' + t('console');
}
function markAllRead() {
  if (!inbox.owner || !unreadCount()) return;
  for (const id of inbox.items.keys()) inbox.seen.add(id);
  store.set('seen.' + inbox.owner.id, JSON.stringify([...inbox.seen].slice(-400)));
  for (const rec of inbox.items.values()) rec.li.classList.remove('unread');
  updateBadges();
}
let readTimer = 0;
function markReadSoon() {
  if (!readTimer) readTimer = setTimeout(() => { readTimer = 0; if (view === 'inbox') markAllRead(); }, 1200);
}
async function poll() {
  clearTimeout(pollTimer);
  if (!me) return;
  const gen = ++pollGen;
  const p = me;
  try {
    const res = await api('GET', '/console/api/inbox?user=' + encodeURIComponent(p.id) + '&limit=50');
    if (gen !== pollGen) return;
    if (res.status === 401) { setConn(false); return; }
    if (!res.ok || !res.data) throw new Error(String(res.status));
    setConn(true);
    renderInbox(res.data.notifications || []);
  } catch (e) {
    if (gen !== pollGen) return;
    setConn(false);
  }
  pollTimer = setTimeout(poll, document.hidden ? POLL_MS * 4 : POLL_MS);
}
function pollSoon() { clearTimeout(pollTimer); pollTimer = setTimeout(poll, 250); }

`;
