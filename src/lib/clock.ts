/** The current time, injected everywhere a service needs "now"; tests pass a controlled one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
