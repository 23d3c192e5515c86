/**
 * npm run bench: wall time and peak memory (median of --runs, min and max shown) of gwc against
 * its floor (node start-up, a bare JSON.parse / yaml parse of the same file) and its peers
 * (spectral lint with spectral:oas, redocly lint, openapi-2-kong) on GitHub's REST description
 * (@octokit/openapi, 1,223 operations) and synthetic specs of 100, 1,000 and 10,000 operations.
 * Prints one table with ratios and writes bench/results/latest.json (and a dated copy).
 *
 *   npx tsx bench/run.ts [--runs N] [--quick] [--only lint]
 *   --runs N     runs per row (default 3); the slow peers (spectral ~130 s, redocly) run once
 *   --quick      1 run, no 10,000-operation spec, no slow peers
 *   --only lint  the lint rows only (npm run bench:lint): gwc lint, spectral, redocly on GitHub
 *   --only table issue #18's rows and their peers (start-up, lint and build on GitHub and on the
 *                1,000 and 10,000-operation YAML specs), without spectral and the nginx data plane
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { measure, writeAtomic, type Measured } from './measure.js';
import { githubYaml } from './github-yaml.js';
import { benchNginx } from './nginx-wrk.js';
import { benchValidation, validationTable } from './nginx-validate.js';
import { syntheticSpec } from './synthetic.js';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const quick = flag('--quick');
const only = value('--only');
const runs = quick ? 1 : Number(value('--runs') ?? 3) || 3;
const node = process.execPath;
const gwc = [node, path.join(repo, 'bin/run.js')];
const bin = (name: string) => path.join(repo, 'node_modules/.bin', name);
const github = path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json');
const cache = path.join(repo, 'bench/.cache');
/**
 * GitHub's description leaves its operations unsecured, which gwc refuses to build open
 * (security-undecided) before any target compiles: the build rows read a copy that says so
 * (`x-gateway.defaults.public: true`), so they measure the whole compile, as openapi-2-kong's does.
 */
const githubPublic = path.join(cache, 'github-public.json');
const out = path.join(cache, 'out');
const TARGETS = ['aws', 'kong', 'nginx', 'traefik'] as const;
const SIZES = quick ? [100, 1000] : only === 'table' ? [1000, 10000] : [100, 1000, 10000];
mkdirSync(cache, { recursive: true });
{
  const doc = JSON.parse(readFileSync(github, 'utf8')) as Record<string, unknown>;
  doc['x-gateway'] = { defaults: { public: true } };
  writeAtomic(githubPublic, JSON.stringify(doc, null, 2));
}

/**
 * Exits that are the expected answer, not a failure of the bench: lint exits 1 when it has
 * findings (GitHub's description has many), and AWS refuses specs over CloudFormation's 1 MB
 * template / 500 resources (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * ~1,800 bytes per route, so about 500 of these routes fit one stack and 1,000+ are refused
 * after the whole template is built (so the time still measures the full compile).
 */
interface Row extends Measured {
  expect?: string;
  note?: string;
}
const rows: Row[] = [];
const run = async (name: string, command: string[], opts: { runs?: number; expect?: string; note?: string } = {}): Promise<Measured> => {
  const m = await measure(name, command, repo, opts.runs ?? runs);
  rows.push({ ...m, ...(opts.expect ? { expect: opts.expect } : {}), ...(opts.note ? { note: opts.note } : {}) });
  const exit = m.exitCode === 0 ? '' : opts.expect ? ` exit ${m.exitCode} (${opts.expect})` : ` exit ${m.exitCode} UNEXPECTED`;
  const n = m.runs.length === runs ? '' : ` [${m.runs.length} run${m.runs.length > 1 ? 's' : ''}${opts.note ? `: ${opts.note}` : ''}]`;
  console.log(
    `${name.padEnd(46)} ${m.medianMs.toFixed(0).padStart(8)} ms  [${m.minMs.toFixed(0)}-${m.maxMs.toFixed(0)}]`.padEnd(78) +
      `${m.medianPeakMb.toFixed(0).padStart(6)} MB${exit}${n}`,
  );
  return m;
};
const SLOW = { runs: 1, note: 'slow peer, run once' };
/**
 * Since 6f1f1f3 Traefik refuses the synthetic specs after compiling them: each POST /rK sits
 * beside a GET /rK with another rate limit, and Traefik cannot read a body's _method
 * (traefik-body-method-override). The time still measures the whole compile.
 */
const SYNTHETIC_TRAEFIK = 'Traefik refuses POST beside a stricter GET (traefik-body-method-override), expected';
const LINT_FINDINGS = 'findings';
/** GitHub's description declares no security, which every target refuses: validate reports it (7dd3dee). */
const UNDECIDED = 'security-undecided: no security declared';
const spectralRuleset = path.join(repo, 'bench/peers/spectral-oas.yaml');

console.log(`gwc bench: node ${process.version}, ${runs} run(s) per row unless noted; median [min-max] wall time, peak RSS (GNU time)\n`);

if (only === 'lint') {
  await lintGithub();
} else if (only === 'table') {
  await issueTable();
} else {
  await floorAndStartup();
  await githubRows();
  await syntheticRows();
}
// The data plane: requests through nginx running GitHub's compiled configuration vs a catch-all
// proxy_pass on the same nginx and backend (wrk; needs nginx and wrk from Debian).
const nginx = only ? undefined : await benchNginx({ rounds: quick ? 3 : 5, durationS: quick ? 5 : 10, log: (l) => console.log(l) });
// Request validation (#19): the same route of fixtures/validate with x-gateway validate on and off (wrk).
const validation = only ? undefined : await benchValidation({ rounds: quick ? 3 : 5, durationS: quick ? 3 : 5 });
if (validation) console.log(`\n${validationTable(validation)}`);

const report = printRatios(rows, { sizes: SIZES, targets: TARGETS });
if (nginx) {
  report['nginx worst route req/s / catch-all'] = Number(nginx.ratio.toFixed(3));
  console.log(`  ${'nginx: deepest route req/s / catch-all proxy_pass (wrk)'.padEnd(58)} ${nginx.ratio.toFixed(2).padStart(6)}  (goal >= ${nginx.goal})`);
}
for (const p of validation?.probes ?? []) {
  report[`nginx validation on/off req/s (${p.label})`] = Number(p.ratio.toFixed(3));
  console.log(`  ${`nginx: validation on / off req/s, ${p.label} (wrk)`.padEnd(58)} ${p.ratio.toFixed(2).padStart(6)}  (${p.on.toFixed(0)} / ${p.off.toFixed(0)})`);
}
mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
const json = `${JSON.stringify({ node: process.version, date: new Date().toISOString(), runs, quick, only: only ?? null, results: rows, ratios: report, nginx: nginx ?? null, validation: validation ?? null }, null, 2)}\n`;
writeFileSync(path.join(repo, 'bench/results/latest.json'), json);
writeFileSync(path.join(repo, `bench/results/${only ? `${only}-` : ''}${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`), json);
console.log('\nwritten: bench/results/latest.json (and a dated copy)');

/**
 * The rows of issue #18's table with their peers in the same run (npm run bench -- --only table):
 * start-up, lint and build on GitHub, lint and build on the 1,000 and 10,000-operation YAML specs.
 */
async function issueTable() {
  await run('floor: node -e 0', [node, '-e', '0']);
  await run('gwc --version', [...gwc, '--version']);
  // What every real command pays before its work (oclif, the bundle, the command's chunk, #18).
  await run('gwc validate tiny', [...gwc, 'validate', 'fixtures/minimal/gateway.yaml']);
  await run('gwc validate github', [...gwc, 'validate', github], { expect: UNDECIDED });
  await run('gwc validate github as YAML', [...gwc, 'validate', githubYaml(github, path.join(cache, 'github.yaml'))], { expect: UNDECIDED });
  await run('gwc lint github', [...gwc, 'lint', github, '--format', 'json'], { expect: LINT_FINDINGS });
  await run('peer: redocly lint github', [bin('redocly'), 'lint', github, '--format', 'summary'], { expect: LINT_FINDINGS });
  await run('gwc build github --target kong', [...gwc, 'build', githubPublic, '--target', 'kong', '--out', out]);
  await run('gwc build github --target all', [...gwc, 'build', githubPublic, '--target', 'all', '--out', out], { expect: 'AWS refuses GitHub (see --target aws); all four compiled' });
  await run('peer: openapi-2-kong github', [node, path.join(repo, 'bench/peers/openapi-2-kong.cjs'), github]);
  for (const n of [1000, 10000]) {
    const f = path.join(cache, `synthetic-${n}.yaml`);
    writeAtomic(f, syntheticSpec(n));
    await run(`gwc validate synthetic ${n}`, [...gwc, 'validate', f]);
    await run(`gwc lint synthetic ${n}`, [...gwc, 'lint', f, '--format', 'json'], { expect: LINT_FINDINGS });
    for (const t of TARGETS) {
      const refused = t === 'aws' ? 'AWS limits: over 1 MB / 500 routes per stack, expected' : t === 'traefik' ? SYNTHETIC_TRAEFIK : undefined;
      await run(`gwc build synthetic ${n} --target ${t}`, [...gwc, 'build', f, '--target', t, '--out', out], refused ? { expect: refused } : {});
    }
    await run(`peer: openapi-2-kong synthetic ${n}`, [node, path.join(repo, 'bench/peers/openapi-2-kong.cjs'), f]);
  }
  await run('peer: redocly lint synthetic 10000', [bin('redocly'), 'lint', path.join(cache, 'synthetic-10000.yaml'), '--format', 'summary'], { expect: LINT_FINDINGS });
}

async function floorAndStartup() {
  await run('floor: node -e 0', [node, '-e', '0']);
  await run('floor: JSON.parse github', [node, '-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(github)},'utf8'))`]);
  await run('gwc --version', [...gwc, '--version']);
  await run('gwc validate tiny', [...gwc, 'validate', 'fixtures/minimal/gateway.yaml']);
}

async function lintGithub() {
  await run('gwc lint github', [...gwc, 'lint', github, '--format', 'json'], { expect: LINT_FINDINGS });
  if (quick) return console.log('(--quick: spectral and redocly skipped)');
  await run('peer: redocly lint github', [bin('redocly'), 'lint', github, '--format', 'summary'], { ...SLOW, expect: LINT_FINDINGS });
  await run('peer: spectral lint spectral:oas github', [bin('spectral'), 'lint', '-r', spectralRuleset, github, '--quiet'], { ...SLOW, expect: LINT_FINDINGS });
}

async function githubRows() {
  await run('gwc validate github', [...gwc, 'validate', github], { expect: UNDECIDED });
  await run('gwc validate github as YAML', [...gwc, 'validate', githubYaml(github, path.join(cache, 'github.yaml'))], { expect: UNDECIDED });
  await lintGithub();
  for (const t of TARGETS) {
    // AWS refuses GitHub's description: a 2.5 MB template (over 1 MB) and /compare/{base}...{head}, a
    // path part mixing text and parameters that API Gateway resources cannot express.
    const refused = t === 'aws' ? 'AWS limits: 2.5 MB template, mixed path part; expected' : undefined;
    await run(`gwc build github --target ${t}`, [...gwc, 'build', githubPublic, '--target', t, '--out', out], refused ? { expect: refused } : {});
  }
  // All four targets from one load, validation and model (src/cli/build.ts): AWS refuses GitHub's
  // description after its compile, so the run exits 1 having compiled every target.
  await run('gwc build github --target all', [...gwc, 'build', githubPublic, '--target', 'all', '--out', out], { expect: 'AWS refuses GitHub (see --target aws); all four compiled' });
  await run('peer: openapi-2-kong github', [node, path.join(repo, 'bench/peers/openapi-2-kong.cjs'), github]);
}

async function syntheticRows() {
  const files = Object.fromEntries(SIZES.map((n) => [n, path.join(cache, `synthetic-${n}.yaml`)]));
  for (const n of SIZES) writeAtomic(files[n]!, syntheticSpec(n));
  const largest = SIZES[SIZES.length - 1]!;
  const yamlEntry = JSON.stringify(path.join(repo, 'node_modules/yaml/dist/index.js'));
  await run(`floor: yaml parse synthetic ${largest}`, [node, '-e', `require(${yamlEntry}).parse(require('fs').readFileSync(${JSON.stringify(files[largest])},'utf8'))`]);
  for (const n of SIZES) {
    const f = files[n]!;
    await run(`gwc validate synthetic ${n}`, [...gwc, 'validate', f]);
    await run(`gwc lint synthetic ${n}`, [...gwc, 'lint', f, '--format', 'json'], { expect: LINT_FINDINGS });
    for (const t of TARGETS) {
      const refused = t === 'aws' && n >= 1000 ? 'AWS limits: over 1 MB / 500 routes per stack, expected' : t === 'traefik' ? SYNTHETIC_TRAEFIK : undefined;
      await run(`gwc build synthetic ${n} --target ${t}`, [...gwc, 'build', f, '--target', t, '--out', out], refused ? { expect: refused } : {});
    }
    if (n <= 100) await run(`gwc build synthetic ${n} --target all`, [...gwc, 'build', f, '--target', 'all', '--out', out]);
    await run(`peer: openapi-2-kong synthetic ${n}`, [node, path.join(repo, 'bench/peers/openapi-2-kong.cjs'), f]);
  }
  if (!quick) await run(`peer: redocly lint synthetic ${largest}`, [bin('redocly'), 'lint', files[largest]!, '--format', 'summary'], { ...SLOW, expect: LINT_FINDINGS });
}

/** Ratios against the floor and the peers, and the scale ratios 10,000 / 1,000 operations. */
function printRatios(all: Row[], opts: { sizes: number[]; targets: readonly string[] }): Record<string, number> {
  const by = (name: string) => all.find((r) => r.name === name);
  const out: Record<string, number> = {};
  const lines: string[] = [];
  const ratio = (label: string, a: string, b: string, key: 'medianMs' | 'medianPeakMb' = 'medianMs', goal = '') => {
    const x = by(a);
    const y = by(b);
    if (!x || !y) return;
    const r = x[key] / y[key];
    out[`${label}${key === 'medianPeakMb' ? ' (memory)' : ''}`] = Number(r.toFixed(3));
    lines.push(`  ${`${label}${key === 'medianPeakMb' ? ', memory' : ''}`.padEnd(58)} ${r.toFixed(2).padStart(6)}${goal ? `  (goal ${goal})` : ''}`);
  };
  ratio('gwc --version / node -e 0', 'gwc --version', 'floor: node -e 0', 'medianMs', '<= 2.5');
  ratio('gwc validate tiny / node -e 0', 'gwc validate tiny', 'floor: node -e 0');
  ratio('gwc validate github / JSON.parse github', 'gwc validate github', 'floor: JSON.parse github');
  ratio('gwc validate github: as YAML / as JSON', 'gwc validate github as YAML', 'gwc validate github', 'medianMs', 'about 1: YAML as fast as JSON');
  ratio('gwc lint github / JSON.parse github', 'gwc lint github', 'floor: JSON.parse github');
  for (const t of opts.targets) ratio(`gwc build github --target ${t} / JSON.parse github`, `gwc build github --target ${t}`, 'floor: JSON.parse github');
  ratio('gwc lint github / redocly lint', 'gwc lint github', 'peer: redocly lint github', 'medianMs', '<= 0.25');
  ratio('gwc lint github / redocly lint', 'gwc lint github', 'peer: redocly lint github', 'medianPeakMb', '<= 1.0');
  ratio('gwc lint github / spectral lint (spectral:oas)', 'gwc lint github', 'peer: spectral lint spectral:oas github');
  ratio('gwc lint github / spectral lint (spectral:oas)', 'gwc lint github', 'peer: spectral lint spectral:oas github', 'medianPeakMb');
  ratio('gwc build github --target kong / openapi-2-kong', 'gwc build github --target kong', 'peer: openapi-2-kong github', 'medianMs', '<= 0.5');
  ratio('gwc build github --target all / openapi-2-kong (one target)', 'gwc build github --target all', 'peer: openapi-2-kong github', 'medianMs', '<= 1.0');
  const largest = opts.sizes[opts.sizes.length - 1]!;
  ratio(`gwc validate synthetic ${largest} / yaml parse`, `gwc validate synthetic ${largest}`, `floor: yaml parse synthetic ${largest}`);
  ratio(`gwc build synthetic ${largest} --target kong / openapi-2-kong`, `gwc build synthetic ${largest} --target kong`, `peer: openapi-2-kong synthetic ${largest}`);
  ratio(`gwc lint synthetic ${largest} (YAML) / redocly lint`, `gwc lint synthetic ${largest}`, `peer: redocly lint synthetic ${largest}`, 'medianMs', '<= 0.5');
  ratio(`gwc lint synthetic ${largest} (YAML) / redocly lint`, `gwc lint synthetic ${largest}`, `peer: redocly lint synthetic ${largest}`, 'medianPeakMb', '<= 1.0');
  if (opts.sizes.includes(10000) && opts.sizes.includes(1000) && by('gwc validate synthetic 10000')) {
    // Each run pays the same start-up; "less start-up" subtracts gwc --version's time from both.
    const startup = by('gwc --version')?.medianMs ?? 0;
    lines.push('  scale 10,000 / 1,000 operations (goal: about 10 or less)        wall   less start-up');
    const scale = (label: string, big: number, small: number) => {
      const r = big / small;
      const net = (big - startup) / Math.max(small - startup, 1);
      out[`scale ${label}`] = Number(r.toFixed(3));
      out[`scale ${label} less start-up`] = Number(net.toFixed(3));
      lines.push(`    ${label.padEnd(56)} ${r.toFixed(2).padStart(6)} ${net.toFixed(2).padStart(8)}`);
    };
    let big = 0;
    let small = 0;
    for (const name of ['validate', 'lint', ...opts.targets.map((t) => `build --target ${t}`)]) {
      const a = by(`gwc ${name.replace(/^(\w+)/, `$1 synthetic 10000`)}`);
      const b = by(`gwc ${name.replace(/^(\w+)/, `$1 synthetic 1000`)}`);
      if (!a || !b) continue;
      scale(name + (a.expect?.startsWith('AWS') ? ' (both refused by AWS limits after a full compile)' : ''), a.medianMs, b.medianMs);
      if (name.startsWith('build')) (big += a.medianMs), (small += b.medianMs);
    }
    if (small > 0) scale('build, all four targets (sum)', big, small);
  }
  console.log(`\nratios (median wall time unless marked)\n${lines.join('\n')}`);
  return out;
}
