// The dashboard's HTML: the signed-in shell (filled by the page script from
// /api/v1), the sign-in page, and the one-time link's confirmation page. No
// inline script or style: everything runs under a CSP of 'self' only. Every
// dynamic text is escaped here; the script sets text with textContent.
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const HEAD = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>`;

/** The signed-in page: sections the script fills; each chart box gets an ECharts instance. */
export function dashboardPage(): string {
  const section = (id: string, wide = false, body = '') =>
    `<section class="card${wide ? ' wide' : ''}" id="sec-${id}" aria-labelledby="h-${id}"><h2 id="h-${id}" data-t="${id}Title"></h2><div class="body">${body}</div></section>`;
  const chart = (id: string, label: string) => `<div class="chart" id="chart-${id}" role="img" data-label="${label}"></div>`;
  return `${HEAD('Duban dashboard')}
<body>
<header class="top">
  <div class="brand"><span class="logo">督</span><span data-t="brand"></span><span class="sub" data-t="sub"></span></div>
  <div class="me"><span id="me"></span>
    <button type="button" id="lang" class="ghost"></button>
    <form method="post" action="/dashboard/signout"><button type="submit" class="ghost" data-t="signOut"></button></form>
  </div>
</header>
<form class="filters" id="filters">
  <label><span data-t="from"></span> <input type="date" id="from" required></label>
  <label><span data-t="to"></span> <input type="date" id="to" required></label>
  <label><span data-t="department"></span> <select id="department"></select></label>
  <button type="submit" data-t="apply"></button>
  <span id="status" role="status" aria-live="polite"></span>
</form>
<main class="grid" id="grid">
${section('overdue', true, `${chart('overdue', 'overdueTitle')}<div id="overdue-list" class="list"></div>`)}
${section('compliance', true, `${chart('compliance', 'complianceTitle')}<h3 data-t="compliancePeople"></h3>${chart('people', 'compliancePeople')}`)}
${section('timing', false, `${chart('timing', 'timingTitle')}${chart('timing-weekly', 'timingTitle')}`)}
${section('handoff', false, `${chart('handoff', 'handoffTitle')}<div id="handoff-list" class="list"></div>`)}
${section('escalation', false, `${chart('escalation', 'escalationTitle')}${chart('escalation-level', 'escalationTitle')}`)}
${section('csat', false, `${chart('csat', 'csatTitle')}${chart('csat-weekly', 'csatTitle')}`)}
${section('penalty', false, `${chart('penalty', 'penaltyTitle')}${chart('appeal', 'appeals')}`)}
${section('cases', true, `<label class="inline"><span data-t="month"></span> <input type="month" id="month"></label><div id="cases-list" class="list"></div>`)}
${section('scorecards', true, '<div id="scorecards-list" class="list"></div>')}
${section('exports', false, '<ul id="exports" class="exports"></ul>')}
${section('access', true, '<div id="access-list" class="list"></div>')}
</main>
<dialog id="detail"><div class="dialog-head"><h2 id="detail-title"></h2><button type="button" id="detail-close" class="ghost" data-t="close"></button></div><ol id="detail-timeline" class="timeline"></ol></dialog>
<script src="/dashboard/assets/echarts.min.js"></script>
<script src="/dashboard/assets/strings.js"></script>
<script src="/dashboard/assets/charts.js"></script>
<script src="/dashboard/assets/dashboard.js"></script>
</body>
</html>`;
}

/** Not signed in: how to get a link from chat, or the admin token. */
export function signInPage(message?: string): string {
  return `${HEAD('Duban dashboard · sign in')}
<body class="center">
<main class="signin">
  <h1><span class="logo">督</span> Duban dashboard · 督办看板</h1>
  ${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
  <p>Type <code>/ticket dashboard</code> in chat and open the one-time link Duban sends you (it works once, for 15 minutes).</p>
  <p>在聊天中输入 <code>/工单 看板</code>，打开督办发给你的一次性链接（15 分钟内有效，只能使用一次）。</p>
  <form method="post" action="/dashboard/signin" class="stack">
    <label>Admin token · 管理员令牌 <input type="password" name="admin_token" autocomplete="off" required minlength="16"></label>
    <button type="submit">Sign in · 登录</button>
  </form>
</main>
</body>
</html>`;
}

/** The page a one-time link opens: nothing is spent until the button is pressed (chat previews only GET). */
export function confirmLinkPage(token: string): string {
  return `${HEAD('Duban dashboard · sign in')}
<body class="center">
<main class="signin">
  <h1><span class="logo">督</span> Duban dashboard · 督办看板</h1>
  <p>This link signs you in once. · 此链接只能登录一次。</p>
  <form method="post" action="/dashboard/signin" class="stack">
    <input type="hidden" name="t" value="${escapeHtml(token)}">
    <button type="submit" id="continue">Open the dashboard · 打开看板</button>
  </form>
</main>
</body>
</html>`;
}
