import { parseDecimalAmount } from '@tender/core';

/** "300", "300.5", "300,50", "1 000" as typed on the page → kopecks (core's exact conversion); undefined when it is not such an amount. */
export function rublesToKopecks(text: string): number | undefined {
  return parseDecimalAmount(text.replace(/[\s\u00a0]/g, ''), 'RUB', { comma: true });
}
