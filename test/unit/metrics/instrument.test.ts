// The metrics hooks: a command's verb and outcome, the outbox's retries and
// parks, and the lateness of clock milestone jobs, as Prometheus reports them.
import { describe, it, expect } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { CodedError } from '../../../src/core/errors.js';
import type { InboundCommand } from '../../../src/core/inbound.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { instrumentClockJobs, instrumentOutbox, instrumentRouter, measuredCommand, outcomeOf, verbOf } from '../../../src/metrics/instrument.js';
import { defineCommand } from '../../../conversations/command-spec.js';
import { translate } from '../../../conversations/messages/index.js';
import type { CommandRouter } from '../../../conversations/router.js';

const inbound = (text: string): InboundCommand => ({
  kind: 'text',
  text,
  actor: { platform: 'slack', platformUserId: 'U1', displayName: 'Sam', locale: 'en' },
  conversation: { platform: 'slack', conversationId: 'C1' },
  deliveryId: `d-${text}`,
  receivedAt: new Date(),
  via: 'command',
});

const value = async (metrics: Metrics, line: RegExp) => {
  const found = (await metrics.text()).split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').pop()) : undefined;
};

describe('verbOf and outcomeOf', () => {
  const router = { command: (w: string) => (['claim', '认领'].includes(w) ? ({ name: 'claim' } as never) : undefined) };
  it('names the command in English, whatever was typed, and keeps unknown words out of the labels', () => {
    expect(verbOf(router, inbound('/工单 认领 T-1'))).toBe('claim');
    expect(verbOf(router, inbound('claim T-1'))).toBe('claim');
    expect(verbOf(router, inbound('drop table tickets'))).toBe('unknown');
    expect(verbOf(router, { ...inbound(''), kind: 'action', action: { id: 'claim', values: {} } })).toBe('claim');
  });

  it('tells a refusal and an internal error from an answer when no command ran', () => {
    expect(outcomeOf([{ text: 'I don’t know that', private: true }])).toBe('refused');
    expect(outcomeOf([{ text: translate('zh-CN', 'internal.error'), private: true }])).toBe('failed');
    expect(outcomeOf([{ text: 'Opened T-1', card: { title: 'T-1', tone: 'info', fields: [], elements: [] } as never }])).toBe('ok');
  });
});

describe('instrumentRouter with measuredCommand', () => {
  it('counts commands by verb and outcome and times each answer', async () => {
    const metrics = new Metrics();
    const spec = (name: string, run: () => Promise<never[]>) => measuredCommand(defineCommand({ name, aliases: [], usage: name, positional: [], access: 'anyone', schema: z.object({}), run }));
    const specs = {
      ok: spec('ok', async () => []),
      refuse: spec('refuse', async () => {
        throw new CodedError('auth.admin_only');
      }),
    };
    const router = {
      command: (w: string) => specs[w as keyof typeof specs],
      // What the router does: run the spec, turn a coded error into a private text.
      handle: async (i: InboundCommand) => {
        try {
          return await specs[i.text as keyof typeof specs].run({ source: { platform: i.actor.platform, via: i.via, deliveryId: i.deliveryId } } as never, {});
        } catch {
          return [{ text: 'Only an admin can do that.', private: true }];
        }
      },
    } as unknown as CommandRouter;
    instrumentRouter(router, metrics);
    await router.handle(inbound('ok'));
    await router.handle(inbound('ok'));
    await router.handle(inbound('refuse'));
    expect(await value(metrics, /^duban_commands_total\{verb="ok",outcome="ok"\}/)).toBe(2);
    expect(await value(metrics, /^duban_commands_total\{verb="refuse",outcome="refused"\}/)).toBe(1);
    expect(await value(metrics, /^duban_command_ack_seconds_count\{platform="slack"\}/)).toBe(3);
  });
});

describe('instrumentOutbox and instrumentClockJobs', () => {
  it('counts retries and parked messages after the store has them', async () => {
    const metrics = new Metrics({ outboxCounts: async () => ({ pending: 4, parked: 1 }) });
    const calls: string[] = [];
    const store = {
      retryAt: async (id: string, _dueAt: Date, _error: string) => void calls.push(`retry ${id}`),
      park: async (id: string, _error: string) => void calls.push(`park ${id}`),
    };
    instrumentOutbox(store, metrics);
    await store.retryAt('m1', new Date(), 'HTTP 429');
    await store.retryAt('m2', new Date(), 'HTTP 500');
    await store.park('m3', 'channel archived');
    expect(calls).toEqual(['retry m1', 'retry m2', 'park m3']);
    expect(await value(metrics, /^duban_deliveries_retried_total /)).toBe(2);
    expect(await value(metrics, /^duban_deliveries_parked_total /)).toBe(1);
    expect(await value(metrics, /^duban_outbox_messages\{status="pending"\}/)).toBe(4);
  });

  it('observes how late a milestone job started after its moment', async () => {
    const metrics = new Metrics();
    const agenda = new EventEmitter();
    instrumentClockJobs(agenda as never, 'clock.milestone', metrics);
    const due = new Date('2026-03-18T10:00:00Z');
    agenda.emit('start:clock.milestone', { attrs: { data: { at: due.toISOString() }, lastRunAt: new Date(due.getTime() + 1500) } });
    agenda.emit('start:clock.milestone', { attrs: { data: {} } });
    expect(await value(metrics, /^duban_clock_lateness_seconds_count /)).toBe(1);
    expect(await value(metrics, /^duban_clock_lateness_seconds_sum /)).toBe(1.5);
    expect(await value(metrics, /^duban_clock_lateness_seconds_bucket\{le="1"\}/)).toBe(0);
    expect(await value(metrics, /^duban_clock_lateness_seconds_bucket\{le="2"\}/)).toBe(1);
  });
});
