import { join } from 'node:path';
import type { IntentExample } from '../../src/conversation/intents/model/train-intent-model';
import { loadIntentExamples, TRAINING_EXAMPLES_DIR } from '../../src/services/intent-examples';

/** The training part lives in the source tree (the runtime trains on it at start-up). */
export { TRAINING_EXAMPLES_DIR };

/** The held-out part: `heldout/<intent>.txt`, never read by the runtime nor trained on. */
export const HELD_OUT_EXAMPLES_DIR = join(import.meta.dirname, '..', 'fixtures', 'intents', 'heldout');

/** The examples the model trains on (the same files the runtime reads). */
export function loadTrainingExamples(dir = TRAINING_EXAMPLES_DIR): IntentExample[] {
  return loadIntentExamples(dir);
}

/** The held-out part: phrasings written apart from the training ones, for the bench and tests only. */
export function loadHeldOutExamples(dir = HELD_OUT_EXAMPLES_DIR): IntentExample[] {
  return loadIntentExamples(dir);
}
