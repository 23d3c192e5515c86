/**
 * Red team 14, `gwc diff` for Kong (DESIGN.md 7.3, 7.8): Lua the deployed copy runs that gwc did not
 * write is read as nothing. The reader knows gwc's own pre-/post-function chunks by their marks
 * (deployed-guards.ts) and skips the rest; Traefik's reader has `unread-changed` for the same (a
 * plugin or unknown middleware, either way a security finding). So a chunk that tells the backend
 * who the caller is reads as no change either way:
 * - `return function() kong.service.request.set_header("X-Consumer-Username", "admin") end`
 *   appended to the public route's pre-function: no auth plugin runs there to overwrite it, and the
 *   backend reads Kong's consumer header as the verified caller;
 * - a post-function with the same line on the public route (post-function runs after every auth
 *   plugin: on a keyed route it would overwrite what key-auth set too);
 * - a global post-function (every route without its own: all of gwc's but the OR routes).
 * Control: another auth plugin (oauth2) added to a keyed route is found (auth-weakened).
 * Fix class: any function chunk, phase or function plugin gwc did not write is a fact of its own
 * (unread-changed), as on Traefik.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, judge } from './helpers/diff-coverage.js';

type Plugin = { name: string; enabled?: boolean; config: Record<string, unknown> };
type Route = { name: string; plugins: Plugin[] };
type Doc = { plugins: Plugin[]; services: Array<{ routes: Route[] }> };
const SET = 'kong.service.request.set_header("X-Consumer-Username", "admin")';

describe('red team 14: gwc diff (Kong) and Lua it did not write', () => {
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
  const route = (d: Doc, name: string) => d.services.flatMap((s) => s.routes).find((r) => r.name === name)!;

  it('control: an oauth2 plugin added to a keyed route (another way in) is a security finding', () => {
    expect(verdict('same', () => {}).result).toBe('unchanged');
    const v = verdict('oauth2', (d) => route(d, 'cov.getkeys').plugins.push({ name: 'oauth2', enabled: true, config: { scopes: ['x'], mandatory_scope: false, enable_client_credentials: true, provision_key: 'pk' } }));
    expect(v.result).toBe('covered');
  });

  it("a chunk appended to the public route's pre-function naming the caller admin is a security finding", () => {
    const v = verdict('pre chunk', (d) => (route(d, 'cov.getpublic').plugins.find((p) => p.name === 'pre-function')!.config.access as string[]).push(`return function() ${SET} end`));
    expect(v.result, v.detail).toBe('covered');
  });

  it('a post-function on the public route naming the caller admin is a security finding', () => {
    const v = verdict('post route', (d) => route(d, 'cov.getpublic').plugins.push({ name: 'post-function', enabled: true, config: { access: [SET] } }));
    expect(v.result, v.detail).toBe('covered');
  });

  it('a global post-function naming the caller admin (every route without its own) is a security finding', () => {
    const v = verdict('post global', (d) => d.plugins.push({ name: 'post-function', enabled: true, config: { access: [SET] } }));
    expect(v.result, v.detail).toBe('covered');
  });
});
