export { readConversationTests, type ConversationTest, type Expectation, type Turn } from './format.js';
export { runConversationTest, type Divergence, type TestResult } from './run.js';
