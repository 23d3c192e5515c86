/**
 * The built gwc runs each command through a stand-in of src/cli/entry.ts (#18): its list must
 * name every file of src/commands/ (a command missing there would be in the manifest and help,
 * but not runnable from the bundle), and a stand-in runs the real class with the id and plugin
 * oclif gave it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/entry.js';

describe('src/cli/entry.ts', () => {
  it('has one stand-in per file of src/commands/', () => {
    const files = readdirSync(path.resolve(__dirname, '../../src/commands'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(Object.keys(commands).sort()).toEqual(files);
  });

  it('a stand-in runs the real command with the id and plugin oclif set on it', async () => {
    const real = (await import('../../src/commands/schema.js')).default;
    const original = real.run;
    const seen: unknown[] = [];
    real.run = async function (this: typeof real, argv?: string[]) {
      seen.push(this.id, (this as { plugin?: unknown }).plugin, argv);
      return 'ran';
    } as typeof real.run;
    try {
      const Stand = commands.schema;
      Stand.id = 'schema';
      Stand.plugin = { name: 'gwc' } as never;
      await expect(Stand.run(['--json'])).resolves.toBe('ran');
      expect(seen).toEqual(['schema', { name: 'gwc' }, ['--json']]);
    } finally {
      real.run = original;
    }
  });
});
