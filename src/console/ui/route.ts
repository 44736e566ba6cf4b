import { useEffect, useState } from 'preact/hooks';

/** A hash route: `#/members/abc?x=1` → `{ parts: ['members', 'abc'], query }`. */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return {
    parts: path
      .split('/')
      .filter(Boolean)
      .map((part) => decodeURIComponent(part)),
    query: new URLSearchParams(search),
  };
}

/** The current hash route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    // A change between the first render and this listener would otherwise be missed.
    update();
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** `#/a/b` for the parts, each encoded. */
export function href(...parts: (string | number)[]): string {
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;
}

export function navigate(to: string): void {
  location.hash = to.startsWith('#') ? to : `#${to}`;
}
