/** One entry of the code catalogue (codes.ts and its per-area parts): a severity and a message from typed params. */
export type Params = Record<string, string | number | boolean>;

export const entry = <P extends Params>(severity: 'error' | 'warn' | 'info', message: (p: P) => string) => ({
  severity,
  message,
});
