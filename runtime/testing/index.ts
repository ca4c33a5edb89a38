export { readConversationTests, type ConversationTest, type Expectation, type Turn } from './format.js';
export { runConversationTest, type Divergence, type TestResult } from './run.js';
export { VirtualAgenda, type FiredTimer } from './virtual-time.js';
