/**
 * `buildReport` in the report thread, behind the same signature. Started on the first report
 * (a laptop that never seals never pays for it), kept warm after (fonts and pdfmake loaded once);
 * if the thread dies, the reports in flight fail with its reason and the next one starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import type { AppearanceText, ReportInput } from '../../report/index.ts';
import { workerScript } from './script.ts';
import type { FromReport, ToReport } from './messages.ts';

export interface ReportRenderer {
  render(input: ReportInput): Promise<Buffer>;
  /** A digital signature's appearance (a one-page PDF), drawn here too: pdfmake is synchronous. */
  appearance(text: AppearanceText): Promise<Buffer>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (pdf: Buffer) => void;
  reject: (e: Error) => void;
}

export function startReportRenderer(): ReportRenderer {
  let worker: Worker | null = null;
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const failAll = (message: string) => {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  };

  function thread(): Worker {
    if (worker) return worker;
    const w = new Worker(workerScript(), { workerData: { role: 'report' }, execArgv: [] });
    w.on('message', (m: FromReport) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (!pending.size) w.unref();
      if (m.ok) p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
      else p.reject(Object.assign(new Error(m.message), { name: m.name }));
    });
    w.on('error', (e) => {
      worker = null;
      failAll(`la preparazione del verbale PDF si è interrotta: ${e.message}`);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(`la preparazione del verbale PDF si è interrotta (codice ${code})`);
    });
    worker = w;
    return w;
  }

  function send(message: { input: ReportInput } | { appearance: AppearanceText }): Promise<Buffer> {
    const w = thread();
    // Referenced while a report is drawn; idle, it must not keep a closing process alive.
    w.ref();
    const id = nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ id, ...message } satisfies ToReport);
    });
  }

  return {
    render: (input) => send({ input }),
    appearance: (text) => send({ appearance: text }),
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
