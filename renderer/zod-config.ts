// Imported first by main.tsx, before any schema is built or parsed: zod 4 probes `new Function`
// to speed up parsing, which a CSP without 'unsafe-eval' reports as a violation. Jitless avoids it.
import { z } from 'zod';

z.config({ jitless: true });
