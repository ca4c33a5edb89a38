export { WebChatHub } from './hub.js';
export { acceptedTypes, expectsOf, kindFor, kindOfType, type ChatExpects } from './file-kinds.js';
export { FILE_ID, MAX_FILES, MAX_TEXT_LENGTH, parseWebChatUpdate, SESSION_ID, type WebChatFile, type WebChatUpdate } from './parse-update.js';
export { WebChatAdapter } from './webchat-adapter.js';
