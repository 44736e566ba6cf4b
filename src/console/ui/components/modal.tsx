import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface ModalProps {
  title: string;
  onClose(): void;
  children: ComponentChildren;
}

/**
 * A modal dialog on the native `<dialog>`: the browser traps focus inside, Esc closes it, and
 * focus returns to what opened it.
 */
export function Modal({ title, onClose, children }: ModalProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement as HTMLElement | null;
    element.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    element.addEventListener('cancel', cancel);
    return () => {
      element.removeEventListener('cancel', cancel);
      if (element.open) element.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog ref={dialog} class="modal" aria-labelledby={titleId}>
      <h2 id={titleId} class="modal__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
