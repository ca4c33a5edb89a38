import type { InspectionEvent } from 'xstate';
import { MASK } from '../log/index.js';

/** An input event of a turn at a sensitive step, with its text and button value masked. */
export function maskInputEvent(event: InspectionEvent): InspectionEvent {
  if (event.type !== '@xstate.event') return event;
  const e = event.event as { type: string; text?: unknown; press?: unknown };
  if (e.type !== 'user.input') return event;
  return { ...event, event: { ...e, ...(e.text !== undefined ? { text: MASK } : {}), ...(e.press !== undefined ? { press: MASK } : {}) } };
}
