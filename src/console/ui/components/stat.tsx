import type { ComponentChildren } from 'preact';

/** One figure with its name, in a grid of figures (`<dl>`, so the pairs are read together). */
export function Stats({
  items,
  label,
}: {
  label: string;
  items: { name: string; value: ComponentChildren; note?: string }[];
}) {
  return (
    <dl class="stats" aria-label={label}>
      {items.map((item) => (
        <div class="stat" key={item.name}>
          <dt>{item.name}</dt>
          <dd>
            {item.value}
            {item.note ? <span class="stat__note">{item.note}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
