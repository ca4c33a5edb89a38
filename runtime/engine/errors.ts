/** A bug or an impossible state inside the engine; keeps the cause. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
}

/** A stored snapshot that no longer fits its scenario (the scenario changed under a live dialog). */
export class SnapshotMismatchError extends Error {
  override readonly name = 'SnapshotMismatchError';
}
