import { CHANNELS, type ButtonLayout, type ButtonTier, type ChannelId } from './table.js';

/** How a channel shows a message's buttons: the first native tier they fit, else a numbered menu. */
export function buttonLayout(channel: ChannelId, titles: readonly string[]): { readonly layout: ButtonLayout; readonly tier?: ButtonTier } {
  for (const tier of CHANNELS[channel].buttonTiers) {
    if (titles.length > tier.maxCount) continue;
    if (tier.maxTitle !== undefined && titles.some((t) => t.length > tier.maxTitle!)) continue;
    return { layout: tier.layout, tier };
  }
  return { layout: 'numbered-menu' };
}

/** The longest text a message with these buttons carries in one part on the channel. */
export function textLimit(channel: ChannelId, layout: { readonly tier?: ButtonTier } | undefined): number | undefined {
  return layout?.tier?.maxText ?? CHANNELS[channel].maxText;
}
