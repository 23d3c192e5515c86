/**
 * `gwc diff` and the checks a gateway makes for its backend's sake besides auth (Facts.guards,
 * DESIGN.md 7.8): Kong's query-spellings pre-function and kept-credentials post-function, its
 * request-transformer's `_method` and credential removals; nginx's query method-override refusal,
 * body check (`_method`, a form `access_token`), query/cookie credential cleaning and dropped
 * header names. Each case takes gwc's own output for a spec, edits the deployed file the way a hand
 * edit, an older tool or a lost plugin would, and reads it back with the target's deployed reader:
 * gwc's output -> the edited one (the edit deployed in gwc's place) must be a security finding
 * naming what the backend now receives; the same output read back unedited is no change.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEAD } from '../helpers/spec.js';
import { diffState } from '../helpers/diff-edits.js';

type Files = OutputFile[];

/** gwc's build of `spec` for `target`, and the same files edited, read back by the target's reader. */
async function sides(target: string, spec: string, change: (files: Files) => Files): Promise<{ built: State; edited: State }> {
  const built = await diffState(spec, target);
  const reader = readerOf(target).reader!;
  const read = reader.normalise(change(built.files!.map((f) => ({ ...f }))), 'edited');
  if (!read.state) throw new Error(read.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return { built, edited: read.state };
}

/** The security findings of gwc's output -> the edited output, as `rule key`. */
async function weakened(target: string, spec: string, change: (files: Files) => Files): Promise<string[]> {
  const { built, edited } = await sides(target, spec, change);
  return diffStates(built, edited).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
}

const ok = "{ '200': { description: ok } }";

// ---- Kong -------------------------------------------------------------------------------------

const KONG = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: gk
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:BOB_PW}' } } }
paths:
  /or:
    post: { operationId: orr, security: [{ key: [] }, { basic: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    basic: { type: http, scheme: basic }
`;

type Plugin = { name: string; config: Record<string, unknown> };
/** The decK file with each plugin of route gk.orr passed through `f` (undefined drops it). */
const kongPlugins = (f: (p: Plugin) => Plugin | undefined) => (files: Files): Files =>
  files.map((file) => {
    if (!file.path.endsWith('kong.yaml')) return file;
    const doc = parse(file.contents) as { services: Array<{ routes?: Array<{ name: string; plugins?: Plugin[] }> }> };
    for (const s of doc.services) for (const r of s.routes ?? []) if (r.name === 'gk.orr') r.plugins = (r.plugins ?? []).flatMap((p) => f(p) ?? []);
    return { ...file, contents: stringify(doc) };
  });
const lua = (p: Plugin) => (p.config.access as string[])[0]!;

describe('gwc diff, Kong: the pre-function, the post-function and request-transformer removals are guards', () => {
  it('gwc\'s decK file read back is no change', async () => {
    const { built, edited } = await sides('kong', KONG, (f) => f);
    expect(diffStates(built, edited).changes).toEqual([]);
  });

  // unverified-credentials.ts: on an OR route bob (basic) sends ?api_key=forged; key-auth skips
  // (anonymous, already authenticated) and, the key being kept, it reached the backend as alice's.
  it('the post-function dropped (a forged ?api_key= beside bob\'s password reaches the backend) is credential-unverified-passed', async () => {
    expect(await weakened('kong', KONG, kongPlugins((p) => (p.name === 'post-function' ? undefined : p)))).toEqual(['credential-unverified-passed gk.orr']);
  });
  it('the post-function replaced by one that removes nothing is credential-unverified-passed', async () => {
    const found = await weakened('kong', KONG, kongPlugins((p) => (p.name === 'post-function' ? { ...p, config: { access: [lua(p).replace(/^ {2}if by ~= .*drop_query.*$/m, '')] } } : p)));
    expect(found).toEqual(['credential-unverified-passed gk.orr']);
  });

  // query-spellings.ts: API_KEY=forged, api.key=forged reach a lenient backend as the key. Read
  // before only for a hidden key (as hideCredentials), never for a kept one, and by its mark only.
  it('the query-spellings pre-function dropped on a kept key is credential-unverified-passed', async () => {
    expect(await weakened('kong', KONG, kongPlugins((p) => (p.name === 'pre-function' ? undefined : p)))).toEqual(['credential-unverified-passed gk.orr']);
  });
  it('the pre-function for another key name (its mark kept) is credential-unverified-passed', async () => {
    const found = await weakened('kong', KONG, kongPlugins((p) => (p.name === 'pre-function' ? { ...p, config: { access: [lua(p).replace('local want, exact = "api_key", "api_key"', 'local want, exact = "token", "token"')] } } : p)));
    expect(found).toEqual(['credential-unverified-passed gk.orr']);
  });

  it('request-transformer no longer removing _method from the query or the body is method-override-passed', async () => {
    const rt = (where: 'querystring' | 'body') => kongPlugins((p) => (p.name === 'request-transformer' ? { ...p, config: { ...p.config, remove: { ...(p.config.remove as object), [where]: [] } } } : p));
    expect(await weakened('kong', KONG, rt('querystring'))).toEqual(['method-override-passed gk.orr']);
    expect(await weakened('kong', KONG, rt('body'))).toEqual(['method-override-passed gk.orr']);
  });
});
