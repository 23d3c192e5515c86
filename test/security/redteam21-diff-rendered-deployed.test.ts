/**
 * Red team 21, class: `gwc diff` reads a deployed file as plain YAML/JSON data, while the gateway's
 * own loader evaluates the file before it reads it. What the loader evaluates and gwc does not is
 * a weakening gwc diff cannot see (DESIGN.md 7.8): "No changes" for a route that is open.
 *
 * 1. Traefik's file provider renders the file as a Go text/template first (traefik/paerser,
 *    pkg/provider/file; src/targets/traefik/emit.ts says so for the writer). `# {{ if false }}` /
 *    `# {{ end }}` YAML comments around a router's auth middleware: gwc's YAML reader skips the
 *    comments and sees the middleware; Traefik renders the lines away. gwc diff: "No changes".
 * 2. decK renders the file as a Go template with `${{ ... }}` delimiters (src/targets/kong/emit.ts
 *    says so for the writer): the same comments around a route's key-auth plugin. "No changes".
 * 3. decK merges `_plugin_configs` into each plugin naming one with `_config` (`deck dump
 *    --dedup-plugin-configs` writes this shape; the plugin's own keys win): a key-auth whose
 *    `anonymous` comes from the shared config reads as strict auth. No security finding.
 * 4. decK reads YAML 1.1 (go-yaml v2): `enabled: off` is false there (deck validate: boolean),
 *    the string "off" for gwc. A disabled key-auth plugin reads as a plain field change.
 * 5. Traefik (paerser) reads every scalar as text and parses it by the field's Go type
 *    (strconv.ParseBool / ParseInt): `trustForwardHeader: "true"` is true there, the string
 *    "true" for gwc. A forward-auth service told the client's own X-Forwarded-* reads as a plain
 *    field change, while the unquoted `true` is a security finding.
 *    paerser also finds a field by its name compared case-blind (strings.EqualFold):
 *    `TrustForwardHeader: true` is that field for Traefik, an unknown key for gwc.
 * 6. CloudFormation applies a template's `Transform` (macros, AWS::Serverless, AWS::Include) and
 *    `Fn::Transform` at deploy time; gwc reads the template as written (`get-template`'s Original
 *    stage): a macro that rewrites the API reads as "No changes".
 *
 * Each is what the gateway would run; the safe reading is the gateway's own, or a refusal to read
 * (deployed-invalid) where gwc cannot evaluate it. Controls: gwc's own files (Traefik's brace
 * actions, decK credential templates) still read as "No changes".
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: rt21 rendered, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt21r
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /items:
    get:
      operationId: items
      security: [{ key: [] }]
      responses: ${ok}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;

type Verdict = { refused: boolean; security: string[]; changes: number };

async function built(target: string, options: Record<string, string> = {}): Promise<OutputFile[]> {
  const r = await compiledState(writeSpec(SPEC), target, { options });
  if (!r.state?.files) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state.files;
}

/** The deployed text `edit` makes of gwc's own file, read and compared with gwc's own file. */
function verdict(target: string, files: OutputFile[], edit: (text: string) => string): Verdict {
  const reader = readerOf(target).reader!;
  const own = reader.normalise(files, 'built');
  if (!own.state) throw new Error(own.diagnostics.map((d) => d.message).join('\n'));
  const edited = files.map((f, i) => (i === 0 ? { ...f, contents: edit(f.contents) } : f));
  expect(edited[0]!.contents).not.toBe(files[0]!.contents);
  const read = reader.normalise(edited, 'deployed');
  if (!read.state) return { refused: read.diagnostics.some((d) => d.severity === 'error'), security: [], changes: 0 };
  const plan = diffStates(own.state, read.state);
  return { refused: false, security: plan.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`), changes: plan.changes.length };
}

/** The deployed file's weakening is seen: refused, or at least one security finding. */
const seen = (v: Verdict) => v.refused || v.security.length > 0;

/** Wraps the `count` lines starting at the first line matching `at` in two template comments. */
function hideLines(text: string, at: RegExp, count: number, open: string, close: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => at.test(l));
  if (i < 0) throw new Error(`no line ${at}`);
  const indent = /^\s*/.exec(lines[i]!)![0];
  lines.splice(i + count, 0, `${indent}# ${close}`);
  lines.splice(i, 0, `${indent}# ${open}`);
  return lines.join('\n');
}

/** The lines of the first list item (`- ...`) holding a line matching `inside`: its start and length. */
function itemAround(text: string, inside: RegExp): { start: RegExp; count: number } {
  const lines = text.split('\n');
  const j = lines.findIndex((l) => inside.test(l));
  let i = j;
  while (i >= 0 && !/^\s*- /.test(lines[i]!)) i--;
  const indent = /^\s*/.exec(lines[i]!)![0].length;
  let end = i + 1;
  while (end < lines.length && (/^\s*$/.test(lines[end]!) || /^\s*/.exec(lines[end]!)![0].length > indent)) end++;
  return { start: new RegExp(`^${lines[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), count: end - i };
}

describe('red team 21: what the gateway evaluates in its file before reading it, gwc diff reads too', async () => {
  const traefik = await built('traefik');
  const kong = await built('kong');
  const aws = await built('aws', { publicHosts: 'echo.internal' });

  it('traefik: Go template comments around the router auth middleware are refused or a security finding', () => {
    const v = verdict('traefik', traefik, (t) => hideLines(t, /^\s*- "rt21r-auth-key"$/, 1, '{{ if false }}', '{{ end }}'));
    expect(seen(v)).toBe(true);
  });

  it('kong: decK template comments around the route key-auth plugin are refused or a security finding', () => {
    const v = verdict('kong', kong, (t) => {
      const item = itemAround(t, /name: "key-auth"/);
      return hideLines(t, item.start, item.count, '${{ if false }}', '${{ end }}');
    });
    expect(seen(v)).toBe(true);
  });

  it("kong: a key-auth plugin taking anonymous from decK's _plugin_configs is read with it", () => {
    const v = verdict('kong', kong, (t) =>
      `${t.replace(/\n( *)- config:\n *anonymous: null\n/, (_m, sp: string) => `\n${sp}- _config: "shared"\n${sp}  config:\n`)}_plugin_configs:\n  shared:\n    anonymous: "9d3b2c4e-0000-4000-8000-000000000001"\n`);
    expect(seen(v)).toBe(true);
  });

  it('kong: `enabled: off` (YAML 1.1 false, as decK reads it) on key-auth is a security finding', () => {
    const v = verdict('kong', kong, (t) => {
      const lines = t.split('\n');
      const at = lines.findIndex((l) => /name: "key-auth"/.test(l));
      // The plugin's keys are sorted: config, enabled, id, name; its enabled is the last one above name.
      const idx = lines.slice(0, at).map((l) => /^\s*enabled: true$/.test(l)).lastIndexOf(true);
      lines[idx] = lines[idx]!.replace('true', 'off');
      return lines.join('\n');
    });
    expect(seen(v)).toBe(true);
  });

  it('traefik: `trustForwardHeader: "true"` (true for paerser) is the same finding as unquoted true', () => {
    const plain = verdict('traefik', traefik, (t) => t.replace('trustForwardHeader: false', 'trustForwardHeader: true'));
    expect(plain.security.length).toBeGreaterThan(0);
    const quoted = verdict('traefik', traefik, (t) => t.replace('trustForwardHeader: false', 'trustForwardHeader: "true"'));
    expect(quoted.security).toEqual(plain.security);
  });

  it('traefik: field names are case-blind for paerser: `TrustForwardHeader: true` is the same finding as trustForwardHeader', () => {
    const plain = verdict('traefik', traefik, (t) => t.replace('trustForwardHeader: false', 'trustForwardHeader: true'));
    const cased = verdict('traefik', traefik, (t) => t.replace('trustForwardHeader: false', 'TrustForwardHeader: true'));
    expect(cased.security).toEqual(plain.security);
    // Two spellings of one field: which Traefik keeps is its decoding order's choice, so refused.
    const both = verdict('traefik', traefik, (t) => t.replace(/( *)trustForwardHeader: false/, '$1trustForwardHeader: false\n$1trustforwardheader: true'));
    expect(both.refused).toBe(true);
  });

  it('aws: a template Transform (a macro CloudFormation runs at deploy time) is refused', () => {
    const v = verdict('aws', aws, (t) => JSON.stringify({ ...JSON.parse(t), Transform: ['OpenEveryRoute'] }, null, 2));
    expect(v.refused).toBe(true);
  });

  it("aws: an Fn::Transform (AWS::Include) in place of a path's methods is refused", () => {
    const v = verdict('aws', aws, (t) => {
      const doc = JSON.parse(t);
      doc.Resources.RestApi.Properties.Body.paths['/items'] = { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/items.yaml' } } };
      return JSON.stringify(doc, null, 2);
    });
    expect(v.refused).toBe(true);
  });

  it("traefik: gwc's own file with a brace in user text (its {{ \"{\" }} actions) reads back", async () => {
    const g = (await gatewayOf(SPEC.replace('security: [{ key: [] }]', 'security: [{ key: [] }]\n      x-gateway: { requestHeaders: { set: { X-Brace: "{a}" } } }'))).gateway!;
    const files = compileGateway(g, 'traefik', {}).files;
    expect(files[0]!.contents).toContain('{{ "{" }}a{{ "}" }}');
    const read = readerOf('traefik').reader!.normalise(files, 'built');
    expect(read.diagnostics).toEqual([]);
  });

  it("controls: gwc's own files read as no change (decK credential templates)", () => {
    expect(kong[0]!.contents).toContain('${{ printf "%q" (env "DECK_ALICE_KEY") }}');
    for (const [target, files] of [['traefik', traefik], ['kong', kong], ['aws', aws]] as const) {
      const v = verdict(target, files, (t) => `${t}\n`);
      expect(v).toEqual({ refused: false, security: [], changes: 0 });
    }
  });
});
