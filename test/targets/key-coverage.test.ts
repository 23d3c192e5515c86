/**
 * Key coverage (issue #21): every x-gateway key's answer on every target is TRUE. For each key
 * with a sample (test/targets/key-coverage/spec-for-key.ts) two specs are built that differ only
 * in that key, on every target, and the target's answer (src/targets/key-answers.ts) is checked:
 * - native: both build, and the outputs differ (the key reached the output);
 * - emulated: both build; the outputs differ unless the target's own key table explains why not;
 * - ignored: both build and the outputs are the same (the key really is not read);
 * - refused: the variant using the key fails with the answer's code;
 * - warned: it builds, with the answer's warning; the core's own key codes sit at the key's line.
 * Every key answered refused, warned or ignored on some target has a sample (no unchecked drops).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileGateway, loadGateway } from '../../src/api.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { KEY_IDS, KEYS, type KeyId } from '../../src/model/keys.js';
import { keyAnswer } from '../../src/targets/key-answers.js';
import { TARGET_NAMES } from '../../src/targets/index.js';
import type { TargetName } from '../../src/targets/index.js';
import { keyPointer, sampled, specForKey } from './key-coverage/spec-for-key.js';

interface Built {
  value: unknown;
  /** The object the key is written in, for an answer whose condition reads a sibling. */
  parent: Record<string, unknown>;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  output: string;
}

const dir = path.join(tmpdir(), `gwc-key-coverage-${process.pid}`);
const results = new Map<string, [Built, Built]>();

/** The value the spec gives the key in a variant (undefined: the key is absent). */
function valueOf(doc: Record<string, unknown>, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
}

async function build(id: KeyId, target: TargetName, which: 'a' | 'b'): Promise<Built> {
  const doc = specForKey(id, which, target)!;
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, stringify(doc));
  const loaded = await loadGateway(file, {});
  const pointer = keyPointer(id, target);
  const value = valueOf(doc, pointer);
  const parent = (valueOf(doc, pointer.slice(0, pointer.lastIndexOf('/'))) ?? {}) as Record<string, unknown>;
  if (!loaded.gateway) return { value, parent, errors: loaded.diagnostics.filter((d) => d.severity === 'error'), warnings: [], output: '' };
  const r = compileGateway(loaded.gateway, target, {}, loaded.spec);
  const all = [...loaded.diagnostics, ...r.diagnostics];
  return {
    value,
    parent,
    errors: all.filter((d) => d.severity === 'error'),
    warnings: all.filter((d) => d.severity === 'warn'),
    output: r.files.map((f) => `${f.path}\n${f.contents}`).join('\n'),
  };
}

const cases = KEY_IDS.flatMap((id) => TARGET_NAMES.filter((t) => sampled(id, t)).map((t) => [id, t as TargetName] as const));
const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.loc?.pointer}`);

describe('every key answer is true on its target', () => {
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'certs'), { recursive: true });
    // One spec file rewritten per variant: output never differs by the spec's path.
    for (const [id, t] of cases) results.set(`${id}|${t}`, [await build(id, t, 'a'), await build(id, t, 'b')]);
  }, 300_000);

  it.each(cases)('%s on %s', (id, target) => {
    const [a, b] = results.get(`${id}|${target}`)!;
    const answer = keyAnswer(target, id);
    const using = [a, b].filter((v) => v.value !== undefined);
    const ctx = `${target} ${id} (${answer.answer}): A errors ${brief(a.errors)}, B errors ${brief(b.errors)}`;
    switch (answer.answer) {
      // A variant without the key may fail (a scheme whose forwardAuth is its only verifier): that
      // the key is what makes it build shows it is read.
      case 'native':
      case 'emulated':
        expect(using.flatMap((v) => v.errors), ctx).toEqual([]);
        if (answer.answer === 'native' || answer.from !== 'key table') {
          expect(a.output, `${ctx}: the outputs do not differ, the key is dropped`).not.toBe(b.output);
        }
        break;
      case 'ignored':
        expect([...a.errors, ...b.errors], ctx).toEqual([]);
        expect(a.output, `${ctx}: ignored, yet the output changes with it`).toBe(b.output);
        break;
      case 'refused':
      case 'warned': {
        const list = (x: Built) => (answer.answer === 'refused' ? x.errors : x.warnings);
        for (const v of [a, b]) {
          // `false` switches an inherited policy off: nothing to refuse or warn about.
          const applies = v.value !== undefined && (answer.when ? answer.when.test(v.value, v.parent) : v.value !== false);
          const found = list(v).filter((d) => d.code === answer.code);
          if (!applies && answer.answer === 'refused') continue; // the spec may be refused for another reason
          if (!applies) {
            expect(found, `${ctx}: said for a value it does not apply to`).toEqual([]);
            continue;
          }
          expect(found.length, `${ctx}: no ${answer.code} for ${JSON.stringify(v.value)}`).toBeGreaterThan(0);
          if (answer.code === 'key-not-applied' || answer.code === 'key-refused') {
            const at = found.find((d) => d.loc?.pointer === keyPointer(id, target));
            expect(at, `${ctx}: not said at the key's own line`).toBeDefined();
            expect(at!.params).toMatchObject({ target, key: id });
          }
          if (answer.answer === 'warned') expect(v.errors, ctx).toEqual([]);
        }
        break;
      }
    }
  });

  it('every key a target refuses, warns about or ignores is checked here', () => {
    const unchecked = KEY_IDS.flatMap((id) =>
      TARGET_NAMES.filter((t) => ['refused', 'warned', 'ignored'].includes(keyAnswer(t as TargetName, id).answer) && !sampled(id, t)).map((t) => `${t} ${id}`),
    );
    expect(unchecked).toEqual([]);
  });

  it('samples cover every key but the core and base containers', () => {
    const unsampled = KEY_IDS.filter((id) => !('core' in KEYS[id]) && TARGET_NAMES.some((t) => !sampled(id, t)));
    expect(unsampled).toEqual(['backends', 'consumers']);
  });
});
