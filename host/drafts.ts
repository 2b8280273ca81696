/**
 * Durable drafts of the visit's forms not yet submitted (a prescription, a new commission member,
 * a signatory): one encrypted settings secret per inspection holding every draft of that visit.
 * They name people and describe the service, so they are sealed with the data key like the staff
 * records (db/README.md, "Settings and secrets"). Not audited: a draft is not part of the record
 * until its form is submitted, which is audited as usual.
 */
import { z } from 'zod';
import { DraftKey, FormDraft, MAX_DRAFTS } from '../shared/api/contract.ts';
import { sha256Hex } from '../shared/canonical.ts';
import type { Store } from '../db/store.ts';
import type { Clock } from './clock.ts';

const StoredDrafts = z.record(DraftKey, FormDraft);
export type Drafts = z.infer<typeof StoredDrafts>;

/** Settings names are short and plain: the inspection id (any text) enters it hashed. */
const secretName = (inspectionId: string): string => `draft.${sha256Hex(new TextEncoder().encode(inspectionId)).slice(0, 40)}`;

export interface DraftStore {
  list(inspectionId: string): Drafts;
  /** Stores (or with null removes) one form's draft; durable when it returns. */
  save(inspectionId: string, key: string, draft: FormDraft | null): { savedAt: string };
  /** Drops every draft of the visit (at sealing: the forms are final). */
  clear(inspectionId: string): void;
}

export function createDraftStore(store: Store, clock: Clock, tooMany: () => never): DraftStore {
  const list = (inspectionId: string): Drafts => {
    const bytes = store.settings.getSecret(secretName(inspectionId));
    return bytes ? StoredDrafts.parse(JSON.parse(bytes.toString('utf8'))) : {};
  };
  return {
    list,
    save(inspectionId, key, draft) {
      store.transaction(() => {
        const all = list(inspectionId);
        if (draft === null) delete all[key];
        else {
          if (!(key in all) && Object.keys(all).length >= MAX_DRAFTS) tooMany();
          all[key] = draft;
        }
        store.settings.setSecret(secretName(inspectionId), Object.keys(all).length ? new TextEncoder().encode(JSON.stringify(all)) : null);
      });
      return { savedAt: clock.now().toISOString() };
    },
    clear(inspectionId) {
      store.settings.setSecret(secretName(inspectionId), null);
    },
  };
}
