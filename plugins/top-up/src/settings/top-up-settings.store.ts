import { Database, Queryable } from '@tender/core';
import { TopUpSettings, topUpSettingsSchema } from './top-up-settings';

/** The one settings row (`top_up_settings.id = 'default'`); undefined until the operator saves settings. */
export class TopUpSettingsStore {
  constructor(
    private readonly db: () => Database,
    private readonly now: () => number,
  ) {}

  async read(q: Queryable = this.db()): Promise<TopUpSettings | undefined> {
    const row = (await q('top_up_settings').where({ id: 'default' }).first()) as { settings: string } | undefined;
    return row === undefined ? undefined : topUpSettingsSchema.parse(JSON.parse(row.settings));
  }

  async save(settings: TopUpSettings): Promise<void> {
    const text = JSON.stringify(settings);
    const db = this.db();
    const updated = await db('top_up_settings').where({ id: 'default' }).update({ settings: text, updated_at: this.now() });
    if (updated === 0) await db('top_up_settings').insert({ id: 'default', settings: text, updated_at: this.now() });
  }
}
