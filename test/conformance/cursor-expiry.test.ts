import { Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { CursorRegistry } from '../../src/infra/mongo-wire/cursor-registry';

// Unit-level: drives the embedded server's cursor registry with a fake clock (a real server
// would need ten idle minutes). Independent of MONGODB_URI.
describe('embedded cursor registry', () => {
  it('expires cursors idle for more than 10 minutes, keeps recently used ones', () => {
    let now = 0;
    const cursors = new CursorRegistry(() => now);
    try {
      const docs = Array.from({ length: 300 }, (_, i) => ({ i }));
      const idle = cursors.open('db.c', docs, {});
      const busy = cursors.open('db.c', docs, {});
      expect(idle.docs.length).toBe(101);
      now += 9 * 60_000;
      expect(cursors.getMore(busy.cursorId, 'db.c', 10)?.docs.length).toBe(10);
      now += 2 * 60_000;
      cursors.expireIdle();
      expect(cursors.getMore(idle.cursorId, 'db.c', 10)).toBeUndefined();
      expect(cursors.getMore(busy.cursorId, 'db.c', 10)?.docs[0]).toEqual({ i: 111 });
    } finally {
      cursors.close();
    }
  });

  it('batchSize 0 opens a cursor with an empty first batch; other namespaces cannot read it', () => {
    const cursors = new CursorRegistry();
    try {
      const batch = cursors.open('db.c', [{ a: 1 }], { batchSize: 0 });
      expect(batch.docs).toEqual([]);
      expect(batch.cursorId.isZero()).toBe(false);
      expect(cursors.getMore(batch.cursorId, 'db.other', 1)).toBeUndefined();
      const rest = cursors.getMore(batch.cursorId, 'db.c', 0);
      expect(rest?.docs).toEqual([{ a: 1 }]);
      expect(rest?.cursorId.isZero()).toBe(true);
      expect(cursors.kill(Long.fromNumber(42))).toBe(false);
    } finally {
      cursors.close();
    }
  });
});
