import mysql from 'mysql2/promise';

/** A private-range IPv4 address numbered `n`: distinct buyers for the risk benchmarks' history. */
export function ipOf(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Creates (after dropping any leftover) the database named in `url`, for the risk
 * benchmarks that run a gateway's services in-process; returns what drops it.
 *
 * @example
 * ```ts
 * const drop = await createMysqlDatabase('mysql://root@127.0.0.1:3306/tender_bench_risk');
 * try { ... } finally { await drop(); }
 * ```
 */
export async function createMysqlDatabase(url: string, fallbackName: string): Promise<() => Promise<void>> {
  const server = new URL(url);
  const name = server.pathname.replace(/^\//, '') || fallbackName;
  const connect = () => mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
  const admin = await connect();
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return async () => {
    const c = await connect();
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  };
}
