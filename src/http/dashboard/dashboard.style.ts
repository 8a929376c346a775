// The dashboard's stylesheet, served from /dashboard/assets/dashboard.css (the
// CSP allows styles from 'self' only). One column on a phone, a grid of
// cards on a laptop; charts take their width from the card.
export const DASHBOARD_CSS = `
:root{--bg:#f3f4f6;--panel:#fff;--text:#1f2328;--muted:#5f6773;--line:#e3e6eb;--brand:#4f46e5;--head:#1e1b4b;
--danger:#dc2626;--warning:#d97706;--good:#16a34a;--shadow:0 1px 2px rgba(16,24,40,.05),0 1px 3px rgba(16,24,40,.07);color-scheme:light}
*{box-sizing:border-box}
html,body{margin:0}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:var(--text);background:var(--bg)}
button,input,select{font:inherit;color:inherit}
button{cursor:pointer;border:1px solid var(--brand);background:var(--brand);color:#fff;border-radius:6px;padding:5px 12px}
button.ghost{background:transparent;border-color:rgba(255,255,255,.4);color:inherit}
input,select{border:1px solid var(--line);border-radius:6px;padding:4px 8px;background:#fff}
code{background:#eef0f3;padding:1px 5px;border-radius:4px}
.logo{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:7px;background:#6366f1;color:#fff;font-weight:700}
.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;padding:8px 16px;background:var(--head);color:#fff}
.brand{display:flex;align-items:center;gap:8px;font-weight:650;font-size:16px}
.brand .sub{font-weight:400;opacity:.7;font-size:13px}
.me{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.me form{margin:0}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:10px;padding:10px 16px;background:var(--panel);border-bottom:1px solid var(--line)}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
#status{color:var(--muted);font-size:12px;margin-left:auto}
#status.error{color:var(--danger)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:14px;padding:14px 16px;max-width:1600px;margin:0 auto}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;box-shadow:var(--shadow);padding:12px 14px;min-width:0}
.card.wide{grid-column:1/-1}
.card h2{font-size:15px;margin:0 0 8px}
.card h3{font-size:13px;margin:10px 0 4px;color:var(--muted)}
.chart{width:100%;height:300px}
.wide .chart{height:320px}
.list{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
.group{margin:10px 0 4px;font-weight:600}
.owner{margin:6px 0 2px;color:var(--muted)}
.bar{position:relative;height:10px;min-width:80px;background:#fde8e8;border-radius:5px;overflow:hidden}
.bar span{position:absolute;left:0;top:0;bottom:0;background:var(--danger);border-radius:5px}
.bar.warn span{background:var(--warning)}
.clockline{display:grid;grid-template-columns:minmax(90px,140px) minmax(80px,1fr) auto;gap:8px;align-items:center;font-size:12px}
a.tid,button.tid{background:none;border:none;color:var(--brand);padding:0;font-weight:600;text-decoration:underline;cursor:pointer}
.tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:9px;background:#fee2e2;color:#991b1b;margin-left:4px}
.muted{color:var(--muted)}
.exports{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:8px}
.exports a{display:inline-block;padding:5px 10px;border:1px solid var(--line);border-radius:6px;color:var(--brand);text-decoration:none}
.inline{display:inline-flex;gap:6px;align-items:center;font-size:12px;color:var(--muted);margin-bottom:6px}
dialog{max-width:min(720px,95vw);width:100%;border:1px solid var(--line);border-radius:10px;padding:12px 16px}
dialog .ghost{color:var(--text);border-color:var(--line)}
.dialog-head{display:flex;justify-content:space-between;align-items:center;gap:8px}
.timeline{padding-left:18px;font-size:13px}
.timeline li{margin:4px 0}
.center{display:grid;place-items:center;min-height:100vh;padding:16px}
.signin{background:var(--panel);border:1px solid var(--line);border-radius:12px;padding:20px 24px;max-width:520px;box-shadow:var(--shadow)}
.signin h1{font-size:18px;display:flex;gap:8px;align-items:center}
.stack{display:flex;flex-direction:column;gap:10px}
.stack label{display:flex;flex-direction:column;gap:4px}
.error{color:var(--danger);font-weight:600}
@media (max-width:600px){.grid{padding:10px;gap:10px}.chart,.wide .chart{height:260px}.filters{padding:8px 10px}#status{margin-left:0;width:100%}}
`;
