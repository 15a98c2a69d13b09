import { createHash } from 'node:crypto';
import request from 'supertest';
import { Express } from 'express';
import { parseDocument } from 'htmlparser2';

/**
 * A shop's Assist client written from the provider's published API reference (and the
 * shapes the public client libraries parse: the Ruby SDK's `result/order`,
 * `result/orders/order`, the Magento module's `$xml->orders->order`), NOT from
 * Tender's code: it imports nothing of the plugin. It posts form fields, reads each
 * format the reference defines, checks every order's checkvalue with its own md5
 * chain, and throws on firstcode != 0 the way the modules do.
 */
export interface ReferenceClientOptions {
  readonly merchantId: string;
  readonly login: string;
  readonly password: string;
  readonly salt: string;
}

export type AssistOrder = Record<string, unknown>;

export class AssistApiError extends Error {
  constructor(
    readonly firstcode: number,
    readonly secondcode: number,
    message: string,
  ) {
    super(`Assist error ${firstcode}/${secondcode}: ${message}`);
  }
}

interface XmlNode {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
  readonly text: string;
}

export class AssistReferenceClient {
  constructor(
    private readonly app: Express,
    private readonly o: ReferenceClientOptions,
  ) {}

  /** payrequest.cfm: `{url, expirationtime, orderstate}`; orderstate is `In Process` when the order was created. */
  async payrequest(order: {
    OrderNumber: string;
    OrderAmount: string;
    OrderCurrency: string;
    Delay?: string;
  }): Promise<{ url: string; expirationtime: string; orderstate: string; billnumber: string }> {
    const form = { Merchant_ID: this.o.merchantId, ...order, Checkvalue: this.requestCheckvalue(order.OrderNumber, order.OrderAmount, order.OrderCurrency) };
    const res = await request(this.app).post('/pay/payrequest.cfm').type('form').send(form).expect(200);
    const body = res.body as Record<string, unknown>;
    if (body.orderstate !== 'In Process' || typeof body.url !== 'string' || body.url === '')
      throw new AssistApiError(Number(body.firstcode), Number(body.secondcode), String(body.message));
    return { url: body.url, expirationtime: String(body.expirationtime), orderstate: body.orderstate, billnumber: String(body.billnumber) };
  }

  async orderstate(query: Record<string, string>, format: '1' | '3' | '5' = '3'): Promise<{ orders: AssistOrder[]; head: Record<string, string> }> {
    const text = await this.post('/orderstate/orderstate.cfm', { ...query, Format: format });
    if (format === '5') {
      const o = (JSON.parse(text) as { orderstate: Record<string, unknown> }).orderstate;
      this.checkCodes(o);
      return { orders: this.verified(o.order as AssistOrder[]), head: stringsOf(o) };
    }
    if (format === '1') return { orders: this.verified(parseCsv(text)), head: {} };
    const result = this.xmlResult(text);
    return { orders: this.verified(result.children.filter((c) => c.name === 'order').map(toObject)), head: result.attrs };
  }

  async orderresult(query: Record<string, string>, format: '3' | '5' = '5'): Promise<AssistOrder[]> {
    const text = await this.post('/orderresult/orderresult.cfm', { ...query, Format: format });
    if (format === '5') {
      const o = (JSON.parse(text) as { orderresult: Record<string, unknown> }).orderresult;
      this.checkCodes(o);
      return this.verified(o.orders as AssistOrder[]);
    }
    const orders = this.xmlResult(text).children.find((c) => c.name === 'orders');
    return this.verified((orders?.children ?? []).map(toObject));
  }

  /** charge.cfm: the charged order, `result/orders/order` (XML) or `charge.orders[0]` (JSON). */
  async charge(billnumber: string, amount?: { Amount: string; Currency: string }, format: '3' | '5' = '3'): Promise<AssistOrder> {
    const text = await this.post('/charge/charge.cfm', { Billnumber: billnumber, ...(amount ?? {}), Format: format });
    if (format === '5') {
      const o = (JSON.parse(text) as { charge: Record<string, unknown> }).charge;
      this.checkCodes(o);
      return this.verified(o.orders as AssistOrder[])[0];
    }
    const orders = this.xmlResult(text).children.find((c) => c.name === 'orders');
    return this.verified((orders?.children ?? []).map(toObject))[0];
  }

  /** wscancel.cfm: `wscancel.order` with its `checkdata`, which must say what the order says. */
  async wscancel(billnumber: string, amount?: { Amount: string; Currency: string }, format: '3' | '5' = '5'): Promise<AssistOrder> {
    const text = await this.post('/cancel/wscancel.cfm', { Billnumber: billnumber, ...(amount ?? {}), Format: format });
    let order: AssistOrder;
    if (format === '5') {
      const o = (JSON.parse(text) as { wscancel: Record<string, unknown> }).wscancel;
      this.checkCodes(o);
      order = this.verified(o.order as AssistOrder[])[0]!;
    } else {
      order = this.verified(
        this.xmlResult(text)
          .children.filter((c) => c.name === 'order')
          .map(toObject),
      )[0]!;
    }
    const check = order.checkdata as Record<string, string>;
    const x = `${check.merchant_id}${check.ordernumber}${check.orderamount}${check.ordercurrency}${check.orderstate}`;
    if (check.checkvalue !== this.checkvalue(x) || check.orderstate !== order.orderstate || check.merchant_id !== this.o.merchantId)
      throw new Error('wscancel checkdata does not verify');
    return order;
  }

  /** Raw POST for error cases: the text as received. */
  async post(path: string, fields: Record<string, string>): Promise<string> {
    const res = await request(this.app)
      .post(path)
      .type('form')
      .send({ Merchant_ID: this.o.merchantId, Login: this.o.login, Password: this.o.password, ...fields })
      .expect(200);
    return res.text;
  }

  private xmlResult(text: string): XmlNode {
    const root = parseXml(text);
    if (root.name !== 'result') throw new Error(`expected <result>, got <${root.name}>`);
    this.checkCodes(root.attrs);
    return root;
  }

  private checkCodes(head: Record<string, unknown>): void {
    if (Number(head.firstcode) !== 0) throw new AssistApiError(Number(head.firstcode), Number(head.secondcode), String(head.message ?? ''));
  }

  /** Every order's checkvalue: UPPER(md5(UPPER(md5(SALT) + md5(merchant_id + ordernumber + orderamount + ordercurrency + orderstate)))). */
  private verified(orders: AssistOrder[]): AssistOrder[] {
    for (const o of orders) {
      const x = `${this.o.merchantId}${String(o.ordernumber)}${String(o.orderamount)}${String(o.ordercurrency)}${String(o.orderstate)}`;
      if (o.checkvalue !== this.checkvalue(x)) throw new Error(`checkvalue of ${String(o.ordernumber)} does not verify`);
    }
    return orders;
  }

  private requestCheckvalue(orderNumber: string, amount: string, currency: string): string {
    return this.checkvalue(`${this.o.merchantId};${orderNumber};${amount};${currency}`);
  }

  private checkvalue(x: string): string {
    const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
    return md5(`${md5(this.o.salt)}${md5(x)}`.toUpperCase()).toUpperCase();
  }
}

function stringsOf(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => [k, String(v)]),
  );
}

/** XML -> a tree (htmlparser2 in XML mode: entities decoded, no HTML rules). */
export function parseXml(text: string): XmlNode {
  type Node = { type: string; name?: string; attribs?: Record<string, string>; children?: Node[]; data?: string };
  const convert = (n: Node): XmlNode => {
    const kids = (n.children ?? []).filter((c) => c.type === 'tag');
    const text = (n.children ?? [])
      .filter((c) => c.type === 'text')
      .map((c) => c.data ?? '')
      .join('');
    return { name: n.name ?? '', attrs: n.attribs ?? {}, children: kids.map(convert), text };
  };
  const doc = parseDocument(text, { xmlMode: true, decodeEntities: true }) as unknown as Node;
  const root = (doc.children ?? []).find((c) => c.type === 'tag');
  if (root === undefined) throw new Error('no XML element');
  return convert(root);
}

/** An element as an object: text elements become strings, `xs` lists become arrays, other elements objects. */
function toObject(node: XmlNode): AssistOrder {
  const out: AssistOrder = {};
  for (const c of node.children) {
    if (c.children.length === 0) out[c.name] = c.text;
    else if (c.name.endsWith('s') && c.children.every((g) => g.name === c.name.slice(0, -1))) out[c.name] = c.children.map(toObject);
    else out[c.name] = toObject(c);
  }
  return out;
}

/** Format 1: one line per record of `name:value` pairs joined by `; ` (a quoted value may hold `;`, quotes doubled). */
export function parseCsv(text: string): AssistOrder[] {
  const records = text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((line) => {
      const out: AssistOrder = {};
      let i = 0;
      while (i < line.length) {
        const colon = line.indexOf(':', i);
        const name = line.slice(i, colon);
        let value = '';
        let j = colon + 1;
        if (line[j] === '"') {
          j++;
          while (j < line.length && !(line[j] === '"' && line[j + 1] !== '"')) {
            value += line[j];
            j += line[j] === '"' ? 2 : 1;
          }
          j++;
        } else {
          const end = line.indexOf('; ', j);
          value = line.slice(j, end === -1 ? line.length : end);
          j = end === -1 ? line.length : end;
        }
        out[name] = value;
        i = line.startsWith('; ', j) ? j + 2 : line.length;
      }
      return out;
    });
  const first = records[0];
  if (first !== undefined && 'firstcode' in first && first.firstcode !== '0')
    throw new AssistApiError(Number(first.firstcode), Number(first.secondcode), String(first.message));
  return records;
}
