import { it } from '@jest/globals';
import { startTestApp } from '../../support/app.js';
it('explore', async () => {
const t = await startTestApp();
const c = t.client;
const out: string[] = [];
const show = async (u: string, s: string) => { const r = await c.say(u, s); out.push(`${u}> ${s}\n   ${JSON.stringify(r.map(x=>x.text ?? ('CARD:'+x.card?.title))).slice(0, 400)}`); return r; };
await show('sam.taylor', '/ticket open Printer on fire --priority P2');
const cases = ['/ticket frobnicate T-1', '', '   ', '/ticket', 'ticket', '/工单', '/ticket claim', '/ticket claim X-1', '/ticket claim T-', '/ticket claim T-99999', '/ticket close T-1', '/ticket accept T-1', '/ticket resume T-1',
'/ticket open ' + 'x'.repeat(201), '/ticket note T-1 ' + 'y'.repeat(4001), '/ticket open foo --bogus 1', '/ticket open foo --priority P9', '/ticket open foo --type weird', '/ticket open foo --tier gold', '/ticket open foo --level 7 --type incident', '/ticket open foo --level 2',
'/ticket open "unclosed title', '/ticket claim T-1 extra words', '/ticket open {"$gt": ""}', '/ticket open $where', 'open $set', '/ticket open <!channel> hi', '/ticket open <at user_id="all">x</at>', '/ticket open @everyone', '/ticket open <script>alert(1)</script>',
'/ticket handoff T-1 nowhere', '/ticket handoff T-1 support', '/ticket assign T-1 nobody', '/ticket assign T-1 zhou.hui', '/ticket decline T-1', '/ticket escalate T-1', '/工单 认领 X', '/ticket claim T－１', '/ticket claim Ｔ-1', '/ticket claim １', '/ticket open', '/ticket open --priority P1', '/ticket help claim', '/ticket show T-1 T-2', '/ticket list foo', '/ticket note T-1', '/ticket handoff T-1', '/ticket assign T-1', '/ticket admin link', '/ticket open hi --complex yes', '/ticket claim #1', '/ticket claim 0', '/ticket claim T-0', '/ticket claim T-1234567890', '/ticket open x --customer', '/ticket open x --level', '/ticket open x --type', '--type incident', '/ticket escalate T-1 "', '/ticket open --type=incident --level=1 "Big outage"'];
for (const s of cases) await show('chen.jing', s);
out.push(JSON.stringify((await c.tickets()).map(x=>[x.id,x.title])));
for (const body of [ 'not json', '{}', '{"user":"nobody","text":"hi"}', '{"user":"sam.taylor"}', '{"user":"sam.taylor","text":"x","action":{"id":"claim","values":{}}}', JSON.stringify({user:'sam.taylor', text:'a'.repeat(10001)}), '{"user":"sam.taylor","action":{"id":"frob","values":{}}}', '{"user":"sam.taylor","action":{"id":"claim","values":{}}}', '{"user":"sam.taylor","action":{"id":"claim"}}', '{"user":{"$gt":""},"text":"hi"}', '[]', 'null', '{"user":"sam.taylor","text":5}' ]) {
  const r = await c.post(body); out.push(`POST ${body.slice(0,80)} -> ${r.status} ${JSON.stringify(r.body).slice(0,300)}`);
}
console.log(out.join('\n'));
await t.stop();
});
