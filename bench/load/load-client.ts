import { fork } from 'node:child_process';
import path from 'node:path';
import { LoadMessage, LoadPlan, LoadProgress, LoadResult } from './load-protocol';

/**
 * Runs one LoadPlan in a fresh load-generator process and resolves with its result.
 * `onProgress` is called about once a second.
 */
export function runLoad(plan: LoadPlan, onProgress: (p: LoadProgress) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    let failure: string | undefined;
    child.on('message', (m: LoadMessage) => {
      if (m.type === 'progress') onProgress(m);
      else if (m.type === 'result') result = m;
      else failure = m.message;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`load generator failed (exit ${String(code)}): ${failure ?? 'no result'}`));
    });
    child.send(plan);
  });
}
