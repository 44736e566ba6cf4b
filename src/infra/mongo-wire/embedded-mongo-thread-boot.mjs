// Entry of the embedded MongoDB-wire server's worker thread. Worker threads do not inherit the
// TypeScript loader of the main thread (tsx), so it is registered here before the TypeScript
// module is imported.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
