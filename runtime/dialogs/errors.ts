/** The bot is not registered with this process (HTTP 404). */
export class UnknownBotError extends Error {
  override readonly name = 'UnknownBotError';
}

/** No adapter is registered for the platform (HTTP 404). */
export class UnknownPlatformError extends Error {
  override readonly name = 'UnknownPlatformError';
}

/** Other writers kept winning the compare-and-set; the platform should redeliver later (HTTP 503). */
export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}
