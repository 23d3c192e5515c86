/**
 * `gwc targets --keys` through the CLI (dist/, `npm run build`): the per-key, per-target matrix
 * of issue #21 as text and as --json, from the same tables the build uses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_IDS } from '../../src/model/keys.js';
import { keyAnswer } from '../../src/targets/key-answers.js';
import { ensureBuilt, gwc } from './run.js';

beforeAll(() => ensureBuilt());

describe('gwc targets --keys', () => {
  it('prints one line per key with each target', () => {
    const r = gwc(['targets', '--keys']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^KEY\s+DECIDED BY\s+aws\s+kong\s+nginx\s+traefik$/);
    for (const id of KEY_IDS) expect(lines.filter((l) => l.startsWith(`${id} `)), id).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('scheme.jwksUri '))).toMatch(/refused with a Cognito issuer, unless the pool's own JWKS \(key-refused\)/);
  });

  it('--json gives every key, each target answer, code and reason', () => {
    const r = gwc(['targets', '--keys', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; result: { keys: Array<{ key: string; by: string; answers: Record<string, { answer: string; code?: string; detail?: string; when?: string }> }> } };
    expect(out.ok).toBe(true);
    expect(out.result.keys.map((k) => k.key)).toEqual([...KEY_IDS]);
    const burst = out.result.keys.find((k) => k.key === 'route.rateLimit.burst')!;
    expect(burst.answers.kong).toMatchObject({ answer: 'warned', code: 'key-not-applied', when: 'above 0' });
    expect(burst.answers.kong!.detail).toBe((keyAnswer('kong', 'route.rateLimit.burst') as { why: string }).why);
  });

  it('without --keys it is the capability matrix, as before', () => {
    const r = gwc(['targets']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^FEATURE\s+CLASS/);
  });
});
