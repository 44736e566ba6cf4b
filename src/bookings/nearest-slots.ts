/**
 * The free slots nearest in time to the one asked for (a full slot is answered with these): the
 * `limit` closest by distance, earlier first on a tie, returned in time order.
 */
export function nearestFreeSlots<T extends { start: Date }>(
  free: readonly T[],
  wanted: Date,
  limit = 3,
): T[] {
  const at = wanted.getTime();
  return [...free]
    .filter((slot) => slot.start.getTime() !== at)
    .sort((a, b) => {
      const byDistance = Math.abs(a.start.getTime() - at) - Math.abs(b.start.getTime() - at);
      return byDistance !== 0 ? byDistance : a.start.getTime() - b.start.getTime();
    })
    .slice(0, limit)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}
