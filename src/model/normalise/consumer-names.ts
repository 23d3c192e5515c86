/** Consumer names read as a backend or Kong may read them. */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Consumer } from '../types.js';

/**
 * Two consumer names one letter case apart (REF21): Kong folds them into one username
 * (kong-consumer-name-collision), and every target tells the backend the name (X-Consumer, Kong's
 * X-Consumer-Username): a backend whose user table folds case (MySQL's default collation, most
 * directories) takes Alice's requests for alice's, with alice's roles and data. Refused at the
 * later name, on every target.
 */
export function caseFoldedNames(consumers: Consumer[], out: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const c of consumers) {
    const folded = c.name.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) out.push(diag('consumer-name-case', { consumer: c.name, other }, c.loc));
    else seen.set(folded, c.name);
  }
}
