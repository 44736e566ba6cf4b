import { ApiError } from '../api';

/** What went wrong, in the server's own Chinese words when the API said it. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.fullMessage;
  if (error instanceof Error) return `出错了：${error.message}`;
  return '出错了，请稍后再试';
}

/** An error announced to screen readers as it appears. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div class="alert alert--danger" role="alert">
      {errorText(error)}
    </div>
  );
}
