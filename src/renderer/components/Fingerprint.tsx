// A fingerprint laid out for comparing by eye or reading aloud: groups of five digits in a monospace grid.
export function Fingerprint({ value, label }: { value: string; label: string }) {
  return (
    <figure class="fingerprint">
      <figcaption>{label}</figcaption>
      <div class="fingerprint-groups mono">
        {value.split(' ').map((g, i) => (
          <span key={`${i}-${g}`}>{g} </span>
        ))}
      </div>
    </figure>
  );
}
