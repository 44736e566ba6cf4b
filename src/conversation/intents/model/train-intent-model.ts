import { messageFeatures } from './message-features';
import type { ModelIntent } from './model-intent';

export interface IntentExample {
  text: string;
  intent: ModelIntent;
}

export interface IntentScore {
  intent: ModelIntent;
  /** Probability (0–1, all intents sum to 1) that the message means this intent. */
  score: number;
}

export interface Classification {
  /** Every trained intent, best first (ties broken by intent name, so the order is stable). */
  ranked: IntentScore[];
  top: IntentScore;
  /** `top.score` minus the runner-up's: small when two intents are about equally likely. */
  margin: number;
}

export interface IntentModel {
  readonly intents: readonly ModelIntent[];
  classify(text: string): Classification;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** Seed of the example order shuffled each epoch (a fixed seed keeps training deterministic). */
  seed: number;
}

export const defaultTrainOptions: TrainOptions = { epochs: 12, learningRate: 4, seed: 15 };

const NEGLIGIBLE_GRADIENT = 1e-6;

interface SparseVector {
  ids: Int32Array;
  values: Float64Array;
}

/**
 * Trains a multinomial logistic regression (softmax) over character n-gram and pinyin-initial
 * features (`messageFeatures`) by stochastic gradient descent. Pure and deterministic: the same
 * examples in the same order and the same options give the same weights, hence the same scores;
 * nothing is downloaded or read, the examples are the whole input.
 */
export function trainIntentModel(
  examples: readonly IntentExample[],
  options: TrainOptions = defaultTrainOptions,
): IntentModel {
  if (examples.length === 0) throw new Error('trainIntentModel: no examples');
  const intents = [...new Set(examples.map((example) => example.intent))].sort();
  const classes = intents.length;
  const classOf = new Map(intents.map((intent, index) => [intent, index]));
  const vocabulary = new Map<string, number>();
  const rows = examples.map((example) => vectorize(messageFeatures(example.text), vocabulary, true));
  const labels = Int32Array.from(examples, (example) => classOf.get(example.intent)!);

  // Feature-major layout: a feature's weights for every class sit together.
  const weights = new Float64Array(vocabulary.size * classes);
  const bias = new Float64Array(classes);
  const scores = new Float64Array(classes);
  const activeClasses = new Int32Array(classes);
  const order = Int32Array.from(examples, (_, index) => index);
  const random = seededRandom(options.seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rate = options.learningRate / (1 + epoch * 0.1);
    for (const index of order) {
      const row = rows[index]!;
      softmax(row, weights, bias, scores);
      scores[labels[index]!]! -= 1; // now the gradient of the loss with respect to each class score
      // Once an example is learnt most class gradients are ~0; updating only the others keeps
      // training fast (the skipped steps are below 1e-6 of the weights' scale).
      let active = 0;
      for (let c = 0; c < classes; c++) {
        if (Math.abs(scores[c]!) < NEGLIGIBLE_GRADIENT) continue;
        bias[c]! -= rate * scores[c]!;
        activeClasses[active++] = c;
      }
      for (let k = 0; k < row.ids.length; k++) {
        const base = row.ids[k]! * classes;
        const step = rate * row.values[k]!;
        for (let a = 0; a < active; a++) {
          const c = activeClasses[a]!;
          weights[base + c]! -= step * scores[c]!;
        }
      }
    }
  }

  return {
    intents,
    classify(text) {
      const probabilities = new Float64Array(classes);
      softmax(vectorize(messageFeatures(text), vocabulary, false), weights, bias, probabilities);
      const ranked = intents
        .map((intent, c) => ({ intent, score: probabilities[c]! }))
        .sort((a, b) => b.score - a.score || (a.intent < b.intent ? -1 : 1));
      const top = ranked[0]!;
      return { ranked, top, margin: top.score - (ranked[1]?.score ?? 0) };
    },
  };
}

/** Sublinear counts (1 + ln n), unit length; unknown features are dropped unless `grow`. */
function vectorize(
  features: Map<string, number>,
  vocabulary: Map<string, number>,
  grow: boolean,
): SparseVector {
  const ids: number[] = [];
  const values: number[] = [];
  let norm = 0;
  for (const [feature, count] of features) {
    let id = vocabulary.get(feature);
    if (id === undefined) {
      if (!grow) continue;
      id = vocabulary.size;
      vocabulary.set(feature, id);
    }
    const value = 1 + Math.log(count);
    ids.push(id);
    values.push(value);
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { ids: Int32Array.from(ids), values: Float64Array.from(values, (value) => value * scale) };
}

/** Class probabilities of one row into `out`. */
function softmax(row: SparseVector, weights: Float64Array, bias: Float64Array, out: Float64Array): void {
  const classes = bias.length;
  out.set(bias);
  for (let k = 0; k < row.ids.length; k++) {
    const base = row.ids[k]! * classes;
    const value = row.values[k]!;
    for (let c = 0; c < classes; c++) out[c]! += weights[base + c]! * value;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) max = Math.max(max, out[c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    out[c] = Math.exp(out[c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < classes; c++) out[c]! /= sum;
}

/** Park–Miller minimal standard generator: a fixed seed gives a fixed shuffle on every machine. */
function seededRandom(seed: number): () => number {
  let state = (Math.abs(Math.trunc(seed)) % 2_147_483_646) + 1;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return (state - 1) / 2_147_483_646;
  };
}
