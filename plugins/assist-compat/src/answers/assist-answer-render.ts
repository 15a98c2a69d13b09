import { AssistError } from '../assist-error';

/** The formats served: Format 1 (CSV), 3 (XML), 5 (JSON). */
export type AssistFormat = 'csv' | 'xml' | 'json';

/** A field of an answer: text exactly as signed, a nested record, or a list of records. */
export type AssistValue = string | AssistRecord | readonly AssistRecord[];

/** One record of an answer (an order, an operation, ...), fields in the reference's order. */
export interface AssistRecord {
  readonly [field: string]: AssistValue;
}

/** The codes and counters every answer starts with (XML attributes of `<result>`, numbers in JSON). */
export type AssistHead = Readonly<Record<string, number | string>>;

/** Where the records go: straight under the root (`order`), or in a container (`orders` holding `order`). */
export interface AssistLayout {
  readonly root: string;
  readonly record: string;
  readonly container: string | undefined;
  /** One record whose fields are the answer itself (payrequest.cfm): no record element. */
  readonly flat: boolean;
}

/**
 * The text of an answer. One rule for all endpoints, so that XML and JSON say the same:
 * XML is `<result head-attributes>` holding the records (`<order>`, or `<orders><order>`);
 * a list field `xs` is `<xs><x>..</x></xs>`, a record field `<x>..</x>`.
 * JSON is `{root: {...head, record-or-container: [records]}}` with the same nesting
 * (lists as arrays). CSV is one line of `name:value; ...` per record, the nested
 * fields left out (CSV has no nesting).
 */
export function renderAssist(format: AssistFormat, layout: AssistLayout, head: AssistHead, records: readonly AssistRecord[]): string {
  switch (format) {
    case 'json':
      return JSON.stringify(layout.flat ? { ...(records[0] ?? {}), ...head } : { [layout.root]: { ...head, [layout.container ?? layout.record]: records } });
    case 'xml': {
      const items = layout.flat ? xmlFields(records[0] ?? {}) : records.map((r) => xmlElement(layout.record, r)).join('');
      const body = layout.container === undefined || layout.flat ? items : `<${layout.container}>${items}</${layout.container}>`;
      return `<?xml version="1.0" encoding="UTF-8"?>\n<result${xmlAttributes(head)}>${body}</result>`;
    }
    case 'csv':
      return csv(records.length === 0 ? [] : records, head);
  }
}

/** A refusal: the codes and the message, nothing else (`count` 0). */
export function failureHead(error: AssistError): AssistHead {
  return { firstcode: error.firstcode, secondcode: error.secondcode, count: 0, message: error.message };
}

function xmlAttributes(head: AssistHead): string {
  return Object.entries(head)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function xmlElement(name: string, value: AssistValue): string {
  if (typeof value === 'string') return `<${name}>${escapeXml(value)}</${name}>`;
  if (isList(value)) return `<${name}>${value.map((item) => xmlElement(singular(name), item)).join('')}</${name}>`;
  return `<${name}>${xmlFields(value)}</${name}>`;
}

function xmlFields(record: AssistRecord): string {
  return Object.entries(record)
    .map(([k, v]) => xmlElement(k, v))
    .join('');
}

function isList(value: AssistValue): value is readonly AssistRecord[] {
  return Array.isArray(value);
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : `${name}_item`;
}

/**
 * Format 1 as the reference writes it ("fields with delimiters"): one line per record,
 * `name:value` pairs joined by `; `, CRLF line ends; a failure is one line of
 * `firstcode:..; secondcode:..; message:..`. The reference does not say how a value
 * holding `;` or a line break is written: Tender quotes such a value (`"..."`, quotes doubled).
 */
function csv(records: readonly AssistRecord[], head: AssistHead): string {
  const line = (pairs: ReadonlyArray<readonly [string, string]>): string => `${pairs.map(([k, v]) => `${k}:${csvValue(v)}`).join('; ')}\r\n`;
  if (Number(head.firstcode) !== 0)
    return line([
      ['firstcode', String(head.firstcode)],
      ['secondcode', String(head.secondcode)],
      ['message', String(head.message ?? '')],
    ]);
  return records.map((r) => line(Object.entries(r).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as const] : [])))).join('');
}

function csvValue(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
