/**
 * The renderer's autosave queue (renderer/inspection/autosave.ts), with node:test's fake timers:
 * debounce, flush, coalescing of the same field, failures kept and retried, one request at a time
 * per field so an older write never lands after a newer one.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { Result } from '../../shared/api/contract.ts';
import { Autosaver, RETRY_FIRST_MS, RETRY_MAX_MS } from '../../renderer/inspection/autosave.ts';

type Saved = Result<{ savedAt: string }>;
const ok = (at = '2026-12-02T10:32:00.000Z'): Saved => ({ ok: true, value: { savedAt: at } });
const failure = (message: string): Saved => ({ ok: false, error: { code: 'internal', message } });

/** Lets the promise callbacks queued by a save run (fake timers do not touch microtasks). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A write whose answer the test gives when it wants (a request still in flight). */
function deferred(): { task: () => Promise<Saved>; answer: (r: Saved) => void; started: () => number } {
  let resolve: ((r: Saved) => void) | null = null;
  let calls = 0;
  return {
    task: () => {
      calls++;
      return new Promise<Saved>((r) => (resolve = r));
    },
    answer: (r) => resolve?.(r),
    started: () => calls,
  };
}

describe('Autosaver', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-12-02T10:00:00Z') }));
  afterEach(() => mock.timers.reset());

  it('waits for the debounce (400 ms) before sending', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    saver.schedule('answer:A.1', async () => (sent.push('A.1'), ok()));
    mock.timers.tick(399);
    await settle();
    assert.deepEqual(sent, [], 'nothing is sent inside the debounce window');
    assert.equal(saver.getState().kind, 'saving', 'a queued write already shows «Salvataggio…»');
    assert.equal(saver.hasUnsaved(), true);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(sent, ['A.1']);
    assert.deepEqual(saver.getState(), { kind: 'saved', at: '2026-12-02T10:32:00.000Z' });
    assert.equal(saver.hasUnsaved(), false);
  });

  it('coalesces writes of the same field: only the latest value goes out, once', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    for (const value of ['S', 'Si', 'Sì']) {
      saver.schedule('answer:A.1', async () => (sent.push(value), ok()));
      mock.timers.tick(300); // typing goes on: each change restarts the window
    }
    await settle();
    assert.deepEqual(sent, []);
    mock.timers.tick(100);
    await settle();
    assert.deepEqual(sent, ['Sì']);
  });

  it('keeps different fields apart: each is saved', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    saver.schedule('answer:A.1', async () => (sent.push('A.1'), ok()));
    saver.schedule('counts', async () => (sent.push('counts'), ok()));
    saver.schedule('answer:A.1', async () => (sent.push('A.1 bis'), ok()));
    mock.timers.tick(400);
    await settle();
    assert.deepEqual(sent.sort(), ['A.1 bis', 'counts']);
  });

  it('flush sends at once what is queued and resolves true when it is durable', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    saver.schedule('visit', async () => (sent.push('visit'), ok()));
    saver.schedule('answer:B.2', async () => (sent.push('B.2'), ok()));
    assert.equal(await saver.flush(), true);
    assert.deepEqual(sent.sort(), ['B.2', 'visit']);
    assert.equal(saver.hasUnsaved(), false);
    mock.timers.tick(1000);
    await settle();
    assert.equal(sent.length, 2, 'the debounce timers were cleared: nothing is sent twice');
  });

  it('flush waits for a write in flight and for one queued behind it', async () => {
    const saver = new Autosaver(400);
    const first = deferred();
    const order: string[] = [];
    saver.schedule('answer:A.1', () => (order.push('old'), first.task()));
    mock.timers.tick(400);
    await settle();
    saver.schedule('answer:A.1', async () => (order.push('new'), ok()));
    let done: boolean | null = null;
    void saver.flush().then((r) => (done = r));
    await settle();
    assert.deepEqual(order, ['old'], 'the newer write waits for the older one of the same field');
    assert.equal(done, null, 'flush is still waiting');
    first.answer(ok());
    await settle();
    assert.deepEqual(order, ['old', 'new']);
    assert.equal(done, true);
  });

  it('never sends two writes of one field at the same time, and keeps their order', async () => {
    const saver = new Autosaver(400);
    const first = deferred();
    const second = deferred();
    const order: string[] = [];
    saver.schedule('counts', () => (order.push('1'), first.task()));
    mock.timers.tick(400);
    await settle();
    saver.schedule('counts', () => (order.push('2'), second.task()));
    mock.timers.tick(400);
    await settle();
    assert.deepEqual(order, ['1'], 'the second waits while the first is in flight');
    first.answer(ok('2026-12-02T10:01:00.000Z'));
    await settle();
    assert.deepEqual(order, ['1', '2']);
    second.answer(ok('2026-12-02T10:02:00.000Z'));
    await settle();
    assert.deepEqual(saver.getState(), { kind: 'saved', at: '2026-12-02T10:02:00.000Z' });
  });

  it('a failed save keeps the value, reports the error and sends the same write on retry', async () => {
    const saver = new Autosaver(400);
    const answers = [failure('Impossibile contattare l’applicazione'), ok()];
    const sent: string[] = [];
    saver.schedule('answer:E.3', async () => (sent.push('na'), answers.shift()!));
    mock.timers.tick(400);
    await settle();
    assert.deepEqual(saver.getState(), { kind: 'error', message: 'Impossibile contattare l’applicazione', failedKeys: ['answer:E.3'] });
    assert.equal(saver.hasUnsaved(), true, 'a failed write is not durable');
    assert.equal(await saver.flush(), false, 'leaving now would lose it: flush says so');
    assert.deepEqual(sent, ['na'], 'flush does not resend a failed write by itself');
    assert.equal(await saver.retry(), true);
    assert.deepEqual(sent, ['na', 'na']);
    assert.equal(saver.getState().kind, 'saved');
    assert.equal(saver.hasUnsaved(), false);
  });

  it('a newer value of a failed field replaces the failed one', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    saver.schedule('answer:E.3', async () => (sent.push('old'), failure('disco pieno')));
    assert.equal(await saver.flush(), false);
    saver.schedule('answer:E.3', async () => (sent.push('new'), ok()));
    assert.notEqual(saver.getState().kind, 'error', 'the failure is superseded');
    assert.equal(await saver.flush(), true);
    assert.equal(await saver.retry(), true);
    assert.deepEqual(sent, ['old', 'new'], 'the replaced value is never sent again');
  });

  it('a save the disk refused is sent again by itself with a growing pause, its message kept until one goes through', async () => {
    const saver = new Autosaver(400);
    const full: Saved = { ok: false, error: { code: 'storage', message: 'Disco pieno: i dati non sono stati salvati.' } };
    const answers = [full, full, ok('2026-12-02T10:00:05.000Z')];
    const sent: string[] = [];
    saver.schedule('answer:E.3', async () => (sent.push('testo'), answers.shift()!));
    mock.timers.tick(400);
    await settle();
    const refused = {
      kind: 'error',
      message: 'Disco pieno: i dati non sono stati salvati.',
      failedKeys: ['answer:E.3'],
      retrying: 'storage',
    };
    assert.deepEqual(saver.getState(), refused);
    mock.timers.tick(999);
    await settle();
    assert.deepEqual(sent, ['testo'], 'no retry before the first pause (1 s)');
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(sent, ['testo', 'testo']);
    assert.deepEqual(saver.getState(), refused, 'the message stays while it is retried');
    mock.timers.tick(1999);
    await settle();
    assert.equal(sent.length, 2, 'the second pause is 2 s');
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(sent, ['testo', 'testo', 'testo']);
    assert.deepEqual(saver.getState(), { kind: 'saved', at: '2026-12-02T10:00:05.000Z' });
    assert.equal(saver.hasUnsaved(), false);
    mock.timers.tick(60_000);
    await settle();
    assert.equal(sent.length, 3, 'nothing is sent again once saved');
  });

  it('a newer value typed while the disk refuses keeps the refusal on screen and is the one retried', async () => {
    const saver = new Autosaver(400);
    const full: Saved = { ok: false, error: { code: 'storage', message: 'Disco pieno: …' } };
    const sent: string[] = [];
    let diskFull = true;
    saver.schedule('note', async () => (sent.push('a'), diskFull ? full : ok()));
    mock.timers.tick(400);
    await settle();
    saver.schedule('note', async () => (sent.push('ab'), diskFull ? full : ok()));
    assert.equal(saver.getState().kind, 'error', 'typing does not hide the refusal');
    mock.timers.tick(400);
    await settle();
    assert.deepEqual(sent, ['a', 'ab']);
    diskFull = false;
    mock.timers.tick(RETRY_MAX_MS);
    await settle();
    assert.deepEqual(sent, ['a', 'ab', 'ab'], 'only the newest value is sent again');
    assert.equal(saver.getState().kind, 'saved');
  });

  it('a save the stopped local service did not answer is sent again by itself once it restarts', async () => {
    const saver = new Autosaver(400);
    const stopped: Saved = { ok: false, error: { code: 'unavailable', message: 'il servizio locale si è interrotto prima di rispondere' } };
    const answers = [stopped, ok('2026-12-02T10:00:02.000Z')];
    const sent: string[] = [];
    saver.schedule('prescription:1', async () => (sent.push('testo'), answers.shift()!));
    mock.timers.tick(400);
    await settle();
    assert.deepEqual(saver.getState(), {
      kind: 'error',
      message: 'il servizio locale si è interrotto prima di rispondere',
      failedKeys: ['prescription:1'],
      retrying: 'unavailable',
    });
    assert.equal(saver.hasUnsaved(), true, 'the text is still owed to the host');
    mock.timers.tick(RETRY_FIRST_MS);
    await settle();
    assert.deepEqual(sent, ['testo', 'testo']);
    assert.deepEqual(saver.getState(), { kind: 'saved', at: '2026-12-02T10:00:02.000Z' });
  });

  it('other failures wait for «Riprova»: only the disk is retried by itself', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    saver.schedule('visit', async () => (sent.push('v'), failure('rete assente')));
    assert.equal(await saver.flush(), false);
    mock.timers.tick(RETRY_MAX_MS * 3);
    await settle();
    assert.deepEqual(sent, ['v']);
    assert.equal(saver.getState().kind, 'error');
  });

  it('a write that throws is a failure with its message, not an unhandled rejection', async () => {
    const saver = new Autosaver(400);
    saver.schedule('visit', async () => {
      throw new Error('rete assente');
    });
    assert.equal(await saver.flush(), false);
    assert.deepEqual(saver.getState(), { kind: 'error', message: 'rete assente', failedKeys: ['visit'] });
  });

  it('cancel drops a write not yet sent (the field went back to a value not to save)', async () => {
    const saver = new Autosaver(400);
    const sent: string[] = [];
    saver.schedule('counts', async () => (sent.push('counts'), ok()));
    saver.cancel('counts');
    mock.timers.tick(1000);
    await settle();
    assert.deepEqual(sent, []);
    assert.equal(saver.hasUnsaved(), false);
    assert.equal(saver.getState().kind, 'idle');
  });

  it('notifies subscribers only when the state changes', async () => {
    const saver = new Autosaver(400);
    const seen: string[] = [];
    const unsubscribe = saver.subscribe(() => seen.push(saver.getState().kind));
    saver.schedule('a', async () => ok());
    saver.schedule('a', async () => ok());
    await saver.flush();
    assert.deepEqual(seen, ['saving', 'saved']);
    unsubscribe();
    saver.schedule('a', async () => ok());
    assert.deepEqual(seen, ['saving', 'saved']);
  });
});
