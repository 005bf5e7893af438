import { useEffect } from 'preact/hooks';
import type { Toast } from '../state/app-state';
import { useStore } from '../state/store';
import { Icon } from './Icon';

const TOAST_MS = 5000;

function ToastItem({ toast }: { toast: Toast }) {
  const { dispatch } = useStore();
  useEffect(() => {
    const t = setTimeout(
      () => dispatch({ type: 'dismissToast', id: toast.id }),
      toast.kind === 'error' ? 8000 : TOAST_MS,
    );
    return () => clearTimeout(t);
  }, [toast.id]);
  return (
    <div class={`toast toast-${toast.kind}`}>
      <Icon
        name={
          toast.kind === 'error' || toast.kind === 'warning'
            ? 'alert'
            : toast.kind === 'success'
              ? 'check'
              : 'refresh'
        }
      />
      <span>{toast.message}</span>
      <button
        type="button"
        class="btn-icon"
        aria-label="Dismiss"
        onClick={() => dispatch({ type: 'dismissToast', id: toast.id })}
      >
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}

// Polite live region, always in the page: screen readers announce each new toast (a colleague's change, a copy)
// without interrupting, and only the new one (not atomic: the others already on screen are not read again).
export function Toasts() {
  const { state } = useStore();
  return (
    <div class="toasts" role="status" aria-live="polite" aria-atomic="false" aria-relevant="additions">
      {state.toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
