/** The real checkers for a decK file (they live in test/helpers/checkers.ts, shared with the corpus). */
export { deckValidate, kongSchemaValidate as schemaValidate } from '../../helpers/checkers.js';
