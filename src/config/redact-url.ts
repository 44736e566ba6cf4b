/**
 * Replaces the password in a connection URI's user info with `***`.
 *
 * Works on strings rather than `URL` because a multi-host MongoDB URI (`mongodb://u:p@h1,h2/db`)
 * is not a WHATWG URL, and because it must also work on values that failed validation (even
 * `user:password@host` without a scheme). It errs towards hiding too much: an unencoded "/" in a
 * password must not leak it.
 */
export function redactUrl(uri: string): string {
  return uri.replace(
    /^((?:[a-z][a-z0-9+.-]*:)?\/\/|)([^@]*)@/i,
    (_match, scheme: string, userInfo: string) => {
      const colon = userInfo.indexOf(':');
      return colon === -1 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:***@`;
    },
  );
}
