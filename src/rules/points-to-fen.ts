/**
 * What `points` are worth in fen at the program's `redemption.pointsPerYuan` (100 points = ¥1 by
 * default), rounded down to a whole fen. Campaign liability and the liability report both value
 * points this way, so the figures a marketer sees in a preview and in the report agree.
 */
export function pointsToFen(points: number, pointsPerYuan: number): number {
  return Math.floor((points * 100) / pointsPerYuan);
}
