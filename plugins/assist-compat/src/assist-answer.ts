import { Response } from 'express';
import { AssistError } from './assist-error';
import { AssistFormat, AssistLayout, AssistRecord, failureHead, renderAssist } from './answers/assist-answer-render';

export { AssistFormat, AssistRecord, AssistValue } from './answers/assist-answer-render';

/**
 * Assist's `Format` field: 1 CSV, 3 XML, 5 JSON. 2 (WDDX) and 4 (SOAP) are not served
 * and are refused with 5/105, as is anything else. An absent Format is the endpoint's
 * own default (XML for the web services, JSON for payrequest.cfm).
 *
 * @example
 * ```ts
 * assistFormatOf(fields.format, 'xml'); // 'json' for '5'; throws AssistError('format_unsupported') for '4'
 * ```
 */
export function assistFormatOf(value: string | undefined, fallback: AssistFormat): AssistFormat {
  switch (value) {
    case undefined:
    case '':
      return fallback;
    case '1':
      return 'csv';
    case '3':
      return 'xml';
    case '5':
      return 'json';
    default:
      throw new AssistError('format_unsupported');
  }
}

/** What an answer is called in each format, as the provider's reference writes it. */
export interface AssistAnswerShape {
  /** The JSON object the records sit in (`orderstate`, `charge`, `wscancel`, `orderresult`, ...). */
  readonly root: string;
  /** The name of one record; `order` when not given. */
  readonly record?: string;
  /** An element holding the records (`orders` for charge.cfm and orderresult.cfm); none when not given. */
  readonly container?: string;
  /** The single record's fields are the answer itself, as payrequest.cfm answers. */
  readonly flat?: boolean;
  /** Counters beside firstcode/secondcode/count (paging: `page`, `pages`, `total`) and `packetdate`. */
  readonly head?: Readonly<Record<string, number | string>>;
}

/**
 * Answers a successful Assist call: `firstcode`/`secondcode` 0, `count`, the records in
 * the requested format. HTTP 200 always (modules read the codes, not the status).
 * Values are strings exactly as the checkvalue signs them; a value may itself be a
 * record or a list of records (an order's `operations`), nested in XML/JSON and left
 * out of CSV.
 *
 * @example
 * ```ts
 * sendAssistAnswer(res, 'json', { root: 'orderstate' }, [{ ordernumber: 'A-1', orderstate: 'Approved' }]);
 * // {"orderstate":{"firstcode":0,"secondcode":0,"count":1,"order":[{"ordernumber":"A-1","orderstate":"Approved"}]}}
 * sendAssistAnswer(res, 'xml', { root: 'charge', container: 'orders' }, [order]);
 * // <result firstcode="0" secondcode="0" count="1"><orders><order>...</order></orders></result>
 * ```
 */
export function sendAssistAnswer(res: Response, format: AssistFormat, shape: AssistAnswerShape | string, records: readonly AssistRecord[]): void {
  const s = typeof shape === 'string' ? { root: shape } : shape;
  send(res, format, renderAssist(format, layoutOf(s), { firstcode: 0, secondcode: 0, count: records.length, ...(s.head ?? {}) }, records));
}

/**
 * Answers a refused Assist call with its firstcode/secondcode and a message (what
 * went wrong, amounts in major units), in the requested format; HTTP 200 like a
 * success (Assist's modules test `firstcode != 0`). `shape` is the endpoint's, so a
 * JSON client finds the codes where it finds the records otherwise; for a flat
 * answer, `empty` gives the fields a failure still carries (payrequest: url '').
 *
 * @example
 * ```ts
 * sendAssistFailure(res, 'xml', new AssistError('credentials_invalid'), 'orderstate');
 * // <result firstcode="2" secondcode="2" count="0" message="Wrong Login or Password."></result>
 * ```
 */
export function sendAssistFailure(
  res: Response,
  format: AssistFormat,
  error: AssistError,
  shape: AssistAnswerShape | string = 'result',
  empty: AssistRecord = {},
): void {
  const s = typeof shape === 'string' ? { root: shape } : shape;
  send(res, format, renderAssist(format, layoutOf(s), failureHead(error), s.flat === true ? [empty] : []));
}

function layoutOf(s: AssistAnswerShape): AssistLayout {
  return { root: s.root, record: s.record ?? 'order', container: s.container, flat: s.flat === true };
}

function send(res: Response, format: AssistFormat, body: string): void {
  res.status(200).setHeader('Cache-Control', 'no-store');
  res.type(format === 'json' ? 'application/json' : format === 'xml' ? 'application/xml' : 'text/csv').send(body);
}
