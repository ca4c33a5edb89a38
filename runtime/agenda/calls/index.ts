// HTTP calls of the agenda: the client (undici), the server-side request forgery guard, secrets.

export { CALL_DEFAULTS, callResultEvent, HttpCallClient, type CallAttempt, type CallClient, type CallResult, type HttpCallClientOptions } from './client.js';
export { CallRefusedError, DEFAULT_CALL_POLICY, guardedLookup, isPrivateAddress, type CallPolicy } from './guard.js';
export { backoffMs, CALL_BACKOFF_MS, isIdempotent, requestOf } from './request.js';
export { envSecrets, fillSecrets, SECRET_ENV_PREFIX, secretNames, type BotSecretResolver, type SecretLookup, type SecretSource } from './secrets.js';
