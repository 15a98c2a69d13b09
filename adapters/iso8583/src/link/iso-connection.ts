import net from 'node:net';
import tls from 'node:tls';
import { maskPans } from '@tender/core';
import { IsoPackager } from '../packager/iso-packager';
import { IsoMessage, isoMessage } from '../packager/iso-message';
import { FrameDecoder, frame } from './frame-decoder';
import { macValid, openWorkingKey, packWithMac } from '../security/mac';
import { unpackPrivateData } from '../packager/private-data';
import { LinkError, LinkLog } from './link-log';

export interface IsoConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly packager: IsoPackager;
  readonly log: LinkLog;
  /** A fresh STAN for sign-on and echo messages. */
  nextStan(): Promise<string>;
  /** Field 32 of network messages: the acquiring institution signing on. */
  readonly institutionId?: string;
  /**
   * The zone master key (16 bytes): after sign-on the connection asks for a working
   * key (0800/161), receives it under this key in field 48 (KM, KC), and MACs every
   * financial message with it (X9.19, field 64/128); answers with a wrong MAC are dropped.
   */
  readonly zoneMasterKey?: Buffer;
  /** TLS on the link: the CA (PEM) the centre's certificate must chain to; undefined for plain TCP. */
  readonly tls?: { readonly ca?: string };
  readonly echoIntervalMs: number;
  readonly signOnTimeoutMs: number;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
}

interface Waiter {
  resolve(message: IsoMessage): void;
  reject(error: LinkError): void;
  timer: NodeJS.Timeout;
}

/** The key answers are matched by: terminal id (41) + STAN (11), as jPOS's QMUX does. */
export function matchKey(message: IsoMessage): string {
  return `${(message.fields.get(41) ?? '').trimEnd()}:${message.fields.get(11) ?? ''}`;
}

/**
 * One TCP connection to a processing centre: connects, signs on (0800/001), keeps
 * the link alive with echo (0800/301), reconnects with exponential backoff, and
 * multiplexes many requests, matching each answer by terminal id + STAN. A frame
 * it cannot parse is logged (PANs masked) and dropped; it never throws out.
 */
export class IsoConnection {
  private socket: net.Socket | undefined;
  private ready = false;
  private closed = false;
  private backoffMs: number;
  /** Waiters by match key; a retransmission of the same message waits beside the original. */
  private readonly waiting = new Map<string, Waiter[]>();
  private echoTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readyWaiters: Array<() => void> = [];
  /** The working MAC key of this connection's session; kept only in memory, renewed at every sign-on. */
  private macKey: Buffer | undefined;

  constructor(private readonly options: IsoConnectionOptions) {
    this.backoffMs = options.reconnectInitialMs;
  }

  get isReady(): boolean {
    return this.ready;
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  private removeWaiter(key: string, waiter: Waiter): void {
    const left = (this.waiting.get(key) ?? []).filter((w) => w !== waiter);
    if (left.length === 0) this.waiting.delete(key);
    else this.waiting.set(key, left);
  }

  start(): void {
    this.connect();
  }

  /** Resolves once signed on, or after `ms` whether or not. */
  waitReady(ms: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.ready), ms);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Sends a request and waits for its answer until `deadlineMs`. */
  request(message: IsoMessage, deadlineMs: number, options: { beforeSignOn?: boolean } = {}): Promise<IsoMessage> {
    const socket = this.socket;
    if (socket === undefined || this.closed || (!this.ready && options.beforeSignOn !== true)) return Promise.reject(new LinkError('not_connected', false));
    const key = matchKey(message);
    const packager = this.options.packager;
    const body = this.macKey !== undefined && !message.mti.startsWith('08') ? packWithMac(packager, message, this.macKey) : packager.pack(message);
    const bytes = frame(body, packager.definition.lengthHeader);
    return new Promise<IsoMessage>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.removeWaiter(key, waiter);
          reject(new LinkError('timeout', true));
        }, deadlineMs),
      };
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), waiter]);
      socket.write(bytes);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.echoTimer);
    this.failAll('closed');
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.end(resolve)).then(() => socket.destroy());
  }

  private connect(): void {
    if (this.closed) return;
    const tlsOptions = this.options.tls;
    const socket =
      tlsOptions === undefined
        ? net.connect({ host: this.options.host, port: this.options.port })
        : tls.connect({
            host: this.options.host,
            port: this.options.port,
            servername: net.isIP(this.options.host) === 0 ? this.options.host : undefined,
            ...(tlsOptions.ca === undefined ? {} : { ca: tlsOptions.ca }),
          });
    const decoder = new FrameDecoder(this.options.packager.definition.lengthHeader);
    socket.setNoDelay(true);
    socket.on(tlsOptions === undefined ? 'connect' : 'secureConnect', () => {
      this.socket = socket;
      void this.signOn();
    });
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        // A length header that is not one: the stream cannot be resynchronised, so start over.
        this.options.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'ISO 8583 stream out of step; reconnecting');
        socket.destroy();
        return;
      }
      for (const bytes of frames) this.onFrame(bytes);
    });
    socket.on('error', (error) => this.options.log.warn({ error: error.message }, 'ISO 8583 link error'));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.ready = false;
      clearInterval(this.echoTimer);
      this.failAll('disconnected');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.reconnectMaxMs);
  }

  private async signOn(): Promise<void> {
    const answer = await this.network('001', true).catch(() => undefined);
    if (answer?.fields.get(39) !== '00') {
      this.options.log.warn({ code: answer?.fields.get(39) }, 'ISO 8583 sign-on refused or unanswered');
      this.socket?.destroy();
      return;
    }
    if (this.options.zoneMasterKey !== undefined && !(await this.exchangeKeys(this.options.zoneMasterKey))) {
      this.socket?.destroy();
      return;
    }
    this.ready = true;
    this.backoffMs = this.options.reconnectInitialMs;
    for (const wake of this.readyWaiters.splice(0)) wake();
    this.echoTimer = setInterval(() => {
      // A link that does not answer an echo is dead even if TCP has not noticed.
      this.network('301', false).catch(() => this.socket?.destroy());
    }, this.options.echoIntervalMs);
    this.echoTimer.unref();
  }

  /** Asks for a working key (0800/161) and opens it under the zone master key; false when it does not check out. */
  private async exchangeKeys(zoneMasterKey: Buffer): Promise<boolean> {
    this.macKey = undefined;
    const answer = await this.network('161', true).catch(() => undefined);
    const tags = answer?.fields.get(39) === '00' ? unpackPrivateData(answer.fields.get(48) ?? '') : undefined;
    const key = tags?.KM === undefined || tags.KC === undefined ? undefined : openWorkingKey(zoneMasterKey, tags.KM, tags.KC);
    if (key === undefined) {
      this.options.log.warn({ code: answer?.fields.get(39) }, 'ISO 8583 key exchange failed (no working key, or its check value disagrees)');
      return false;
    }
    this.macKey = key;
    return true;
  }

  /** An echo test (0800/301); resolves when answered. */
  async echo(deadlineMs: number): Promise<void> {
    await this.network('301', false, deadlineMs);
  }

  private async network(code: string, beforeSignOn: boolean, deadlineMs = this.options.signOnTimeoutMs): Promise<IsoMessage> {
    const now = new Date();
    const transmitted = now.toISOString().replace(/\D/g, '').slice(4, 14);
    return this.request(isoMessage('0800', { 7: transmitted, 11: await this.options.nextStan(), 32: this.options.institutionId, 70: code }), deadlineMs, {
      beforeSignOn,
    });
  }

  private onFrame(bytes: Buffer): void {
    let message: IsoMessage;
    try {
      message = this.options.packager.unpack(bytes);
    } catch (error) {
      this.options.log.warn(
        {
          error: error instanceof Error ? error.message : String(error),
          frame: maskPans(bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.')).slice(0, 200),
        },
        'malformed ISO 8583 frame dropped',
      );
      return;
    }
    if (this.macKey !== undefined && !message.mti.startsWith('08') && !macValid(this.options.packager, bytes, message, this.macKey)) {
      this.options.log.warn({ mti: message.mti, stan: message.fields.get(11) }, 'ISO 8583 answer with a wrong MAC dropped');
      return;
    }
    const key = matchKey(message);
    const waiters = this.waiting.get(key);
    if (waiters === undefined) {
      this.options.log.info({ mti: message.mti, stan: message.fields.get(11) }, 'ISO 8583 answer with no waiting request (late or duplicate) ignored');
      return;
    }
    this.waiting.delete(key);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(message);
    }
  }

  private failAll(reason: 'disconnected' | 'closed'): void {
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const waiter of all) {
      clearTimeout(waiter.timer);
      waiter.reject(new LinkError(reason, true));
    }
  }
}
