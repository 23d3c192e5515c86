/**
 * #16.4: after a write, one line per target with the next step, and the environment variables
 * the output reads, named as each target names them (decK's DECK_ prefix; nginx env directives;
 * CloudFormation parameters). Not printed with --quiet or --json (a field there).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, gwc, tempDir } from './run.js';

beforeAll(ensureBuilt);

describe('next steps after gwc build', () => {
  it('names the command and the variables for every target', () => {
    const out = tempDir();
    const r = gwc(['build', fixture('portable'), '--target', 'all', '--option', 'aws.vpcLink=abc123', '--out', out]);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const next = lines.filter((l) => l.startsWith('  next: '));
    expect(next).toHaveLength(4);
    expect(next).toContain(`  next: deck gateway sync ${out}/kong/kong.yaml`);
    expect(next.find((l) => l.includes('aws cloudformation deploy'))).toContain(`--template-file ${out}/aws/template.json --stack-name storefront`);
    expect(next.find((l) => l.includes('aws cloudformation deploy'))).toContain('ApiKeyValueAliceApiKey="$ALICE_API_KEY"');
    expect(next.find((l) => l.includes('nginx'))).toMatch(/include .*\/nginx\/gwc\/storefront\.main\.conf in the main context and .*\/nginx\/conf\.d\/storefront\.conf in http/);
    expect(next.find((l) => l.includes('providers.file.directory'))).toContain(`${out}/traefik`);
    const needs = lines.filter((l) => l.startsWith('  needs: ')).map((l) => l.split(' ')[3]);
    // Kong reads DECK_-prefixed variables only; nginx and the template parameter take the spec's name.
    expect(needs).toEqual(['ALICE_API_KEY', 'DECK_ALICE_API_KEY', 'ALICE_API_KEY']);
  });

  it('is a field in --json and absent with --quiet', () => {
    const j = JSON.parse(gwc(['build', fixture('shop'), '--target', 'nginx', '--out', tempDir(), '--json']).stdout) as {
      result: { targets: Array<{ next: string; env: Array<{ name: string; for: string }> }> };
    };
    expect(j.result.targets[0]!.env.map((e) => e.name)).toEqual(['ALICE_API_KEY', 'OPS_PASSWORD']);
    expect(j.result.targets[0]!.next).toMatch(/nginx -t/);
    expect(gwc(['build', fixture('shop'), '--target', 'nginx', '--out', tempDir(), '-q']).stderr).not.toMatch(/next:|needs:/);
  });

  it('nginx full mode: nginx -t -c on the written nginx.conf', () => {
    const out = tempDir();
    const r = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out, '--option', 'mode=full']);
    expect(r.stderr).toContain(`next: nginx -t -c ${out}/nginx/nginx.conf`);
  });

  it('traefik: the htpasswd file each basic-auth scheme reads, with the spec\'s reference as written', () => {
    const dir = tempDir();
    const spec = path.join(dir, 'basic.yaml');
    writeFileSync(
      spec,
      [
        'openapi: 3.1.0',
        'info: { title: B, version: "1" }',
        'servers: [{ url: https://b.example.com }]',
        'x-gateway:',
        '  backends: { a: { url: http://a.example.com } }',
        "  consumers: { u: { credentials: { basicAuth: { username: u, password: '${env:U_PW}' } } } }",
        'paths:',
        "  /x: { get: { operationId: x, security: [{ basicAuth: [] }], responses: { '200': { description: ok } } } }",
        'components: { securitySchemes: { basicAuth: { type: http, scheme: basic } } }',
        '',
      ].join('\n'),
    );
    const r = gwc(['build', spec, '--target', 'traefik', '--out', path.join(dir, 'out'), '--option', 'htpasswd-dir=/srv/htpasswd']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('needs: /srv/htpasswd/b-basicauth.htpasswd (htpasswd file of middleware b-auth-basicauth (u (password ${env:U_PW})))');
  });
});
