import type { ComponentChildren } from 'preact';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** A small status label; the words carry the meaning, the colour only helps. */
export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return <span class={`badge badge--${tone}`}>{children}</span>;
}
