import { randomBytes } from 'node:crypto';
import { Row, newId, sha256 } from '../floor-kit';

/**
 * A fixed list of SQL statements a floor server replays per request, kept as data
 * (bench/floors/*.json) so that it does not move when the gateway's hot path does:
 * the reference floor of Dec 2026 (the 27 statements the gateway sent on 5 Dec 2026)
 * and the physical floor (the least any durable card payment needs).
 *
 * A parameter is a literal (number, null, a string not starting with `$`), or a
 * reference resolved per request (see `resolve`), or an object template: `{"$json":
 * T}` is JSON.stringify of the resolved T, and a key `"..."` spreads a resolved row.
 *
 * @example
 * ```json
 * { "create": { "steps": [ { "transaction": true, "statements": [
 *     { "sql": "SELECT ... WHERE k.key_hash = ? LIMIT 1", "params": ["$keyHash"], "as": "key", "orFail": 401 },
 *     { "sql": "INSERT INTO events (...) VALUES (?, ?, ?)", "params": ["$new:evt", "$key.merchant_id", "$now"] } ] } ],
 *   "response": { "status": 201, "body": { "id": "$id:pay" } } } }
 * ```
 */
export interface StatementPlan {
  readonly name: string;
  /** Where the list comes from (commit, date, command), for the report. */
  readonly source: string;
  readonly create: RequestPlan;
  readonly confirm: RequestPlan;
}

export interface RequestPlan {
  /** Run in order; a step in a transaction is one BEGIN ... COMMIT, otherwise each statement autocommits. */
  readonly steps: readonly { readonly transaction: boolean; readonly statements: readonly PlannedStatement[] }[];
  readonly response: { readonly status: number; readonly body: Template };
}

export interface PlannedStatement {
  readonly sql: string;
  readonly params: readonly Template[];
  /** Keep the first row under this name (`$<as>.<column>` reads it). */
  readonly as?: string;
  /** Answer with this HTTP status (and roll back) when the statement finds no row. */
  readonly orFail?: number;
}

export type Template = null | number | boolean | string | readonly Template[] | { readonly [key: string]: Template };

/** What a reference can read: the request, the rows kept so far, the ids made for this request. */
export interface RequestScope {
  readonly keyHash: string;
  readonly now: number;
  readonly body: Row;
  readonly routeId: string;
  readonly rows: Map<string, Row>;
  readonly ids: Map<string, string>;
}

export function newScope(keyHash: string, body: unknown, routeId: string, now = Date.now()): RequestScope {
  return { keyHash, now, body: typeof body === 'object' && body !== null ? (body as Row) : {}, routeId, rows: new Map(), ids: new Map() };
}

/** The PAN of a confirm's body, or '' (the floors do not validate). */
function panOf(scope: RequestScope): string {
  const method = scope.body.payment_method as { card?: { number?: unknown } } | undefined;
  const number = method?.card?.number;
  return typeof number === 'string' || typeof number === 'number' ? String(number) : '';
}

/**
 * Resolves a template against one request. References:
 * `$now`, `$now-<ms>`; `$keyHash`; `$routeId` (the `:id` of the URL); `$new:<prefix>`
 * (a fresh id each time), `$id:<prefix>` (one id per prefix per request);
 * `$body.<field>` (null when absent); `$<row>.<column>[+<n>]` and `$<row>` (a kept
 * row); `$fingerprint` (SHA-256 of the PAN), `$cardLockHash` (of `card:` + the
 * fingerprint), `$pan.bin`, `$pan.last4`; `$random:<bytes>` (base64), `$token:<bytes>` (base64url).
 */
export function resolve(template: Template, scope: RequestScope): unknown {
  if (Array.isArray(template)) return template.map((t: Template) => resolve(t, scope));
  if (template !== null && typeof template === 'object') {
    const object = template as { readonly [key: string]: Template };
    if ('$json' in object) return JSON.stringify(resolve(object.$json, scope));
    const out: Row = {};
    for (const [key, value] of Object.entries(object)) {
      if (key === '...') Object.assign(out, resolve(value, scope));
      else out[key] = resolve(value, scope);
    }
    return out;
  }
  if (typeof template !== 'string' || !template.startsWith('$')) return template;
  return reference(template.slice(1), scope);
}

function reference(ref: string, scope: RequestScope): unknown {
  const fingerprint = (): string => sha256(panOf(scope));
  switch (ref) {
    case 'now':
      return scope.now;
    case 'keyHash':
      return scope.keyHash;
    case 'routeId':
      return scope.routeId;
    case 'fingerprint':
      return fingerprint();
    case 'cardLockHash':
      return sha256(`card:${fingerprint()}`);
    case 'pan.bin':
      return panOf(scope).slice(0, 6);
    case 'pan.last4':
      return panOf(scope).slice(-4);
  }
  const [kind, arg = ''] = ref.split(/[:-](.*)/s);
  if (ref.startsWith('now-')) return scope.now - Number(arg);
  if (kind === 'new') return newId(arg);
  if (kind === 'id') {
    const made = scope.ids.get(arg) ?? newId(arg);
    scope.ids.set(arg, made);
    return made;
  }
  if (kind === 'random') return randomBytes(Number(arg)).toString('base64');
  if (kind === 'token') return randomBytes(Number(arg)).toString('base64url');
  const field = /^(\w+)(?:\.(\w+))?(?:\+(\d+))?$/.exec(ref);
  if (field === null) throw new Error(`unknown reference $${ref}`);
  const [, name = '', column, plus] = field;
  const source = name === 'body' ? scope.body : scope.rows.get(name);
  if (source === undefined) throw new Error(`$${ref}: no row kept as '${name}'`);
  if (column === undefined) return source;
  const value = source[column] ?? null;
  return plus === undefined ? value : Number(value) + Number(plus);
}

/**
 * The statement a causal read carries: `SET STATEMENT wsrep_sync_wait = 1 FOR SELECT ...`
 * is the SELECT, and is counted as one. Other SQL is returned as it is.
 *
 * @example
 * ```ts
 * statementProper('SET STATEMENT wsrep_sync_wait = 1 FOR select 1'); // 'select 1'
 * ```
 */
export function statementProper(sql: string): string {
  return sql.replace(/^\s*SET STATEMENT .+? FOR\s+/i, '');
}

/** Statements, SELECTs and commits per payment (create + confirm) of a plan, for the report and the docs. */
export function planCounts(plan: StatementPlan): { statements: number; selects: number; commits: number } {
  const all = [plan.create, plan.confirm].flatMap((r) => r.steps);
  const statements = all.flatMap((s) => s.statements);
  const writes = (sql: string): boolean => /^\s*(insert|update|delete)/i.test(sql);
  // A commit that writes: a transaction with a write, or an autocommit write.
  const commits = all.reduce(
    (n, s) => n + (s.transaction ? (s.statements.some((x) => writes(x.sql)) ? 1 : 0) : s.statements.filter((x) => writes(x.sql)).length),
    0,
  );
  const select = (sql: string): boolean => /^\s*select/i.test(statementProper(sql));
  return { statements: statements.length, selects: statements.filter((s) => select(s.sql)).length, commits };
}
