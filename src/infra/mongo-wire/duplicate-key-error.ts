import { EJSON } from 'bson';
import { MongoCommandError } from './mongo-error';

/**
 * MongoDB's duplicate-key error (code 11000), with the message format of mongod 7.0
 * (`E11000 duplicate key error collection: db.coll index: name dup key: { field: "value" }`)
 * and the `keyPattern`/`keyValue` fields that drivers and mongoose expose on the error.
 */
export function duplicateKeyError(
  ns: string,
  indexName: string,
  keyPattern: Record<string, unknown>,
  keyValue: Record<string, unknown>,
): MongoCommandError {
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ');
  return new MongoCommandError(
    11000,
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: { ${shown} }`,
    { keyPattern, keyValue },
  );
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const bsontype = (v as { _bsontype?: string })._bsontype;
  if (bsontype === 'ObjectId') return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
  if (bsontype === 'Long') return String(v);
  if (bsontype === 'Decimal128') return `Decimal128("${String(v)}")`;
  return EJSON.stringify(v as never, { relaxed: true });
}
