export { DELIVERY_DEFAULTS, Delivery, type DeliveryOptions } from './delivery.js';
export { UnknownBotError, UnknownPlatformError, WriteConflictError } from './errors.js';
export { Mailboxes } from './mailbox.js';
export { DialogManager, type DialogManagerOptions, type IncomingMessage, type IncomingResult, type OutgoingMessage } from './manager.js';
export { nextState, type TurnOutcome } from './next-state.js';
export { DialogRegistry, REGISTRY_DEFAULTS, type RegistryOptions } from './registry.js';
export { DialogEvents, type CallOutcome, type DialogEvent, type DialogListener } from './events.js';
export { isSensitiveStep, sensitiveVariables } from './logging.js';
export type { WebhookAnswer } from './manager.js';
