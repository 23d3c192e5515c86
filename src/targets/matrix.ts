/** The capability matrix for `gwc targets` and the README, read from each target's table. */
import { FEATURES } from '../model/features.js';
import { flavourColumns } from './flavour.js';
import { TARGETS } from './index.js';

const MARK = { native: 'yes', emulated: 'emulated', unsupported: 'no' } as const;

export function capabilityMatrix() {
  // A flavour (aws api=http) is a column of its own: its table differs from the default's.
  const columns = flavourColumns(TARGETS);
  const header = ['FEATURE', 'CLASS', ...columns.map((c) => c.label)];
  const rows = FEATURES.map((f) => [
    f.id,
    f.class,
    ...columns.map(({ target: t }) => {
      const c = t.capabilities[f.id];
      return c.support === 'unsupported' && c.fallback ? `fallback: ${c.fallback}` : MARK[c.support];
    }),
  ]);
  const flavours = (t: (typeof TARGETS)[number]) =>
    t.flavours && t.flavours.length > 0
      ? { flavours: Object.fromEntries(t.flavours.map((f) => [`${f.option}=${f.value}`, { title: f.target.title, output: f.target.output, capabilities: f.target.capabilities }])) }
      : {};
  const json = Object.fromEntries(TARGETS.map((t) => [t.name, { title: t.title, output: t.output, capabilities: t.capabilities, ...flavours(t) }]));
  return { header, rows, json };
}

/** The README's matrix as Markdown; a test keeps the README's copy current. */
export function capabilityMarkdown(): string {
  const { header, rows } = capabilityMatrix();
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header.map((h) => h.toLowerCase())), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
