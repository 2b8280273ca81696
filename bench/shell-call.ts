/**
 * A caller of the browser shell's API over plain node:http with keep-alive (fetch adds its own
 * queueing, which would blur the latencies the benches measure). Rejects on `ok: false`.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export function shellCaller(port: number, token: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (method: string, input: unknown) =>
    new Promise<any>((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify(input));
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: `/api/${method}`,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length, 'x-vigilanza-token': token },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ok: boolean; value: any; error?: { message: string } };
            if (body.ok) resolve(body.value);
            else reject(new Error(`${method}: ${body.error?.message}`));
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** CPU time in ms (user + system, every thread) process `pid` has used, from /proc (Linux; else null). */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
