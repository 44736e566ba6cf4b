import type { Document } from 'bson';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import { MongoCommandError } from './mongo-error';

/**
 * A find-style projection (inclusion, exclusion, `_id: 0`, `$slice`, `$elemMatch`, positional
 * `.$`) as a per-document function producing new objects; undefined when nothing is projected.
 * The filter is only needed by the positional operator.
 */
export function projectionOf(
  projection: Document | undefined,
  filter: Document,
  mingoOptions: Partial<Options>,
): ((doc: Document) => Document) | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  let query: Query;
  try {
    query = new Query(positional ? filter : {}, mingoOptions);
  } catch (err) {
    throw MongoCommandError.badValue(err instanceof Error ? err.message : String(err));
  }
  return (doc) => {
    try {
      return query.find([doc], projection).next() as Document;
    } catch (err) {
      throw MongoCommandError.badValue(err instanceof Error ? err.message : String(err));
    }
  };
}
