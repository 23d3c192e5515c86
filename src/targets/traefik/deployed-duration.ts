/** Go durations as Traefik reads them (`1m`, `10s`, `1h30m`; a bare number is seconds), in seconds. */
const UNIT: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

export function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) || undefined;
  let total = 0;
  let rest = v.trim();
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total > 0 ? total : undefined;
}
