/**
 * Requests that carry a credential, generated from the spec's credential carriers
 * (src/targets/credential-carriers.ts), in every spelling a backend reads as the carrier: a
 * header's `-`/`_` spellings and case, a query name as PHP/Rack/ASP.NET read it (query-names.ts:
 * case, `.`/` `/`[` for `_`, an array form, `%XX`, a NUL end), a cookie, a form body. Each attack
 * on a shared cache sends one and checks the next caller is never served its answer.
 */
import { credentialCarriers, headerSpellings, type Carrier } from '../../../src/targets/credential-carriers.js';
import { queryNameAsRead } from '../../../src/targets/query-names.js';
import type { Gateway } from '../../../src/model/types.js';

export interface CarrierVariant {
  /** What it is, for the test's name: `header x_token`, `query access.token`. */
  label: string;
  carrier: Carrier;
  headers: Record<string, string>;
  /** Raw query text (no `?`), already encoded. */
  query?: string;
  /** A form body (Content-Type set in headers). */
  body?: string;
}

/** The raw query names a backend reads as `name` (each checked against queryNameAsRead). */
export function querySpellings(name: string): string[] {
  const enc = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const forms = [
    encodeURIComponent(name),
    encodeURIComponent(name.toUpperCase()),
    `${encodeURIComponent(name)}%5B%5D`,
    `${encodeURIComponent(name)}%00x`,
    `+${encodeURIComponent(name)}`,
    enc(name),
    ...(name.includes('_') ? [name.replace(/_/g, '.'), name.replace(/_/g, '+'), name.replace(/_/g, '%5B')] : []),
  ];
  const out = [...new Set(forms)];
  for (const f of out) if (queryNameAsRead(f) !== queryNameAsRead(name)) throw new Error(`${f} is not read as ${name}`);
  return out;
}

/** Every variant of every carrier of the gateway, the credential being `token` (made unique per variant by the caller's `tag`). */
export function carrierVariants(gateway: Gateway, token: (tag: string) => string): CarrierVariant[] {
  const out: CarrierVariant[] = [];
  for (const c of credentialCarriers(gateway)) {
    if (c.in === 'header') {
      if (c.name === 'cookie') {
        out.push({ label: 'header cookie', carrier: c, headers: { cookie: `sid=${token('cookie')}` } });
        continue;
      }
      for (const h of headerSpellings(c.name)) {
        const value = c.name === 'authorization' ? `Bearer ${token(h)}` : token(h);
        out.push({ label: `header ${h}`, carrier: c, headers: { [h]: value } });
        const upper = h.toUpperCase();
        out.push({ label: `header ${upper}`, carrier: c, headers: { [upper]: c.name === 'authorization' ? `Bearer ${token(upper)}` : token(upper) } });
      }
    } else if (c.in === 'cookie') {
      out.push({ label: `cookie ${c.name}`, carrier: c, headers: { cookie: `${c.name}=${token(`cookie-${c.name}`)}` } });
    } else if (c.in === 'query') {
      for (const q of querySpellings(c.name)) out.push({ label: `query ${q}`, carrier: c, headers: {}, query: `${q}=${token(`q-${q}`)}` });
    } else {
      out.push({
        label: `body ${c.name}`,
        carrier: c,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${encodeURIComponent(c.name)}=${token(`body-${c.name}`)}`,
      });
    }
  }
  return out;
}
