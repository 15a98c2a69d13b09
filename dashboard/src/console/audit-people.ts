import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, OPERATOR_ACTOR } from '@tender/core';

/**
 * Who an audit entry names, for people: an operator account by its e-mail, the
 * shared operator token (the admin API) by a label saying so, anything else
 * (`system`, `expiry`) as recorded.
 */
export type AuditPerson =
  | { readonly kind: 'account'; readonly actor: string; readonly email: string; readonly accountId: string }
  | { readonly kind: 'token'; readonly actor: string }
  | { readonly kind: 'other'; readonly actor: string };

const ACCOUNT_ACTOR = new RegExp(`^${OPERATOR_ACTOR}:(.+)$`);

/**
 * Resolves the actors of audit entries to people with one query per page (the
 * accounts named on it). An account deleted since keeps its id, marked as unknown.
 *
 * @example
 * ```ts
 * const who = await people.resolve(['operator', 'operator:wac_1']);
 * who.get('operator:wac_1'); // { kind: 'account', email: 'ops@example.com', ... }
 * ```
 */
@injectable()
export class AuditPeople {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async resolve(actors: readonly string[]): Promise<ReadonlyMap<string, AuditPerson>> {
    const ids = [...new Set(actors.map((a) => ACCOUNT_ACTOR.exec(a)?.[1]).filter((id): id is string => id !== undefined))];
    const rows =
      ids.length === 0
        ? []
        : ((await this.db('web_accounts').select('id', 'email').where('realm', 'operator').whereIn('id', ids)) as Array<{ id: string; email: string }>);
    const emails = new Map(rows.map((r) => [String(r.id), String(r.email)]));
    const out = new Map<string, AuditPerson>();
    for (const actor of actors) {
      const id = ACCOUNT_ACTOR.exec(actor)?.[1];
      if (actor === OPERATOR_ACTOR) out.set(actor, { kind: 'token', actor });
      else if (id !== undefined) out.set(actor, { kind: 'account', actor, accountId: id, email: emails.get(id) ?? '' });
      else out.set(actor, { kind: 'other', actor });
    }
    return out;
  }

  /** The actor an operator's e-mail stands for, to filter by e-mail; undefined when no operator account has it. */
  async actorOf(email: string): Promise<string | undefined> {
    const row = (await this.db('web_accounts').select('id').where({ realm: 'operator', email: email.toLowerCase() }).first()) as { id: string } | undefined;
    return row === undefined ? undefined : `${OPERATOR_ACTOR}:${String(row.id)}`;
  }
}
