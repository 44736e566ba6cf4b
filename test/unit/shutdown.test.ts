import { describe, expect, it } from 'vitest';
import { runShutdown } from '../../src/runtime/shutdown';

describe('runShutdown', () => {
  it('runs steps in order and keeps going after a failure', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const result = await runShutdown(
      [
        { name: 'http', run: async () => order.push('http') },
        {
          name: 'workers',
          run: async () => {
            order.push('workers');
            throw new Error('boom');
          },
        },
        { name: 'redis', run: async () => order.push('redis') },
      ],
      1_000,
      (name) => errors.push(name),
    );
    expect(order).toEqual(['http', 'workers', 'redis']);
    expect(errors).toEqual(['workers']);
    expect(result).toEqual({ ok: false, failed: ['workers'], timedOut: false });
  });

  it('gives up after the timeout when a step hangs', async () => {
    const started = Date.now();
    const result = await runShutdown([{ name: 'stuck', run: () => new Promise(() => {}) }], 100, () => {});
    expect(result.timedOut).toBe(true);
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
