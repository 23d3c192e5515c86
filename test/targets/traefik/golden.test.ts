/**
 * Golden files for every case: the YAML gwc writes, or (for a spec Traefik cannot build) the
 * diagnostics it refuses with. UPDATE_GOLDEN=1 rewrites them; review the diff as code. Goldens
 * prove stability only: schema.test.ts and routing.test.ts prove the content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, CASES } from './cases.js';

const update = process.env.UPDATE_GOLDEN === '1';

describe('traefik goldens', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const result = await build(c.file);
      const got = new Map<string, string>(result.files.map((f) => [f.path, f.contents]));
      got.set(
        'diagnostics.txt',
        result.diagnostics.map((d) => `${d.position ? `${d.position.line}:${d.position.column}` : '-'} ${d.severity} ${d.code} ${d.message}`).join('\n') + '\n',
      );
      if (update) {
        rmSync(c.golden, { recursive: true, force: true });
        mkdirSync(c.golden, { recursive: true });
        for (const [f, text] of got) writeFileSync(path.join(c.golden, f), text);
      }
      expect(existsSync(c.golden), `${c.golden} missing: run UPDATE_GOLDEN=1`).toBe(true);
      const want = readdirSync(c.golden).sort();
      expect([...got.keys()].sort()).toEqual(want);
      for (const f of want) expect(got.get(f), `${c.name}/${f}`).toBe(readFileSync(path.join(c.golden, f), 'utf8'));
      // Same input, same bytes.
      const again = await build(c.file);
      expect(again.files).toEqual(result.files);
    });
  }
});
