/**
 * A caller of the browser shell's API over plain node:http with keep-alive (fetch adds its own
 * queueing, which would blur the latencies the benches measure). Rejects on `ok: false`.
 */
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
