import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KeyObject, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A loopback HTTP server that stands in for a Saleor store (Saleor itself cannot run
 * here): it serves the store's JWKS at /.well-known/jwks.json and records every
 * GraphQL call to /graphql/, answering transactionEventReport as Saleor does, and the
 * `{ app { id } }` query with which an app checks the token it was given at install
 * (the app's id for a token this store issued, `app: null` for any other, as Saleor
 * answers an unknown token).
 */
export class FakeSaleor {
  readonly calls: Array<{ authorization: string | undefined; query: string; variables: Record<string, unknown> }> = [];
  /** The Authorization headers of every `{ app { id } }` query. */
  readonly appIdChecks: Array<string | undefined> = [];
  readonly appId = `QXBwOj${randomBytes(3).toString('hex')}`;
  private readonly appTokens = new Set<string>();
  kid = 'test-key-1';
  /** How often the store's JWKS was fetched. */
  jwksFetches = 0;
  private privateKey: KeyObject;
  private jwk: Record<string, unknown>;
  private server: http.Server | undefined;
  port = 0;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.jwk = { ...publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' };
  }

  /** Saleor rotates its signing key: a new key under a new kid, the old one gone from the JWKS. */
  rotateKey(): void {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.kid = `test-key-${Number(this.kid.split('-').pop()) + 1}`;
    this.privateKey = privateKey;
    this.jwk = { ...publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' };
  }

  /** Installs the app in this store: the app token Saleor would hand to the register URL. */
  issueAppToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.appTokens.add(token);
    return token;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/graphql/`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
          this.jwksFetches++;
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [this.jwk] }));
          return;
        }
        if (req.method === 'POST' && req.url === '/graphql/') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables: Record<string, unknown> };
          if (/^\s*(query\s*\w*\s*)?\{\s*app\s*\{\s*id\s*\}\s*\}\s*$/.test(body.query)) {
            this.appIdChecks.push(req.headers.authorization);
            const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
            const app = token !== undefined && this.appTokens.has(token) ? { id: this.appId } : null;
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: { app } }));
            return;
          }
          this.calls.push({ authorization: req.headers.authorization, query: body.query, variables: body.variables });
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ data: { transactionEventReport: { alreadyProcessed: false, errors: [] } } }));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Signs like Saleor: detached JWS, RS256, unencoded payload (RFC 7797, b64=false). */
  signature(body: string, key: KeyObject = this.privateKey, kid: string = this.kid): string {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid, b64: false, crit: ['b64'] })).toString('base64url');
    const sig = sign('RSA-SHA256', Buffer.concat([Buffer.from(`${header}.`), Buffer.from(body)]), key);
    return `${header}..${sig.toString('base64url')}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server === undefined ? r() : this.server.close(() => r())));
  }
}

const decimal = { type: 'number', exclusiveMinimum: -1 };
const common = {
  pspReference: { type: 'string', minLength: 1 },
  amount: decimal,
  time: { type: 'string' },
  externalUrl: { type: 'string', pattern: '^https?://' },
  message: { type: 'string' },
};

function sessionSchema(): Record<string, unknown> {
  const successOrRequest = ['CHARGE_SUCCESS', 'CHARGE_REQUEST', 'AUTHORIZATION_SUCCESS', 'AUTHORIZATION_REQUEST'];
  return {
    type: 'object',
    additionalProperties: false,
    required: ['result', 'amount'],
    properties: {
      ...common,
      data: {},
      result: { enum: [...successOrRequest, 'CHARGE_FAILURE', 'CHARGE_ACTION_REQUIRED', 'AUTHORIZATION_FAILURE', 'AUTHORIZATION_ACTION_REQUIRED'] },
    },
    // Saleor requires pspReference with a success or request result.
    if: { properties: { result: { enum: successOrRequest } } },
    then: { required: ['pspReference'] },
  };
}

function actionSchema(prefix: string): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['pspReference'],
    properties: { ...common, result: { enum: [`${prefix}_SUCCESS`, `${prefix}_FAILURE`] } },
  };
}

/**
 * Saleor's ListStoredPaymentMethodsSchema (saleor/webhook/response_schemas/payment.py):
 * `paymentMethods` of `{ id, supportedPaymentFlows, type, name?, data?, creditCardInfo? }`,
 * creditCardInfo `{ brand, lastDigits, expMonth, expYear, firstDigits? }`. Here
 * `firstDigits` and `data` are refused too: the app shows brand, last 4 and expiry only.
 */
const listStoredSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['paymentMethods'],
  properties: {
    paymentMethods: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'type', 'supportedPaymentFlows'],
        properties: {
          id: { type: 'string', pattern: '^pm_' },
          supportedPaymentFlows: { type: 'array', items: { enum: ['INTERACTIVE'] } },
          type: { type: 'string' },
          name: { type: 'string' },
          creditCardInfo: {
            type: 'object',
            additionalProperties: false,
            required: ['brand', 'lastDigits', 'expMonth', 'expYear'],
            properties: {
              brand: { type: 'string' },
              lastDigits: { type: 'string', pattern: '^[0-9]{4}$' },
              expMonth: { type: 'integer', minimum: 1, maximum: 12 },
              expYear: { type: 'integer' },
            },
          },
        },
      },
    },
  },
};

/** Saleor's StoredPaymentMethodDeleteRequestedSchema: `result` by the enum's name, an optional `error`. */
const deleteStoredSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['result'],
  properties: { result: { enum: ['SUCCESSFULLY_DELETED', 'FAILED_TO_DELETE', 'FAILED_TO_DELIVER'] }, error: { type: 'string' } },
};

/**
 * JSON schemas of the answers Saleor accepts from the transaction sync webhooks,
 * written from Saleor's documentation of those webhooks' response payloads (amounts
 * are Decimals; `result` is one of the TransactionEventType values each webhook
 * allows; unknown fields are refused here to catch typos).
 */
export const SALEOR_RESPONSE_SCHEMAS: Record<string, Record<string, unknown>> = {
  TRANSACTION_INITIALIZE_SESSION: sessionSchema(),
  TRANSACTION_PROCESS_SESSION: sessionSchema(),
  TRANSACTION_CHARGE_REQUESTED: actionSchema('CHARGE'),
  TRANSACTION_REFUND_REQUESTED: actionSchema('REFUND'),
  TRANSACTION_CANCELATION_REQUESTED: actionSchema('CANCEL'),
  LIST_STORED_PAYMENT_METHODS: listStoredSchema,
  STORED_PAYMENT_METHOD_DELETE_REQUESTED: deleteStoredSchema,
};
