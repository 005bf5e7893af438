import { totpFraction } from '../state/format';

const R = 9;
const C = 2 * Math.PI * R;

// Countdown ring for the TOTP code: the arc shrinks as the code's period runs out.
export function TotpRing({ remaining, period }: { remaining: number; period: number }) {
  const fraction = totpFraction(remaining, period);
  return (
    <svg
      class={`totp-ring${remaining <= 5 ? ' ending' : ''}`}
      width="24"
      height="24"
      viewBox="0 0 24 24"
      aria-hidden="true"
    >
      <circle cx="12" cy="12" r={R} class="track" />
      <circle
        cx="12"
        cy="12"
        r={R}
        class="arc"
        stroke-dasharray={`${C}`}
        stroke-dashoffset={`${C * (1 - fraction)}`}
        transform="rotate(-90 12 12)"
      />
      <text x="12" y="15.5" text-anchor="middle">
        {remaining}
      </text>
    </svg>
  );
}
