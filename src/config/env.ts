// Environment configuration, validated once at start-up. A bad value stops
// the process with one line that names the variable and says what is wrong.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().trim().min(1).optional();

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  POLICY_FILE: optionalText,
  ORG_FILE: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: z.string().url().optional(),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  // Overrides of Bot Framework's sign-in endpoints, for national clouds and for tests
  // that run a local OpenID/token server; production leaves them unset.
  MICROSOFT_OPENID_METADATA_URL: z.string().url().optional(),
  MICROSOFT_TOKEN_ISSUER: optionalText,
  MICROSOFT_LOGIN_URL: z.string().url().optional(),
  /** Serves /api/messages without authentication, for the Bot Framework Emulator only. */
  TEAMS_LOCAL_TESTING: z.enum(['true', 'false']).optional(),
  /** Display name used in the Teams app package. */
  TEAMS_BOT_NAME: optionalText,
  FEISHU_APP_ID: optionalText,
  FEISHU_APP_SECRET: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_DOMAIN: z.string().url().optional(),
  /** Receive Feishu events over the SDK's long connection instead of HTTP (no public URL needed). */
  FEISHU_LONG_CONNECTION: z.enum(['true', 'false']).optional(),
  CONSOLE_ENABLED: z.enum(['true', 'false']).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Where people reach Duban (dashboard sign-in links point there); else this host and port. */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) address such as https://duban.example.com' })
    .transform((url) => url.replace(/\/$/, ''))
    .optional(),
  /** Commands one person may send per minute; 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(30),
  /**
   * How long an instance holds an outgoing message it claimed (ms). When the instance dies, another
   * one sends the message once this runs out. The default suits production; tests shorten it.
   */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(2_000).max(3_600_000).default(60_000),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses the environment; empty strings count as unset (as in most .env files). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0] ?? 'environment');
  const shown = name in cleaned && !/SECRET|PASSWORD|TOKEN|KEY/.test(name) ? ` (got '${cleaned[name]}')` : '';
  throw new ConfigError(`Invalid ${name}${shown}: ${issue.message}`);
}
