import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { isModelIntent, type ModelIntent } from '../conversation/intents/model/model-intent';
import {
  type IntentExample,
  type IntentModel,
  trainIntentModel,
} from '../conversation/intents/model/train-intent-model';
import { runtimeFile } from '../lib/runtime-files';

/** The labelled member messages the intent model trains on: `<intent>.txt`, one message a line. */
export const TRAINING_EXAMPLES_DIR = runtimeFile('conversation/intents/examples');

const intentFile = z
  .string()
  .regex(/^[a-z_]+\.txt$/)
  .transform((name) => basename(name, '.txt'))
  .refine(isModelIntent, { message: 'file name is not a model intent' });

/**
 * Every `<intent>.txt` in `dir`, in name order; blank lines and lines starting with `#` are
 * skipped. A file whose name is not a model intent is an error (thrown at start-up).
 */
export function loadIntentExamples(dir = TRAINING_EXAMPLES_DIR): IntentExample[] {
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

let trained: IntentModel | null = null;

/**
 * The intent model trained on the source-tree examples: trained on first use (about a second),
 * then kept for the life of the process. Training is deterministic, so every process agrees.
 */
export function intentModel(): IntentModel {
  trained ??= trainIntentModel(loadIntentExamples());
  return trained;
}
