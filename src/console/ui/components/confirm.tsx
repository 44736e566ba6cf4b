import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useState } from 'preact/hooks';
import { Modal } from './modal';

export interface ConfirmRequest {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
}

type Confirm = (request: ConfirmRequest) => Promise<boolean>;

const ConfirmContext = createContext<Confirm>(async () => false);

/** `await confirm({...})` anywhere: a modal question answered by its action or 返回 (or Esc). */
export function ConfirmProvider({ children }: { children: ComponentChildren }) {
  const [open, setOpen] = useState<{ request: ConfirmRequest; answer(yes: boolean): void } | null>(null);
  const confirm = useCallback<Confirm>(
    (request) =>
      new Promise<boolean>((resolve) => {
        setOpen({
          request,
          answer: (yes) => {
            setOpen(null);
            resolve(yes);
          },
        });
      }),
    [],
  );
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {open ? (
        <Modal title={open.request.title} onClose={() => open.answer(false)}>
          <div class="modal__body">{open.request.message}</div>
          <div class="actions">
            <button type="button" class="button" onClick={() => open.answer(false)}>
              返回
            </button>
            <button
              type="button"
              class={`button ${open.request.danger ? 'button--danger' : 'button--primary'}`}
              onClick={() => open.answer(true)}
            >
              {open.request.confirmLabel}
            </button>
          </div>
        </Modal>
      ) : null}
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Confirm {
  return useContext(ConfirmContext);
}
