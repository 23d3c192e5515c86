/**
 * Walks schemas/x-gateway.schema.json into the dotted key ids of src/model/keys.ts: `properties`
 * (through `$ref`, `allOf`, `anyOf`, `oneOf`), map values (`additionalProperties`, as `*`) and array
 * items (`[]`). The three places an x-gateway object appears are the three roots: `root` (no
 * prefix), `routeSettings` (`route.`) and `securityScheme` (`scheme.`).
 */

type Node = boolean | { [k: string]: unknown };
type SchemaDoc = { definitions: Record<string, Node> };

export interface SchemaKey {
  /** Dotted id, e.g. `backends.*.healthCheck.healthyThreshold`. */
  id: string;
  /** The key's `description` in the schema, when it has one. */
  description?: string;
}

/** Every key of the schema, parents before children, each once. */
export function schemaKeys(schema: SchemaDoc): SchemaKey[] {
  const defs = schema.definitions;
  const deref = (n: Node | undefined): Node | undefined => {
    let x = n;
    const seen = new Set<string>();
    while (x && typeof x === 'object' && typeof x.$ref === 'string') {
      const name = x.$ref.split('/').pop()!;
      if (seen.has(name)) throw new Error(`schema-keys: $ref cycle at ${name}`);
      seen.add(name);
      x = defs[name];
    }
    return x;
  };
  const out = new Map<string, SchemaKey>();
  const walk = (n: Node | undefined, prefix: string, depth: number) => {
    if (depth > 20) throw new Error(`schema-keys: too deep at ${prefix}`);
    const parts = shape(n, deref);
    for (const [k, v] of parts.properties) {
      const id = prefix ? `${prefix}.${k}` : k;
      const d = deref(v);
      const description = (typeof v === 'object' && typeof v.description === 'string' ? v.description : undefined) ?? (typeof d === 'object' && typeof d.description === 'string' ? d.description : undefined);
      if (!out.has(id)) out.set(id, { id, ...(description ? { description } : {}) });
      walk(v, id, depth + 1);
    }
    for (const a of parts.values) walk(a, `${prefix}.*`, depth + 1);
    for (const i of parts.items) walk(i, `${prefix}[]`, depth + 1);
  };
  walk(defs.root, '', 0);
  walk(defs.routeSettings, 'route', 0);
  walk(defs.securityScheme, 'scheme', 0);
  return [...out.values()];
}

/** The properties, map values and items a node allows, merged over its allOf/anyOf/oneOf branches. */
function shape(n: Node | undefined, deref: (n: Node | undefined) => Node | undefined) {
  const properties = new Map<string, Node>();
  const values: Node[] = [];
  const items: Node[] = [];
  const visit = (m: Node | undefined) => {
    const x = deref(m);
    if (!x || typeof x !== 'object') return;
    for (const [k, v] of Object.entries((x.properties as Record<string, Node>) ?? {})) {
      // `rateLimit: true` beside an allOf only admits a key the allOf branch describes.
      if (v !== true || !properties.has(k)) properties.set(k, v);
    }
    if (x.additionalProperties && typeof x.additionalProperties === 'object') values.push(x.additionalProperties as Node);
    if (x.items && typeof x.items === 'object') items.push(x.items as Node);
    for (const b of [...((x.allOf as Node[]) ?? []), ...((x.anyOf as Node[]) ?? []), ...((x.oneOf as Node[]) ?? [])]) visit(b);
  };
  visit(n);
  // A property first seen as `true` and then described by a branch takes the description.
  return { properties, values, items };
}
