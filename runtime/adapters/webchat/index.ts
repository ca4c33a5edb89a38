export { WebChatHub } from './hub.js';
export { MAX_TEXT_LENGTH, parseWebChatUpdate, SESSION_ID, type WebChatUpdate } from './parse-update.js';
export { WebChatAdapter } from './webchat-adapter.js';
