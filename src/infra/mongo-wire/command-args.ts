import type { Document } from 'bson';
import { MongoCommandError } from './mongo-error';

/**
 * Typed access to command fields, answering malformed ones with MongoDB's error codes.
 * Numeric fields may arrive as int32, double or Long depending on the client.
 */
export function numberArg(command: Document, field: string, fallback?: number): number | undefined {
  const v = command[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const bsontype = (v as { _bsontype?: string })._bsontype;
  if (bsontype === 'Long' || bsontype === 'Int32' || bsontype === 'Double' || bsontype === 'Decimal128') {
    return Number(String(v));
  }
  throw MongoCommandError.typeMismatch(`Field '${field}' must be numeric`);
}

export function documentArg(command: Document, field: string): Document | undefined {
  const v = command[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw MongoCommandError.typeMismatch(`Field '${field}' must be a document`);
  }
  return v as Document;
}

export function arrayArg(command: Document, field: string): Document[] {
  const v = command[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw MongoCommandError.typeMismatch(`Field '${field}' must be an array`);
  return v as Document[];
}

/** The collection name carried as the value of the command's first field. */
export function collectionArg(command: Document, commandName: string): string {
  const v = command[commandName];
  if (typeof v !== 'string' || v.length === 0) {
    throw new MongoCommandError(73, 'InvalidNamespace', `collection name has invalid type ${typeof v}`);
  }
  return v;
}
