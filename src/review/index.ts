export { Journal, type LabelEntry, replayJournal } from "./journal.js";
export { labelsText, latestLabels, writeLabelsDurably } from "./labels-file.js";
export { LockError, ReviewLock } from "./lock.js";
export { RowLines } from "./row-lines.js";
export { order, SAMPLE_MODES, type SampleMode } from "./sampling.js";
export { checkLabel, type ReviewScale, scaleValues } from "./scale.js";
export { type ReviewServer, startReviewServer } from "./server.js";
export { ReviewError, ReviewSession, type SessionOptions } from "./session.js";
