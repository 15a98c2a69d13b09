import { definePlugin } from '@tender/core';
import { SwitchableBank } from './switchable-bank';

/**
 * A plugin for gateway processes started by shared-state-processes.spec (loaded by its
 * file path through TENDER_PLUGINS), standing in for what cannot run here:
 *
 * - bank "switchable": the sandbox's answers, or a technical failure on every
 *   authorization in a process started with PROBE_BANK_DOWN=1 (a bank that is down as
 *   seen from that process);
 * - with PROBE_JOB=1, an exclusive scheduler job that records each round in
 *   `probe_runs` (which process, when it started and ended) and lasts 300 ms, so
 *   overlapping rounds would show.
 */
export const plugin = definePlugin({
  name: 'shared-state-probe',
  version: '0.0.0',
  coreRange: '*',
  migrations: [
    {
      name: '001-probe-runs',
      async up(db) {
        await db.schema.createTable('probe_runs', (t) => {
          t.increments('id');
          t.integer('pid').notNullable();
          t.bigInteger('started_at').notNullable();
          t.bigInteger('ended_at').nullable();
        });
      },
    },
  ],
  setup(ctx) {
    const bank = new SwitchableBank();
    bank.down = process.env.PROBE_BANK_DOWN === '1';
    ctx.registerBankAdapter(bank);
    if (process.env.PROBE_JOB !== '1') return;
    const db = () => ctx.core.database;
    ctx.registerBackgroundJob(
      ctx.core.scheduler.job({
        name: 'probe job',
        intervalMs: 100,
        leaseMs: 1500,
        run: async () => {
          const [id] = await db()('probe_runs').insert({ pid: process.pid, started_at: Date.now() });
          await new Promise((resolve) => setTimeout(resolve, 300));
          await db()('probe_runs').where({ id }).update({ ended_at: Date.now() });
        },
      }),
    );
  },
});
