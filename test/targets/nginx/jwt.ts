/** Test tokens: RS256/ES256/HS256 signed with node:crypto. */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export function rsaKeys(): { publicPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

export function ecKeys(): { publicPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

export function token(alg: string, claims: Record<string, unknown>, key: KeyObject | string): string {
  const input = `${b64u(JSON.stringify({ alg, typ: 'JWT' }))}.${b64u(JSON.stringify(claims))}`;
  let sig: Buffer;
  if (alg.startsWith('HS')) sig = createHmac(`sha${alg.slice(2)}`, key as string).update(input).digest();
  else if (alg.startsWith('ES')) sig = sign(`sha${alg.slice(2)}`, Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  else sig = sign(`sha${alg.slice(2)}`, Buffer.from(input), key as KeyObject);
  return `${input}.${b64u(sig)}`;
}

export const now = (): number => Math.floor(Date.now() / 1000);
