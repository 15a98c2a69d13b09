/**
 * One ISO 8583 message: its MTI and field values as strings (binary fields as
 * hex). Field numbers are 2..128; field 1 (the secondary bitmap) is implied.
 */
export interface IsoMessage {
  readonly mti: string;
  readonly fields: ReadonlyMap<number, string>;
  /** The TPDU it came with or goes with (10 hex digits), in dialects that have one. */
  readonly tpdu?: string;
}

export function isoMessage(mti: string, fields: Record<number, string | undefined>): IsoMessage {
  const map = new Map<number, string>();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) map.set(Number(k), v);
  return { mti, fields: map };
}

export function field(message: IsoMessage, n: number): string | undefined {
  return message.fields.get(n);
}
