import { PhoneNumber } from '../phone/phone-number';

/**
 * One allocation of the register: numbers `def` + `from`..`to` belong to the operator with this INN.
 *
 * @example
 * ```ts
 * { def: '916', from: 0, to: 9999999, operatorName: 'ПАО "Мобильные ТелеСистемы"', operatorInn: '7740000076', region: 'г. Москва и Московская область' }
 * ```
 */
export interface NumberRange {
  readonly def: string;
  readonly from: number;
  readonly to: number;
  readonly operatorName: string;
  readonly operatorInn: string;
  readonly region: string;
}

/**
 * Where the ranges came from, shown to the operator (admin API) and in docs.
 *
 * @example
 * ```ts
 * { source: 'Минцифры России, DEF-9xx.csv', date: '2026-12-01' }
 * ```
 */
export interface NumberingPlanSource {
  readonly source: string;
  readonly date: string;
  readonly note?: string;
}

const HEADER = ['АВС/ DEF', 'От', 'До', 'Емкость', 'Оператор', 'Регион', 'ИНН'];

/**
 * The numbering plan: ranges by DEF code, each list sorted, looked up by binary search.
 * Parsed from the register's CSV (`;`-separated, the header line as Минцифры publishes it).
 */
export class NumberingPlan {
  private constructor(
    private readonly byDef: ReadonlyMap<string, readonly NumberRange[]>,
    readonly source: NumberingPlanSource,
    readonly size: number,
  ) {}

  /** Throws with the line number on any line that is not a valid range, so a bad file never replaces a good plan. */
  static parse(csv: string, source: NumberingPlanSource): NumberingPlan {
    const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
    const header = lines[0]?.split(';').map((c) => c.trim());
    if (header === undefined || HEADER.some((h, i) => header[i] !== h))
      throw new Error(`numbering plan: the first line must be the register's header: ${HEADER.join(';')}`);
    const byDef = new Map<string, NumberRange[]>();
    let size = 0;
    lines.slice(1).forEach((line, index) => {
      if (line.trim() === '') return;
      const cells = line.split(';').map((c) => c.trim());
      const [def, from, to, , operatorName, region, operatorInn] = cells;
      const lineNo = index + 2;
      if (
        cells.length < 7 ||
        !/^\d{3}$/.test(def) ||
        !/^\d{7}$/.test(from) ||
        !/^\d{7}$/.test(to) ||
        Number(from) > Number(to) ||
        !/^\d{10}$/.test(operatorInn) ||
        operatorName === ''
      ) {
        throw new Error(`numbering plan: line ${lineNo} is not a range (DEF;from;to;capacity;operator;region;INN)`);
      }
      const list = byDef.get(def) ?? [];
      list.push({ def: def, from: Number(from), to: Number(to), operatorName: operatorName, operatorInn: operatorInn, region: region ?? '' });
      byDef.set(def, list);
      size++;
    });
    for (const [def, list] of byDef) {
      list.sort((a, b) => a.from - b.from);
      for (let i = 1; i < list.length; i++)
        if (list[i].from <= list[i - 1].to) throw new Error(`numbering plan: ranges of DEF ${def} overlap at ${String(list[i].from).padStart(7, '0')}`);
    }
    return new NumberingPlan(byDef, source, size);
  }

  /** The range holding the number, or undefined when the plan allocates it to nobody. */
  find(phone: PhoneNumber): NumberRange | undefined {
    const list = this.byDef.get(phone.def);
    if (list === undefined) return undefined;
    const n = Number(phone.subscriber);
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const range = list[mid];
      if (n < range.from) hi = mid - 1;
      else if (n > range.to) lo = mid + 1;
      else return range;
    }
    return undefined;
  }
}
