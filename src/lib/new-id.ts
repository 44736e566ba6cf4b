import { ObjectId } from 'bson';

/** A new 24-hex id in MongoDB's ObjectId form (time-ordered, unique without coordination). */
export function newId(): string {
  return new ObjectId().toHexString();
}
