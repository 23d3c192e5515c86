/** fixedCodeOpens (chunk-template.ts): one memo for every Kong chunk module's "does its fixed code open a decK template". */
import { describe, expect, it } from 'vitest';
import { fixedCodeOpens } from '../../../src/targets/kong/chunk-template.js';
import { headerFamilyOpensTemplate } from '../../../src/targets/kong/header-family.js';
import { jwtNbfOpensTemplate } from '../../../src/targets/kong/jwt-claims.js';
import { wsGuardOpensTemplate } from '../../../src/targets/kong/websocket-guard.js';

describe('kong chunk modules: does the fixed code open `${{`', () => {
  it('any sample holding `${{` answers true; the samples are made once', () => {
    let made = 0;
    const opens = fixedCodeOpens(() => { made++; return ['local a = 1', 'local b = "${{ env }}"']; });
    expect(opens()).toBe(true);
    expect(opens()).toBe(true);
    expect(made).toBe(1);
    expect(fixedCodeOpens(() => ['local a = "$" .. "{"', '{{'])()).toBe(false);
  });

  it("gwc's own chunk modules: none opens one", () => {
    expect([headerFamilyOpensTemplate(), jwtNbfOpensTemplate(), wsGuardOpensTemplate()]).toEqual([false, false, false]);
  });
});
