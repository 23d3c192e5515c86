/**
 * The key-level matrix (issue #21) for `gwc targets --keys` and the README: one row per x-gateway
 * key, each target's answer read from the same tables the build and the truth test use
 * (src/targets/key-answers.ts), so the three can never disagree.
 */
import { keyMatrix } from './key-answers.js';
import type { KeyAnswer } from './key-table.js';
import { TARGETS, type TargetName } from './index.js';

/** The short cell: the answer, its condition and its diagnostic code; where an ignored key is said. */
export function keyCell(a: KeyAnswer): string {
  if (a.answer === 'refused' || a.answer === 'warned') return `${a.answer}${a.when ? ` ${a.when.says}` : ''} (${a.code})`;
  if (a.answer === 'ignored') return a.saidAt ? `ignored (said at ${a.saidAt})` : 'ignored (no-op)';
  return a.answer;
}

/** What the answer says beyond its cell: why, how, or a note. */
function detail(a: KeyAnswer): string | undefined {
  if (a.answer === 'native') return a.note;
  if (a.answer === 'emulated') return a.how;
  return a.why;
}

/** Header and rows for the text table, every key id. */
export function keyRows(): { header: string[]; rows: string[][] } {
  const header = ['KEY', 'DECIDED BY', ...TARGETS.map((t) => t.name)];
  const rows = keyMatrix().map((r) => [r.id, r.by, ...TARGETS.map((t) => keyCell(r.answers[t.name]!))]);
  return { header, rows };
}

export interface KeyAnswerJson {
  answer: KeyAnswer['answer'];
  code?: string;
  /** For a conditional refusal or warning: the values it applies to. */
  when?: string;
  saidAt?: string;
  detail?: string;
  /** Where the answer comes from: the target's key table, or the key's feature, the core, base proxying. */
  from: string;
}

/** `gwc targets --keys --json`: every key, what decides it, and each target's answer in full. */
export function keyJson(): Array<{ key: string; by: string; answers: Record<TargetName, KeyAnswerJson> }> {
  return keyMatrix().map((r) => ({
    key: r.id,
    by: r.by,
    answers: Object.fromEntries(
      TARGETS.map((t) => {
        const a = r.answers[t.name]!;
        const d = detail(a);
        const j: KeyAnswerJson = {
          answer: a.answer,
          ...('code' in a ? { code: a.code } : {}),
          ...('when' in a && a.when ? { when: a.when.says } : {}),
          ...('saidAt' in a && a.saidAt ? { saidAt: a.saidAt } : {}),
          ...(d ? { detail: d } : {}),
          from: a.from,
        };
        return [t.name, j];
      }),
    ) as Record<TargetName, KeyAnswerJson>,
  }));
}

const POLICY_PREFIX = /^(policies\.\*|defaults|route)\./;

/**
 * The README's key matrix as Markdown. A policy-body key (`rateLimit.burst`) is one row when its
 * answers are the same under `policies.*`, `defaults` and `route` (they are read alike), written
 * `…rateLimit.burst`; keys the core reads alike for every target are left out (they are native
 * everywhere by construction) and counted below the table.
 */
export function keyMarkdown(): string {
  const { header, rows } = keyRows();
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const out: string[][] = [];
  const seen = new Map<string, string>();
  let core = 0;
  for (const r of rows) {
    if (r[1] === 'core') {
      core++;
      continue;
    }
    const m = POLICY_PREFIX.exec(r[0]!);
    if (m) {
      const rest = r[0]!.slice(m[0].length);
      const same = rows.filter((o) => POLICY_PREFIX.test(o[0]!) && o[0]!.replace(POLICY_PREFIX, '') === rest);
      const alike = same.length === 3 && same.every((o) => o.slice(1).join('\u0000') === r.slice(1).join('\u0000'));
      if (alike) {
        if (seen.has(rest)) continue;
        seen.set(rest, rest);
        out.push([`…${rest}`, ...r.slice(1)]);
        continue;
      }
    }
    out.push(r);
  }
  const cells = (r: string[]) => r.map((c, i) => (i === 0 ? `\`${c}\`` : c));
  return [
    line(header.map((h) => h.toLowerCase())),
    line(header.map(() => '---')),
    ...out.map((r) => line(cells(r))),
    '',
    `${core} more keys are read by the core for every target alike (overlays, policies, defaults, accepted gaps): \`gwc targets --keys\` lists all ${rows.length}.`,
  ].join('\n');
}
