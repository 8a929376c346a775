// Talks to a running app the way the console page does: POST messages and
// card clicks as a person, read that person's inbox, and read stored tickets
// through the admin API. Plain fetch over real HTTP; no mocks.
import type { Card, CardButton, CardSelect } from '../../src/core/card.js';

export interface ReplyJson {
  text?: string;
  card?: Card;
  private?: boolean;
}

export interface InboxItem {
  id: string;
  at: string;
  ticketId?: string;
  text: string;
  card?: Card;
}

export interface TimelineJson {
  at: string;
  actorId: string;
  kind: string;
  from?: string;
  to?: string;
  details: Record<string, string | number | boolean>;
  source: { platform: string; via: string; deliveryId?: string; messageLink?: string };
}

/** A ticket as GET /api/v1/tickets/:id returns it (dates as strings). */
export interface TicketJson {
  id: string;
  number: number;
  title: string;
  state: string;
  departmentId: string;
  ownerId?: string;
  createdBy: string;
  type: string;
  priority: string;
  tier: string;
  incidentLevel?: number;
  customer?: string;
  version: number;
  escalation?: { level: string; toPersonId?: string; reason: string };
  pendingHandoff?: { fromDepartmentId: string; toDepartmentId: string; requestedBy: string; note?: string; returnState: string };
  resolution?: string;
  timeline: TimelineJson[];
  [key: string]: unknown;
}

export interface RawResponse {
  status: number;
  body: any;
}

export class ConsoleClient {
  constructor(
    readonly baseUrl: string,
    private readonly adminToken?: string,
  ) {}

  /** POSTs any body (object → JSON, string → sent as is) to the console message endpoint. */
  async post(body: unknown, contentType = 'application/json'): Promise<RawResponse> {
    const res = await fetch(`${this.baseUrl}/console/api/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the raw text
    }
    return { status: res.status, body: parsed };
  }

  /** Types a message as `user`; fails unless the console answers 200. */
  async say(user: string, text: string, deliveryId?: string): Promise<ReplyJson[]> {
    return this.ok(await this.post({ user, text, ...(deliveryId ? { deliveryId } : {}) }));
  }

  /** Clicks a card element as `user`. */
  async click(user: string, actionId: string, values: Record<string, string>, deliveryId?: string): Promise<ReplyJson[]> {
    return this.ok(await this.post({ user, action: { id: actionId, values }, ...(deliveryId ? { deliveryId } : {}) }));
  }

  /** The text of the first reply (what a person reads first). */
  async sayText(user: string, text: string, deliveryId?: string): Promise<string> {
    return textOf(await this.say(user, text, deliveryId));
  }

  async inbox(user: string): Promise<InboxItem[]> {
    const res = await fetch(`${this.baseUrl}/console/api/inbox?user=${encodeURIComponent(user)}`);
    const body = (await res.json()) as { notifications?: InboxItem[]; error?: string };
    if (res.status !== 200) throw new Error(`inbox for ${user}: ${res.status} ${JSON.stringify(body)}`);
    return body.notifications ?? [];
  }

  /** A stored ticket through the admin API, or undefined when there is none. */
  async ticket(id: string): Promise<TicketJson | undefined> {
    const res = await this.api(`/api/v1/tickets/${encodeURIComponent(id)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ticket ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.ticket as TicketJson;
  }

  /** A stored ticket that must exist. */
  async mustTicket(id: string): Promise<TicketJson> {
    const t = await this.ticket(id);
    if (!t) throw new Error(`ticket ${id} not found`);
    return t;
  }

  async tickets(query = ''): Promise<TicketJson[]> {
    const res = await this.api(`/api/v1/tickets${query ? `?${query}` : ''}`);
    if (res.status !== 200) throw new Error(`GET tickets: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.tickets as TicketJson[];
  }

  async api(path: string): Promise<RawResponse> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {} });
    return { status: res.status, body: await res.json() };
  }

  /** Opens a ticket as `user` and returns its id (read from the reply). */
  async open(user: string, args: string): Promise<string> {
    const replies = await this.say(user, `/ticket open ${args}`);
    const id = ticketIdIn(replies);
    if (!id) throw new Error(`open did not answer with a ticket id: ${JSON.stringify(replies)}`);
    return id;
  }

  private ok(res: RawResponse): ReplyJson[] {
    if (res.status !== 200) throw new Error(`console answered ${res.status}: ${JSON.stringify(res.body)}`);
    return (res.body as { replies: ReplyJson[] }).replies;
  }
}

export function textOf(replies: ReplyJson[]): string {
  return replies.map((r) => r.text ?? '').filter(Boolean).join('\n');
}

export function ticketIdIn(replies: ReplyJson[]): string | undefined {
  for (const r of replies) {
    const m = /\bT-\d+\b/.exec(r.text ?? '') ?? /\bT-\d+\b/.exec(r.card?.title ?? '');
    if (m) return m[0];
  }
  return undefined;
}

/** The first card among the replies. */
export function cardOf(replies: ReplyJson[]): Card {
  const card = replies.find((r) => r.card)?.card;
  if (!card) throw new Error(`no card in ${JSON.stringify(replies)}`);
  return card;
}

/** The value of a card field by its label. */
export function fieldOf(card: Card, label: string): string | undefined {
  return card.fields.find((f) => f.label === label)?.value;
}

export function buttonOf(card: Card, actionId: string): CardButton {
  const b = card.elements.find((e): e is CardButton => e.type === 'button' && e.actionId === actionId);
  if (!b) throw new Error(`card '${card.title}' has no '${actionId}' button; it has ${card.elements.map((e) => (e.type === 'input' ? `input:${e.name}` : e.actionId)).join(', ')}`);
  return b;
}

export function selectOf(card: Card, actionId: string): CardSelect {
  const s = card.elements.find((e): e is CardSelect => e.type === 'select' && e.actionId === actionId);
  if (!s) throw new Error(`card '${card.title}' has no '${actionId}' select`);
  return s;
}

export function actionIds(card: Card): string[] {
  return card.elements.map((e) => (e.type === 'input' ? `input:${e.name}` : e.actionId));
}
