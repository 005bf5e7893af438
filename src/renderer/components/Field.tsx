// Labelled form controls. Every input has a visible label tied to it, and errors are announced.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Icon } from './Icon';

interface FieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'url' | 'search';
  autoFocus?: boolean;
  autoComplete?: string;
  placeholder?: string;
  hint?: ComponentChildren;
  error?: string | null;
  required?: boolean;
  mono?: boolean;
  maxLength?: number;
}

// Focus on mount through a ref rather than the autofocus attribute, which fires only on page load.
function useAutoFocus(enabled: boolean | undefined) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, []);
  return ref;
}

export function Field(props: FieldProps) {
  const ref = useAutoFocus(props.autoFocus);
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        class={props.mono ? 'input mono' : 'input'}
        // Preact's input typings are a union per type that a variable type cannot satisfy; any of these is valid.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        ref={ref}
        autoComplete={props.autoComplete ?? 'off'}
        spellcheck={false}
        placeholder={props.placeholder}
        required={props.required}
        maxLength={props.maxLength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint && (
        <div class="field-hint" id={hintId}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <div class="field-error" id={errorId} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}

export function PasswordField(props: Omit<FieldProps, 'type' | 'mono'> & { trailing?: ComponentChildren }) {
  const ref = useAutoFocus(props.autoFocus);
  const id = useId();
  const [shown, setShown] = useState(false);
  const errorId = `${id}-error`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <div class="input-group">
        <input
          id={id}
          class="input mono"
          type={(shown ? 'text' : 'password') as 'text'}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          ref={ref}
          autoComplete={props.autoComplete ?? 'off'}
          spellcheck={false}
          placeholder={props.placeholder}
          required={props.required}
          maxLength={props.maxLength}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? errorId : undefined}
        />
        <button
          type="button"
          class="btn-icon"
          onClick={() => setShown(!shown)}
          aria-label={shown ? 'Hide password' : 'Show password'}
          aria-pressed={shown}
        >
          <Icon name={shown ? 'eyeOff' : 'eye'} />
        </button>
        {props.trailing}
      </div>
      {props.hint && <div class="field-hint">{props.hint}</div>}
      {props.error && (
        <div class="field-error" id={errorId} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}

export function Toggle(props: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  hint?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class="toggle-row">
      <div>
        <label for={id} class="toggle-label">
          {props.label}
        </label>
        {props.hint && <div class="field-hint">{props.hint}</div>}
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        aria-checked={props.checked}
        class="switch"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
    </div>
  );
}
