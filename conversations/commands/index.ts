// Every command Duban understands. Adapters and the Slack manifest check
// against this list.
import type { CommandSpec } from '../command-spec.js';
import { openCommand } from './open.command.js';
import { claimCommand } from './claim.command.js';
import { assignCommand } from './assign.command.js';
import { noteCommand } from './note.command.js';
import { waitCommand } from './wait.command.js';
import { resumeCommand } from './resume.command.js';
import { resolveCommand } from './resolve.command.js';
import { closeCommand } from './close.command.js';
import { reopenCommand } from './reopen.command.js';
import { escalateCommand } from './escalate.command.js';
import { handoffCommand } from './handoff.command.js';
import { acceptCommand } from './accept.command.js';
import { declineCommand } from './decline.command.js';
import { showCommand } from './show.command.js';
import { listCommand } from './list.command.js';
import { adminCommand } from './admin.command.js';
import { followupCommand } from './followup.command.js';
import { classifyCommand } from './classify.command.js';
import { penaltiesCommand } from './penalties.command.js';
import { appealCommand } from './appeal.command.js';
import { reviewCommand } from './review.command.js';
import { retrainingCommand } from './retraining.command.js';
import { outageCommand } from './outage.command.js';
import { helpCommand } from './help.command.js';
import { customerCommand } from './customer.command.js';
import { caseCommand } from './case.command.js';
import { similarCommand } from './similar.command.js';
import { dashboardCommand } from './dashboard.command.js';

export function allCommands(): CommandSpec[] {
  const commands: CommandSpec[] = [
    openCommand,
    claimCommand,
    assignCommand,
    noteCommand,
    waitCommand,
    resumeCommand,
    resolveCommand,
    closeCommand,
    reopenCommand,
    escalateCommand,
    handoffCommand,
    acceptCommand,
    declineCommand,
    showCommand,
    listCommand,
    classifyCommand,
    followupCommand,
    outageCommand,
    penaltiesCommand,
    appealCommand,
    reviewCommand,
    retrainingCommand,
    customerCommand,
    caseCommand,
    similarCommand,
    dashboardCommand,
    adminCommand,
  ] as CommandSpec[];
  commands.push(helpCommand(() => commands) as CommandSpec);
  return commands;
}
