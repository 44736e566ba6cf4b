import { useCallback, useEffect, useState } from 'preact/hooks';
import { createApi, whoAmI } from './api';
import { ConfirmProvider } from './components/confirm';
import { ToastProvider } from './components/toasts';
import { SignIn } from './pages/sign-in';
import { type Session, SessionContext, savedKey } from './session';
import { Shell } from './shell';
import type { ProgramInForce } from './types';

type State =
  | { step: 'checking' }
  | { step: 'signed-out'; notice: string | null }
  | { step: 'signed-in'; session: Session };

/** The console: the sign-in page until a key works, then the shell with the role's sections. */
export function App() {
  const [state, setState] = useState<State>(() =>
    savedKey.read() ? { step: 'checking' } : { step: 'signed-out', notice: null },
  );

  const signOut = useCallback((notice?: string) => {
    savedKey.clear();
    setState({ step: 'signed-out', notice: notice ?? null });
  }, []);

  const signIn = useCallback(
    async (key: string): Promise<void> => {
      const me = await whoAmI(key);
      const api = createApi(key, () => signOut('密钥已失效，请重新登录'));
      const { program } = await api.get<ProgramInForce>('/program');
      savedKey.write(key);
      const reloadProgram = async () => {
        const fresh = await api.get<ProgramInForce>('/program');
        setState((s) =>
          s.step === 'signed-in'
            ? { step: 'signed-in', session: { ...s.session, program: fresh.program } }
            : s,
        );
      };
      setState({
        step: 'signed-in',
        session: { role: me.role, storeId: me.storeId, api, program, reloadProgram, signOut },
      });
    },
    [signOut],
  );

  // A reload in the same tab keeps the key: check it again silently.
  useEffect(() => {
    const key = savedKey.read();
    if (state.step !== 'checking' || !key) return;
    signIn(key).catch(() => signOut('请重新登录'));
  }, [state.step, signIn, signOut]);

  return (
    <ToastProvider>
      <ConfirmProvider>
        {state.step === 'checking' ? (
          <p class="boot">正在登录…</p>
        ) : state.step === 'signed-out' ? (
          <SignIn notice={state.notice} onSignIn={signIn} />
        ) : (
          <SessionContext.Provider value={state.session}>
            <Shell />
          </SessionContext.Provider>
        )}
      </ConfirmProvider>
    </ToastProvider>
  );
}
