/** One problem with one field, as the staff API reports it (`path` like `audience.maxPoints`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A refusal or failure of the staff API, carrying the server's Chinese message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null,
    readonly issues: FieldIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message with the field problems after it, for a single line of text. */
  get fullMessage(): string {
    if (this.issues.length === 0) return this.message;
    return `${this.message}：${this.issues.map((i) => i.message).join('；')}`;
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  /** Posts a text file as it is (a member list as CSV or JSON lines). */
  postText<T>(path: string, text: string, contentType: string): Promise<T>;
  /** Fetches a file with the key and saves it under `filename` (a CSV report). */
  download(path: string, filename: string): Promise<void>;
}

const BASE = '/api/v1';

/**
 * The staff API with one key. Every call sends `Authorization: Bearer <key>`; a 401 means the key
 * no longer works (`onUnauthorized` signs out), any other error becomes an ApiError.
 */
export function createApi(key: string, onUnauthorized: () => void): Api {
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    text?: { body: string; contentType: string },
  ): Promise<Response> => {
    let response: Response;
    const payload = text
      ? { contentType: text.contentType, body: text.body }
      : body === undefined
        ? null
        : { contentType: 'application/json', body: JSON.stringify(body) };
    try {
      response = await fetch(`${BASE}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload ? { 'content-type': payload.contentType } : {}),
        },
        ...(payload ? { body: payload.body } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试', null, []);
    }
    if (response.ok) return response;
    const error = await errorOf(response);
    if (response.status === 401) onUnauthorized();
    throw error;
  };
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await send(method, path, body);
    return (await response.json()) as T;
  };
  return {
    get: (path) => json('GET', path),
    post: (path, body) => json('POST', path, body ?? {}),
    patch: (path, body) => json('PATCH', path, body),
    async postText(path, text, contentType) {
      return (await (await send('POST', path, undefined, { body: text, contentType })).json()) as never;
    },
    async download(path, filename) {
      const blob = await (await send('GET', path)).blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
  };
}

/** Checks a key against `GET /me` without signing anything in. */
export async function whoAmI(key: string): Promise<{ role: StaffRole; storeId: string | null }> {
  return createApi(key, () => {}).get('/me');
}

export type StaffRole = 'store' | 'marketing' | 'admin';

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status alone tells the story.
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  const details = (error?.details as Record<string, unknown> | undefined) ?? null;
  const issues = (error?.issues ?? details?.issues ?? []) as FieldIssue[];
  const fallback =
    response.status >= 500 ? '服务器暂时无法处理，请稍后再试' : `请求未成功（${response.status}）`;
  return new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : 'http_error',
    typeof error?.message === 'string' ? error.message : fallback,
    details,
    Array.isArray(issues) ? issues : [],
  );
}
