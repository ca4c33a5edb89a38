export { InspectorPortError, startInspector, type InspectorOptions, type RunningInspector } from './inspector.js';
export { maskInputEvent } from './mask-input.js';
