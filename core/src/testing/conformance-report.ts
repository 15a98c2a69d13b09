import { AssertionError } from 'node:assert';

/** One check of a suite: its title and, when it failed, what was wrong. */
export interface ConformanceCheck {
  readonly title: string;
  readonly problems: readonly string[];
}

/**
 * What a suite found. Suites never depend on a test framework: they return this,
 * and `assertConforms` turns it into an AssertionError any runner reports
 * (mocha, node:test, vitest, jest).
 */
export interface ConformanceReport {
  readonly suite: string;
  readonly subject: string;
  readonly checks: readonly ConformanceCheck[];
  /** Every problem of every check, prefixed with the check's title; empty when the subject conforms. */
  readonly problems: readonly string[];
}

/**
 * Throws an AssertionError listing every problem, or returns when there is none.
 *
 * @example
 * ```ts
 * import { checkRoutingStrategy, assertConforms } from '@tender/core/testing';
 * it('conforms', async () => assertConforms(await checkRoutingStrategy({ strategy: myStrategy })));
 * ```
 */
export function assertConforms(report: ConformanceReport): void {
  if (report.problems.length === 0) return;
  throw new AssertionError({
    message: `${report.suite} conformance: ${report.subject} fails ${report.problems.length} check(s):\n  - ${report.problems.join('\n  - ')}`,
    actual: report.problems,
    expected: [],
    operator: 'deepStrictEqual',
  });
}

/** Collects checks: each runs even when an earlier one failed; a throw inside a check is a problem of that check. */
export class ReportBuilder {
  private readonly checks: ConformanceCheck[] = [];

  constructor(
    private readonly suite: string,
    private readonly subject: string,
  ) {}

  async check(title: string, run: (problem: (text: string) => void) => Promise<void> | void): Promise<void> {
    const problems: string[] = [];
    try {
      await run((text) => problems.push(text));
    } catch (error) {
      problems.push(`threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.checks.push({ title, problems });
  }

  report(): ConformanceReport {
    return { suite: this.suite, subject: this.subject, checks: this.checks, problems: this.checks.flatMap((c) => c.problems.map((p) => `${c.title}: ${p}`)) };
  }
}
