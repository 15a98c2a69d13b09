import net from 'node:net';
import tls from 'node:tls';
import { macValid, newWorkingKey, packWithMac } from '../security/mac';
import { packPrivateData } from '../packager/private-data';
import { maskPans } from '@tender/core';
import { FrameDecoder, frame } from '../link/frame-decoder';
import { IsoPackager } from '../packager/iso-packager';
import { IsoMessage, isoMessage } from '../packager/iso-message';
import { PackagerDefinition } from '../packager/field-definition';
import { CardBook } from './card-book';
import { process as processRequest, refusal } from './bank-logic';

/**
 * Faults the simulator injects into its next answers (network messages, 0800,
 * are never affected, so the link stays signed on). Counts go down as used.
 */
export interface SimulatorFaults {
  /** Added before every answer. */
  latencyMs: number;
  /** Process the next N requests but never answer them. */
  dropNext: number;
  /** Send a garbage frame before each of the next N answers. */
  garbageNext: number;
  /** Send each of the next N answers twice. */
  duplicateNext: number;
  /** Close the connection instead of answering the next N requests (after processing them). */
  disconnectNext: number;
  /** Answer the next N requests only after `lateByMs`. */
  lateNext: number;
  lateByMs: number;
  /** Refuse the next N reversals (0400/0420/0421) with 39=96, holding the money: a refusal is not remembered, so a repeat is processed afresh. */
  refuseReversalsNext: number;
  /** Add fields Tender does not use (32, 44, 48) to the next N answers. */
  unknownFieldsNext: number;
  /** Send the next N answers with a wrong MAC (after processing them). */
  badMacNext: number;
}

/** Link security the simulator plays the host side of. */
export interface SimulatorSecurity {
  /** The zone master key (16 bytes): working keys are issued under it on 0800/161, and financial messages MACed (X9.19). */
  readonly zoneMasterKey?: Buffer;
  /** Serve TLS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export const NO_FAULTS: SimulatorFaults = {
  latencyMs: 0,
  dropNext: 0,
  garbageNext: 0,
  duplicateNext: 0,
  disconnectNext: 0,
  lateNext: 0,
  lateByMs: 0,
  refuseReversalsNext: 0,
  unknownFieldsNext: 0,
  badMacNext: 0,
};

export interface SimulatorStats {
  received: number;
  answered: number;
  malformed: number;
  /** Requests received per MTI (0100, 0101, 0400, 0421, ...). */
  byMti: Record<string, number>;
}

/**
 * `tender-bank-sim`: a processing centre on TCP speaking the same dialect as the
 * adapter. It keeps card balances (CardBook), answers the test cards' response
 * codes, answers a retransmission (same MTI, terminal, STAN, date-time) with the
 * answer it gave before, and injects faults on request.
 *
 * @example
 * ```ts
 * const sim = new BankSimulator(ASCII_DIALECT, new CardBook(undefined));
 * const port = await sim.listen(0);
 * sim.faults.dropNext = 1;
 * ```
 */
export class BankSimulator {
  readonly faults: SimulatorFaults = { ...NO_FAULTS };
  readonly stats: SimulatorStats = { received: 0, answered: 0, malformed: 0, byMti: {} };
  private readonly packager: IsoPackager;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** The working MAC key issued on each connection (renewed by every 0800/161). */
  private readonly macKeys = new WeakMap<net.Socket, Buffer>();

  constructor(
    dialect: PackagerDefinition,
    readonly book: CardBook,
    private readonly log: (line: string) => void = () => {},
    private readonly security: SimulatorSecurity = {},
  ) {
    this.packager = new IsoPackager(dialect);
    const tlsOptions = security.tls;
    this.server =
      tlsOptions === undefined
        ? net.createServer((socket) => this.serve(socket))
        : tls.createServer({ cert: tlsOptions.cert, key: tlsOptions.key }, (socket) => this.serve(socket));
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  /** Drops every open connection (the clients see a disconnect and reconnect). */
  disconnectAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.disconnectAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(this.packager.definition.lengthHeader);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const bytes of frames) this.onFrame(socket, bytes);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private onFrame(socket: net.Socket, bytes: Buffer): void {
    const { mti, fields, tpdu, error } = this.packager.unpackPartial(bytes);
    if (error !== undefined) {
      this.stats.malformed++;
      // Only the error, never the bytes: a request may carry a CVV2 in its private field.
      this.log(`malformed request (${bytes.length} bytes): ${error.message}`);
      // A request whose MTI and STAN came through gets a format error (39=30), so the sender is not left waiting.
      if (mti !== undefined && /^0[1-8][0-9]0$|^0[1-8][0-9]1$/.test(mti) && fields.has(11))
        this.send(socket, { mti, fields, ...(tpdu === undefined ? {} : { tpdu }) }, refusal({ mti, fields }, '30').fields);
      return;
    }
    const request: IsoMessage = { mti: mti ?? '', fields, ...(tpdu === undefined ? {} : { tpdu }) };
    this.stats.received++;
    this.stats.byMti[request.mti] = (this.stats.byMti[request.mti] ?? 0) + 1;
    const key = this.macKeys.get(socket);
    if (key !== undefined && !request.mti.startsWith('08') && !macValid(this.packager, bytes, request, key)) {
      // A request whose MAC is wrong is not processed: security violation.
      this.log(`request ${request.mti} with a wrong MAC refused`);
      this.send(socket, request, refusal(request, '63').fields);
      return;
    }
    if (request.mti === '0800' && fields.get(70) === '161' && this.security.zoneMasterKey !== undefined) {
      const issued = newWorkingKey(this.security.zoneMasterKey);
      this.macKeys.set(socket, issued.clear);
      this.send(socket, request, refusal(request, '00', { 48: packPrivateData({ KM: issued.underZmk, KC: issued.kcv }) ?? '' }).fields);
      return;
    }
    try {
      this.handle(socket, request);
    } catch (failure) {
      // A request the simulator cannot process gets a format error, and never takes the simulator down.
      this.log(`request not processed: ${maskPans(failure instanceof Error ? failure.message : String(failure))}`);
      this.send(socket, request, refusal(request, '30').fields);
    }
  }

  private send(socket: net.Socket, request: IsoMessage, fields: Record<string, string>): void {
    if (!socket.destroyed) socket.write(this.framed(request, fields, socket));
  }

  /** The answer to `request`, framed: answer MTI, and the request's TPDU with destination and source swapped. */
  private framed(request: IsoMessage, fields: Record<string, string>, socket: net.Socket): Buffer {
    const tpdu = request.tpdu === undefined ? {} : { tpdu: `${request.tpdu.slice(0, 2)}${request.tpdu.slice(6, 10)}${request.tpdu.slice(2, 6)}` };
    const answer = { ...isoMessage(responseMti(request.mti), fields), ...tpdu };
    const key = this.macKeys.get(socket);
    const body = key !== undefined && !answer.mti.startsWith('08') ? packWithMac(this.packager, answer, key) : this.packager.pack(answer);
    if (key !== undefined && !answer.mti.startsWith('08') && this.faults.badMacNext > 0) {
      this.faults.badMacNext--;
      body[body.length - 1] ^= 0xff;
    }
    return frame(body, this.packager.definition.lengthHeader);
  }

  private handle(socket: net.Socket, request: IsoMessage): void {
    const f = (n: number): string => request.fields.get(n) ?? '';
    // A repeat (0101, 0221, 0421, ...) is the same message as its original: same key, same answer.
    const base = `${request.mti.slice(0, 3)}0`;
    const key = `${base}:${f(41)}:${f(11)}:${f(7)}`;
    // Network management (sign-on, echo) changes nothing: a repeat is answered afresh,
    // so an echo every few seconds on every link neither fills the answers nor writes the state.
    const stateless = base === '0800';
    let fields = stateless ? undefined : this.book.answerFor(key);
    if (fields === undefined && request.mti.startsWith('04') && this.faults.refuseReversalsNext > 0) {
      this.faults.refuseReversalsNext--;
      fields = refusal(request, '96').fields;
    } else if (fields === undefined) {
      const answer = processRequest(this.book, { mti: base, fields: request.fields });
      if (answer !== 'silent') {
        fields = answer.fields;
        if (!stateless) this.book.remember(key, fields);
      }
      if (!stateless) this.book.save();
    }
    if (fields === undefined) return;
    if (this.faults.unknownFieldsNext > 0 && request.mti !== '0800') {
      this.faults.unknownFieldsNext--;
      fields = { ...fields, 32: '12345678901', 44: 'SIM EXTRA', 48: 'PRIVATE DATA THE ACQUIRER NEED NOT READ' };
    }
    const response = this.framed(request, fields, socket);
    if (request.mti === '0800') {
      socket.write(response);
      return;
    }
    this.answer(socket, response);
  }

  private answer(socket: net.Socket, response: Buffer): void {
    const faults = this.faults;
    if (faults.dropNext > 0) {
      faults.dropNext--;
      return;
    }
    if (faults.disconnectNext > 0) {
      faults.disconnectNext--;
      socket.destroy();
      return;
    }
    let delay = faults.latencyMs;
    if (faults.lateNext > 0) {
      faults.lateNext--;
      delay += faults.lateByMs;
    }
    const garbage = faults.garbageNext > 0;
    if (garbage) faults.garbageNext--;
    const duplicate = faults.duplicateNext > 0;
    if (duplicate) faults.duplicateNext--;
    const send = (): void => {
      if (socket.destroyed) return;
      // A well-framed message whose body is not ISO 8583 (and quotes a PAN, which the client must mask).
      if (garbage) socket.write(frame(Buffer.from('\u0001GARBAGE 4242424242424242 \u00ff', 'latin1'), this.packager.definition.lengthHeader));
      socket.write(response);
      if (duplicate) socket.write(response);
      this.stats.answered++;
    };
    if (delay > 0) setTimeout(send, delay);
    else send();
  }
}

/** The answer to a request or its repeat (0101 → 0110, 0421 → 0430). */
function responseMti(mti: string): string {
  return `${mti.slice(0, 2)}${Number(mti[2]) + 1}0`;
}
