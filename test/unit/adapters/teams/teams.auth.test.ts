// Who may call /api/messages: only requests with a Bot Framework token for this
// app, from the issuer configured, unexpired, for the service URL the activity
// names, signed by a published key. Everything else is 401 and nothing runs.
import { describe, it, expect, beforeAll, afterAll, beforeEach, jest } from '@jest/globals';
import http from 'node:http';
import { loadEnv } from '../../../../src/config/env.js';
import { createLogger } from '../../../../src/core/logger.js';
import { systemClock } from '../../../../src/core/clock.js';
import { createHttpServer } from '../../../../src/http/server.js';
import { createTeamsAdapter } from '../../../../adapters/teams/teams.adapter.js';
import { teamsAuthConfig, tokenEndpoint } from '../../../../adapters/teams/teams.auth.js';
import { FakeTeamsContext } from '../../../doubles/fake-teams-context.js';
import { FakeBotIdentity } from '../../../doubles/fake-bot-identity.js';
import { startTeamsHarness, TEST_APP_ID, type TeamsHarness } from '../../../support/teams-harness.js';
import { teamsPersonalMessage, teamsUser } from '../../../support/teams-activities.js';

const alice = teamsUser('Alice Chen', '7faf8ab2-3d56-4244-b585-20c8a42ed2b8');

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/.well-known/openid-configuration`;
}

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.context.handled.length = 0;
  h.connector.reset();
  // The SDK logs every refused token to the console; the assertions below say what matters.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe('with MICROSOFT_APP_ID: authenticated', () => {
  const message = () => teamsPersonalMessage(h.scene, { text: 'claim T-1', from: alice });

  it('accepts a valid Bot Framework token', async () => {
    const res = await h.post(message());
    expect(res.status).toBe(200);
    expect(h.context.handled).toHaveLength(1);
  });

  const refusals: Array<[string, (activity: ReturnType<typeof message>) => string | null]> = [
    ['no Authorization header', () => null],
    ['a token for another app (wrong audience)', (a) => h.identity!.channelToken(a.serviceUrl, { claims: { aud: '99999999-0000-4000-8000-000000000000' } })],
    ['a token from another issuer', (a) => h.identity!.channelToken(a.serviceUrl, { claims: { iss: 'https://api.botframework.com' } })],
    ['an expired token', (a) => h.identity!.channelToken(a.serviceUrl, { claims: { exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 } })],
    ['a token for another service URL', (a) => h.identity!.channelToken(a.serviceUrl.replace('127.0.0.1', 'localhost'))],
    ['a token signed with a key Bot Framework never published', (a) => h.identity!.channelToken(a.serviceUrl, { foreignKey: true })],
    ['a token naming an unknown key id', (a) => h.identity!.channelToken(a.serviceUrl, { kid: 'not-a-key' })],
    ['garbage', () => 'not.a.jwt'],
  ];

  it.each(refusals)('refuses %s with 401 and runs nothing', async (_name, token) => {
    const activity = message();
    const bearer = token(activity);
    const res = await h.post(activity, bearer);
    expect(res.status).toBe(401);
    expect(h.context.handled).toHaveLength(0);
    expect(h.connector.calls).toHaveLength(0);
  });

  it('refuses a Basic Authorization header', async () => {
    const res = await fetch(`${h.baseUrl}/api/messages`, { method: 'POST', headers: { authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'application/json' }, body: JSON.stringify(message()) });
    expect(res.status).toBe(401);
    expect(h.context.handled).toHaveLength(0);
  });
});

describe('when Bot Framework\'s signing keys cannot be fetched', () => {
  it.each([
    ['the OpenID metadata is unreachable', async () => ({ MICROSOFT_OPENID_METADATA_URL: await closedPortUrl() })],
    ['the OpenID metadata answers 503', async () => ({})],
  ])('%s: every request is refused with 401', async (name, extraEnv) => {
    const identity = await FakeBotIdentity.start(TEST_APP_ID);
    if (name.includes('503')) identity.metadataStatus = 503;
    const harness = await startTeamsHarness({ identity, env: await extraEnv() });
    try {
      const activity = teamsPersonalMessage(harness.scene, { text: 'claim T-1', from: alice });
      const res = await harness.post(activity, identity.channelToken(activity.serviceUrl));
      expect(res.status).toBe(401);
      expect(harness.context.handled).toHaveLength(0);
    } finally {
      await harness.stop();
      await identity.stop();
    }
  });
});

describe('single tenant', () => {
  it('signs in to its own tenant for outgoing calls', async () => {
    const tenant = 'c0ffee00-0000-4000-8000-000000000001';
    const harness = await startTeamsHarness({ env: { MICROSOFT_APP_TENANT_ID: tenant, MICROSOFT_APP_TYPE: 'SingleTenant' } });
    try {
      const res = await harness.post(teamsPersonalMessage(harness.scene, { text: 'help', from: alice }));
      expect(res.status).toBe(200);
      expect(harness.identity!.tokenRequests.at(-1)?.path).toBe(`/${tenant}/oauth2/v2.0/token`);
      expect(harness.connector.posted()[0].authorization).toBe(`Bearer ${harness.identity!.issuedTokens.at(-1)}`);
    } finally {
      await harness.stop();
    }
  });

  it('stops start-up with one clear line when a companion setting is missing', () => {
    const make = (env: Record<string, string>) => () =>
      createTeamsAdapter({ env: loadEnv(env), http: createHttpServer(createLogger('silent')), context: new FakeTeamsContext(), logger: createLogger('silent'), clock: systemClock });
    expect(make({ MICROSOFT_APP_ID: TEST_APP_ID, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TYPE: 'SingleTenant' })).toThrow(/MICROSOFT_APP_TENANT_ID is required/);
    expect(make({ MICROSOFT_APP_ID: TEST_APP_ID })).toThrow(/MICROSOFT_APP_PASSWORD is required/);
  });

  it('is chosen when a tenant is given without a type', () => {
    expect(teamsAuthConfig(loadEnv({ MICROSOFT_APP_ID: TEST_APP_ID, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TENANT_ID: 't1' })).appType).toBe('SingleTenant');
    expect(teamsAuthConfig(loadEnv({ MICROSOFT_APP_ID: TEST_APP_ID, MICROSOFT_APP_PASSWORD: 'x' })).appType).toBe('MultiTenant');
  });

  it('builds the token endpoint under a sign-in URL, with or without a tenant in it', () => {
    expect(tokenEndpoint('https://login.microsoftonline.us', 'botframework.com')).toBe('https://login.microsoftonline.us/botframework.com/oauth2/v2.0/token');
    expect(tokenEndpoint('https://login.microsoftonline.us/my-tenant/', 'botframework.com')).toBe('https://login.microsoftonline.us/my-tenant/oauth2/v2.0/token');
  });
});

describe('without MICROSOFT_APP_ID (local testing)', () => {
  it('says loudly at start that it is unauthenticated, and serves activities without a token', async () => {
    const harness = await startTeamsHarness({ authenticated: false });
    try {
      expect(harness.logs.join('')).toMatch(/WITHOUT authentication/);
      const res = await harness.post(teamsPersonalMessage(harness.scene, { text: 'help', from: alice }), null);
      expect(res.status).toBe(200);
      expect(harness.context.handled).toHaveLength(1);
      expect(harness.connector.posted()[0].authorization).toBeUndefined();
    } finally {
      await harness.stop();
    }
  });
});
