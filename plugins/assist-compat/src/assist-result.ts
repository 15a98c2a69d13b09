/** One order of the push (and the first fields of every answer's order), every value a string exactly as the checkvalue signs it. */
export type AssistOrderFields = Readonly<Record<string, string>>;

// The answers themselves are written by assist-answer.ts (sendAssistAnswer / sendAssistFailure).
export { escapeXml } from './answers/assist-answer-render';
