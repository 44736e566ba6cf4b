/**
 * Shapes of the identifiers that appear both in the environment and in the program file.
 *
 * Store ids come from the dealer's DMS, which often uses upper-case codes such as `BJ001`, so they
 * are more permissive than the codes we invent ourselves (tiers, categories, rewards), which are
 * kebab-case so they read well in URLs, job ids and logs.
 */
export const identifierPatterns = {
  storeId: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
  code: /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
} as const;
