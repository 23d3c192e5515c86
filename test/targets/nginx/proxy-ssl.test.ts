/** The server block's TLS default and each location's exception (src/targets/nginx/proxy-ssl.ts). */
import { describe, expect, it } from 'vitest';
import { ownSsl, serverSslDefault } from '../../../src/targets/nginx/proxy-ssl.js';

const on = (trusted: string, serverName = 'a.internal') => ({ verify: true, serverName, trusted });
const off = (serverName = 'a.internal') => ({ verify: false, serverName, trusted: '/ca.pem' });

describe('proxy-ssl', () => {
  it('takes the most common context; server names do not split it', () => {
    expect(serverSslDefault([on('/ca.pem', 'a'), on('/ca.pem', 'b'), off(), undefined])).toEqual({ verify: true, trusted: '/ca.pem' });
    expect(serverSslDefault([off('a'), off('b'), on('/ca.pem')])).toEqual({ verify: false });
  });
  it('breaks ties by key, whatever the order (deterministic output)', () => {
    const a = serverSslDefault([on('/b.pem'), on('/a.pem')]);
    expect(serverSslDefault([on('/a.pem'), on('/b.pem')])).toEqual(a);
    expect(a).toEqual({ verify: true, trusted: '/a.pem' });
  });
  it('is undefined without TLS', () => expect(serverSslDefault([undefined])).toBeUndefined());
  it('a location sets its own context only where it differs', () => {
    const d = { verify: true, trusted: '/ca.pem' };
    expect(ownSsl(on('/ca.pem', 'other'), d)).toBeUndefined();
    expect(ownSsl(on('/private.pem'), d)).toEqual({ verify: true, trusted: '/private.pem' });
    expect(ownSsl(off(), d)).toEqual({ verify: false });
    expect(ownSsl(off(), { verify: false })).toBeUndefined();
    expect(ownSsl(undefined, d)).toBeUndefined();
    expect(ownSsl(on('/ca.pem'), undefined)).toEqual(d);
  });
});
