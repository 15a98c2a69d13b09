import { AssistError } from '../assist-error';

/** The formats served: Format 1 (CSV), 3 (XML), 5 (JSON). */
export type AssistFormat = 'csv' | 'xml' | 'json';

/** A field of an answer: text exactly as signed, a nested record, or a list of records. */
export type AssistValue = string | AssistRecord | readonly AssistRecord[];

/** One record of an answer (an order, an operation, ...), fields in the reference's order. */
export interface AssistRecord {
  readonly [field: string]: AssistValue;
}

interface Head {
  readonly firstcode: string;
  readonly secondcode: string;
  readonly count?: string;
  readonly message?: string;
}

/**
 * The text of an answer. XML: `<result firstcode secondcode count>` holding one element
 * per record; a list field is written as repeated elements named in the singular
 * (`operations` -> `<operation>`). JSON: `{root: {firstcode, secondcode, count, record: [...]}}`.
 * CSV: a header line and one line per record, `;`-separated, nested fields left out.
 */
export function renderAssistAnswer(format: AssistFormat, root: string, record: string, records: readonly AssistRecord[], extra: Readonly<Record<string, string>>): string {
  const head: Head = { firstcode: '0', secondcode: '0', count: String(records.length) };
  switch (format) {
    case 'json':
      return JSON.stringify({ [root]: { ...head, ...extra, [record]: records } });
    case 'xml':
      return xmlDocument(head, records.map((r) => xmlElement(record, r)).join('') + xmlFields(extra));
    case 'csv':
      return csv(records);
  }
}

export function renderAssistFailure(format: AssistFormat, root: string, error: AssistError): string {
  const head: Head = { firstcode: String(error.firstcode), secondcode: String(error.secondcode), count: '0', message: error.message };
  switch (format) {
    case 'json':
      return JSON.stringify({ [root]: head });
    case 'xml':
      return xmlDocument(head, '');
    case 'csv':
      return csv([{ firstcode: head.firstcode, secondcode: head.secondcode, message: error.message }]);
  }
}

function xmlDocument(head: Head, body: string): string {
  const attrs = Object.entries(head)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<result${attrs}>${body}</result>`;
}

function xmlElement(name: string, value: AssistValue): string {
  if (typeof value === 'string') return `<${name}>${escapeXml(value)}</${name}>`;
  if (isList(value)) return value.map((item) => xmlElement(singular(name), item)).join('');
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
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

function csv(records: readonly AssistRecord[]): string {
  const names = [...new Set(records.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] === 'string')))];
  const line = (values: readonly string[]): string => values.map(csvCell).join(';');
  return [line(names), ...records.map((r) => line(names.map((n) => { const v = r[n]; return typeof v === 'string' ? v : ''; })))].join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
