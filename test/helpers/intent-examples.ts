import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { isModelIntent, type ModelIntent } from '../../src/conversation/intents/model/model-intent';
import type { IntentExample } from '../../src/conversation/intents/model/train-intent-model';

/** Where the labelled member messages live: `train/<intent>.txt` and `heldout/<intent>.txt`. */
export const INTENT_EXAMPLES_DIR = join(import.meta.dirname, '..', 'fixtures', 'intents');

const intentFile = z
  .string()
  .regex(/^[a-z_]+\.txt$/)
  .transform((name) => basename(name, '.txt'))
  .refine(isModelIntent, { message: 'file name is not a model intent' });

/**
 * The examples the model trains on. Reads `train/` only: the held-out part is for measuring and
 * never reaches training (a test checks this with a root whose held-out files would show).
 */
export function loadTrainingExamples(root = INTENT_EXAMPLES_DIR): IntentExample[] {
  return readSplit(join(root, 'train'));
}

/** The held-out part: phrasings written apart from the training ones, for the bench and tests only. */
export function loadHeldOutExamples(root = INTENT_EXAMPLES_DIR): IntentExample[] {
  return readSplit(join(root, 'heldout'));
}

/** One message a line; blank lines and lines starting with `#` are skipped. Files in name order. */
function readSplit(dir: string): IntentExample[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .flatMap((name) => {
      const intent = intentFile.parse(name) as ModelIntent;
      return readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((text) => ({ text, intent }));
    });
}
