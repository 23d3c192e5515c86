/** Config (severities, off, overrides by file and pointer, Spectral extends), inline ignores, and the CI formats. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { globToRegExp, parseConfig, readConfig } from '../../src/lint/config.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/lint/format/github.js';
import { formatJunit } from '../../src/lint/format/junit.js';
import { formatSarif } from '../../src/lint/format/sarif.js';
import { lint, listRules } from '../../src/lint/index.js';
import { HEAD, writeFiles } from './helper.js';

const SPEC = `${HEAD}paths:\n  /a:\n    get:\n      responses: { '200': { description: ok } }\n  /b:\n    get:\n      responses: { '200': { description: ok } }\n`;
const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.position?.line}:${d.position?.column} ${d.severity} ${d.code}`);

async function run(spec: string, config: unknown) {
  const file = writeFiles(spec);
  const { config: c, diagnostics } = parseConfig(config, path.join(path.dirname(file), '.gwc.yaml'));
  expect(diagnostics).toEqual([]);
  return (await lint(file, { config: c, targets: [] })).diagnostics.filter((d) => d.code === 'operation-operationId' || d.code.startsWith('lint-') || d.source);
}

describe('lint config', () => {
  it('changes severities and turns rules off', async () => {
    expect(codes(await run(SPEC, { rules: { 'operation-operationId': 'error' } }))).toEqual(['5:5 error operation-operationId', '8:5 error operation-operationId']);
    expect(codes(await run(SPEC, { rules: { 'operation-operationId': 'off' } }))).toEqual([]);
  });
  it('scopes overrides to a file glob and to path#pointer', async () => {
    expect(codes(await run(SPEC, { overrides: [{ files: ['gateway.yaml#/paths/~1b'], rules: { 'operation-operationId': 'off' } }] }))).toEqual(['5:5 warn operation-operationId']);
    expect(codes(await run(SPEC, { overrides: [{ files: ['*.yaml'], rules: { 'operation-operationId': 'info' } }] }))).toEqual(['5:5 info operation-operationId', '8:5 info operation-operationId']);
  });
  it('reports a bad setting', () => {
    const r = parseConfig({ rules: { x: 'loud' }, nope: 1 }, '/tmp/.gwc.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['lint-config-invalid', 'lint-config-invalid']);
  });
  it('reads extends: spectral rulesets as paths relative to the config', () => {
    const r = parseConfig({ extends: ['gwc:recommended', 'spectral:oas', './team/.spectral.yaml'] }, '/repo/.gwc.yaml');
    expect(r.config.spectral).toEqual(['spectral:oas', '/repo/team/.spectral.yaml']);
  });
  it('globs', () => {
    expect(globToRegExp('paths/**/*.yaml').test('paths/a/b/c.yaml')).toBe(true);
    expect(globToRegExp('*.yaml').test('sub/x.yaml')).toBe(true);
    expect(globToRegExp('paths/*.yaml').test('other/x.yaml')).toBe(false);
  });
  it("runs a team's Spectral ruleset and locates its results in the spec", async () => {
    const file = writeFiles({
      'gateway.yaml': SPEC.replace("info: { title: t, version: \"1\" }", 'info:\n  title: t\n  version: "1"'),
      '.spectral.yaml': "rules:\n  info-has-contact:\n    given: $.info\n    severity: error\n    then: { field: contact, function: truthy }\n",
      '.gwc.yaml': 'extends: [./.spectral.yaml]\n',
    });
    const { config } = readConfig(path.join(path.dirname(file), '.gwc.yaml'));
    const ds = (await lint(file, { config, targets: [] })).diagnostics.filter((d) => d.code === 'info-has-contact');
    expect(codes(ds)).toEqual(['2:1 error info-has-contact']);
  }, 30_000);
});

describe('inline ignores', () => {
  it('silences a rule on the node and below, with a reason', async () => {
    const spec = SPEC.replace("  /b:\n    get:\n", "  /b:\n    x-gwc-ignore: [{ rule: operation-operationId, reason: legacy route, removed in v2 }]\n    get:\n");
    expect(codes(await run(spec, {}))).toEqual(['5:5 warn operation-operationId']);
  });
  it('refuses an ignore without a reason and flags one that silences nothing', async () => {
    const spec = SPEC.replace("  /b:\n    get:\n", "  /b:\n    x-gwc-ignore: [{ rule: operation-operationId }, { rule: path-params, reason: none here }]\n    get:\n");
    expect(codes(await run(spec, {}))).toEqual(['5:5 warn operation-operationId', '8:20 error lint-ignore-invalid', '8:53 info lint-ignore-unused', '9:5 warn operation-operationId']);
  });
});

describe('output formats', () => {
  const d: Diagnostic = {
    code: 'security-missing',
    severity: 'error',
    message: 'a, b: 100%\nnext',
    params: {},
    loc: { file: path.join(process.cwd(), 'specs/gw,1.yaml'), pointer: '/paths/~1a/get' },
    position: { line: 12, column: 5 },
  };
  it('github: workflow commands with escaped data and properties', () => {
    expect(escapeData('100%\r\n')).toBe('100%25%0D%0A');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
    expect(formatGithub([d])).toBe('::error file=specs/gw%2C1.yaml,line=12,col=5,title=security-missing::a, b: 100%25%0Anext');
    expect(formatGithub([{ ...d, severity: 'warn' }])).toMatch(/^::warning /);
  });
  it('sarif: 2.1.0 with rules, relative uri and region', () => {
    const log = JSON.parse(formatSarif([d], listRules()));
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.rules[0]).toMatchObject({ id: 'security-missing', shortDescription: { text: expect.stringMatching(/security/) } });
    expect(run.results[0]).toMatchObject({
      ruleId: 'security-missing',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'a, b: 100%\nnext' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'specs/gw%2C1.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 5 } } }],
    });
  });
  it('junit: one failing case per finding, XML-escaped', () => {
    const xml = formatJunit([{ ...d, message: '<a & "b">' }], d.loc!.file);
    expect(xml).toContain('failures="1"');
    expect(xml).toContain('message="&lt;a &amp; &quot;b&quot;&gt;"');
    expect(formatJunit([], d.loc!.file)).toContain('<testcase classname="specs/gw,1.yaml" name="gwc lint"/>');
  });
});

void writeFileSync;
