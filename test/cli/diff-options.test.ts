/**
 * `gwc diff` carries no flag of any one target (#17 item 7): a reader's settings are
 * `--option TARGET.NAME=VALUE` (or its environment variable), listed by `gwc targets`; the old
 * `--token` and `--stack` still work, deprecated. Run through the built CLI, with a stand-in Kong
 * Admin API that answers only the right token.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, gwc, repo, type Run } from './run.js';

const base = path.join(repo, 'fixtures/diff-base/gateway.yaml');
const TOKEN = 'admin-token-7';
let server: http.Server;
let admin = '';
const seen: string[] = [];

/** The CLI without blocking this process (the stand-in Admin API answers from it). */
function gwcAsync(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const all: Record<string, string | undefined> = { ...process.env, GWC_ADMIN_TOKEN: undefined, NO_COLOR: '1', ...env };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: repo, env: all as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  ensureBuilt();
  server = http.createServer((req, res) => {
    seen.push(String(req.headers['kong-admin-token'] ?? ''));
    res.setHeader('content-type', 'application/json');
    if (req.headers['kong-admin-token'] !== TOKEN) return res.writeHead(401).end('{"message":"Invalid credentials"}');
    res.end(JSON.stringify({ data: [], next: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  admin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('gwc diff: reader options', () => {
  it('kong: the Admin API token by --option kong.token, by GWC_ADMIN_TOKEN, by the deprecated --token; none is a 401 diagnostic', async () => {
    const diff = ['diff', base, '--target', 'kong', '--deployed', admin, '--format', 'json'];
    for (const [args, env] of [
      [['--option', `kong.token=${TOKEN}`], {}],
      [[], { GWC_ADMIN_TOKEN: TOKEN }],
      [['--token', TOKEN], {}],
      // The option wins over the environment.
      [['--option', `token=${TOKEN}`], { GWC_ADMIN_TOKEN: 'stale' }],
    ] as const) {
      const r = await gwcAsync([...diff, ...args], env);
      expect(r.code, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`).toBe(0);
      expect((JSON.parse(r.stdout) as { summary: { create: number } }).summary.create).toBeGreaterThan(0); // an empty Kong: everything is new
    }
    expect((await gwcAsync(['diff', base, '--target', 'kong', '--deployed', admin, '--token', TOKEN])).stderr).toMatch(/--token.*deprecated|deprecated.*--token|use --option kong\.token/i);
    const none = await gwcAsync(diff);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/deployed-unreadable .*HTTP 401 .*--option kong\.token=TOKEN, or GWC_ADMIN_TOKEN/);
    expect(seen).toContain(TOKEN);
  }, 120_000);

  it('aws: --option aws.stack and the deprecated --stack reach the reader (the SDK is optional: a clear diagnostic)', () => {
    for (const args of [['--option', 'aws.stack=shop-prod'], ['--stack', 'shop-prod']]) {
      const r = gwc(['diff', base, '--target', 'aws', ...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/deployed-sdk-missing .*@aws-sdk\/client-cloudformation/);
    }
  });

  it("a reader option of another target, or of none, is a usage error naming what is known", () => {
    const r = gwc(['diff', base, '--target', 'kong', '--deployed', admin, '--option', 'kong.stack=x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option-unknown --option stack: kong has no option of that name \(known: .*token/);
  });

  it('gwc targets lists each reader option with its environment variable; --help names no target flag but the deprecated ones', () => {
    const t = gwc(['targets']);
    expect(t.stdout).toMatch(/^kong\.token\s+GWC_ADMIN_TOKEN\s+Admin API token/m);
    expect(t.stdout).toMatch(/^aws\.stack\s+-\s+read the deployed template/m);
    const j = JSON.parse(gwc(['targets', '--json']).stdout) as { result: Record<string, { readerOptions: Array<{ name: string; env?: string }> }> };
    expect(j.result.kong!.readerOptions.map((o) => [o.name, o.env])).toEqual([['token', 'GWC_ADMIN_TOKEN']]);
    expect(j.result.traefik!.readerOptions).toEqual([]);
    const help = gwc(['diff', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--token=<value> deprecated, use --option kong\.token=VALUE or GWC_ADMIN_TOKEN/);
    expect(help).toMatch(/--stack=<value> deprecated, use --option aws\.stack=VALUE/);
    expect(help).toMatch(/--option=<value>\.\.\. \[default: \] TARGET\.NAME=VALUE: a build option of the target, or an option of its deployed-state reader; gwc targets lists both/);
    // Every reader says what --deployed it reads, in the one generic flag.
    for (const t of ['aws', 'kong', 'nginx', 'traefik']) expect(help).toMatch(new RegExp(`--deployed=<value>\\.\\.\\. .*\\b${t}: `));
  });
});
