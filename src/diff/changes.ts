/**
 * Field-level differences between two normalised entities: only what changed, as `path: old -> new`.
 */
import type { Json } from './entity.js';

export interface FieldChange {
  /** Dotted path inside the entity's fields; keys that are not identifiers are quoted: `plugins["rate-limiting"].config.minute`. */
  path: string;
  /** Absent when the field is new. */
  old?: Json;
  /** Absent when the field is removed. */
  new?: Json;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (safe === key) return path ? `${path}.${key}` : key;
  return `${path}[${safe}]`;
}

/** Stable stringify (keys sorted) for equality and for rendering. */
export function canonical(v: Json | undefined): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function fieldChanges(a: Json | undefined, b: Json | undefined, path = ''): FieldChange[] {
  if (canonical(a) === canonical(b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => fieldChanges(a[k], b[k], join(path, k)));
  }
  // Arrays of objects of the same length are compared item by item, so one changed field in one
  // item shows as that field; lists of scalars (methods, origins) show whole, which reads better.
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some(isObject)) {
    return a.flatMap((item, i) => fieldChanges(item, b[i], join(path, i)));
  }
  const change: FieldChange = { path: path || '(entity)' };
  if (a !== undefined) change.old = a;
  if (b !== undefined) change.new = b;
  return [change];
}
