/**
 * Child of crash-autosave.test.ts: opens the data folder and autosaves answers through the API
 * handlers as fast as it can, printing "ack <n> <value> <seq>" only after each save returned
 * (i.e. was acknowledged to the UI). The parent SIGKILLs it mid-burst. With "drafts" as the items
 * it saves a form's draft instead.
 */
import { openApp } from '../../host/app.ts';

const [dataDir, inspectionId, itemsArg] = process.argv.slice(2);
const items = itemsArg!.split(',');
const app = openApp({ dataDir: dataDir!, shell: 'browser' });
process.stdout.write('ready\n');
// "drafts": the durable draft of a prescription form, typed on and on ("ack <n>" after each save).
if (itemsArg === 'drafts') {
  for (let n = 0; ; n++) {
    const r = app.dispatch('inspections.saveDraft', {
      inspectionId,
      key: 'prescrizione:r1:nuova',
      draft: { kind: 'prescription', text: `bozza ${n}`, deadline: '' },
    });
    if (!r.ok) {
      process.stderr.write(`${r.error.message}\n`);
      process.exit(1);
    }
    (await import('node:fs')).writeSync(1, `ack ${n}\n`);
  }
}
for (let n = 0; ; n++) {
  const itemId = items[n % items.length]!;
  const value = n % 2 ? 'yes' : 'no';
  const r = app.dispatch('inspections.saveAnswer', { inspectionId, itemId, value, note: `salvataggio ${n}` });
  if (!r.ok) {
    process.stderr.write(`${r.error.message}\n`);
    process.exit(1);
  }
  // writeSync: the ack must not sit in a buffer when the kill comes.
  (await import('node:fs')).writeSync(1, `ack ${n} ${itemId} ${value} ${(r.value as { seq: number }).seq}\n`);
}
