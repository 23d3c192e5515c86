/**
 * DIFF20 (closing note item 8): `gwc diff` reads an nginx route's admission as a guard. gwc's route
 * location `/_gwc_internal/r/N` (and the verify location `/_gwc_internal/v/N` of a per-consumer
 * limited route) first refuses a request its own route did not admit (`if ($<gw>_admit !=
 * $<gw>_route) { return 403; }`): nginx variables survive every internal redirect, so without it an
 * error_page, named location, X-Accel-Redirect or `rewrite ... last` into r/N reaches the backend
 * with another route's identity, or with the request its own body check or validation refused
 * (real nginx: nginx-route-admission.test.ts, ngx6-/ngx7-nginx-body-admission*.test.ts). A deployed
 * copy with that check dropped, disabled (`set $<gw>_admit N` before it) or made dead (after the
 * location's `rewrite ... break`) read the same as gwc's: no finding at all; so did a verified
 * route's proxy step without its identity check (`if ($<gw>_id_key = "") { return 403; }`). Now each is security
 * (credential-unverified-passed) towards it, and a finding (tightened) back.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: admission diff, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
x-gateway:
  name: adm
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:A_PW}" } } }
paths:
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /upload: { post: { operationId: upload, x-gateway: { public: true }, responses: ${ok} } }
  /basic-up: { post: { operationId: basicUp, security: [{ basic: [] }], responses: ${ok} } }
  /lim-up: { post: { operationId: limUp, security: [{ basic: [] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: consumer } }, responses: ${ok} } }
  /lim: { get: { operationId: lim, security: [{ basic: [] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: consumer } }, responses: ${ok} } }
  /valid:
    post:
      operationId: valid
      x-gateway: { public: true, validate: { body: true } }
      requestBody: { required: true, content: { application/json: { schema: { type: object, properties: { n: { type: integer, maximum: 10 } } } } } }
      responses: ${ok}
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const OPS = ['basicUp', 'lim', 'limUp', 'pub', 'upload', 'valid'];

describe('DIFF20: gwc diff reads the nginx route admission as a guard', async () => {
  const files = (await diffState(SPEC, 'nginx')).files!;
  const reader = readerOf('nginx').reader!;
  const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
  const conf = files.find((f) => f.path.startsWith('conf.d/'))!.contents;
  /** `op`'s internal location of `kind` (r: route, v: verify), its number. */
  const indexOf = (op: string, kind: string) => {
    const m = new RegExp(`# [^\\n]*\\(${op}\\)[^\\n]*\\n(?:    #[^\\n]*\\n)*    location = /_gwc_internal/${kind}/(\\d+) \\{`).exec(conf);
    if (!m) throw new Error(`no ${kind} location of ${op}`);
    return m[1]!;
  };
  /** `edit` applied to the text of location `kind`/N of `op` (it must change it). */
  const inLocation = (op: string, kind: string, edit: (block: string) => string) => {
    const head = `    location = /_gwc_internal/${kind}/${indexOf(op, kind)} {\n`;
    const at = conf.indexOf(head);
    const end = conf.indexOf('\n    }\n', at);
    const block = conf.slice(at, end);
    const edited = edit(block);
    expect(edited, `${op} ${kind}`).not.toBe(block);
    return files.map((f) => (f.path.startsWith('conf.d/') ? { ...f, contents: conf.slice(0, at) + edited + conf.slice(end) } : f));
  };
  const CHECK = /\n\s*if \(\$gwc_adm_admit != \$gwc_adm_route\) \{\n\s*return 403;\n\s*\}/;
  const found = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings;
  const security = (a: typeof files, b: typeof files) => found(a, b).filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

  it('the build reads as itself: no finding', () => {
    expect(found(files, files)).toEqual([]);
  });

  const EDITS: Array<[string, string, (b: string) => string]> = [
    ['dropped', 'r', (b) => b.replace(CHECK, '')],
    ['disabled: set $<gw>_admit to the route before it', 'r', (b) => b.replace(/(set \$gwc_adm_route (\d+);)/, '$1\n        set $gwc_adm_admit $2;')],
    ['made dead: after the rewrite ... break (the rewrite phase ends there)', 'r', (b) => {
      const check = CHECK.exec(b)![0];
      const out = b.replace(CHECK, '');
      return /\n\s*rewrite [^\n]* break;/.test(out) ? out.replace(/(\n\s*rewrite [^\n]* break;)/, `$1${check}`) : out.replace(/(\n\s*return [^\n]*;)/, `$1${check}`);
    }],
    ['loosened: another condition', 'r', (b) => b.replace('if ($gwc_adm_admit != $gwc_adm_route)', 'if ($gwc_adm_admit = "never")')],
    ['loosened: no refusal', 'r', (b) => b.replace(/(if \(\$gwc_adm_admit != \$gwc_adm_route\) \{\n\s*)return 403;/, '$1set $gwc_adm_seen 1;')],
  ];
  for (const [name, kind, edit] of EDITS) {
    it.each(OPS)(`the route location's admission check ${name} (%s): security towards it, a finding back`, (op) => {
      const weaker = inLocation(op, kind, edit);
      expect(security(files, weaker).filter((f) => f.startsWith('credential-unverified-passed'))).toEqual([`credential-unverified-passed route ${op}`]);
      expect(found(weaker, files).map((f) => `${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`)).toContain(`tightened undoes credential-unverified-passed route ${op}`);
      // An `if` gwc does not write is a step the reader cannot judge: unread-changed either way, by design.
      expect(security(weaker, files).filter((f) => !f.startsWith('unread-changed'))).toEqual([]);
    });
  }

  // A verify location checks admission where a body check or validation runs before it (templates-limit.ts VERIFY_PARTIAL; lim's verify is the auth check itself).
  it.each(['limUp'])("the verify location's admission check dropped (%s): security towards it", (op) => {
    const weaker = inLocation(op, 'v', (b) => b.replace(CHECK, ''));
    const f = found(files, weaker).filter((x) => x.class === 'security');
    expect(f.map((x) => `${x.rule} ${x.key}`)).toEqual([`credential-unverified-passed route ${op}`]);
    expect(String(f[0]!.new)).toMatch(/at its auth check before the limit/);
  });

  // A verified route's proxy step also refuses a request without the identity its auth check set (templates-limit.ts VERIFIED_PARTIAL).
  it.each(['lim', 'limUp'])("the route location's identity check dropped (%s): security towards it, a finding back", (op) => {
    const weaker = inLocation(op, 'r', (b) => b.replace(/\n\s*if \(\$gwc_adm_id_key = ""\) \{\n\s*return 403;\n\s*\}/, ''));
    expect(security(files, weaker)).toEqual([`credential-unverified-passed route ${op}`]);
    expect(found(weaker, files).map((f) => `${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`)).toEqual([`tightened undoes credential-unverified-passed route ${op}`]);
  });

  it("a dispatch admitting N where its body check's pending bN was (njs refuses any other value: closed) reads as no guard lost", () => {
    const weaker = files.map((f) => (f.path.startsWith('conf.d/') ? { ...f, contents: f.contents.replace(/set \$gwc_adm_admit b(\d+);/g, 'set $gwc_adm_admit $1;') } : f));
    expect(weaker[files.findIndex((f) => f.path.startsWith('conf.d/'))]!.contents).not.toBe(conf);
    expect(security(files, weaker)).toEqual([]);
  });
});
