import type { Job } from 'bullmq';
import type { Services } from '../src/services/services';

/** A thin processor: validate the payload, call one service, return a small result. */
export type JobProcessor = (job: Job, services: Services) => Promise<unknown>;
