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
import { sampled } from './key-coverage/spec-for-key.js';

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

describe('the fifth answer, ignored, is never a silent drop', () => {
  it('an ignored key is said at a parent that is always said, or is a sampled no-op', () => {
    const bad: string[] = [];
    for (const t of TARGETS) {
      for (const id of KEY_IDS) {
        const a = keyAnswer(t.name, id);
        if (a.answer !== 'ignored') continue;
        if (a.saidAt) {
          const parent = keyAnswer(t.name, a.saidAt);
          const always = (parent.answer === 'warned' || parent.answer === 'refused') && !parent.when && ['key-not-applied', 'key-refused'].includes(parent.code);
          if (!id.startsWith(`${a.saidAt}.`) || !always) bad.push(`${t.name} ${id}: saidAt ${a.saidAt} is not an always-said parent`);
        } else if (!sampled(id, t.name)) {
          bad.push(`${t.name} ${id}: a no-op the truth test does not check`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('no auth setting (scheme.*, consumers.*) is merely warned about by the core', () => {
    // A scheme's verification settings decide who gets in: a target that cannot apply one refuses.
    // The one exception: a JWT scheme whose verifier, on this target, is the forwardAuth service the
    // spec itself names; its claim settings are then that service's to check, and the warning says so.
    const delegated = (a: ReturnType<typeof keyAnswer>) => a.answer === 'warned' && a.when !== undefined && /forwardAuth/.test(a.when.says) && /forwardAuth service/.test(a.why);
    const warned = TARGETS.flatMap((t) =>
      KEY_IDS.filter((id) => /^(scheme|consumers)\./.test(id))
        .filter((id) => {
          const a = keyAnswer(t.name, id);
          return a.answer === 'warned' && a.code === 'key-not-applied' && id !== 'scheme.realm' && !delegated(a);
        })
        .map((id) => `${t.name} ${id}`),
    );
    expect(warned).toEqual([]);
  });
});
