/**
 * The key registry is the schema (issue #21): every key schemas/x-gateway.schema.json admits has an
 * entry in src/model/keys.ts and an answer on every target, and the registry names no key the
 * schema does not have. A new schema key fails here until all four targets answer it.
 */
import { describe, expect, it } from 'vitest';
import { KEY_IDS } from '../../src/model/keys.js';
import { schemaKeys } from '../../src/model/schema-keys.js';
import { keyAnswer } from '../../src/targets/key-answers.js';
import { TARGETS } from '../../src/targets/index.js';
import { xGatewaySchema } from '../../src/validate/extensions.js';

describe('x-gateway key registry', () => {
  const walked = schemaKeys(xGatewaySchema() as never).map((k) => k.id);

  it('names exactly the keys the schema walk finds', () => {
    expect([...KEY_IDS].sort()).toEqual([...walked].sort());
    expect(walked.length).toBeGreaterThan(150);
  });

  it('every target answers every key, with a reason where it does not apply it', () => {
    for (const t of TARGETS) {
      for (const id of KEY_IDS) {
        const a = keyAnswer(t.name, id);
        expect(['native', 'emulated', 'refused', 'warned', 'ignored'], `${t.name} ${id}`).toContain(a.answer);
        if (a.answer === 'refused' || a.answer === 'warned') expect(a.why, `${t.name} ${id}`).toMatch(/\w{3}/);
        if (a.answer === 'ignored') expect(a.why, `${t.name} ${id}`).toMatch(/\w{3}/);
      }
    }
  });
});
