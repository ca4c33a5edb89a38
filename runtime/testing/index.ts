export { readConversationTests, type ConversationTest, type Expectation, type MediaCheck, type MediaSend, type Turn } from './format.js';
export { runConversationTest, type Divergence, type RunOptions, type TestResult } from './run.js';
export { VirtualAgenda, type FiredTimer } from './virtual-time.js';
export { LocalMedia, type LocalFile } from './media.js';
export { channelView, partsMatch, readBack, type ChannelMessage, type ChannelView, type ReadBack, type ShownButton } from './channel-view.js';
