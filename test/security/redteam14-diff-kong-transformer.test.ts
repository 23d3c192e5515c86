/**
 * Red team 14, `gwc diff` for Kong (DESIGN.md 7.3, 7.8): what gwc's own request-transformer of a
 * route ADDS to the upstream request is not read (deployed-route-facts.ts reads its remove lists and
 * uri), so entries added by hand to its add/append lists or its http_method read as no change:
 * - `add.headers: X-Consumer-Username:admin` on the public route: no auth plugin runs there, and
 *   the backend reads Kong's consumer header as the verified caller;
 * - `append.headers: X-Consumer-Username:admin` on a keyed route: request-transformer (801) runs
 *   after key-auth (1250) set alice's username; append adds a second line (PHP, Rack read the
 *   last: admin);
 * - `http_method: DELETE` on the keyed GET route: every GET runs the backend's DELETE handler of
 *   the same path (the method the spec may protect otherwise; method-override-passed /
 *   route-widened expected).
 * Control: `replace.uri` changed is found (upstream-path-changed).
 * Fix class: read request-transformer's add/append/replace headers and http_method as facts
 * (request headers set by the gateway with their values; the upstream method).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, judge } from './helpers/diff-coverage.js';

type Rt = { add: { headers: string[] }; append: { headers: string[] }; replace: { uri?: string }; http_method: string | null };
type Doc = { services: Array<{ routes: Array<{ name: string; plugins: Array<{ name: string; config: Rt }> }> }> };

describe("red team 14: gwc diff (Kong) and what gwc's request-transformer adds", () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('kong'));
  }, 300_000);
  const verdict = (sig: string, route: string, edit: (c: Rt) => void) => {
    const d = parse(files[0]!.contents) as Doc;
    edit(d.services.flatMap((s) => s.routes).find((r) => r.name === route)!.plugins.find((p) => p.name === 'request-transformer')!.config);
    return judge('kong', built, { at: sig, sig, what: 'add', files: [{ ...files[0]!, contents: stringify(d) }] }, [], []);
  };

  it("control: the keyed route's replace.uri changed is a security finding", () => {
    expect(verdict('uri', 'cov.getkeys', (c) => (c.replace.uri = '/admin')).result).toBe('covered');
  });

  it('add.headers X-Consumer-Username:admin on the public route is a security finding', () => {
    const v = verdict('add', 'cov.getpublic', (c) => c.add.headers.push('X-Consumer-Username:admin'));
    expect(v.result, v.detail).toBe('covered');
  });

  it('append.headers X-Consumer-Username:admin on a keyed route (a second line after key-auth) is a security finding', () => {
    const v = verdict('append', 'cov.getkeys', (c) => c.append.headers.push('X-Consumer-Username:admin'));
    expect(v.result, v.detail).toBe('covered');
  });

  it('http_method DELETE on the keyed GET route (every GET runs the DELETE handler) is a security finding', () => {
    const v = verdict('method', 'cov.getkeys', (c) => (c.http_method = 'DELETE'));
    expect(v.result, v.detail).toBe('covered');
  });
});
