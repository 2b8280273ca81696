// The worker's first module: registers tsx in this thread (Node 20 does not carry the parent's
// loader hooks into workers), then loads the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./entry.ts');
