import { estimateStrength, strengthOfBits } from '../state/generator';

/** `bits` when the entropy is known (a generated passphrase); otherwise estimated from the characters. */
export function StrengthMeter({ password, bits }: { password: string; bits?: number }) {
  const { score, label } = bits === undefined ? estimateStrength(password) : strengthOfBits(bits);
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
