// Imported first by main.tsx, before any schema is built or parsed: zod 4 probes `new Function`
// to speed up parsing, which a CSP without 'unsafe-eval' reports as a violation. Jitless avoids it.
import { z } from 'zod';
import { useItalianZodMessages } from '../shared/zod-italian.ts';

z.config({ jitless: true });
// Forms validated with the contract's schemas: zod's own checks speak Italian, as on the host.
useItalianZodMessages();
