import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationResult, ThreeDSecureChallenge, ThreeDSecureServer, TransStatus } from '@tender/core';

/** Where the sandbox's simulated ACS is mounted on the gateway. */
export const SANDBOX_ACS_PATH = '/sandbox/3ds';

/** The one code the simulated ACS accepts (../shared/DOMAIN.md). */
export const SANDBOX_CHALLENGE_CODE = '123456';

/**
 * A published, fixed key: the sandbox serves test mode only, so a forged CRes could
 * only "authenticate" play money. Fixed (not per process) so that any number of
 * gateway processes verify each other's challenge responses without shared state.
 */
const SANDBOX_ACS_KEY = 'tender-sandbox-acs-not-a-secret';

/** The challenge for an authorization: derived from its reference, so a retry gets the same one. */
export function sandboxChallenge(reference: string): ThreeDSecureChallenge {
  const transactionId = `tds_${createHash('sha256').update(reference).digest('hex').slice(0, 24)}`;
  const creq = Buffer.from(JSON.stringify({ threeDSServerTransID: transactionId, messageVersion: '2.2.0', challengeWindowSize: '05' })).toString('base64url');
  return { acsUrl: `${SANDBOX_ACS_PATH}/challenge`, transactionId, creq };
}

/** The transaction id a CReq names, or undefined for anything that is not one of ours. */
export function transactionOfCreq(creq: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(creq, 'base64url').toString('utf8')) as { threeDSServerTransID?: unknown };
    const id = parsed.threeDSServerTransID;
    return typeof id === 'string' && /^tds_[0-9a-f]{24}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The ACS's signed answer: `<transactionId>.<transStatus>.<hmac>`. */
export function signedCres(transactionId: string, status: TransStatus): string {
  return `${transactionId}.${status}.${mac(transactionId, status)}`;
}

const ECI: Readonly<Record<TransStatus, string | undefined>> = { Y: '05', A: '06', N: '07', R: '07', U: '07' };

/** Verifies CRes signed by the simulated ACS; anything unsigned or for another transaction is a rejection. */
export class SandboxThreeDSecureServer implements ThreeDSecureServer {
  async verifyChallenge(input: { readonly transactionId: string; readonly cres: string }): Promise<AuthenticationResult> {
    const [id, status, signature] = input.cres.split('.');
    const valid =
      id === input.transactionId &&
      (status === 'Y' || status === 'N') &&
      signature !== undefined &&
      /^[0-9a-f]{64}$/.test(signature) &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(mac(id, status)));
    const transStatus: TransStatus = valid ? status : 'R';
    return { transStatus, eci: ECI[transStatus] };
  }
}

function mac(transactionId: string, status: string): string {
  return createHmac('sha256', SANDBOX_ACS_KEY).update(`${transactionId}.${status}`).digest('hex');
}
