import { Response } from 'express';
import { AssistError } from './assist-error';
import { AssistFormat, AssistRecord, renderAssistAnswer, renderAssistFailure } from './answers/assist-answer-render';

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
  /** The name of one record (`order`); JSON holds them in an array of that name. */
  readonly record?: string;
  /** Fields beside the records (`packetdate`, paging), written once per answer. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * Answers a successful Assist call: `firstcode`/`secondcode` 0, the records in the
 * requested format. HTTP 200 always (modules read the codes, not the status).
 * Values are strings exactly as the checkvalue signs them; a value may itself be a
 * record or a list of records (an order's `operations`), rendered nested in XML/JSON
 * and flattened in CSV.
 *
 * @example
 * ```ts
 * sendAssistAnswer(res, 'json', { root: 'orderstate', record: 'order' }, [{ ordernumber: 'A-1', orderstate: 'Approved' }]);
 * // {"orderstate":{"firstcode":"0","secondcode":"0","count":"1","order":[{"ordernumber":"A-1",...}]}}
 * ```
 */
export function sendAssistAnswer(res: Response, format: AssistFormat, shape: AssistAnswerShape | string, records: readonly AssistRecord[]): void {
  const s = typeof shape === 'string' ? { root: shape } : shape;
  send(res, format, renderAssistAnswer(format, s.root, s.record ?? 'order', records, s.extra ?? {}));
}

/**
 * Answers a refused Assist call with its firstcode/secondcode and a message (what
 * went wrong, amounts in major units), in the requested format; HTTP 200 like a
 * success (Assist's modules test `firstcode != 0`). `root` names the JSON object
 * as for the success answer of the same endpoint.
 *
 * @example
 * ```ts
 * sendAssistFailure(res, 'xml', new AssistError('credentials_invalid'), 'orderstate');
 * ```
 */
export function sendAssistFailure(res: Response, format: AssistFormat, error: AssistError, root = 'result'): void {
  send(res, format, renderAssistFailure(format, root, error));
}

function send(res: Response, format: AssistFormat, body: string): void {
  res.status(200).setHeader('Cache-Control', 'no-store');
  res.type(format === 'json' ? 'application/json' : format === 'xml' ? 'application/xml' : 'text/csv').send(body);
}
