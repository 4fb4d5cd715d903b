// Worker entry: registers tsx in this thread (loader flags do not reach worker threads), then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./fuzz-worker.ts');
