/**
 * Logical ids and content hashes. CloudFormation logical ids are alphanumeric, at most 255
 * characters (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html);
 * user names are folded into PascalCase and, when two fold to the same id, the later one is told
 * apart by a hash of its original name; callers visit names in sorted order so ids are stable.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted at every level: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => (p[0] ?? '').toUpperCase() + p.slice(1))
    .join('');
}

/** Hands out unique logical ids: `prefix + Pascal(name)`, with a name hash when folding collides. */
export class Namer {
  private readonly taken = new Map<string, string>();

  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.taken.set(r, `\0reserved:${r}`);
  }

  id(prefix: string, name: string): string {
    const key = `${prefix}\0${name}`;
    const base = (prefix + pascal(name)).slice(0, 200) || prefix;
    const owner = this.taken.get(base);
    if (owner === undefined || owner === key) {
      this.taken.set(base, key);
      return base;
    }
    const hashed = base + sha256Hex(name).slice(0, 8);
    this.taken.set(hashed, key);
    return hashed;
  }
}
