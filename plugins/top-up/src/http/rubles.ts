/** "300", "300.5", "300,50", "1 000" as typed on the page → kopecks; undefined when it is not such an amount. */
export function rublesToKopecks(text: string): number | undefined {
  const compact = text.replace(/[\s\u00a0]/g, '');
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(compact);
  if (m === null) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
