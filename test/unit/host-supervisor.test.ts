/**
 * The host supervisor (host/worker/supervisor.ts) with stand-in workers: a crash is followed by a
 * new worker that later calls reach, the windows hear `host.restarted`, events of the new worker
 * still reach old subscribers, and a host that keeps dying is given up with an Italian reason.
 * The real worker thread crashing is in test/integration/host-worker.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Result } from '../../shared/api/contract.ts';
import type { HostEvent } from '../../shared/api/events.ts';
import type { HostWorker } from '../../host/worker/index.ts';
import { superviseHost } from '../../host/worker/supervisor.ts';

interface Fake extends HostWorker {
  name: string;
  crash(reason: string): void;
  push(event: HostEvent): void;
  closed: boolean;
}

function fake(name: string): Fake {
  const crashes = new Set<(reason: string) => void>();
  const listeners = new Set<(event: HostEvent) => void>();
  const worker: Fake = {
    name,
    closed: false,
    call: async (method: string): Promise<Result<unknown>> => ({ ok: true, value: `${name}:${method}` }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      worker.closed = true;
    },
    onCrash(listener) {
      crashes.add(listener);
      return () => crashes.delete(listener);
    },
    terminate: async () => worker.crash('terminato'),
    crash: (reason) => crashes.forEach((l) => l(reason)),
    push: (event) => listeners.forEach((l) => l(event)),
  };
  return worker;
}

/** Starts fakes in order; `gate` holds a start open until released, `fail` makes it throw. */
function starter() {
  const started: Fake[] = [];
  let gate: Promise<void> | null = null;
  let fail: string | null = null;
  return {
    started,
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    failNext(message: string) {
      fail = message;
    },
    start: async () => {
      if (gate) await gate;
      if (fail) throw new Error(fail);
      const w = fake(`w${started.length + 1}`);
      started.push(w);
      return w;
    },
  };
}

const STATUS: HostEvent = {
  type: 'sync.status',
  status: {
    paired: false,
    officeUrl: null,
    laptopName: null,
    running: false,
    lastSyncAt: null,
    lastError: null,
    reachable: null,
    counts: { in_coda: 0, inviata: 0, ricevuta: 0, validata: 0, respinta: 0 },
  } as never,
};

describe('host supervisor', () => {
  it('after a crash the next calls wait for the new worker and reach it; the windows hear host.restarted', async () => {
    const s = starter();
    const events: HostEvent[] = [];
    const host = await superviseHost({
      start: s.start,
      onGiveUp: () => assert.fail('no give-up'),
      now: () => new Date('2026-12-03T09:41:00Z'),
    });
    host.subscribe((e) => events.push(e));
    assert.deepEqual(await host.call('services.list', {}), { ok: true, value: 'w1:services.list' });
    const release = s.hold();
    s.started[0]!.crash('errore di prova');
    const waiting = host.call('inspections.saveAnswer', {});
    release();
    assert.deepEqual(
      await waiting,
      { ok: true, value: 'w2:inspections.saveAnswer' },
      'the call made while restarting is answered by the new worker',
    );
    assert.deepEqual(events, [{ type: 'host.restarted', at: '2026-12-03T09:41:00.000Z' }]);
    // The new worker's pushes reach the subscribers of the supervised host.
    s.started[1]!.push(STATUS);
    assert.deepEqual(events.at(-1), STATUS);
    await host.close();
    assert.equal(s.started[1]!.closed, true);
  });

  it('gives up past maxRestarts crashes within the window, telling why in Italian; later calls get that reason', async () => {
    const s = starter();
    let clock = Date.parse('2026-12-03T09:00:00Z');
    const reasons: string[] = [];
    const host = await superviseHost({
      start: s.start,
      onGiveUp: (r) => reasons.push(r),
      maxRestarts: 2,
      windowMs: 60_000,
      now: () => new Date(clock),
    });
    for (let i = 0; i < 3; i++) {
      s.started.at(-1)!.crash(`guasto ${i + 1}`);
      await host.call('app.info', {});
      clock += 10_000;
    }
    assert.equal(s.started.length, 3, 'restarted twice, not a third time');
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /si è interrotto 3 volte/);
    assert.match(reasons[0]!, /guasto 3/);
    assert.match(reasons[0]!, /I dati salvati sono al sicuro/);
    const after = await host.call('app.info', {});
    assert.equal(after.ok, false);
    assert.match(!after.ok ? after.error.message : '', /non è stato possibile riavviarlo/);
  });

  it('crashes spread out over time are restarted each time', async () => {
    const s = starter();
    let clock = 0;
    const host = await superviseHost({
      start: s.start,
      onGiveUp: () => assert.fail('no give-up'),
      maxRestarts: 1,
      windowMs: 60_000,
      now: () => new Date(clock),
    });
    for (let i = 0; i < 4; i++) {
      s.started.at(-1)!.crash('guasto');
      assert.equal((await host.call('app.info', {})).ok, true);
      clock += 61_000;
    }
    assert.equal(s.started.length, 5);
    await host.close();
  });

  it('a restart that cannot open the folder gives up with the opening error', async () => {
    const s = starter();
    const reasons: string[] = [];
    const host = await superviseHost({ start: s.start, onGiveUp: (r) => reasons.push(r) });
    s.failNext('database bloccato da un altro processo');
    s.started[0]!.crash('guasto');
    const r = await host.call('app.info', {});
    assert.equal(r.ok, false);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /il riavvio non è riuscito: database bloccato da un altro processo/);
  });

  it('closing while a restart is under way closes the worker it brings up, and nothing restarts after close', async () => {
    const s = starter();
    const host = await superviseHost({ start: s.start, onGiveUp: () => assert.fail('no give-up') });
    const release = s.hold();
    s.started[0]!.crash('guasto');
    const closing = host.close();
    release();
    await closing;
    assert.equal(s.started.length, 2);
    assert.equal(s.started[1]!.closed, true, 'the worker started meanwhile is closed at once');
    s.started[1]!.crash('dopo la chiusura');
    assert.equal(s.started.length, 2);
  });
});
