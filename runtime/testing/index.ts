export { readConversationTests, type ConversationTest, type Turn } from './format.js';
export { runConversationTest, type Divergence, type TestResult } from './run.js';
