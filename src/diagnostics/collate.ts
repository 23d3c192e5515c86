/**
 * The one order of text in everything gwc writes (output files, diagnostics, diffs): English
 * collation, fixed. `String.prototype.localeCompare` without a locale collates by the machine's
 * (LANG / LC_ALL): a Danish desk put a consumer "aardvark" after "zebra" in kong.yaml and changed
 * its ids, so the same spec gave other bytes on another machine (test/cli/locale.test.ts).
 * 'en-US' is what an unset or C locale resolves to, so the output of every golden is unchanged.
 */
const COLLATOR = new Intl.Collator('en-US');

/** `a.localeCompare(b)` as it is under en-US, whatever the process's locale. */
export function compareText(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}
