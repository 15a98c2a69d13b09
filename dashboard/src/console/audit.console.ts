import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import { requireWebRole } from '@tender/core';
import { AuditFilter, AuditQuery } from './audit-query';
import { AuditPeople } from './audit-people';
import { renderConsole, utc } from './console-page';

const PAGE = 50;
const OBJECT_TYPES = ['merchant', 'bank', 'bank_connection', 'web_account', 'routing_rules', 'risk_rule_set', 'risk_review'] as const;
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'must be a date (YYYY-MM-DD)');
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const filterSchema = z
  .object({
    actor: optional(z.string().max(100)),
    action: optional(z.string().regex(/^[a-z_]+(\.[a-z_]*)?$/, 'must be an action such as merchant.suspend, or a family such as merchant.')),
    merchant: optional(z.string().regex(/^mer_[0-9A-Za-z]{1,40}$/, 'must be a merchant id (mer_...)')),
    object_type: optional(z.enum(OBJECT_TYPES)),
    from: optional(day),
    to: optional(day),
    before: optional(z.string().regex(/^aud_[0-9A-Za-z]{1,40}$/)),
    after: optional(z.string().regex(/^aud_[0-9A-Za-z]{1,40}$/)),
  })
  .strip();

/**
 * /console/audit: the audit log with filters (actor, action, merchant, object, dates in UTC) and keyset pages.
 * Entries name their people: an operator account by its e-mail (the actor filter takes
 * the e-mail too), the shared admin token by a label saying so.
 */
export function consoleAuditRouter(container: ServiceResolver): Router {
  const router = Router();
  const audit = container.resolve(AuditQuery);
  const people = container.resolve(AuditPeople);
  router.use(requireWebRole('operator'));

  router.get('/', async (req, res) => {
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const parsed = filterSchema.safeParse(raw);
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message]));
      renderConsole(res, 'audit', { title: 'console.audit.title', filter: raw, errors, objectTypes: OBJECT_TYPES, entries: [] }, 400);
      return;
    }
    const q = parsed.data;
    // An e-mail stands for its operator account; one that names no account matches nothing.
    const actor = q.actor !== undefined && q.actor.includes('@') ? ((await people.actorOf(q.actor)) ?? 'operator:-') : q.actor;
    const filter: AuditFilter = {
      actor,
      action: q.action,
      merchantId: q.merchant,
      objectType: q.object_type,
      from: q.from === undefined ? undefined : Date.parse(`${q.from}T00:00:00Z`),
      // "to" is the last day shown, so the bound is the next midnight.
      to: q.to === undefined ? undefined : Date.parse(`${q.to}T00:00:00Z`) + 86_400_000,
    };
    const page = (await audit.page(filter, { limit: PAGE, before: q.before, after: q.after })) ?? { entries: [], older: undefined, newer: undefined };
    const keep = new URLSearchParams(
      Object.entries({ actor: q.actor, action: q.action, merchant: q.merchant, object_type: q.object_type, from: q.from, to: q.to }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    const link = (key: string, id: string | undefined): string | null => {
      if (id === undefined) return null;
      const params = new URLSearchParams(keep);
      params.set(key, id);
      return `?${params.toString()}`;
    };
    renderConsole(res, 'audit', {
      title: 'console.audit.title',
      filter: raw,
      errors: {},
      objectTypes: OBJECT_TYPES,
      entries: await withPeople(people, page.entries),
      older: link('before', page.older),
      newer: link('after', page.newer),
    });
  });

  return router;
}

/** Entries with their people (`who`) and their time in UTC, for the audit table and a merchant's history. */
export async function withPeople<E extends { actor: string; createdAt: number }>(
  people: AuditPeople,
  entries: readonly E[],
): Promise<Array<E & { when: string; who: unknown }>> {
  const who = await people.resolve(entries.map((e) => e.actor));
  return entries.map((e) => ({ ...e, when: utc(e.createdAt), who: who.get(e.actor) }));
}
