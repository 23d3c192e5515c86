/**
 * #16.2: the spec from stdin (`-`, a virtual file `-` in the current folder) and from an http(s)
 * URL, the latter only behind --allow-remote-refs (the same trust decision as a remote $ref).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, gwc, repo } from './run.js';

// The server runs in a process of its own: gwc() blocks this one while the CLI fetches. It logs
// each request path to stdout, so a test can tell that nothing was fetched.
const SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const root = process.argv[1];
const s = http.createServer((req, res) => {
  console.log('GET ' + req.url);
  fs.readFile(path.join(root, path.normalize(req.url).replace(/^\\/+/, '')), (e, b) => { if (e) { res.statusCode = 404; res.end(); } else res.end(b); });
});
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;

let server: ChildProcess;
let base = '';
let log = '';

beforeAll(async () => {
  ensureBuilt();
  server = spawn(process.execPath, ['-e', SERVER, path.join(repo, 'fixtures')]);
  base = await new Promise<string>((resolve) => {
    server.stdout!.on('data', (b: Buffer) => {
      log += b.toString();
      const m = /PORT (\d+)/.exec(log);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
  });
});
afterAll(() => {
  server.kill();
});
const served = () => (log.match(/^GET /gm) ?? []).length;

describe('spec on stdin', () => {
  it('builds the same files as from the file', () => {
    const fromFile = gwc(['build', fixture('shop'), '--target', 'nginx', '--stdout']);
    const fromStdin = gwc(['build', '-', '--target', 'nginx', '--stdout'], { input: readFileSync(fixture('shop'), 'utf8'), cwd: path.dirname(fixture('shop')) });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('names the input "-" in diagnostics, with line and column', () => {
    const spec = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\nx-gateway: { backnd: 1 }\npaths: {}\n';
    const r = gwc(['build', '-', '--target', 'nginx'], { input: spec, cwd: path.join(repo, 'fixtures') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^-:3:14 error schema-unknown-key /m);
  });

  it('resolves relative $refs from the current folder, under the same outside-the-folder rule', () => {
    const spec = readFileSync(fixture('invalid-outside-ref'), 'utf8');
    const r = gwc(['routes', '-'], { input: spec, cwd: path.dirname(fixture('invalid-outside-ref')) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error ref-outside-root/);
  });

  it('refuses an empty stdin with a diagnostic', () => {
    const r = gwc(['routes', '-', '--json'], { input: '' });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics[0]!.code).toBe('spec-stdin-empty');
  });
});

describe('spec URL', () => {
  it('is refused without --allow-remote-refs, and nothing is fetched', () => {
    const before = served();
    const r = gwc(['build', `${base}/shop/gateway.yaml`, '--target', 'nginx', '--stdout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${base}/shop/gateway.yaml:1:1 error spec-remote`);
    expect(served()).toBe(before);
  });

  it('is fetched with --allow-remote-refs and builds the same files', () => {
    const fromFile = gwc(['build', fixture('shop'), '--target', 'nginx', '--stdout']);
    const r = gwc(['build', `${base}/shop/gateway.yaml`, '--target', 'nginx', '--stdout', '--allow-remote-refs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fromFile.stdout);
    expect(r.stderr).toContain(`${base}/shop/gateway.yaml:`); // warnings point into the URL
  });

  it('the loader enforces it, so no command fetches a spec URL without the opt-in (validate, lint)', () => {
    const before = served();
    for (const cmd of ['validate', 'lint']) {
      const r = gwc([cmd, `${base}/shop/gateway.yaml`]);
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/spec-remote/);
    }
    expect(served()).toBe(before);
  });

  it('a URL that answers 404 is file-not-found', () => {
    const r = gwc(['routes', `${base}/nope.yaml`, '--allow-remote-refs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error file-not-found/);
  });
});
