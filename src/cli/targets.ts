/** `gwc targets`: the capability matrix, then each target's `--option` settings. */
import { capabilityMatrix } from '../targets/matrix.js';
import { TARGETS } from '../targets/index.js';
import { table } from './table.js';

export function targetsText(): string {
  const matrix = capabilityMatrix();
  const options = TARGETS.flatMap((t) =>
    (t.options ?? []).map((o) => [`${t.name}.${o.name}`, o.values ? o.values.join('|') : 'text', o.default === '' ? '(empty)' : o.default, o.description]),
  );
  return [
    table(matrix.header, matrix.rows),
    '',
    'Options: --option TARGET.NAME=VALUE (or NAME=VALUE when only one target being built takes NAME)',
    table(['OPTION', 'VALUES', 'DEFAULT', 'DESCRIPTION'], options),
  ].join('\n');
}

export function targetsJson() {
  const { json } = capabilityMatrix();
  return Object.fromEntries(TARGETS.map((t) => [t.name, { ...json[t.name], options: t.options ?? [] }]));
}
