/**
 * Opaque references from a check result to the listed person, for a sanggah: signed,
 * expiring, and carrying no personal data (a member id is not an identifier anyone
 * can use elsewhere, and the signature stops anyone objecting to arbitrary ids).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Sign } from './challenge.js';

export interface MemberRef {
  readonly memberId: number;
  readonly regencyCode: string;
}

export interface RefSigner {
  issue(ref: MemberRef, now?: number): string;
  verify(token: string, now?: number): MemberRef | undefined;
}

const TTL_SECONDS = 24 * 3600;

/**
 * @example
 * const refs = createRefSigner((p) => keyring.index.compute('portal.ref', p));
 * refs.verify(refs.issue({ memberId: 7, regencyCode: '32.01' })) // { memberId: 7, regencyCode: '32.01' }
 */
export function createRefSigner(sign: Sign): RefSigner {
  return {
    issue(ref, now = Date.now()) {
      const body = `${ref.memberId.toString(36)}~${ref.regencyCode}~${(Math.floor(now / 1000) + TTL_SECONDS).toString(36)}`;
      return `${Buffer.from(body).toString('base64url')}.${sign(body).toString('base64url')}`;
    },
    verify(token, now = Date.now()) {
      if (token.length > 200) return undefined;
      const [b, mac] = token.split('.');
      if (!b || !mac) return undefined;
      const body = Buffer.from(b, 'base64url').toString('utf8');
      const expected = sign(body);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const [id, regencyCode, exp] = body.split('~');
      if (!id || !regencyCode || !exp || !/^\d{2}\.\d{2}$/.test(regencyCode)) return undefined;
      if (parseInt(exp, 36) < Math.floor(now / 1000)) return undefined;
      return { memberId: parseInt(id, 36), regencyCode };
    },
  };
}
