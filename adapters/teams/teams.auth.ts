// Bot Framework authentication for Teams: who may call /api/messages (a JWT
// signed by Bot Framework for this app id, with the service URL it claims) and
// how Duban signs its own calls to the Teams connector. Endpoints can be moved
// for national clouds and for tests; outgoing calls make one attempt only,
// because the outbox paces and retries them.
import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  ServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type ServiceClientCredentials,
  type UserTokenClient,
} from 'botframework-connector';
import type { Env } from '../../src/config/env.js';

export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface TeamsAuthConfig {
  appId?: string;
  password?: string;
  tenantId?: string;
  appType: TeamsAppType;
  openIdMetadataUrl: string;
  tokenIssuer: string;
  /** Set only when MICROSOFT_LOGIN_URL overrides the Azure AD sign-in endpoint. */
  loginUrl?: string;
}

export class TeamsConfigError extends Error {}

/** Reads and checks the Teams settings; a missing companion setting is one clear line naming it. */
export function teamsAuthConfig(env: Env): TeamsAuthConfig {
  const appId = env.MICROSOFT_APP_ID;
  const appType: TeamsAppType = env.MICROSOFT_APP_TYPE ?? (env.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant');
  if (appId) {
    if (appType === 'SingleTenant' && !env.MICROSOFT_APP_TENANT_ID) {
      throw new TeamsConfigError('MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE is SingleTenant: set it to your Azure AD tenant (directory) id');
    }
    if (appType === 'UserAssignedMSI' && !env.MICROSOFT_APP_TENANT_ID) {
      throw new TeamsConfigError('MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE is UserAssignedMSI');
    }
    if (appType !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD) {
      throw new TeamsConfigError('MICROSOFT_APP_PASSWORD is required with MICROSOFT_APP_ID: use the client secret of the Azure Bot\'s app registration');
    }
  }
  return {
    appId,
    password: env.MICROSOFT_APP_PASSWORD,
    tenantId: env.MICROSOFT_APP_TENANT_ID,
    appType,
    openIdMetadataUrl: env.MICROSOFT_OPENID_METADATA_URL ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    tokenIssuer: env.MICROSOFT_TOKEN_ISSUER ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    loginUrl: env.MICROSOFT_LOGIN_URL,
  };
}

/** The token endpoint under a sign-in URL: the tenant is added unless the URL already names one. */
export function tokenEndpoint(loginUrl: string, tenant: string): string {
  const url = new URL(loginUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path || `/${tenant}`}/oauth2/v2.0/token`;
  return url.toString();
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * OAuth 2.0 client credentials against a configured sign-in URL (national clouds, tests):
 * one token per scope, cached until five minutes before it expires.
 */
class ClientCredentialsFactory extends ServiceClientCredentialsFactory {
  private readonly tokens = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly appId: string,
    private readonly password: string,
    private readonly endpoint: string,
  ) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string, audience: string | undefined): Promise<ServiceClientCredentials> {
    if (appId !== this.appId) throw new Error('Invalid appId.');
    const scope = `${(audience ?? AuthenticationConstants.ToChannelFromBotOAuthScope).replace(/\/$/, '')}/.default`;
    return {
      signRequest: async (request) => {
        request.headers.set('authorization', `Bearer ${await this.token(scope)}`);
        return request;
      },
    };
  }

  private async token(scope: string): Promise<string> {
    const cached = this.tokens.get(scope);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > Date.now()) return token.value;
    }
    const fresh = this.fetchToken(scope);
    this.tokens.set(scope, fresh);
    fresh.catch(() => this.tokens.delete(scope));
    return (await fresh).value;
  }

  private async fetchToken(scope: string): Promise<CachedToken> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.appId, client_secret: this.password, scope });
    const res = await fetch(this.endpoint, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!res.ok || typeof json.access_token !== 'string') {
      const error = Object.assign(new Error(`Teams sign-in failed (${res.status}${typeof json.error === 'string' ? `: ${json.error}` : ''})`), { statusCode: res.status >= 500 ? res.status : 401 });
      throw error;
    }
    const lifetime = Number(json.expires_in) > 0 ? Number(json.expires_in) : 3600;
    return { value: json.access_token, expiresAt: Date.now() + Math.max(lifetime - 300, 30) * 1000 };
  }
}

/** Removes the HTTP pipeline's automatic retries (429, 5xx, network) from a connector client. */
function withoutRetries(client: ConnectorClient): ConnectorClient {
  const inner = client as unknown as { client?: { pipeline?: { removePolicy(options: { phase: string }): unknown } } };
  inner.client?.pipeline?.removePolicy({ phase: 'Retry' });
  return client;
}

class SingleAttemptConnectorFactory extends ConnectorFactory {
  constructor(private readonly inner: ConnectorFactory) {
    super();
  }

  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return withoutRetries(await this.inner.create(serviceUrl, audience));
  }
}

/** The SDK's authentication, with every connector it hands out making one attempt per call. */
class SingleAttemptAuthentication extends BotFrameworkAuthentication {
  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: result.connectorFactory && new SingleAttemptConnectorFactory(result.connectorFactory) };
  }

  authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new SingleAttemptConnectorFactory(this.inner.createConnectorFactory(claimsIdentity));
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

/** The Bot Framework authentication Duban runs with (authenticated when an app id is configured). */
export function createTeamsAuthentication(config: TeamsAuthConfig): BotFrameworkAuthentication {
  const settings = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.password,
    MicrosoftAppTenantId: config.tenantId,
    MicrosoftAppType: config.appType,
  };
  const credentials =
    config.appId && config.password && config.loginUrl && config.appType !== 'UserAssignedMSI'
      ? new ClientCredentialsFactory(config.appId, config.password, tokenEndpoint(config.loginUrl, config.appType === 'SingleTenant' ? config.tenantId! : 'botframework.com'))
      : new ConfigurationServiceClientCredentialFactory(settings);
  // Every endpoint is given: the SDK treats a partial set as "all intentional" and leaves the rest empty.
  const inner = new ConfigurationBotFrameworkAuthentication(
    {
      ...settings,
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: config.loginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: config.tokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: config.openIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    },
    credentials,
  );
  return new SingleAttemptAuthentication(inner);
}
