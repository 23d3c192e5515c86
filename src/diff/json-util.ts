/** Small pure helpers the targets' normalisers share. */
import type { Json } from './entity.js';

export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text every masked secret becomes, on both sides: a secret is never printed or compared. */
export const MASK = '<secret>';

/** Drops nulls, empty arrays and empty objects, recursively: "unset" has one spelling. */
export function prune(v: Json): Json | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(prune).filter((x): x is Json => x !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) {
      const p = prune(v[k]!);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

/** Fills what `value` leaves unset (missing or null) from `defaults`, recursively for objects. */
export function withDefaults(value: Json | undefined, defaults: Json | undefined): Json | undefined {
  if (value === undefined || value === null) return defaults;
  if (isObject(value) && isObject(defaults)) {
    const out: JsonObject = { ...defaults };
    for (const [k, v] of Object.entries(value)) {
      const merged = withDefaults(v, defaults[k]);
      if (merged !== undefined) out[k] = merged;
    }
    return out;
  }
  return value;
}

export function omit(v: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!keys.includes(k)) out[k] = x;
  return out;
}

export const sortedStrings = (v: Json | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').sort() : [];

/** Turns any unknown parsed value into Json (drops functions, undefined, Dates become strings). */
export function toJson(v: unknown): Json {
  return JSON.parse(JSON.stringify(v ?? null)) as Json;
}

/** Normalised fields of an entity: pruned, keys sorted, always an object. */
export function fieldsOf(v: Json | undefined): JsonObject {
  const p = v === undefined ? undefined : prune(v);
  return isObject(p) ? p : {};
}
