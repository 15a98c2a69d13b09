/**
 * ISO 4217 currencies Tender can take, with their numeric code (ISO 8583 field 49
 * carries it) and the number of digits in the minor unit.
 *
 * @example
 * ```ts
 * CURRENCIES.RUB; // { code: 'RUB', numeric: '643', exponent: 2 }
 * ```
 */
export interface Currency {
  readonly code: string;
  readonly numeric: string;
  readonly exponent: 0 | 2 | 3;
}

const table: Currency[] = [
  { code: 'RUB', numeric: '643', exponent: 2 },
  { code: 'USD', numeric: '840', exponent: 2 },
  { code: 'EUR', numeric: '978', exponent: 2 },
  { code: 'GBP', numeric: '826', exponent: 2 },
  { code: 'CNY', numeric: '156', exponent: 2 },
  { code: 'KZT', numeric: '398', exponent: 2 },
  { code: 'BYN', numeric: '933', exponent: 2 },
  { code: 'UZS', numeric: '860', exponent: 2 },
  { code: 'AMD', numeric: '051', exponent: 2 },
  { code: 'AED', numeric: '784', exponent: 2 },
  { code: 'TRY', numeric: '949', exponent: 2 },
  { code: 'JPY', numeric: '392', exponent: 0 },
  { code: 'KWD', numeric: '414', exponent: 3 },
];

export const CURRENCIES: Readonly<Record<string, Currency>> = Object.freeze(Object.fromEntries(table.map((c) => [c.code, c])));

export function findCurrency(code: string): Currency | undefined {
  return Object.prototype.hasOwnProperty.call(CURRENCIES, code) ? CURRENCIES[code] : undefined;
}
