/**
 * Durable drafts of the visit's forms not yet submitted (a prescription, a new commission member,
 * a signatory's name and strokes). A form keeps its text in React state, which is gone when the
 * inspector switches section; the book keeps it for the page's life and sends it to the host
 * through the visit's Autosaver (debounced, flushed on blur, navigation and a hidden window), so it
 * also survives leaving the visit or a crash. The page restores it from `InspectionDetail.drafts`.
 */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import type { FormDraft, Result } from '../../shared/api/contract.ts';
import type { Autosaver } from './autosave.ts';

type Send = (key: string, draft: FormDraft | null) => Promise<Result<unknown>>;
type DraftOf<K extends FormDraft['kind']> = Extract<FormDraft, { kind: K }>;

export class DraftBook {
  private readonly drafts: Map<string, FormDraft>;

  constructor(
    initial: Record<string, FormDraft>,
    private readonly autosaver: Autosaver,
    private readonly send: Send,
  ) {
    this.drafts = new Map(Object.entries(initial));
  }

  get<K extends FormDraft['kind']>(key: string, kind: K): DraftOf<K> | undefined {
    const d = this.drafts.get(key);
    return d?.kind === kind ? (d as DraftOf<K>) : undefined;
  }

  has(key: string): boolean {
    return this.drafts.has(key);
  }

  /** Keeps what the form holds now; a form back to its empty state has no draft. */
  put(key: string, draft: FormDraft, empty: FormDraft): void {
    if (JSON.stringify(draft) === JSON.stringify(empty)) return this.remove(key);
    this.drafts.set(key, draft);
    this.autosaver.schedule(`draft:${key}`, () => this.send(key, draft));
  }

  /** The form was submitted (or emptied): its draft goes, at once. */
  remove(key: string): void {
    if (!this.drafts.delete(key)) return;
    this.autosaver.schedule(`draft:${key}`, () => this.send(key, null));
  }
}

const DraftsContext = createContext<DraftBook | null>(null);

export function DraftsProvider({ book, children }: { book: DraftBook | null; children: ReactNode }) {
  return <DraftsContext.Provider value={book}>{children}</DraftsContext.Provider>;
}

/** The visit's draft book; null outside a visit (e.g. the new-visit form) or on a sealed one. */
export const useDrafts = (): DraftBook | null => useContext(DraftsContext);

/**
 * A form's state kept as a draft under `key`: starts from the stored draft (else `empty`), every
 * change is kept; `discard` empties the form and drops the draft (after submitting it).
 */
export function useDraft<K extends FormDraft['kind']>(
  key: string,
  empty: DraftOf<K>,
): [DraftOf<K>, (change: Partial<DraftOf<K>>) => void, () => void] {
  const book = useDrafts();
  const [value, setValue] = useState<DraftOf<K>>(() => book?.get(key, empty.kind as K) ?? empty);
  const latest = useRef(value);
  const emptyRef = useRef(empty);
  const change = useCallback(
    (part: Partial<DraftOf<K>>) => {
      const next = { ...latest.current, ...part };
      latest.current = next;
      setValue(next);
      book?.put(key, next, emptyRef.current);
    },
    [book, key],
  );
  const discard = useCallback(() => {
    latest.current = emptyRef.current;
    setValue(emptyRef.current);
    book?.remove(key);
  }, [book, key]);
  return [value, change, discard];
}
