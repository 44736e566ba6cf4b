import { describe, expect, it } from 'vitest';
import { modelIntents } from '../../../../src/conversation/intents/model/model-intent';
import { trainIntentModel } from '../../../../src/conversation/intents/model/train-intent-model';
import { loadHeldOutExamples, loadTrainingExamples } from '../../../helpers/intent-examples';

/**
 * Floors under what the model reaches on the held-out part (97.9% overall, lowest intent 90.3%,
 * 682 messages; `npm run bench -- intents` prints the table), at issue 15's targets (≥ 95%
 * overall, no intent below 85%), so a change to the examples, features or training that costs
 * accuracy fails here.
 */
const OVERALL_FLOOR = 0.95;
const PER_INTENT_FLOOR = 0.85;

describe('intent model accuracy on the held-out examples', () => {
  const model = trainIntentModel(loadTrainingExamples());
  const results = loadHeldOutExamples().map((example) => ({
    ...example,
    predicted: model.classify(example.text).top.intent,
  }));

  it(`routes at least ${OVERALL_FLOOR * 100}% right overall`, () => {
    const right = results.filter((result) => result.predicted === result.intent).length;
    expect(right / results.length).toBeGreaterThanOrEqual(OVERALL_FLOOR);
  });

  it.each(modelIntents)(`routes at least ${PER_INTENT_FLOOR * 100}%% of %s right`, (intent) => {
    const mine = results.filter((result) => result.intent === intent);
    const right = mine.filter((result) => result.predicted === intent).length;
    expect(mine.length).toBeGreaterThan(0);
    expect(
      right / mine.length,
      mine
        .filter((r) => r.predicted !== intent)
        .map((r) => r.text)
        .join(' / '),
    ).toBeGreaterThanOrEqual(PER_INTENT_FLOOR);
  });
});
