import { FloorKind } from '../floors/floor-kinds';
import { runsAtEachConcurrency } from './payment-run';
import { BenchScenario } from './scenario';

/** A floor server at every concurrency level, taking turns with scenario 1. */
function fixedFloor(number: number, kind: FloorKind, title: string): BenchScenario {
  return {
    number,
    id: kind,
    title,
    unavailable: () => undefined,
    interleave: true,
    plan: (ctx) => runsAtEachConcurrency(ctx, { number, scenario: kind, title, server: kind }),
  };
}

/**
 * Scenario 9: the reference floor (Dec 2026), a server with no logic replaying the 27
 * statements the gateway sent per card payment on 5 Dec 2026 (bench/floors/reference-dec-2026.json).
 * Fixed on purpose: the gateway is asked to be faster than today's statements could ever be.
 */
export const referenceFloorScenario = fixedFloor(9, 'reference-floor', 'reference floor (Dec 2026, 27 statements)');

/**
 * Scenario 10: the physical floor, the least any durable card payment needs: per
 * request an API-key read, then one transaction (create: the payment and its event;
 * confirm: lock, update, event). bench/floors/physical.json.
 */
export const physicalFloorScenario = fixedFloor(10, 'physical-floor', 'physical floor (7 statements, 2 commits)');
