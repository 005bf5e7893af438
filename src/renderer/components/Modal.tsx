// Modal dialog on the native <dialog> element: the page behind it is inert and Escape closes it. Focus goes back
// to whatever opened it by hand: the element is unmounted, not closed by the user, and the browser's own
// restore does not survive that.
import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const unmounting = useRef(false);
  // A layout effect opens the dialog before its children's effects run, so a field's autofocus lands inside
  // the open dialog (a closed one cannot take focus; the browser then focused the first button instead).
  useLayoutEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      unmounting.current = true;
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`modal${props.wide ? ' modal-wide' : ''} ${props.className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      // Chromium may close a dialog itself on Escape without a cancelable "cancel" (no user activation since the
      // last one): the state must follow, or the dialog stays mounted, closed, and its opener does nothing.
      onClose={() => {
        if (!unmounting.current) props.onClose();
      }}
    >
      <header class="modal-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="btn-icon" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      <div class="modal-body">{props.children}</div>
    </dialog>
  );
}

export function ConfirmDialog(props: {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={props.title} onClose={props.onCancel}>
      <div class="confirm-message">{props.message}</div>
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="button"
          class={props.danger ? 'btn btn-danger' : 'btn btn-primary'}
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
