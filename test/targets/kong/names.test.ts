/**
 * Kong entity ids are UUIDv5 of their names (src/targets/kong/names.ts): decK updates entities in
 * place only while the same name gives the same id, so the fast one-shot hash must give exactly
 * the bytes RFC 9562 section 5.5 defines. Pinned against the RFC's own example, Python's
 * uuid.uuid5 answers, and a step-by-step reference (createHash, as the old code did).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidv5 } from '../../../src/targets/kong/names.js';

const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const URL_NS = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

function reference(name: string, namespace: string): string {
  const ns = Uint8Array.from(namespace.replace(/-/g, '').match(/../g) ?? [], (byte) => parseInt(byte, 16));
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

describe('uuidv5', () => {
  it('gives the RFC 9562 example and Python uuid.uuid5 answers', () => {
    expect(uuidv5('www.example.com', DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2'); // RFC 9562 appendix A.4
    expect(uuidv5('python.org', DNS)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidv5('http://python.org/', URL_NS)).toBe('4c565f0d-3f5a-5890-b41b-20cf47701c5e');
  });

  it('equals the step-by-step reference for any name (unicode, empty, long) in both namespaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (name, gwcNs) => {
        const ns = gwcNs ? 'b7d6f0b2-3c1e-4f7a-9a51-4f3f0c6e2d10' : DNS;
        expect(gwcNs ? uuidv5(name) : uuidv5(name, ns)).toBe(reference(name, ns));
      }),
      { numRuns: 500 },
    );
  });
});
