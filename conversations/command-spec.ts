// Declarative command specs (in the spirit of Hubot's): a command names its
// verb and Chinese alias, its arguments, who may run it and its handler. The
// same spec serves typed text and card buttons, so both are validated alike.
import type { z } from 'zod';
import { CodedError } from '../src/core/errors.js';
import type { Actor, ConversationRef, Locale } from '../src/core/platform.js';
import type { Reply } from '../src/core/card.js';
import type { Clock } from '../src/core/clock.js';
import type { OrgView, Person } from '../src/org/org.types.js';
import type { TicketService } from '../src/tickets/ticket.service.js';
import type { ChangeSource, Ticket } from '../src/tickets/ticket.types.js';
import type { ClockView } from '../src/sla/clock-view.js';
import type { ClockService } from '../src/sla/clock.service.js';
import type { OutageLog } from '../src/sla/outage.js';
import type { AppealRepository, PenaltyRepository, RetrainingRepository } from '../src/accountability/ports.js';
import type { AppealService } from '../src/accountability/appeal.service.js';
import type { CustomerDirectory } from '../src/customers/customer.service.js';
import type { CaseLibrary } from '../src/cases/case.library.js';

export interface CommandServices {
  tickets: TicketService;
  org: OrgView;
  clock: Clock;
  /** The ticket's clocks as of now, for cards. */
  clocksOf?: (ticket: Ticket) => ClockView[];
  /** Runs the SLA clocks (outages). */
  clockService?: ClockService;
  /** Declared outages. */
  outages?: OutageLog;
  /** The penalty ledger and appeals. */
  ledger?: PenaltyRepository & AppealRepository & RetrainingRepository;
  appeals?: AppealService;
  /** Links a platform identity to a person (admin link). */
  linkIdentity?: (personId: string, platform: Actor['platform'], userId: string) => Promise<void>;
  /** Makes a chat conversation a department's home (admin home). */
  setDepartmentHome?: (departmentId: string, home: ConversationRef) => Promise<void>;
  /** The customer directory: open links tickets to customers; the customer command. */
  customers?: CustomerDirectory;
  /** The case library: similar solved cases, case marks and the monthly case share. */
  cases?: CaseLibrary;
}

export interface CommandContext {
  actor: Actor;
  /** The directory person behind the actor; undefined for an unlinked chat user. */
  person?: Person;
  locale: Locale;
  source: ChangeSource;
  /** Where the command was typed or clicked. */
  conversation?: ConversationRef;
  services: CommandServices;
}

/** Who may run a command at all (finer checks happen in the domain). */
export type Access = 'anyone' | 'linked' | 'admin';

export interface CommandSpec<A = Record<string, unknown>> {
  name: string;
  /** The right form, shown with every input error (`/ticket claim <id>`). */
  usage: string;
  /** Chinese verb(s) from the POLICY.md glossary, plus any English synonyms. */
  aliases: string[];
  /** Positional argument names, in order; the last may swallow the rest of the line (`rest`). */
  positional: string[];
  rest?: string;
  /** Flags the command accepts; `boolean` flags take no value. */
  flags?: Record<string, 'string' | 'boolean'>;
  access: Access;
  /** Validates and converts the collected arguments. */
  schema: z.ZodType<A>;
  run(ctx: CommandContext, args: A): Promise<Reply[]>;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}

/** The linked person (commands with access 'linked' or 'admin' always have one). */
export function requirePerson(ctx: CommandContext): Person {
  if (!ctx.person) throw new CodedError('auth.not_linked', { user: ctx.actor.displayName });
  return ctx.person;
}
