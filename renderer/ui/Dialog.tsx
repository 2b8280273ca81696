import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

const TABBABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function tabbables(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * A modal on the native <dialog>: focus starts on the element marked `data-autofocus` (React's
 * autoFocus runs while the dialog is still closed, so it would be lost), Tab and Shift+Tab cycle
 * inside (the browser would let them leave for its own toolbar), Escape closes it (the browser's
 * `cancel` event), and focus returns to where it was.
 */
export function Dialog({
  title,
  open,
  onClose,
  children,
  wide,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null;
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
      return () => {
        if (dialog.open) dialog.close();
        opener?.focus?.();
      };
    }
    return undefined;
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e: KeyboardEvent<HTMLDialogElement>) => {
        if (e.key !== 'Tab' || !ref.current) return;
        const all = tabbables(ref.current);
        const first = all[0];
        const last = all[all.length - 1];
        if (!first || !last) return e.preventDefault();
        const active = document.activeElement;
        if (e.shiftKey && (active === first || active === ref.current)) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && active === last) {
          e.preventDefault();
          first.focus();
        }
      }}
    >
      {open && (
        <>
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="button-quiet" onClick={onClose} aria-label="Chiudi finestra">
              ✕
            </button>
          </header>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/**
 * A question before something that cannot be undone: the message, the dangerous action, and
 * «Annulla», which has the focus so that Enter never confirms by accident.
 */
export function ConfirmDialog({
  title,
  open,
  onCancel,
  onConfirm,
  confirmLabel,
  children,
}: {
  title: string;
  open: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  confirmLabel: string;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} open={open} onClose={onCancel}>
      {children}
      <div className="actions">
        <button type="button" className="button-danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" onClick={onCancel} data-autofocus>
          Annulla
        </button>
      </div>
    </Dialog>
  );
}
