import { describe, it, expect } from '@jest/globals';
import { loadEnv, ConfigError } from '../../../src/config/env.js';

describe('loadEnv', () => {
  it('applies defaults when nothing is set', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './.data', LOG_LEVEL: 'info' });
    expect(env.MONGODB_URI).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    expect(loadEnv({ MONGODB_URI: '', PORT: '' }).PORT).toBe(3000);
  });

  it('names the variable and the problem in one line', () => {
    expect(() => loadEnv({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadEnv({ PORT: 'abc' })).toThrow(/^Invalid PORT \(got 'abc'\)/);
    expect(() => loadEnv({ MONGODB_URI: 'localhost:27017' })).toThrow(/^Invalid MONGODB_URI.*mongodb:\/\//);
    expect(() => loadEnv({ LOG_LEVEL: 'loud' })).toThrow(/^Invalid LOG_LEVEL/);
  });

  it('takes PUBLIC_URL as an http(s) address without its trailing slash', () => {
    expect(loadEnv({ PUBLIC_URL: 'https://duban.example.com/' }).PUBLIC_URL).toBe('https://duban.example.com');
    expect(loadEnv({}).PUBLIC_URL).toBeUndefined();
    expect(() => loadEnv({ PUBLIC_URL: 'ftp://duban.example.com' })).toThrow(/^Invalid PUBLIC_URL \(got 'ftp:\/\/duban.example.com'\): must be an http\(s\) address/);
    expect(() => loadEnv({ PUBLIC_URL: 'duban.example.com' })).toThrow(/^Invalid PUBLIC_URL/);
  });

  it('never echoes secrets in the error', () => {
    let message = '';
    try {
      loadEnv({ ADMIN_TOKEN: 'short' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid ADMIN_TOKEN: /);
    expect(message).not.toContain('short');
  });
});
