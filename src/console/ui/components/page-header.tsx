import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface PageHeaderProps {
  title: string;
  subtitle?: ComponentChildren;
  actions?: ComponentChildren;
  /** Leave focus where a page put it (a search field); otherwise the heading takes it. */
  keepFocus?: boolean;
}

/**
 * The page's one h1. On arrival the heading takes the focus (unless the page focuses a field), so
 * after a hash navigation a screen reader announces the new page and Tab starts from its top.
 */
export function PageHeader({ title, subtitle, actions, keepFocus }: PageHeaderProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!keepFocus) heading.current?.focus({ preventScroll: true });
    document.title = `${title} · 员工后台`;
  }, [title, keepFocus]);
  return (
    <header class="page-header">
      <div>
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {subtitle ? <p class="page-header__subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div class="page-header__actions">{actions}</div> : null}
    </header>
  );
}
