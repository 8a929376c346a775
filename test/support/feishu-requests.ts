// Feishu pushes built the way Feishu builds them: message events, card clicks
// (new `card.action.trigger` and the old callback), URL checks, signed and
// optionally encrypted, and a poster that sends them over real HTTP.
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

export const FEISHU_TOKEN = 'v-token-0123456789abcdef';
export const FEISHU_ENCRYPT_KEY = 'encrypt-key-for-tests';

export interface MentionSpec {
  openId: string;
  name: string;
  unionId?: string;
}

export interface MessageEventSpec {
  text?: string;
  /** A message type other than text, with its content object. */
  messageType?: string;
  content?: unknown;
  chatType?: 'p2p' | 'group';
  chatId?: string;
  senderOpenId?: string;
  senderUnionId?: string;
  senderType?: 'user' | 'app';
  /** Mentioned users, in order: the first is `@_user_1`. */
  mentions?: MentionSpec[];
  eventId?: string;
  messageId?: string;
  parentId?: string;
  rootId?: string;
  token?: string;
}

export function mentionKey(index: number): string {
  return `@_user_${index + 1}`;
}

/** An `im.message.receive_v1` push (schema 2.0). */
export function feishuMessageEvent(spec: MessageEventSpec = {}): Record<string, any> {
  const messageId = spec.messageId ?? `om_${randomUUID().replace(/-/g, '')}`;
  const content = spec.messageType && spec.messageType !== 'text' ? spec.content : { text: spec.text ?? '' };
  return {
    schema: '2.0',
    header: {
      event_id: spec.eventId ?? randomUUID().replace(/-/g, ''),
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: spec.token ?? FEISHU_TOKEN,
      app_id: 'cli_a1b2c3d4e5f60789',
      tenant_key: 'tenant_test',
    },
    event: {
      sender: {
        sender_id: { open_id: spec.senderOpenId ?? 'ou_sender', union_id: spec.senderUnionId ?? 'on_sender', user_id: 'u_sender' },
        sender_type: spec.senderType ?? 'user',
        tenant_key: 'tenant_test',
      },
      message: {
        message_id: messageId,
        ...(spec.rootId ? { root_id: spec.rootId } : {}),
        ...(spec.parentId ? { parent_id: spec.parentId } : {}),
        create_time: String(Date.now()),
        chat_id: spec.chatId ?? (spec.chatType === 'p2p' ? 'oc_p2p_chat' : 'oc_group_chat'),
        chat_type: spec.chatType ?? 'group',
        message_type: spec.messageType ?? 'text',
        content: JSON.stringify(content),
        ...(spec.mentions?.length
          ? {
              mentions: spec.mentions.map((m, i) => ({
                key: mentionKey(i),
                id: { open_id: m.openId, union_id: m.unionId ?? `on_${m.openId}`, user_id: `u_${i}` },
                name: m.name,
                tenant_key: 'tenant_test',
              })),
            }
          : {}),
      },
    },
  };
}

export interface CardActionSpec {
  value: Record<string, string>;
  formValue?: Record<string, unknown>;
  option?: string;
  operatorOpenId?: string;
  messageId?: string;
  chatId?: string;
  eventId?: string;
  token?: string;
  tag?: string;
}

/** A new-style `card.action.trigger` callback (schema 2.0). */
export function feishuCardAction(spec: CardActionSpec): Record<string, any> {
  return {
    schema: '2.0',
    header: {
      event_id: spec.eventId ?? randomUUID().replace(/-/g, ''),
      token: spec.token ?? FEISHU_TOKEN,
      create_time: String(Date.now() * 1000),
      event_type: 'card.action.trigger',
      tenant_key: 'tenant_test',
      app_id: 'cli_a1b2c3d4e5f60789',
    },
    event: {
      operator: { tenant_key: 'tenant_test', user_id: 'u_op', open_id: spec.operatorOpenId ?? 'ou_sender', union_id: 'on_op' },
      // The card-update credential: not the verification token.
      token: `c-${randomBytes(8).toString('hex')}`,
      action: {
        value: spec.value,
        tag: spec.tag ?? (spec.option !== undefined ? 'select_static' : 'button'),
        ...(spec.option !== undefined ? { option: spec.option } : {}),
        ...(spec.formValue ? { form_value: spec.formValue } : {}),
        timezone: 'Asia/Shanghai',
      },
      host: 'im_message',
      context: { open_message_id: spec.messageId ?? 'om_card', open_chat_id: spec.chatId ?? 'oc_group_chat' },
    },
  };
}

/** An old-style card callback (no schema; its `token` is the card-update credential). */
export function feishuLegacyCardAction(spec: CardActionSpec): Record<string, any> {
  return {
    open_id: spec.operatorOpenId ?? 'ou_sender',
    user_id: 'u_op',
    open_message_id: spec.messageId ?? 'om_card',
    tenant_key: 'tenant_test',
    token: `c-${randomBytes(8).toString('hex')}`,
    action: {
      value: spec.value,
      tag: spec.tag ?? 'button',
      ...(spec.option !== undefined ? { option: spec.option } : {}),
      ...(spec.formValue ? { form_value: spec.formValue } : {}),
    },
  };
}

export function feishuUrlVerification(challenge: string = randomUUID(), token: string = FEISHU_TOKEN): Record<string, any> {
  return { challenge, token, type: 'url_verification' };
}

/** AES-256-CBC with key sha256(encryptKey) and a random IV in front, base64 — as Feishu encrypts. */
export function encryptFeishu(json: unknown, encryptKey = FEISHU_ENCRYPT_KEY): { encrypt: string } {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  return { encrypt: Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]).toString('base64') };
}

export interface SignOptions {
  timestamp?: string | number;
  nonce?: string;
  encryptKey?: string;
}

/** The three headers Feishu signs a push with: sha256(timestamp + nonce + encryptKey + body). */
export function signFeishu(body: string, options: SignOptions = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const signature = createHash('sha256')
    .update(timestamp + nonce + (options.encryptKey ?? FEISHU_ENCRYPT_KEY) + body)
    .digest('hex');
  return { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
}

/** The old card callback signature: sha1(timestamp + nonce + verificationToken + body). */
export function signLegacyCard(body: string, options: { timestamp?: string | number; nonce?: string; token?: string } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const signature = createHash('sha1')
    .update(timestamp + nonce + (options.token ?? FEISHU_TOKEN) + body)
    .digest('hex');
  return { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
}

export interface PostOptions extends SignOptions {
  /** Encrypt the body with the encrypt key (default true). */
  encrypt?: boolean;
  /** Sign the request (default true); `legacy` signs the old card way. */
  sign?: boolean | 'legacy';
  /** Replace the signature with this value. */
  signature?: string;
}

export interface PostResult {
  status: number;
  body: any;
  ms: number;
}

/** POSTs a Feishu push to `url` the way Feishu does: compact JSON, encrypted and signed unless told otherwise. */
export async function postFeishu(url: string, payload: unknown, options: PostOptions = {}): Promise<PostResult> {
  const wire = options.encrypt === false ? payload : encryptFeishu(payload, options.encryptKey);
  const text = JSON.stringify(wire);
  let headers: Record<string, string> = {};
  if (options.sign === 'legacy') headers = signLegacyCard(text, { timestamp: options.timestamp, nonce: options.nonce });
  else if (options.sign !== false) headers = signFeishu(text, options);
  if (options.signature) headers['x-lark-signature'] = options.signature;
  const started = Date.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: text });
  const raw = await res.text();
  let body: any = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // keep the text
  }
  return { status: res.status, body, ms: Date.now() - started };
}
