// The local web console's page (served at GET /console): one self-contained
// HTML document with inline CSS and script, no external resources and no build
// step, so it runs under the console's strict CSP. The behaviour lives in
// console.page-script.ts; it sets server text only through textContent.
import { CONSOLE_SCRIPT } from './console.page-script.js';

// The page chrome's words in each locale (server texts arrive already translated).
const STRINGS = {
  text: {
    en: {
      console: 'Console', chat: 'Chat', inbox: 'Inbox', youAre: 'You are', loading: 'Loading…', markRead: 'Mark all read',
      bot: 'Duban', app: 'BOT', message: 'Message', send: 'Send', quick: 'Quick commands', conversation: 'Conversation with Duban',
      inboxHint: 'What Duban sent to {name}: pings, handoffs, escalations.', inboxEmpty: 'Nothing yet. When Duban pings {name}, it shows up here.',
      chatSub: 'Direct message · you are {name}', placeholder: 'Message Duban, e.g. /ticket help',
      hint: 'Enter to send · Shift+Enter for a new line · ↑ recalls your last command',
      welcome: 'Hi {name}, this is your direct line to Duban',
      welcome1: 'You are acting as {name} ({what}). Type a command such as `/ticket open Printer on fire --priority P1`, or use a quick command below.',
      welcome2: 'Cards have buttons: click them like in Slack, Teams or Feishu. What Duban sends you appears in the inbox.',
      private: 'Only visible to you', updated: 'Updated below', card: 'Ticket card', retry: 'Retry', live: 'Live', reconnecting: 'Reconnecting…',
      unreachable: 'Could not reach Duban. Check that it is running, then retry.', failed: 'Duban answered {status}: {error}',
      noReply: 'Done (no reply).', noDept: 'No department', unread: '{n} unread', peopleFailed: 'Could not load the people: {error}',
      now: 'just now', min: '{n} min ago', hr: '{n} h ago', noPeople: 'No people are configured yet.',
    },
    'zh-CN': {
      console: '控制台', chat: '对话', inbox: '收件箱', youAre: '当前身份', loading: '加载中…', markRead: '全部标为已读',
      bot: '督办', app: '机器人', message: '消息', send: '发送', quick: '快捷命令', conversation: '与督办的对话',
      inboxHint: '督办发给{name}的提醒、转交和升级。', inboxEmpty: '暂无消息。督办提醒{name}时会显示在这里。',
      chatSub: '私信 · 当前身份：{name}', placeholder: '给督办发消息，例如 /工单 帮助',
      hint: 'Enter 发送 · Shift+Enter 换行 · ↑ 调出上一条命令',
      welcome: '{name}，你好！这里是你和督办的私信',
      welcome1: '你正以{name}（{what}）的身份操作。输入命令，例如 `/工单 新建 打印机着火 --priority P1`，或点击下方的快捷命令。',
      welcome2: '卡片上的按钮可以直接点击，和在 Slack、Teams、飞书里一样。督办发给你的消息会出现在收件箱。',
      private: '仅你可见', updated: '已更新，见下方', card: '工单卡片', retry: '重试', live: '已连接', reconnecting: '正在重新连接…',
      unreachable: '无法连接督办。请确认服务正在运行，然后重试。', failed: '督办返回 {status}：{error}',
      noReply: '已完成（无回复）。', noDept: '无部门', unread: '{n} 条未读', peopleFailed: '无法加载人员：{error}',
      now: '刚刚', min: '{n} 分钟前', hr: '{n} 小时前', noPeople: '尚未配置任何人员。',
    },
  },
  roles: {
    en: { agent: 'Agent', supervisor: 'Supervisor', manager: 'Manager', director: 'Director', reviewer: 'Reviewer', admin: 'Admin' },
    'zh-CN': { agent: '客服', supervisor: '主管', manager: '经理', director: '总监', reviewer: '评审', admin: '管理员' },
  },
  langs: { en: 'English', 'zh-CN': '简体中文' },
  // [label, command, fill the box instead of sending]
  chips: {
    en: [['help', '/ticket help'], ['list mine', '/ticket list mine'], ['list unclaimed', '/ticket list unclaimed'], ['open …', '/ticket open ', true]],
    'zh-CN': [['帮助', '/工单 帮助'], ['我的工单', '/工单 列表 我的'], ['未认领', '/工单 列表 未认领'], ['新建 …', '/工单 新建 ', true]],
  },
  show: { en: '/ticket show ', 'zh-CN': '/工单 查看 ' },
};

const STYLE = `
:root{--bg:#f3f4f6;--panel:#fff;--side:#f8f9fb;--text:#1f2328;--muted:#5f6773;--line:#e3e6eb;--line2:#cfd4dc;
--brand:#4f46e5;--primary:#4f46e5;--brand-soft:#eef2ff;--head:#1e1b4b;--focus:#6366f1;--code:#eef0f3;--me:#4f46e5;
--good:#16a34a;--warning:#d97706;--danger:#dc2626;--info:#2563eb;--neutral:#9ca3af;--err-bg:#fef2f2;--err:#b91c1c;
--shadow:0 1px 2px rgba(16,24,40,.05),0 1px 3px rgba(16,24,40,.07);color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--panel:#171a21;--side:#13161c;--text:#e6e8eb;--muted:#9aa3ae;
--line:#2a2f39;--line2:#3a404c;--brand:#818cf8;--brand-soft:#23254a;--head:#111030;--code:#252a36;--me:#4f46e5;
--err-bg:#3a1618;--err:#fca5a5;--shadow:none}}
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif;
color:var(--text);background:var(--bg);-webkit-font-smoothing:antialiased}
button,input,select,textarea{font:inherit;color:inherit}
button{cursor:pointer}
[hidden]{display:none!important}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.88em;background:var(--code);padding:1px 5px;border-radius:4px}
.app{display:grid;grid-template-columns:360px minmax(0,1fr);grid-template-rows:52px minmax(0,1fr);height:100vh;height:100dvh}
.top{grid-column:1/-1;display:flex;align-items:center;gap:12px;padding:0 14px 0 16px;background:var(--head);color:#fff;min-width:0}
.brand{display:flex;align-items:center;gap:9px;font-weight:650;font-size:15px;white-space:nowrap}
.logo{display:inline-grid;place-items:center;width:30px;height:30px;border-radius:8px;background:#6366f1;color:#fff;font-weight:700;font-size:15px}
.brand-sub{font-weight:400;opacity:.65}
.conn{margin-left:auto;font-size:12px;display:flex;align-items:center;gap:6px;opacity:.85;white-space:nowrap}
.conn::before{content:"";width:8px;height:8px;border-radius:50%;background:#22c55e;box-shadow:0 0 0 3px rgba(34,197,94,.25)}
.conn.down::before{background:#f59e0b;box-shadow:0 0 0 3px rgba(245,158,11,.25)}
.mebtn{display:flex;align-items:center;gap:8px;min-width:0;background:rgba(255,255,255,.08);border:1px solid rgba(255,255,255,.16);border-radius:999px;padding:3px 12px 3px 3px;color:#fff}
.mebtn:hover{background:rgba(255,255,255,.14)}
.mebtn .av{width:26px;height:26px;border-radius:50%;font-size:11px}
.me-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:180px}
.tabs{display:none}
.av{flex:none;display:inline-grid;place-items:center;width:36px;height:36px;border-radius:8px;color:#fff;font-weight:600;font-size:13px;line-height:1;user-select:none}
.av.bot{background:#4f46e5}
.side{background:var(--side);border-right:1px solid var(--line);display:flex;flex-direction:column;min-height:0}
.who{padding:14px 16px 16px;border-bottom:1px solid var(--line)}
.cap{display:block;font-size:11.5px;font-weight:650;color:var(--muted);text-transform:uppercase;letter-spacing:.05em;margin:0 0 6px}
.who select{width:100%;padding:7px 10px;border:1px solid var(--line2);border-radius:8px;background:var(--panel)}
.person{display:flex;gap:11px;align-items:center;margin-top:12px;min-width:0}
.person .av{width:42px;height:42px;font-size:15px;border-radius:10px}
.person-main{min-width:0}
.person-name{font-weight:650;font-size:15px}
.person-id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11.5px;color:var(--muted);margin-left:6px;font-weight:400}
.person-dept{color:var(--muted);font-size:12.5px}
.tags{display:flex;flex-wrap:wrap;gap:4px;margin-top:5px}
.tag{font-size:11px;line-height:18px;padding:0 8px;border-radius:999px;background:var(--brand-soft);color:var(--brand);font-weight:600}
.tag.lang{background:var(--code);color:var(--muted)}
.inbox{flex:1;min-height:0;display:flex;flex-direction:column}
.inbox-head{display:flex;align-items:center;gap:8px;padding:14px 16px 2px}
.inbox-head h2{font-size:15px;margin:0}
.badge{min-width:18px;height:18px;padding:0 5px;border-radius:9px;background:var(--danger);color:#fff;font-size:11px;font-weight:700;display:inline-grid;place-items:center;line-height:1}
.linkbtn{margin-left:auto;background:none;border:0;color:var(--brand);font-size:12.5px;padding:2px 4px;border-radius:4px}
.linkbtn:hover{text-decoration:underline}
.inbox-hint{margin:0;padding:0 16px 10px;color:var(--muted);font-size:12px}
.inbox-list{list-style:none;margin:0;padding:0 10px 16px;overflow:auto;flex:1}
.empty{color:var(--muted);font-size:13px;padding:18px 16px;text-align:center}
.note{position:relative;background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 12px;margin:0 0 8px;box-shadow:var(--shadow)}
.note.unread{border-color:color-mix(in srgb,var(--brand) 40%,var(--line));background:color-mix(in srgb,var(--brand-soft) 55%,var(--panel))}
.note.unread::after{content:"";position:absolute;top:14px;right:12px;width:8px;height:8px;border-radius:50%;background:var(--brand)}
.note.fresh{animation:pop .5s ease-out}
@keyframes pop{from{transform:translateY(-6px);opacity:0}to{transform:none;opacity:1}}
.note-head{display:flex;align-items:center;gap:8px;font-size:12px;color:var(--muted);padding-right:14px}
.note-text{margin:5px 0 0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13.5px}
.dot{width:8px;height:8px;border-radius:50%;flex:none;background:var(--neutral)}
.dot.tone-good{background:var(--good)}.dot.tone-warning{background:var(--warning)}.dot.tone-danger{background:var(--danger)}.dot.tone-info{background:var(--info)}
.note details{margin-top:8px}
.note summary{cursor:pointer;font-size:12.5px;color:var(--brand);font-weight:600;width:max-content;border-radius:4px}
.note .card{margin-top:8px;width:100%;box-shadow:none;padding:10px 12px;font-size:13px}
.note .card-title{font-size:14px}
.note .fields{gap:6px 12px;margin-top:8px}
.note .fields dt{font-size:11.5px}
.note .card-actions,.note .card-inputs{margin-top:10px;gap:6px}
.note .btn,.note .sel{min-height:30px;padding:3px 10px;font-size:12.5px}
.tlink{background:none;border:0;border-radius:3px;padding:0;margin:0;font-weight:600;color:var(--brand);white-space:nowrap}
.tlink:hover{text-decoration:underline}
.main{display:flex;flex-direction:column;min-width:0;min-height:0;background:var(--panel)}
.chat-head{display:flex;align-items:center;gap:10px;padding:9px 20px;border-bottom:1px solid var(--line);min-width:0}
.chat-head .av{width:32px;height:32px}
.chat-id{min-width:0}
.chat-title{font-weight:650}
.chat-sub{font-size:12px;color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.banner{margin:10px 20px 0;padding:9px 12px;border-radius:8px;background:var(--err-bg);color:var(--err);border:1px solid color-mix(in srgb,var(--err) 30%,transparent)}
.log-wrap{flex:1;overflow:auto;padding:18px 20px 10px;scroll-behavior:smooth}
.log{max-width:900px;margin:0 auto}
.log-inner{display:flex;flex-direction:column;gap:16px}
.welcome{text-align:center;padding:18px 12px 22px;border-bottom:1px solid var(--line);color:var(--muted)}
.welcome .av{width:56px;height:56px;font-size:24px;border-radius:14px;margin-bottom:8px}
.welcome h2{color:var(--text);font-size:18px;margin:0 0 6px}
.welcome p{margin:0 auto 4px;max-width:560px}
.msg{display:flex;gap:10px;align-items:flex-start;min-width:0}
.msg.me{justify-content:flex-end}
.msg .body{min-width:0;max-width:min(620px,100%);display:flex;flex-direction:column;gap:6px;align-items:flex-start}
.msg.bot .body{flex:1;max-width:640px}
.msg.me .body{align-items:flex-end;max-width:min(560px,85%)}
.meta{font-size:12px;color:var(--muted);display:flex;gap:7px;align-items:baseline}
.meta b{color:var(--text);font-size:14px}
.apptag{font-size:10px;font-weight:700;padding:1px 4px;border-radius:3px;background:var(--code);color:var(--muted);letter-spacing:.03em}
.bubble{padding:8px 12px;border-radius:4px 14px 14px 14px;white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);max-width:100%}
.me .bubble{background:var(--me);color:#fff;border-radius:14px 4px 14px 14px}
.me .bubble code{background:rgba(255,255,255,.2)}
.me.act .bubble{background:var(--brand-soft);color:var(--brand);font-size:13px;font-weight:600;padding:5px 11px}
.bubble.err{background:var(--err-bg);color:var(--err);border:1px solid color-mix(in srgb,var(--err) 30%,transparent)}
.private{font-size:11.5px;color:var(--muted);font-style:italic}
.retry{margin-left:8px;border:1px solid currentColor;background:none;color:inherit;border-radius:5px;padding:0 8px;font-size:12px;font-weight:600}
.typing .bubble{display:flex;gap:4px;padding:12px 14px}
.typing i{width:7px;height:7px;border-radius:50%;background:var(--muted);opacity:.4;animation:blink 1.2s infinite}
.typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}
@keyframes blink{40%{opacity:1}}
.card{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--neutral);border-radius:8px;padding:12px 14px;box-shadow:var(--shadow);width:min(600px,100%)}
.card.tone-good{border-left-color:var(--good)}.card.tone-warning{border-left-color:var(--warning)}
.card.tone-danger{border-left-color:var(--danger)}.card.tone-info{border-left-color:var(--info)}
.card[aria-busy=true]{opacity:.75}
.card.stale{opacity:.6}
.card-title{font-weight:650;font-size:15px;overflow-wrap:anywhere}
.card-body{margin-top:4px;white-space:pre-wrap;overflow-wrap:anywhere}
.fields{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:9px 16px;margin:10px 0 0}
.field.full{grid-column:1/-1}
.fields dt{font-size:12px;font-weight:600;color:var(--muted)}
.fields dt.mono{font-family:ui-monospace,Menlo,Consolas,monospace;color:var(--text);font-size:12px}
.fields dd{margin:1px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.card-inputs{margin-top:12px;display:grid;gap:8px}
.card-inputs label{display:block;font-size:12px;font-weight:600;color:var(--muted);margin-bottom:3px}
.card-inputs input,.card-inputs textarea{width:100%;border:1px solid var(--line2);border-radius:6px;padding:6px 9px;background:var(--panel)}
.card-inputs textarea{min-height:60px;resize:vertical}
.card-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}
.btn,.sel{min-height:32px;border:1px solid var(--line2);background:var(--panel);border-radius:6px;padding:4px 12px;font-weight:600;font-size:13px}
.sel{font-weight:500;padding:4px 8px;max-width:100%}
.btn:hover:not(:disabled){background:var(--bg)}
.btn.primary{background:var(--primary);border-color:var(--primary);color:#fff}
.btn.primary:hover:not(:disabled){background:color-mix(in srgb,var(--primary) 85%,#000)}
.btn.danger{background:var(--panel);border-color:var(--danger);color:var(--danger)}
.btn.danger:hover:not(:disabled){background:var(--danger);color:#fff}
.btn:disabled,.sel:disabled,.card-inputs :disabled{opacity:.55;cursor:progress}
.btn.loading::after{content:"";display:inline-block;width:10px;height:10px;margin-left:7px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:spin .7s linear infinite;vertical-align:-1px}
@keyframes spin{to{transform:rotate(360deg)}}
.card-context{margin-top:10px;font-size:12px;color:var(--muted);overflow-wrap:anywhere}
.stale-note{font-size:12px;color:var(--muted);font-style:italic}
.composer{padding:8px 20px 12px;border-top:1px solid var(--line);background:var(--panel)}
.chips,.box,.hint{max-width:900px;margin-left:auto;margin-right:auto}
.chips{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:8px}
.chip{border:1px solid var(--line2);background:var(--panel);border-radius:999px;padding:3px 11px;font-size:12.5px;color:var(--muted)}
.chip:hover{border-color:var(--brand);color:var(--brand)}
.box{display:flex;align-items:flex-end;gap:8px;border:1px solid var(--line2);border-radius:12px;padding:6px 6px 6px 12px;background:var(--panel)}
.box:focus-within{border-color:var(--brand);box-shadow:0 0 0 3px var(--brand-soft)}
.box textarea{flex:1;border:0;outline:0;resize:none;background:transparent;min-height:32px;max-height:168px;padding:6px 0;line-height:1.45}
.send{flex:none;width:34px;height:34px;border:0;border-radius:8px;background:var(--primary);color:#fff;display:grid;place-items:center}
.send:disabled{background:var(--line2);cursor:default}
.hint{font-size:11.5px;color:var(--muted);margin-top:6px}
@media (max-width:799px){
.app{grid-template-columns:minmax(0,1fr);grid-template-rows:50px 44px minmax(0,1fr)}
.top{gap:8px;padding:0 10px}
.brand-sub,.conn-text{display:none}
.tabs{display:flex;background:var(--panel);border-bottom:1px solid var(--line)}
.tabs button{flex:1;display:flex;align-items:center;justify-content:center;gap:6px;border:0;background:none;font-weight:600;color:var(--muted);border-bottom:2px solid transparent}
.tabs button[aria-selected=true]{color:var(--brand);border-bottom-color:var(--brand)}
.side,.main{grid-column:1;grid-row:3}
.app[data-view=chat] .side,.app[data-view=inbox] .main{display:none}
.side{border-right:0}
.chat-head{display:none}
.log-wrap{padding:12px 12px 8px}
.composer{padding:8px 10px 10px}
.hint{display:none}
.box textarea,.who select,.card-inputs input,.card-inputs textarea{font-size:16px}
.msg .av{width:30px;height:30px;font-size:12px}
.me-name{max-width:120px}
}
`;

const BODY = `
<div class="app" id="app" data-view="chat">
  <header class="top">
    <div class="brand"><span class="logo" aria-hidden="true">督</span><span>Duban</span><span class="brand-sub" data-i18n="console">Console</span></div>
    <div class="conn" id="conn" role="status"><span class="conn-text" id="connText"></span></div>
    <button class="mebtn" id="meBtn" type="button"><span class="av" id="meAv" aria-hidden="true"></span><span class="me-name" id="meName"></span></button>
  </header>
  <nav class="tabs" role="tablist" id="tabs">
    <button type="button" role="tab" id="tabChat" aria-controls="main" aria-selected="true"><span data-i18n="chat">Chat</span></button>
    <button type="button" role="tab" id="tabInbox" aria-controls="side" aria-selected="false"><span data-i18n="inbox">Inbox</span><span class="badge" id="badgeTab" hidden></span></button>
  </nav>
  <aside class="side" id="side">
    <section class="who">
      <label class="cap" for="person" data-i18n="youAre">You are</label>
      <select id="person"><option data-i18n="loading">Loading…</option></select>
      <div class="person" id="personCard" aria-live="polite"></div>
    </section>
    <section class="inbox" id="inbox" aria-labelledby="inboxTitle">
      <div class="inbox-head"><h2 id="inboxTitle" data-i18n="inbox">Inbox</h2><span class="badge" id="badgeInbox" hidden></span>
        <button type="button" class="linkbtn" id="markRead" data-i18n="markRead" hidden>Mark all read</button></div>
      <p class="inbox-hint" id="inboxHint"></p>
      <ol class="inbox-list" id="inboxList"></ol>
      <p class="empty" id="inboxEmpty" hidden></p>
    </section>
  </aside>
  <main class="main" id="main">
    <div class="chat-head"><span class="av bot" aria-hidden="true">督</span>
      <div class="chat-id"><div class="chat-title" data-i18n="bot">Duban</div><div class="chat-sub" id="chatSub"></div></div></div>
    <div class="banner" id="banner" role="alert" hidden></div>
    <div class="log-wrap" id="logWrap"><div class="log" id="log" role="log" aria-live="polite" aria-relevant="additions" data-i18n-aria="conversation" aria-label="Conversation"></div></div>
    <form class="composer" id="composer" autocomplete="off">
      <div class="chips" id="chips" role="group" data-i18n-aria="quick" aria-label="Quick commands"></div>
      <div class="box">
        <label class="sr-only" for="input" data-i18n="message">Message</label>
        <textarea id="input" rows="1" enterkeyhint="send" spellcheck="false"></textarea>
        <button type="submit" class="send" id="send" data-i18n-aria="send" aria-label="Send" disabled>
          <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z"/></svg></button>
      </div>
      <div class="hint" data-i18n="hint">Enter to send · Shift+Enter for a new line · ↑ recalls your last command</div>
    </form>
  </main>
</div>`;

export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Duban console</title>
<style>${STYLE}</style>
</head>
<body>${BODY}
<script type="application/json" id="strings">${JSON.stringify(STRINGS).replace(/</g, '\\u003c')}</script>
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;
