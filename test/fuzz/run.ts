/**
 * The fuzz driver shared by `npm run fuzz` (main.ts, 10,000 specs) and the CI sample
 * (sample.test.ts, 300): each hostile spec is loaded, built for the four targets, and every output
 * held against checks.ts; one spec in `realEvery` also meets the real checkers (`nginx -t` on a
 * full configuration, `deck validate`, @aws/cloudformation-validate). Nothing throws: a crash (an
 * exception, an internal-error diagnostic, files beside an error) is counted like any finding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGateway, loadGateway } from '../../src/api.js';
import { TARGET_NAMES } from '../../src/targets/index.js';
import { cfnValidate, deckValidate, nginxCheckGateway, unexplained } from '../helpers/checkers.js';
import { CHECKS, type Finding } from './checks.js';
import { hostileSpec, type Slot } from './hostile.js';
import { closeLive, live, nginxLive } from './nginx-live.js';

export interface Tally {
  specs: number;
  loaded: number;
  refusedAtLoad: number;
  builds: Record<string, number>;
  refusals: Record<string, number>;
  realChecks: Record<string, number>;
  /** Requests sent without a credential to routes that need one, through a real nginx. */
  liveRequests: number;
  crashes: number;
  checkerFailures: number;
  escapes: number;
  openRoutes: number;
  findings: Array<Finding & { spec: number }>;
  ms: number;
}

export interface FuzzOptions {
  specs: number;
  seed: number;
  /** One spec in this many meets the real checkers (0: none). */
  realEvery: number;
  /** One spec in this many that nginx builds also runs in a real nginx, requested without credentials (0: none). */
  liveEvery?: number;
  only?: number;
  onProgress?: (t: Tally) => void;
}

const inc = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

export async function runFuzz(opts: FuzzOptions): Promise<Tally> {
  const t: Tally = { specs: 0, loaded: 0, refusedAtLoad: 0, builds: {}, refusals: {}, realChecks: {}, liveRequests: 0, crashes: 0, checkerFailures: 0, escapes: 0, openRoutes: 0, findings: [], ms: 0 };
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'gwc-fuzz-'));
  const file = join(dir, 'gateway.yaml');
  const record = (spec: number, f: Finding) => {
    t.findings.push({ ...f, spec });
    if (f.kind === 'checker') t.checkerFailures++;
    else if (f.kind === 'escape') t.escapes++;
    else t.openRoutes++;
  };
  const crash = (spec: number, target: string, detail: string) => {
    t.crashes++;
    t.findings.push({ kind: 'crash' as never, target, detail, spec });
  };
  try {
    for (let i = 0; i < opts.specs; i++) {
      const index = opts.only ?? i;
      const spec = hostileSpec(opts.seed, index);
      t.specs++;
      writeFileSync(file, spec.yaml);
      const slots = new Map<string, Slot>(spec.slots.map((s) => [String(s.marker), s]));
      let loaded;
      try {
        loaded = await loadGateway(file);
      } catch (e) {
        crash(index, 'load', (e as Error).stack ?? String(e));
        continue;
      }
      for (const d of loaded.diagnostics) if (d.code === 'internal-error') crash(index, 'load', d.message);
      if (!loaded.gateway) {
        t.refusedAtLoad++;
        for (const d of loaded.diagnostics) if (d.severity === 'error') inc(t.refusals, `load ${d.code}`);
        continue;
      }
      t.loaded++;
      const real = opts.realEvery > 0 && index % opts.realEvery === 0;
      for (const target of TARGET_NAMES) {
        let r;
        try {
          r = compileGateway(loaded.gateway, target, {}, loaded.spec);
        } catch (e) {
          crash(index, target, (e as Error).stack ?? String(e));
          continue;
        }
        for (const d of r.diagnostics) if (d.code === 'internal-error') crash(index, target, d.message);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          for (const code of new Set(errors.map((d) => d.code))) inc(t.refusals, `${target} ${code}`);
          if (r.files.length > 0) crash(index, target, `files written beside errors ${errors.map((d) => d.code).join(', ')}`);
          continue;
        }
        inc(t.builds, target);
        try {
          for (const f of CHECKS[target]!(loaded.gateway, r.files, slots)) record(index, f);
          if (real) for (const f of realCheck(target, loaded.gateway, r.files)) record(index, f);
          if (real) inc(t.realChecks, target);
          if (target === 'nginx' && opts.liveEvery && index % opts.liveEvery === 0) {
            const live = await nginxLive(loaded.gateway);
            if (live) {
              for (const f of live) record(index, f);
              inc(t.realChecks, 'nginx-live');
            }
          }
        } catch (e) {
          record(index, { kind: 'checker', target, detail: `check threw: ${(e as Error).stack ?? e}` });
        }
      }
      if ((i + 1) % 250 === 0) opts.onProgress?.({ ...t, liveRequests: live.requests, ms: Date.now() - started });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await closeLive();
  }
  t.ms = Date.now() - started;
  t.liveRequests = live.requests;
  return t;
}

/** The real tools, on a sample: slow (a process or a WASM engine each), so not on every spec. */
function realCheck(target: string, gateway: Parameters<typeof nginxCheckGateway>[0], files: Array<{ path: string; contents: string }>): Finding[] {
  if (target === 'nginx') {
    const c = nginxCheckGateway(gateway);
    return c && !c.ok ? [{ kind: 'checker', target, detail: `nginx -t: ${c.output.slice(0, 400)}` }] : [];
  }
  if (target === 'kong') {
    const c = deckValidate(files[0]!.contents);
    return c && !c.ok ? [{ kind: 'checker', target, detail: `deck validate: ${c.output.slice(0, 400)}` }] : [];
  }
  if (target === 'aws') {
    const bad = unexplained(cfnValidate(files[0]!.contents, 'json'));
    return bad.length ? [{ kind: 'checker', target, detail: `cfn-validate: ${bad.map((d) => `${d.ruleId} ${d.message}`).join('; ').slice(0, 400)}` }] : [];
  }
  return []; // Traefik: both schemas run on every spec (checks.ts)
}
