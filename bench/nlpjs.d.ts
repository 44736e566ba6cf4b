// NLP.js ships no types; the bench uses this much of it (a candidate measured against our model).
declare module '@nlpjs/nlp' {
  export class Nlp {
    constructor(settings?: Record<string, unknown>);
    use(plugin: unknown): void;
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(
      locale: string,
      utterance: string,
    ): Promise<{ intent: string; score: number; classifications: { intent: string; score: number }[] }>;
  }
}
declare module '@nlpjs/lang-zh' {
  export const LangZh: unknown;
}
