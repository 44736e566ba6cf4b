import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { TextField } from '../components/field';

interface SignInProps {
  notice: string | null;
  onSignIn(key: string): Promise<void>;
}

/** Paste the staff key; a wrong one is answered in plain Chinese, and the key is not kept. */
export function SignIn({ notice, onSignIn }: SignInProps) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    document.title = '登录 · 员工后台';
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('请输入员工密钥');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(trimmed);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? '员工密钥不正确，请检查后重新输入（注意不要多复制空格或换行）'
          : err instanceof ApiError
            ? err.fullMessage
            : '登录失败，请稍后再试',
      );
      setBusy(false);
      input.current?.select();
    }
  };

  return (
    <main class="sign-in">
      <form class="card sign-in__card" onSubmit={submit} noValidate>
        <h1>员工后台登录</h1>
        <p class="muted">请粘贴管理员发给您的员工密钥。密钥只保存在当前浏览器标签页中，关闭后需重新登录。</p>
        {notice ? (
          <p class="alert alert--info" role="status">
            {notice}
          </p>
        ) : null}
        <TextField
          label="员工密钥"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={key}
          onValue={setKey}
          error={error}
          inputRef={input}
        />
        <button type="submit" class="button button--primary button--block" disabled={busy}>
          {busy ? '正在登录…' : '登录'}
        </button>
      </form>
    </main>
  );
}
