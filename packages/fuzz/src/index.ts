export { fuzzTargets } from './fuzz-targets.js';
export { type CaseOutcome, type CaseRequest, runCase } from './fuzz-worker.js';
export { type FuzzCounts, type FuzzFinding, type FuzzOptions, type FuzzReport, runFuzz } from './run-fuzz.js';
