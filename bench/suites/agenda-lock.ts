import type { Suite } from '../lib/measure.js';
export const agendaLock: Suite = { name: 'agenda-lock', async run() { return []; } };
