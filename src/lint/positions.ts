/** Moved to src/spec/positions.ts (#17: positions are resolved once, at the edge, not in lint). */
export { locateAll } from '../spec/positions.js';
