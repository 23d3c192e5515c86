/**
 * Request validators compiled ahead of time: ajv's standalone code (ES5, no ajv at run time,
 * https://ajv.js.org/standalone.html) for every schema the gateway validates, one exported function
 * per distinct schema, wrapped for the njs module. The code's few `require`s (string length in code
 * points, deep equality, the ajv-formats functions) are answered by the njs runtime's own ports
 * (njs/runtime.js AJV_REQUIRE); any other would fail at load, so it is refused here instead.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { Json } from './validate-schema.js';

type AddFormats = (ajv: Ajv) => Ajv;
type Standalone = (ajv: Ajv, refs: Record<string, string>) => string;
// ajv, its formats and standalone code are read when a validator is compiled, not whenever
// nginx's compiler loads (~30 ms of a start-up, #18): most specs validate no request.
const load = createRequire(import.meta.url);
let ajvLib: { Ajv: typeof Ajv; addFormats: AddFormats; standalone: Standalone } | undefined;
const unwrap = <T>(mod: unknown): T => ((mod as { default?: T }).default ?? mod) as T;
const lib = () =>
  (ajvLib ??= {
    Ajv: (load('ajv') as typeof import('ajv')).Ajv,
    addFormats: unwrap<AddFormats>(load('ajv-formats')),
    standalone: unwrap<Standalone>(load('ajv/dist/standalone/index.js')),
  });

/** The modules ajv's standalone code may require; njs/runtime.js answers exactly these. */
export const AJV_REQUIRES = ['ajv/dist/runtime/ucs2length', 'ajv/dist/runtime/equal', 'ajv-formats/dist/formats'];

export class ValidatorSet {
  private readonly schemas = new Map<string, Json>();
  private readonly origins = new Map<string, { route: string; loc: Loc }>();

  /** The export name of the validator for `schema` (the same name for the same schema); `origin` is its first user. */
  add(schema: Json, origin: { route: string; loc: Loc }): string {
    const name = `v${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16)}`;
    this.schemas.set(name, schema);
    if (!this.origins.has(name)) this.origins.set(name, origin);
    return name;
  }

  /** The first route (and schema node) a validator was made for. */
  origin(name: string): { route: string; loc: Loc } | undefined {
    return this.origins.get(name);
  }

  get size(): number {
    return this.schemas.size;
  }

  /**
   * One compile per schema (its error, e.g. an invalid regular expression, said for that schema),
   * then the standalone module for all of them. Throws a ValidatorError naming the export.
   */
  compile(): string {
    const ajv = newAjv();
    const names = [...this.schemas.keys()].sort();
    for (const name of names) {
      const schema = this.schemas.get(name)!;
      try {
        newAjv().compile(schema as object);
      } catch (e) {
        throw new ValidatorError(name, e instanceof Error ? e.message : String(e));
      }
      ajv.addSchema({ ...(schema as object), $id: name } as object);
    }
    const code = lib().standalone(ajv, Object.fromEntries(names.map((n) => [n, n])));
    for (const m of code.matchAll(/require\(("(?:[^"\\]|\\.)*")\)/g)) {
      const mod = JSON.parse(m[1]!) as string;
      if (!AJV_REQUIRES.includes(mod)) throw new ValidatorError('', `ajv's code needs ${mod}, which the njs runtime does not provide`);
    }
    // JSON text ajv embeds may hold U+2028/U+2029, which njs would read as line ends inside a string.
    const safe = code.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
    return `(function (require) {\nvar exports = {};\n${safe}\nreturn exports;\n})(AJV_REQUIRE)`;
  }
}

export class ValidatorError extends Error {
  constructor(
    readonly exportName: string,
    detail: string,
  ) {
    super(detail);
  }
}

function newAjv(): Ajv {
  const { Ajv, addFormats } = lib();
  // es5: njs 0.7 has no destructuring or default parameters; unicodeRegExp off: no u flag in njs 0.7.
  const ajv = new Ajv({ code: { source: true, es5: true, lines: false, optimize: true }, allErrors: false, unicodeRegExp: false, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}
