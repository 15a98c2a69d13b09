import { Database, KeyRing } from '@tender/core';
import { Sealer } from '../security/sealer';
import { DIALECTS } from '../packager/dialects';

/** One processing centre as the database keeps it (secrets opened). */
export interface Iso8583Centre {
  /** The adapter code bank connections name. */
  readonly code: string;
  readonly host: string;
  readonly port: number;
  readonly dialect: string;
  readonly poolSize: number;
  readonly acquirerId: string | undefined;
  readonly timeZone: string | undefined;
  readonly merchantCategoryCode: string | undefined;
  readonly acceptor: { readonly name: string; readonly city: string; readonly country: string } | undefined;
  readonly tls: boolean;
  /** PEM of the CA the centre's certificate must chain to (undefined: the system's CAs). */
  readonly tlsCa: string | undefined;
  /** The zone master key (32 hex digits, double-length 3DES), opened from its sealed form. */
  readonly zoneMasterKey: string | undefined;
}

const SECRET_PURPOSE = 'tender/iso8583-centre-secret/v1';

/**
 * Processing centres in the gateway's database (`iso8583_centres`, migration 021):
 * the plugin registers one adapter per active row. The zone master key is sealed
 * with the key ring (AES-256-GCM bound to the centre's code) and opened only here.
 *
 * @example
 * ```ts
 * await centres.save({ code: 'pc-alfa', host: '10.0.0.5', port: 8583, dialect: 'iso8583-1987-bcd', poolSize: 2, acquirerId: '12345678901',
 *   timeZone: 'Europe/Moscow', merchantCategoryCode: '5732', acceptor: undefined, tls: true, tlsCa: caPem, zoneMasterKey: '0123...' }, Date.now());
 * ```
 */
export class Iso8583CentreRepository {
  private readonly sealer: Sealer;

  constructor(
    private readonly db: Database,
    keys: KeyRing,
  ) {
    this.sealer = new Sealer(keys, SECRET_PURPOSE);
  }

  /** Creates or replaces a centre; refuses a dialect or key that would not work. */
  async save(centre: Iso8583Centre, now: number): Promise<void> {
    if (!/^[a-z0-9][a-z0-9_-]{1,39}$/.test(centre.code)) throw new Error('a centre code is 2-40 lower-case letters, digits, - or _');
    if (DIALECTS[centre.dialect] === undefined) throw new Error(`unknown ISO 8583 dialect '${centre.dialect}'`);
    if (!Number.isInteger(centre.port) || centre.port < 1 || centre.port > 65535) throw new Error('a port is 1..65535');
    if (centre.zoneMasterKey !== undefined && !/^[0-9A-F]{32}$/.test(centre.zoneMasterKey)) throw new Error('a zone master key is 32 upper-case hex digits');
    const row = {
      code: centre.code,
      host: centre.host,
      port: centre.port,
      dialect: centre.dialect,
      pool_size: centre.poolSize,
      acquirer_id: centre.acquirerId ?? null,
      time_zone: centre.timeZone ?? null,
      merchant_category_code: centre.merchantCategoryCode ?? null,
      acceptor_name: centre.acceptor?.name ?? null,
      acceptor_city: centre.acceptor?.city ?? null,
      acceptor_country: centre.acceptor?.country ?? null,
      tls: centre.tls,
      tls_ca: centre.tlsCa ?? null,
      zone_master_key_sealed: centre.zoneMasterKey === undefined ? null : this.sealer.seal(centre.zoneMasterKey, centre.code),
      status: 'active',
      updated_at: now,
    };
    const updated = await this.db('iso8583_centres').where({ code: centre.code }).update(row);
    if (updated === 0) await this.db('iso8583_centres').insert({ ...row, created_at: now });
  }

  async listActive(): Promise<Iso8583Centre[]> {
    const rows = (await this.db('iso8583_centres').where({ status: 'active' }).orderBy('code', 'asc')) as Record<string, unknown>[];
    return rows.map((row) => this.fromRow(row));
  }

  private fromRow(row: Record<string, unknown>): Iso8583Centre {
    const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
    const code = String(row.code);
    const sealed = text(row.zone_master_key_sealed);
    const zoneMasterKey = sealed === undefined ? undefined : this.sealer.open(sealed, code);
    if (sealed !== undefined && zoneMasterKey === undefined) throw new Error(`the zone master key of ISO 8583 centre ${code} does not open with this key ring`);
    const name = text(row.acceptor_name);
    return {
      code,
      host: String(row.host),
      port: Number(row.port),
      dialect: String(row.dialect),
      poolSize: Number(row.pool_size),
      acquirerId: text(row.acquirer_id),
      timeZone: text(row.time_zone),
      merchantCategoryCode: text(row.merchant_category_code),
      acceptor: name === undefined ? undefined : { name, city: text(row.acceptor_city) ?? '', country: text(row.acceptor_country) ?? '' },
      tls: Boolean(row.tls),
      tlsCa: text(row.tls_ca),
      zoneMasterKey,
    };
  }
}
