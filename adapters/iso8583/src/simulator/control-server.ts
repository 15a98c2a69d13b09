import http from 'node:http';
import { BankSimulator, SimulatorFaults } from './bank-simulator';

/**
 * The simulator's control channel (HTTP on loopback), so tests drive a simulator
 * running in another process: `GET /state` (balances, stats, faults, and the card
 * authorizations received with their card-on-file facts),
 * `POST /faults` (a JSON object of SimulatorFaults fields to set).
 */
export function startControlServer(sim: BankSimulator, port: number, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/state') {
        send(200, { accounts: sim.book.accounts(), stats: sim.stats, faults: sim.faults, authorizations: sim.book.authorizations() });
        return;
      }
      if (req.method === 'POST' && req.url === '/faults') {
        let patch: Partial<Record<keyof SimulatorFaults, unknown>>;
        try {
          patch = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Partial<Record<keyof SimulatorFaults, unknown>>;
        } catch {
          send(400, { error: 'body is not JSON' });
          return;
        }
        for (const name of Object.keys(sim.faults) as Array<keyof SimulatorFaults>) {
          const value = patch[name];
          if (typeof value === 'number' && Number.isInteger(value) && value >= 0) sim.faults[name] = value;
        }
        send(200, sim.faults);
        return;
      }
      if (req.method === 'POST' && req.url === '/disconnect') {
        sim.disconnectAll();
        send(200, { ok: true });
        return;
      }
      send(404, { error: 'not found' });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
