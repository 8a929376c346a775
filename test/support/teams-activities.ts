// Builders for the Teams activities Duban receives, in the shapes Teams sends
// (channel mention, personal message, Action.Execute invoke, Action.Submit,
// bot installed, "Create ticket" message action), and a helper that posts one
// to /api/messages the way the Bot Framework service does.
export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId?: string;
}

export interface TeamsScene {
  serviceUrl: string;
  botId?: string;
  botName?: string;
  tenantId?: string;
  channelId?: string;
  teamId?: string;
}

let counter = 0;
const nextId = () => String(1_760_000_000_000 + ++counter);

export const TENANT_ID = '5c2f8a1e-0000-4000-8000-00000000a001';
export const CHANNEL_ID = '19:duban-test-channel@thread.tacv2';
export const TEAM_ID = '19:duban-test-team@thread.tacv2';

export function teamsUser(name: string, aadObjectId: string): TeamsUser {
  return { id: `29:${aadObjectId.slice(0, 8)}-${name.replace(/\s+/g, '')}`, name, aadObjectId };
}

function base(scene: TeamsScene) {
  const botId = scene.botId ?? '28:00000000-0000-4000-8000-0000000b0001';
  return {
    channelId: 'msteams',
    serviceUrl: scene.serviceUrl,
    recipient: { id: botId, name: scene.botName ?? 'Duban' },
    timestamp: new Date().toISOString(),
    locale: 'en-US',
  };
}

function channelData(scene: TeamsScene) {
  return {
    teamsChannelId: scene.channelId ?? CHANNEL_ID,
    teamsTeamId: scene.teamId ?? TEAM_ID,
    channel: { id: scene.channelId ?? CHANNEL_ID },
    team: { id: scene.teamId ?? TEAM_ID },
    tenant: { id: scene.tenantId ?? TENANT_ID },
  };
}

export interface ChannelMessageOptions {
  text: string;
  from: TeamsUser;
  /** Put `<at>bot</at>` first, with its mention entity. */
  mentionBot?: boolean;
  /** Other people mentioned: each `<at>name</at>` in the text gets a mention entity. */
  mentions?: TeamsUser[];
  id?: string;
  /** Thread root; a new post is its own root. */
  threadId?: string;
  locale?: string;
}

export function teamsChannelMessage(scene: TeamsScene, options: ChannelMessageOptions) {
  const b = base(scene);
  const id = options.id ?? nextId();
  const botMention = `<at>${b.recipient.name}</at>`;
  const text = options.mentionBot ? `${botMention} ${options.text}` : options.text;
  const entities: object[] = [];
  if (options.mentionBot) entities.push({ type: 'mention', text: botMention, mentioned: { id: b.recipient.id, name: b.recipient.name } });
  for (const person of options.mentions ?? []) entities.push({ type: 'mention', text: `<at>${person.name}</at>`, mentioned: { id: person.id, name: person.name } });
  entities.push({ type: 'clientInfo', locale: options.locale ?? 'en-US', country: 'US', platform: 'Web' });
  return {
    ...b,
    type: 'message',
    id,
    text,
    textFormat: 'plain',
    locale: options.locale ?? 'en-US',
    from: options.from,
    conversation: { id: `${scene.channelId ?? CHANNEL_ID};messageid=${options.threadId ?? id}`, isGroup: true, conversationType: 'channel', tenantId: scene.tenantId ?? TENANT_ID },
    entities,
    channelData: channelData(scene),
  };
}

export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aadObjectId ?? user.id}`;
}

export function teamsPersonalMessage(scene: TeamsScene, options: { text: string; from: TeamsUser; id?: string; locale?: string; value?: object }) {
  return {
    ...base(scene),
    type: 'message',
    id: options.id ?? nextId(),
    text: options.text,
    textFormat: 'plain',
    locale: options.locale ?? 'en-US',
    from: options.from,
    conversation: { id: personalConversationId(options.from), conversationType: 'personal', tenantId: scene.tenantId ?? TENANT_ID },
    entities: [{ type: 'clientInfo', locale: options.locale ?? 'en-US' }],
    channelData: { tenant: { id: scene.tenantId ?? TENANT_ID } },
    ...(options.value ? { value: options.value } : {}),
  };
}

export interface CardActionOptions {
  verb: string;
  data?: Record<string, unknown>;
  from: TeamsUser;
  /** The card's message id. */
  replyToId?: string;
  /** Where the card is: a channel thread (default) or a personal chat. */
  personal?: boolean;
  threadId?: string;
  id?: string;
  locale?: string;
}

function conversationFor(scene: TeamsScene, options: { personal?: boolean; from: TeamsUser; threadId?: string }) {
  return options.personal
    ? { id: personalConversationId(options.from), conversationType: 'personal', tenantId: scene.tenantId ?? TENANT_ID }
    : { id: `${scene.channelId ?? CHANNEL_ID};messageid=${options.threadId ?? '1760000000000'}`, isGroup: true, conversationType: 'channel', tenantId: scene.tenantId ?? TENANT_ID };
}

/** An Action.Execute click: `adaptiveCard/action` invoke with the verb and data merged with the card's inputs. */
export function teamsCardAction(scene: TeamsScene, options: CardActionOptions) {
  return {
    ...base(scene),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: options.id ?? `f:${nextId()}`,
    locale: options.locale ?? 'en-US',
    from: options.from,
    conversation: conversationFor(scene, options),
    replyToId: options.replyToId ?? 'msg-card',
    channelData: options.personal ? { tenant: { id: scene.tenantId ?? TENANT_ID } } : channelData(scene),
    value: { action: { type: 'Action.Execute', title: options.verb, verb: options.verb, data: { dubanAction: options.verb, ...options.data } }, trigger: 'manual' },
  };
}

/** An Action.Submit click from an older client: a message whose value is the button's data plus the inputs. */
export function teamsCardSubmit(scene: TeamsScene, options: CardActionOptions) {
  return {
    ...base(scene),
    type: 'message',
    id: options.id ?? nextId(),
    from: options.from,
    conversation: conversationFor(scene, options),
    replyToId: options.replyToId ?? 'msg-card',
    channelData: options.personal ? { tenant: { id: scene.tenantId ?? TENANT_ID } } : channelData(scene),
    value: { dubanAction: options.verb, ...options.data },
  };
}

/** The bot installed: in a team (General channel), a group chat, or a person's personal scope. */
export function teamsConversationUpdate(scene: TeamsScene, options: { scope: 'team' | 'groupChat' | 'personal'; from: TeamsUser; membersAdded?: Array<{ id: string }> }) {
  const b = base(scene);
  const conversation =
    options.scope === 'team'
      ? { id: scene.channelId ?? CHANNEL_ID, isGroup: true, conversationType: 'channel', tenantId: scene.tenantId ?? TENANT_ID }
      : options.scope === 'groupChat'
        ? { id: '19:group-chat@thread.v2', isGroup: true, conversationType: 'groupChat', tenantId: scene.tenantId ?? TENANT_ID }
        : { id: personalConversationId(options.from), conversationType: 'personal', tenantId: scene.tenantId ?? TENANT_ID };
  return {
    ...b,
    type: 'conversationUpdate',
    id: `f:${nextId()}`,
    from: options.from,
    conversation,
    membersAdded: options.membersAdded ?? [{ id: b.recipient.id }],
    channelData: options.scope === 'team' ? { ...channelData(scene), eventType: 'teamMemberAdded' } : { tenant: { id: scene.tenantId ?? TENANT_ID } },
  };
}

/** "Create ticket" on a message: `composeExtension/fetchTask` or `/submitAction` with the message payload. */
export function teamsMessageAction(
  scene: TeamsScene,
  options: { name: 'composeExtension/fetchTask' | 'composeExtension/submitAction'; from: TeamsUser; html: string; linkToMessage?: string; data?: Record<string, unknown>; id?: string },
) {
  return {
    ...base(scene),
    type: 'invoke',
    name: options.name,
    id: options.id ?? `f:${nextId()}`,
    from: options.from,
    conversation: conversationFor(scene, { from: options.from }),
    channelData: channelData(scene),
    value: {
      commandId: 'createTicket',
      commandContext: 'message',
      ...(options.data ? { data: options.data } : {}),
      messagePayload: {
        id: '1760000000001',
        body: { contentType: 'html', content: options.html },
        linkToMessage: options.linkToMessage ?? 'https://teams.microsoft.com/l/message/19:duban-test-channel@thread.tacv2/1760000000001',
        from: { user: { id: 'someone', displayName: 'Someone' } },
      },
    },
  };
}

/** Posts an activity to Duban's endpoint; `token` becomes the Bearer Authorization header. */
export async function postActivity(baseUrl: string, activity: object, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
