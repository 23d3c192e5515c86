/**
 * Where `gwc lint --format json`'s CPU goes, phase by phase and rule by rule (#18): load, OpenAPI
 * validation, x-gateway validation, the model, scheme hints, the targets' imports, each lint rule
 * (the first portability rule pays the capability checks, which the others share; target-compile
 * pays the targets' lint-mode compiles), ignores, line:col, sorting, the JSON result's shape and
 * its text. Each as process CPU time (user + system) in a fresh process per run; median of --runs.
 * Mirrors src/lint/index.ts and src/commands/lint.ts (default config, every target) on a built
 * copy's dist/ (default: this repository's), so two commits compare as bench/phases.ts does.
 *
 *   npx tsx bench/lint-phases.ts [--dir /tmp/gwc-a] [--spec file] [--runs 5]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const repo = path.resolve(import.meta.dirname, '..');
const dir = path.resolve(value('--dir') ?? repo);
const runs = Number(value('--runs') ?? 5) || 5;
const spec = path.resolve(value('--spec') ?? path.join(repo, 'bench/.cache/synthetic-10000.yaml'));

const child = `
const dist = ${JSON.stringify(`${dir}/dist/`)};
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = {}; let last = cpu();
const mark = (k) => { const n = cpu(); t[k] = (t[k] ?? 0) + n - last; last = n; };
const { loadSpec } = await import(dist + 'spec/loader.js');
const { validateOpenApi } = await import(dist + 'validate/openapi.js');
const { validateExtensions } = await import(dist + 'validate/extensions.js');
const { addSchemeHints } = await import(dist + 'validate/scheme-hint.js');
const { modelOf } = await import(dist + 'pipeline.js');
const { loadTargets } = await import(dist + 'lint/index.js');
const { RULES } = await import(dist + 'lint/rules/index.js');
const { render } = await import(dist + 'lint/rule.js');
const { applyIgnores } = await import(dist + 'lint/ignore.js');
const { locateAll } = await import(dist + 'spec/positions.js');
const { sortDiagnostics } = await import(dist + 'diagnostics/diagnostic.js');
const { jsonResult } = await import(dist + 'cli/render.js');
const { emitJson } = await import(dist + 'cli/json-out.js');
const { TARGET_NAMES } = await import(dist + 'targets/names.js');
const { inRuleset } = await import(dist + 'lint/ruleset.js');
const { emptyConfig } = await import(dist + 'lint/config.js');
mark('imports');
const { spec, diagnostics } = await loadSpec(${JSON.stringify(spec)}); mark('load');
const all = [...diagnostics, ...(await validateOpenApi(spec))]; mark('validate openapi');
all.push(...validateExtensions(spec)); mark('validate x-gateway');
const model = modelOf(spec); mark('model');
all.push(...model.diagnostics);
await addSchemeHints(all, spec); mark('scheme hints');
const targets = await loadTargets(TARGET_NAMES); mark('imports targets');
const cache = new Map();
const ctx = { spec, gateway: model.gateway, targets, gatewayFor: (env) => { if (!cache.has(env)) cache.set(env, modelOf(spec, env).gateway); return cache.get(env); } };
const config = emptyConfig();
for (const rule of RULES) {
  if (!inRuleset(rule.meta.id, config)) continue;
  if (rule.meta.needsModel && !ctx.gateway) continue;
  rule.check(ctx, (messageId, params, loc, extra = {}) => {
    const d = { code: rule.meta.id, severity: extra.severity ?? rule.meta.severity, message: render(rule.meta.messages[messageId] ?? messageId, params), params: { ...params, messageId }, loc };
    if (extra.target) d.target = extra.target;
    all.push(d);
  });
  mark('rule ' + rule.meta.id);
}
const kept = applyIgnores(spec, all); mark('ignores');
locateAll(spec, kept); mark('locate');
const sorted = sortDiagnostics(kept); mark('sort');
const value = jsonResult(false, sorted, { failSeverity: 'error' }); mark('json shape');
let chars = 0;
emitJson(value, (c) => { chars += c.length; }); mark('json text');
t.total = Object.values(t).reduce((a, b) => a + b, 0);
t['diagnostics'] = sorted.length;
t['rss MB'] = process.memoryUsage().rss / 1048576;
console.log(JSON.stringify(t));
`;

const samples: Array<Record<string, number>> = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  samples.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${dir}\n${path.basename(spec)}, lint --format json, median of ${runs} runs (CPU ms)`);
for (const phase of Object.keys(samples[0]!)) {
  console.log(`  ${phase.padEnd(44)} ${median(samples.map((s) => s[phase]!)).toFixed(0).padStart(6)}`);
}
