/**
 * #16.8: shell completion through oclif's own plugin (@oclif/plugin-autocomplete): `gwc autocomplete
 * bash|zsh|powershell` writes the completion functions from the command manifest; here bash's is
 * sourced and asked, as the shell asks it on TAB, for commands and flags.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gwc, tempDir } from './run.js';

beforeAll(ensureBuilt);

describe('gwc autocomplete', () => {
  const cache = tempDir('gwc-ac-');
  const env = { XDG_CACHE_HOME: cache };

  it('bash: TAB completes commands and their flags', () => {
    const setup = gwc(['autocomplete', 'bash'], { env });
    expect(setup.code).toBe(0);
    expect(setup.stdout).toContain('gwc autocomplete script bash');
    const fn = path.join(cache, 'gwc/autocomplete/functions/bash/gwc.bash');
    expect(existsSync(fn)).toBe(true);
    const complete = (...words: string[]) => {
      const script = `source ${JSON.stringify(fn)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE=${JSON.stringify(words.join(' '))}; _gwc_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(complete('gwc', 'bu')).toEqual(['build']);
    expect(complete('gwc', 'lint', '--fa')).toEqual(['--fail-severity']);
    expect(complete('gwc', 'build', '--ta')).toEqual(['--target']);
  });

  it('zsh: the setup names the completion function it writes', () => {
    const r = gwc(['autocomplete', 'script', 'zsh'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/GWC_AC_ZSH_SETUP_PATH=/);
  });
});
