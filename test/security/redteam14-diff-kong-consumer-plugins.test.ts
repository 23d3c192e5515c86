/**
 * Red team 14, `gwc diff` for Kong (DESIGN.md 7.8): a plugin scoped to a CONSUMER takes the place of
 * the route's plugin of the same name for that consumer's requests. Kong runs one instance of a
 * plugin per request, looked up by precedence route+service+consumer > route+consumer >
 * service+consumer > route+service > consumer > route > service > global
 * (kong/runloop/plugins_iterator.lua lookup_cfg; its unit spec lookup_cfg_spec.lua: "::c" before
 * "r::"); gwc nests its plugins in routes ("r::"). Plugins that run after the auth plugins
 * (rate-limiting 910, request-transformer 801, proxy-cache 100, post-function) are looked up with
 * the consumer the key/basic/jwt plugin identified.
 *
 * The deployed reader keeps a consumer's plugins as entities of their own (`name@consumer`) and out
 * of every route's effective plugins (deployed-normalise.ts), and no rule classes a new one, so:
 * - a `rate-limiting` on consumer alice (minute: 1000000) lifts every route limit gwc wrote for
 *   alice (rate-limit-raised expected): read as no security change either way;
 * - a `request-transformer` on alice (any config) replaces each route's request-transformer, which
 *   is where gwc removes the other spellings of the hidden x-api-key (x_api_key, ...; key-auth
 *   hides only its own name) and the `_method` names: they reach the backend for her requests
 *   (credentials-forwarded / method-override-passed expected);
 * - the same as a top-level plugin naming the consumer.
 * Fix class: fold consumer-scoped plugins into the routes they override (a fact per consumer), or
 * read any consumer-scoped plugin of a name gwc writes on routes as a security change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, judge } from './helpers/diff-coverage.js';

type Doc = { consumers: Array<{ username: string; plugins?: unknown[]; acls?: Array<{ group: string }> }>; plugins: unknown[] };

describe('red team 14: gwc diff (Kong) and plugins scoped to a consumer', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('kong'));
  }, 300_000);
  const verdict = (sig: string, edit: (d: Doc) => void) => {
    const d = parse(files[0]!.contents) as Doc;
    edit(d);
    return judge('kong', built, { at: sig, sig, what: 'add', files: [{ ...files[0]!, contents: stringify(d) }] }, [], []);
  };
  const alice = (d: Doc) => d.consumers.find((c) => c.username === 'cov.alice')!;

  it('control: the file re-serialised is unchanged; a group added to bob is a security finding', () => {
    expect(verdict('same', () => {}).result).toBe('unchanged');
    expect(verdict('acl', (d) => d.consumers.find((c) => c.username === 'cov.bob')!.acls!.push({ group: 'cov.group.admin' })).result).toBe('covered');
  });

  it("a rate-limiting plugin on consumer alice (overrides every route's limit for her) is a security finding", () => {
    const v = verdict('consumer rate-limiting', (d) => (alice(d).plugins = [{ name: 'rate-limiting', enabled: true, config: { minute: 1000000, policy: 'local', limit_by: 'consumer' } }]));
    expect(v.result, v.detail).toBe('covered');
  });

  it('a top-level rate-limiting plugin naming consumer alice is a security finding', () => {
    const v = verdict('top-level consumer rate-limiting', (d) => d.plugins.push({ name: 'rate-limiting', consumer: 'cov.alice', enabled: true, config: { minute: 1000000, policy: 'local' } }));
    expect(v.result, v.detail).toBe('covered');
  });

  it("a request-transformer on consumer alice (replaces the route's: x_api_key spellings and _method reach the backend) is a security finding", () => {
    const v = verdict('consumer request-transformer', (d) => (alice(d).plugins = [{ name: 'request-transformer', enabled: true, config: { add: { headers: ['x-trace:1'] } } }]));
    expect(v.result, v.detail).toBe('covered');
  });
});
