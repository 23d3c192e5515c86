/** The real checkers for a decK file: Debian's `deck validate` (offline) and ajv over decK's schema. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as draft04 from 'ajv-draft-04';
import { parse } from 'yaml';
import { conformancePath, requireBinary } from '../../helpers/binaries.js';

/** `deck validate --state FILE`: decK 1.4.0 reads the file, checks its own schema and every foreign reference, offline. */
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: object) => { compile(schema: object): Validator };
// ajv-draft-04 is CommonJS: under NodeNext the class is `default` of the namespace, or its `default` again.
const ns = draft04 as unknown as { default: AjvLike & { default?: AjvLike } };
const AjvDraft04: AjvLike = ns.default.default ?? ns.default;

export function deckValidate(yaml: string): { ok: boolean; output: string } | undefined {
  const deck = requireBinary('deck');
  if (!deck) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gwc-kong-'));
  const file = join(dir, 'kong.yaml');
  writeFileSync(file, yaml);
  try {
    const output = execFileSync(deck, ['validate', '--state', file], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

let schemaValidator: Validator | undefined;

/** ajv (draft-04) against go-database-reconciler's kong_json_schema.json. */
export function schemaValidate(yaml: string): { ok: boolean; errors: unknown } | undefined {
  if (!schemaValidator) {
    const p = conformancePath('kong', 'kong_json_schema.json');
    if (!p) return undefined;
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    schemaValidator = ajv.compile(JSON.parse(readFileSync(p, 'utf8')) as object);
  }
  const v = schemaValidator!;
  const ok = v(parse(yaml));
  return { ok, errors: v.errors };
}
