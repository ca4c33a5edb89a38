export {
  CHANNELS,
  CHANNEL_IDS,
  DEFAULT_CHANNELS,
  isChannelId,
  type ButtonLayout,
  type ButtonTier,
  type ChannelCapabilities,
  type ChannelId,
  type OutMediaKind,
} from './table.js';
export { buttonLayout, textLimit } from './layout.js';
export { isNumberedMenu, layoutOf, menuNumber, numberedMenu, withMenu, type MenuButton } from './menu.js';
