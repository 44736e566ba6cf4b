import { Context, ProcessingMode } from 'mingo/core';
import type { Iterator } from 'mingo/lazy';
import { Lazy } from 'mingo/lazy';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { AnyObject, Options, PipelineOperator, QueryOperator } from 'mingo/types';
import { flatten, resolve } from 'mingo/util';
import { bsonEquals, bsonTypeRank, compareBson, RANK } from './bson-order';
import { indexKeyOf } from './index-key';
import { MongoCommandError } from './mongo-error';
import { sortDocuments } from './sort-documents';

/**
 * mingo options whose comparison operators follow MongoDB's BSON semantics. mingo compares
 * objects of unknown classes (ObjectId, Long, Decimal128) by constructor name and `toString()`,
 * which breaks numeric ordering of Long, equality of `Long(5)` with `5`, and the type bracketing
 * of range operators, so `$eq $ne $gt $gte $lt $lte $in $nin $type` and the `$sort` stage are
 * replaced; everything else is mingo's own. `collectionResolver` feeds `$lookup`.
 */
export function createMingoOptions(collectionResolver?: (name: string) => AnyObject[]): Partial<Options> {
  const context = Context.init({
    accumulator: accumulatorOperators,
    expression: expressionOperators,
    pipeline: { ...pipelineOperators, ...PIPELINE_OVERRIDES },
    projection: projectionOperators,
    query: { ...queryOperators, ...QUERY_OVERRIDES },
    window: windowOperators,
  });
  return {
    context,
    idKey: '_id',
    processingMode: ProcessingMode.CLONE_OFF,
    useStrictMode: true,
    // Scripts ($where, $function) would run arbitrary client JavaScript inside the server.
    scriptEnabled: false,
    ...(collectionResolver ? { collectionResolver } : {}),
  };
}

type Predicate = (actual: unknown, expected: unknown, depth: number) => boolean;

/** Same shape as mingo's processQuery: resolve the (dotted) selector, then test the value. */
function fieldOperator(predicate: Predicate, prepare?: (value: unknown) => unknown): QueryOperator {
  return ((selector: string, value: unknown) => {
    let depth = 0;
    for (let i = selector.indexOf('.'); i !== -1; i = selector.indexOf('.', i + 1)) depth++;
    const expected = prepare ? prepare(value) : value;
    return (doc: AnyObject) => predicate(resolve(doc, selector, { unwrapArray: true }), expected, depth);
  }) as unknown as QueryOperator;
}

function eq(actual: unknown, expected: unknown, depth: number): boolean {
  if (bsonEquals(actual, expected)) return true;
  if (Array.isArray(actual)) {
    if (actual.some((v) => bsonEquals(v, expected))) return true;
    return flatten(actual, depth).some((v) => bsonEquals(v, expected));
  }
  return false;
}

interface InSet {
  keys: Set<string>;
  regexes: RegExp[];
  hasNull: boolean;
}

function prepareIn(value: unknown): InSet {
  if (!Array.isArray(value)) throw MongoCommandError.badValue('$in needs an array');
  const set: InSet = { keys: new Set(), regexes: [], hasNull: false };
  for (const v of value) {
    if (v instanceof RegExp) set.regexes.push(v);
    else {
      if (v === null) set.hasNull = true;
      set.keys.add(indexKeyOf(v));
    }
  }
  return set;
}

function inMatch(actual: unknown, set: unknown, depth: number): boolean {
  const s = set as InSet;
  if (actual === undefined || actual === null) return s.hasNull;
  const test = (v: unknown) =>
    s.keys.has(indexKeyOf(v)) || (typeof v === 'string' && s.regexes.some((re) => re.test(v)));
  if (Array.isArray(actual)) {
    if (s.keys.has(indexKeyOf(actual))) return true;
    return actual.some(test) || flatten(actual, depth).some(test);
  }
  return test(actual);
}

/** Range operators only match values in the same type bracket, as in MongoDB. */
function range(ok: (c: number) => boolean): Predicate {
  return (actual, expected, depth) => {
    const rank = bsonTypeRank(expected);
    const test = (v: unknown) => bsonTypeRank(v) === rank && ok(compareBson(v, expected));
    if (Array.isArray(actual)) {
      if (rank === RANK.array && test(actual)) return true;
      return actual.some(test) || flatten(actual, depth).some(test);
    }
    return test(actual);
  };
}

const TYPE_ALIASES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  javascript: 13,
  symbol: 14,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/** BSON type number of a stored value. Integral JS numbers in int32 range serialise as int32. */
function bsonTypeNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 16 : 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 8;
  if (v === null) return 10;
  if (v === undefined) return 6;
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  if (v instanceof Uint8Array) return 5;
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return 7;
    case 'Long':
      return 18;
    case 'Decimal128':
      return 19;
    case 'Double':
      return 1;
    case 'Int32':
      return 16;
    case 'Binary':
      return 5;
    case 'Timestamp':
      return 17;
    case 'BSONRegExp':
      return 11;
    case 'MinKey':
      return -1;
    case 'MaxKey':
      return 127;
    case 'Code':
      return 13;
    case 'BSONSymbol':
      return 14;
    default:
      return 3;
  }
}

function prepareType(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((t): number[] => {
    if (t === 'number') return [1, 16, 18, 19];
    if (typeof t === 'number') return [t];
    const n = typeof t === 'string' ? TYPE_ALIASES[t] : undefined;
    if (n === undefined) throw MongoCommandError.badValue(`Unknown type name alias: ${String(t)}`);
    return [n];
  });
}

function typeMatch(actual: unknown, types: unknown): boolean {
  const wanted = types as number[];
  if (actual === undefined) return false;
  if (Array.isArray(actual)) {
    if (wanted.includes(4)) return true;
    return actual.some((v) => !Array.isArray(v) && wanted.includes(bsonTypeNumber(v)));
  }
  return wanted.includes(bsonTypeNumber(actual));
}

const QUERY_OVERRIDES = {
  $eq: fieldOperator(eq),
  $ne: fieldOperator((a, b, d) => !eq(a, b, d)),
  $in: fieldOperator(inMatch, prepareIn),
  $nin: fieldOperator((a, b, d) => !inMatch(a, b, d), prepareIn),
  $gt: fieldOperator(range((c) => c > 0)),
  $gte: fieldOperator(range((c) => c >= 0)),
  $lt: fieldOperator(range((c) => c < 0)),
  $lte: fieldOperator(range((c) => c <= 0)),
  $type: fieldOperator(typeMatch, prepareType),
};

const SIMPLE_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

/**
 * Compiles filters made only of field conditions with `$eq $ne $gt $gte $lt $lte $in $nin
 * $exists` (the shape of nearly every application query) straight from the operators above.
 * mingo's Query copies its whole operator registry on every construction, which dominated the
 * cost of small commands. Returns undefined for anything else; callers then use mingo's Query.
 */
export function compileSimpleFilter(filter: AnyObject): ((doc: AnyObject) => boolean) | undefined {
  const predicates: Array<(doc: AnyObject) => boolean> = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$')) return undefined;
    if (cond instanceof RegExp) return undefined;
    const isPlain =
      cond !== null && typeof cond === 'object' && Object.getPrototypeOf(cond) === Object.prototype;
    const ops = isPlain ? Object.keys(cond) : [];
    if (isPlain && ops.some((op) => op.startsWith('$'))) {
      for (const op of ops) {
        if (!SIMPLE_OPERATORS.has(op)) return undefined;
        const value = (cond as AnyObject)[op];
        if (op === '$exists') {
          predicates.push(existsPredicate(field, value));
          continue;
        }
        if ((op === '$in' || op === '$nin') && !Array.isArray(value)) return undefined;
        if (value instanceof RegExp) return undefined;
        const make = QUERY_OVERRIDES[op as keyof typeof QUERY_OVERRIDES] as unknown as (
          selector: string,
          value: unknown,
        ) => (doc: AnyObject) => boolean;
        predicates.push(make(field, value));
      }
    } else {
      predicates.push(
        (QUERY_OVERRIDES.$eq as unknown as (s: string, v: unknown) => (doc: AnyObject) => boolean)(
          field,
          cond,
        ),
      );
    }
  }
  if (predicates.length === 1) return predicates[0];
  return (doc) => {
    for (const p of predicates) if (!p(doc)) return false;
    return true;
  };
}

function existsPredicate(field: string, value: unknown): (doc: AnyObject) => boolean {
  const make = queryOperators.$exists as unknown as (
    s: string,
    v: unknown,
    o: unknown,
  ) => (doc: AnyObject) => boolean;
  return make(field, value, {});
}

const PIPELINE_OVERRIDES = {
  $sort: ((coll: Iterator, spec: Record<string, unknown>) =>
    coll.transform((docs: AnyObject[]) => Lazy(sortDocuments(docs, spec)))) as unknown as PipelineOperator,
};
