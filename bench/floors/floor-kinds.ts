import path from 'node:path';
import { REPO_ROOT } from '../bench-database';

/**
 * The three floors a gateway is measured against, each a small express + mysql2
 * server with no gateway logic (docs/performance.md, "The floors"):
 * - `floor`: the gateway's own statements today (floor-server.ts follows them);
 * - `reference-floor`: the 27 statements of 5 Dec 2026, fixed (floors/reference-dec-2026.json);
 * - `physical-floor`: the least a durable card payment needs (floors/physical.json).
 *
 * @example
 * ```ts
 * const { script, env } = floorServer('physical-floor');  // statement-replay-server.js, FLOOR_PLAN=.../physical.json
 * ```
 */
export type FloorKind = 'floor' | 'reference-floor' | 'physical-floor';

export const FLOOR_KINDS: readonly FloorKind[] = ['floor', 'reference-floor', 'physical-floor'];

const PLANS: Record<Exclude<FloorKind, 'floor'>, string> = {
  'reference-floor': 'reference-dec-2026.json',
  'physical-floor': 'physical.json',
};

/** The server script (compiled, in bench/dist) and its extra environment. */
export function floorServer(kind: FloorKind): { script: string; env: NodeJS.ProcessEnv } {
  const dist = path.join(REPO_ROOT, 'bench', 'dist');
  if (kind === 'floor') return { script: path.join(dist, 'floor-server.js'), env: {} };
  return { script: path.join(dist, 'statement-replay-server.js'), env: { FLOOR_PLAN: path.join(REPO_ROOT, 'bench', 'floors', PLANS[kind]) } };
}
