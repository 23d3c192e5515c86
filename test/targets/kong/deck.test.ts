/**
 * The generated decK file passes the real checkers: Debian `deck validate` (decK 1.4.0, offline)
 * and ajv over decK's JSON schema.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compile, shop } from './model.js';
import { deckValidate, schemaValidate } from './validate.js';

describe('kong: generated decK file', () => {
  const r = compile(shop());

  it('compiles the shop-like model without errors', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['kong.yaml']);
  });

  it('passes deck validate', () => {
    const v = deckValidate(r.yaml);
    if (!v) return;
    expect(v.output).toBe('');
    expect(v.ok).toBe(true);
  });

  it('passes ajv over kong_json_schema.json', () => {
    const v = schemaValidate(r.yaml);
    if (!v) return;
    expect(v.errors).toBeNull();
    expect(v.ok).toBe(true);
  });

  it('deck validate really checks: a dangling reference fails', () => {
    const doc = parse(r.yaml);
    doc.plugins[0].consumer = 'nobody';
    const v = deckValidate(JSON.stringify(doc));
    if (!v) return;
    expect(v.ok).toBe(false);
    expect(v.output).toContain('nobody');
  });

  it('is deterministic: same model, same bytes', () => {
    expect(compile(shop()).yaml).toBe(r.yaml);
  });
});
