import type { ComponentChildren } from 'preact';
import { Icon } from './Icon';

// The centred card used by sign-in, enrollment, unlock and the blocking screens.
export function AuthLayout(props: {
  title: string;
  subtitle?: ComponentChildren;
  children: ComponentChildren;
  wide?: boolean;
}) {
  return (
    <main class="auth">
      <div class={`auth-card${props.wide ? ' wide' : ''}`}>
        <div class="auth-brand">
          <Icon name="key" size={28} />
          <span>Keyroom</span>
        </div>
        <h1>{props.title}</h1>
        {props.subtitle && <p class="auth-subtitle">{props.subtitle}</p>}
        {props.children}
      </div>
    </main>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div class="form-error" role="alert">
      <Icon name="alert" size={16} />
      <span>{message}</span>
    </div>
  );
}

// Why this PC is signed out or locked when the person did not do it here (signed out from another PC, the master
// password changed elsewhere). A status, not an alert: it is news, not a failure of what they just typed.
export function AuthNotice({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <div class="banner banner-warning auth-notice" role="status">
      <Icon name="alert" size={16} />
      <span>{message}</span>
    </div>
  );
}
