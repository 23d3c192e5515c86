/**
 * What `gwc explain CODE` prints for one diagnostic code or lint rule. Every code of
 * src/diagnostics/codes.ts and every rule of rules/gwc.yaml has one (test/explain/explain.test.ts).
 */
export interface Explanation {
  /** What the diagnostic says happened, in a sentence or two. */
  means: string;
  /** Why gwc says it: the attack it stops or the loss (traffic, config, time) it prevents. */
  why: string;
  /** What to change, and where. */
  fix: string;
  /** A minimal spec fragment or command line that raises it (a `# fix:` comment shows the change). */
  example: string;
}

/** Explanations by code or rule id; one map per area of gwc. */
export type Explanations = Readonly<Record<string, Explanation>>;

export const ex = (means: string, why: string, fix: string, example: string): Explanation => ({ means, why, fix, example });
