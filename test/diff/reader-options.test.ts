/**
 * Deployed-state readers declare their own options (#17 item 7): `gwc diff --option TARGET.NAME`
 * reaches the reader that declares NAME and the compile otherwise; an unset reader option takes its
 * environment variable; the deprecated `--token` / `--stack` stand for the options their readers name.
 */
import { describe, expect, it } from 'vitest';
import { deprecatedFlags, diffOptions, fromDeprecated, readerLabel, readerOptions } from '../../src/cli/reader-options.js';
import { findTarget, TARGET_NAMES, TARGETS } from '../../src/targets/index.js';

const kong = findTarget('kong')!;
const aws = findTarget('aws')!;

describe('reader options', () => {
  it('splits --option between the compile and the reader, by who declares the name', () => {
    const r = diffOptions(['kong.names=openapi2kong', 'kong.token=s3cret'], kong, TARGET_NAMES);
    expect(r).toEqual({ build: { names: 'openapi2kong' }, read: { token: 's3cret' }, diagnostics: [] });
    // The bare NAME=VALUE form too, as gwc build takes it.
    expect(diffOptions(['stack=shop-prod'], aws, TARGET_NAMES).read).toEqual({ stack: 'shop-prod' });
  });

  it("an unset reader option takes its environment variable; one given wins; an empty variable is unset", () => {
    expect(diffOptions([], kong, TARGET_NAMES, { GWC_ADMIN_TOKEN: 'from-env' }).read).toEqual({ token: 'from-env' });
    expect(diffOptions(['kong.token=given'], kong, TARGET_NAMES, { GWC_ADMIN_TOKEN: 'from-env' }).read).toEqual({ token: 'given' });
    expect(diffOptions([], kong, TARGET_NAMES, { GWC_ADMIN_TOKEN: '' }).read).toEqual({});
  });

  it('the deprecated flags stand for their options, and an --option of the same name wins', () => {
    expect(fromDeprecated(TARGETS, { token: 't', stack: 's', format: 'plan' })).toEqual(['aws.stack=s', 'kong.token=t']);
    const r = diffOptions([...fromDeprecated(TARGETS, { token: 'old' }), 'kong.token=new'], kong, TARGET_NAMES);
    expect(r.read).toEqual({ token: 'new' });
  });

  it("another target's reader option, or a name no one declares, is refused as gwc build refuses it", () => {
    expect(diffOptions(['kong.stack=x'], kong, TARGET_NAMES).diagnostics.map((d) => [d.code, d.params.name])).toEqual([['option-unknown', 'stack']]);
    expect(diffOptions(['aws.stack=x'], kong, TARGET_NAMES).diagnostics.map((d) => d.code)).toEqual(['option-target-not-built']);
    expect(diffOptions(['nonsense=1'], kong, TARGET_NAMES).diagnostics.map((d) => d.code)).toEqual(['option-unknown']);
  });

  it('the "from" label shows a reader setting, never a secret one', () => {
    expect(readerLabel(aws, { stack: 'shop-prod' })).toBe('stack shop-prod');
    expect(readerLabel(kong, { token: 's3cret' })).toBeUndefined();
  });

  it('registry: reader options have descriptions, never shadow a build option, secrets can come from the environment, deprecated flags are unique', () => {
    for (const t of TARGETS) {
      const build = (t.options ?? []).map((o) => o.name);
      for (const o of readerOptions(t)) {
        expect(o.description.length, `${t.name}.${o.name}`).toBeGreaterThan(10);
        expect(build, `${t.name}.${o.name} is also a build option`).not.toContain(o.name);
        if (o.secret) expect(o.env, `${t.name}.${o.name} is a secret with no environment variable`).toBeDefined();
      }
    }
    const flags = deprecatedFlags(TARGETS).map((d) => d.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(flags.sort()).toEqual(['stack', 'token']);
  });
});
