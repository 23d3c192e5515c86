/**
 * One seed for every property test, so CI runs the same cases each time and a failure reproduces.
 * Set GWC_SEED to explore other cases locally; fast-check prints the seed of any failure.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.GWC_SEED ?? 20261205) });
