import { estimateStrength } from '../state/generator';

export function StrengthMeter({ password }: { password: string }) {
  const { score, label } = estimateStrength(password);
  if (password.length === 0) return null;
  return (
    <div class={`strength strength-${score}`}>
      <div class="strength-bar" aria-hidden="true">
        {[0, 1, 2, 3, 4].map((i) => (
          <span key={i} class={i <= score ? 'on' : ''} />
        ))}
      </div>
      <span class="strength-label">
        <span class="sr-only">Password strength: </span>
        {label}
      </span>
    </div>
  );
}
