import fs from 'node:fs/promises';
import path from 'node:path';
import { NumberingPlan, NumberingPlanSource } from './numbering-plan';

/** The sample shipped with the package (numbering-plan/numbering-plan.csv and its .meta.json). */
export const SAMPLE_PLAN_FILE = path.join(__dirname, '..', '..', 'numbering-plan', 'numbering-plan.csv');

/**
 * The plan the gateway uses, read from `file` (and `<file minus .csv>.meta.json` for its
 * source and date). `reload()` swaps it in only when the new file parses completely:
 * a broken download keeps the old plan and says why.
 */
export class NumberingPlanFile {
  private current: NumberingPlan | undefined;

  constructor(private readonly file: string) {}

  async reload(): Promise<NumberingPlan> {
    const csv = await fs.readFile(this.file, 'utf8');
    const metaFile = this.file.replace(/\.csv$/i, '') + '.meta.json';
    const meta = await fs.readFile(metaFile, 'utf8').then(
      (t) => JSON.parse(t) as Partial<NumberingPlanSource>,
      () => ({}) as Partial<NumberingPlanSource>,
    );
    const plan = NumberingPlan.parse(csv, {
      source: typeof meta.source === 'string' ? meta.source : path.basename(this.file),
      date: typeof meta.date === 'string' ? meta.date : 'unknown',
      ...(typeof meta.note === 'string' ? { note: meta.note } : {}),
    });
    this.current = plan;
    return plan;
  }

  async plan(): Promise<NumberingPlan> {
    return this.current ?? this.reload();
  }
}
