/**
 * `gwc --version` is answered by bin/run.js without loading oclif (#18): the line must stay the
 * one oclif itself prints (Config.userAgent), and any other use of --version still goes to oclif.
 */
import { Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { gwc, repo } from './run.js';

describe('gwc --version', () => {
  it("prints oclif's own version line, exit 0", async () => {
    const config = await Config.load(repo);
    const r = gwc(['--version']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${config.userAgent}\n`);
  });

  it('leaves --version with other arguments to oclif (same line)', async () => {
    const config = await Config.load(repo);
    const r = gwc(['--version', 'extra']);
    expect(r.stdout).toBe(`${config.userAgent}\n`);
  });
});
