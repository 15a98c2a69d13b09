import { NextFunction, Request, Response, Router } from 'express';
import { AttemptLimiter, CLOCK, Clock, Payment, TenderError, ServiceResolver } from '@tender/core';
import { AssistError } from './assist-error';
import { AssistFields, assistFields, merchantIdOf, parseListingDate, parseOperationAmount } from './assist-request';
import { assistBody, assistErrorOf, bodyErrors } from './assist-routes-support';
import { AssistAnswerShape, AssistFormat, assistFormatOf, sendAssistAnswer, sendAssistFailure } from './assist-answer';
import { AssistMerchant, AssistSettingsService } from './assist-settings.service';
import { AssistOrderService } from './assist-order.service';
import { assistLoginAttempt } from './assist-login-limits';
import { AssistMoneyOperations } from './assist-money-operations';
import { AssistOrderOperations } from './assist-order-operations';
import { assistOrderRecord } from './answers/assist-order-record';
import { AssistRecord } from './answers/assist-answer-render';
import { packetDate } from './assist-order-fields';
import { parsePaging } from './answers/assist-paging';

const DEFAULT_LISTING_MS = 3 * 24 * 3600_000;

/** Each endpoint's answer as the reference shapes it (docs/assist-migration.md, "How the answers are written"). */
const SHAPES = {
  orderstate: { root: 'orderstate' },
  orderresult: { root: 'orderresult', container: 'orders' },
  charge: { root: 'charge', container: 'orders' },
  wscancel: { root: 'wscancel' },
} as const satisfies Record<string, AssistAnswerShape>;

type Endpoint = keyof typeof SHAPES;

/** What an operation answers: the orders, and for listings the page it is. */
interface Outcome {
  readonly payments: readonly Payment[];
  readonly head?: Readonly<Record<string, number | string>>;
}

/**
 * The shop's server-to-server calls, authenticated by Merchant_ID, Login and Password:
 * /orderstate/orderstate.cfm (one order, or the orders created in a date range, paged),
 * /orderresult/orderresult.cfm (the results, with every operation, of the orders of a period or one order number, paged),
 * /charge/charge.cfm (capture) and /cancel/wscancel.cfm (void or refund). Anything else
 * under these paths, any other method, and any failure is answered Assist-style
 * (firstcode/secondcode), never with Tender's JSON errors. The password check runs
 * under the gateway's attempt limiter (assist-login-limits.ts): the attempt is counted
 * before scrypt runs, so parallel guesses cannot outrun the lock.
 */
export function assistOperationRoutes(container: ServiceResolver): Router {
  const router = Router();
  const settings = (): AssistSettingsService => container.resolve(AssistSettingsService);
  const orders = (): AssistOrderService => container.resolve(AssistOrderService);
  const money = (): AssistMoneyOperations => container.resolve(AssistMoneyOperations);
  const reads = (): AssistOrderOperations => container.resolve(AssistOrderOperations);
  const now = (): number => container.resolve<Clock>(CLOCK).now();

  async function authenticate(fields: AssistFields, address: string | undefined): Promise<AssistMerchant> {
    const merchant = await settings().findEnabled(merchantIdOf(fields));
    if (merchant === undefined) throw new AssistError('merchant_unknown');
    const limiter = container.resolve(AttemptLimiter);
    const attempt = await limiter.reserve(assistLoginAttempt(merchant.merchantId, address));
    if (!attempt.allowed) throw new AssistError('credentials_locked');
    // Wrong: the attempt stays counted.
    if (!(await settings().credentialsMatch(merchant, fields.login ?? '', fields.password ?? ''))) throw new AssistError('credentials_invalid');
    await limiter.succeeded(attempt.ticket);
    return merchant;
  }

  async function records(merchant: AssistMerchant, payments: readonly Payment[], extra: (p: Payment) => AssistRecord = () => ({})): Promise<AssistRecord[]> {
    const operations = await reads().operationsOf(payments);
    return payments.map((p) => ({ ...assistOrderRecord(merchant, p, operations.get(p.id) ?? []), ...extra(p) }));
  }

  /** Runs an operation and answers in the request's Format (XML when absent), errors included. */
  function handle(
    endpoint: Endpoint,
    operation: (fields: AssistFields, merchant: AssistMerchant) => Promise<Outcome>,
    extra?: (merchant: AssistMerchant) => (p: Payment) => AssistRecord,
  ) {
    return async (req: Request, res: Response): Promise<void> => {
      const fields = assistFields(req.body);
      let format: AssistFormat = 'xml';
      try {
        format = assistFormatOf(fields.format, 'xml');
        const merchant = await authenticate(fields, req.ip);
        const outcome = await operation(fields, merchant);
        const shape = { ...SHAPES[endpoint], head: { ...(outcome.head ?? {}), packetdate: packetDate(now()) } };
        sendAssistAnswer(res, format, shape, await records(merchant, outcome.payments, extra?.(merchant)));
      } catch (error) {
        sendAssistFailure(res, format, assistErrorOf(container, error, req.path), SHAPES[endpoint]);
      }
    };
  }

  function period(f: AssistFields): { start: number; end: number } {
    // Without an end, the period runs up to and including this moment.
    const end = parseListingDate(f, 'end') ?? now() + 1;
    const start = parseListingDate(f, 'start') ?? end - DEFAULT_LISTING_MS;
    if (start >= end) throw new AssistError('parameter_invalid', 'The start date must be before the end date.');
    return { start, end };
  }

  router.post(
    '/orderstate/orderstate.cfm',
    assistBody,
    handle('orderstate', async (f, merchant) => {
      const paging = parsePaging(f);
      if (f.billnumber !== undefined) {
        try {
          return { payments: [await orders().byBillnumber(merchant, f.billnumber)] };
        } catch (error) {
          if (error instanceof AssistError || (error instanceof TenderError && error.code === 'resource_not_found')) return { payments: [] };
          throw error;
        }
      }
      if (f.ordernumber !== undefined) return reads().page(merchant, { orderNumber: f.ordernumber }, paging);
      const { start, end } = period(f);
      return reads().page(merchant, { createdFrom: start, createdTo: end }, paging);
    }),
  );

  router.post(
    '/orderresult/orderresult.cfm',
    assistBody,
    handle('orderresult', async (f, merchant) => {
      const paging = parsePaging(f);
      const { start, end } = period(f);
      // The reference selects by order date; Ordernumber narrows it to one order's payments.
      return reads().page(merchant, { orderNumber: f.ordernumber, createdFrom: start, createdTo: end }, paging);
    }),
  );

  router.post(
    '/charge/charge.cfm',
    assistBody,
    handle('charge', async (f, merchant) => {
      const payment = await orders().byBillnumber(merchant, requireBillnumber(f));
      return { payments: [await money().charge(merchant, payment, parseOperationAmount(f, payment.currency))] };
    }),
  );

  router.post(
    '/cancel/wscancel.cfm',
    assistBody,
    handle(
      'wscancel',
      async (f, merchant) => {
        const payment = await orders().byBillnumber(merchant, requireBillnumber(f));
        return { payments: [await money().cancel(merchant, payment, parseOperationAmount(f, payment.currency))] };
      },
      (merchant) => (p) => ({ checkdata: checkdataOf(merchant, p) }),
    ),
  );

  // Anything else under an Assist path (another file, GET, ...) is an Assist refusal, not Tender's JSON 404.
  router.use((req: Request, res: Response) => {
    const detail = req.method === 'POST' ? `Known here: ${KNOWN.join(', ')}.` : `Only POST is served (${req.method} ${req.path}).`;
    sendAssistFailure(res, 'xml', new AssistError('operation_unknown', detail));
  });
  router.use(bodyErrors((error, res) => sendAssistFailure(res, 'xml', error)));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendAssistFailure(res, 'xml', assistErrorOf(container, error, req.path));
  });
  return router;
}

const KNOWN = ['/orderstate/orderstate.cfm', '/orderresult/orderresult.cfm', '/charge/charge.cfm', '/cancel/wscancel.cfm'];

/** wscancel's `checkdata`: the values its checkvalue signs, as signed, and the checkvalue (so a module checks the answer without knowing which fields count). */
function checkdataOf(merchant: AssistMerchant, p: Payment): AssistRecord {
  // Computed from the same fields as the order's own checkvalue (assistOrderRecord), so the two never disagree.
  const { ordernumber, orderamount, ordercurrency, orderstate, checkvalue } = assistOrderRecord(merchant, p, []);
  return { merchant_id: String(merchant.assistMerchantId), ordernumber, orderamount, ordercurrency, orderstate, checkvalue };
}

function requireBillnumber(f: AssistFields): string {
  if (f.billnumber === undefined) throw new AssistError('parameter_invalid', 'Billnumber is required.');
  return f.billnumber;
}
