import { type Inputs, useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  /** Loads again (keeping the data shown meanwhile); resolves when done. */
  reload(): Promise<void>;
  /** Replaces the data with an answer already in hand (after an action returned it). */
  set(data: T): void;
}

/**
 * Loads `load()` when `inputs` change, and again every `pollMs` while `pollMs` is set (a progress
 * view refreshing itself). An answer that arrives after a newer load started is dropped, so a
 * slow response never overwrites a fresher one.
 */
export function useLoad<T>(load: () => Promise<T>, inputs: Inputs, pollMs: number | null = null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  // The caller's inputs decide when to load again.
  useEffect(() => {
    setData(null);
    void reload();
  }, inputs);

  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [pollMs, reload]);

  const set = useCallback((value: T) => {
    generation.current++;
    setData(value);
    setError(null);
    setLoading(false);
  }, []);

  return { data, error, loading, reload, set };
}
