export { compileScenario, hasErrors, type CompileOptions, type CompileResult } from './compile.js';
export { catalog, type DiagnosticCode } from './diagnostics/catalog.js';
export {
  CHANNELS,
  CHANNEL_IDS,
  DEFAULT_CHANNELS,
  buttonLayout,
  isChannelId,
  isNumberedMenu,
  layoutOf,
  menuNumber,
  numberedMenu,
  textLimit,
  withMenu,
  type ButtonLayout,
  type ButtonTier,
  type ChannelCapabilities,
  type ChannelId,
  type MenuButton,
  type OutMediaKind,
} from './channels/index.js';
export type { Diagnostic, Loc, Severity } from './diagnostics/types.js';
export type {
  IrAssignment,
  IrBranch,
  IrButton,
  IrCall,
  IrCallBody,
  IrCallMethod,
  IrCallSave,
  IrCommand,
  IrCardSource,
  IrInput,
  IrInputType,
  IrMedia,
  IrMediaInput,
  IrMediaSource,
  IrRoute,
  IrScenario,
  IrStep,
  IrValidation,
  IrValueType,
  IrVariable,
} from './ir/types.js';
export { DEFAULT_ERROR_MESSAGES, defaultMediaError } from './ir/build.js';
export { DEFAULT_MAX_BYTES, parseSize, type FileExists } from './check/media.js';
export {
  CALL_RESULT_EVENT,
  COMMAND_EVENT,
  ENDED_STATE,
  INPUT_EVENT,
  NEW_STATE,
  emitMachineConfig,
  type ActionRef,
  type MachineConfig,
  type StateConfig,
  type TransitionConfig,
} from './emit/machine-config.js';
export { emitTypeScript } from './emit/typescript.js';
export { graphEdges, toDot, toMermaid, type GraphEdge } from './emit/graph.js';
export { graphModel, type GraphModel, type GraphNode, type GraphNodeKind } from './emit/graph-model.js';
export { layoutGraph, type GraphLayout, type LaidOutEdge, type LaidOutNode } from './emit/graph-layout.js';
export { DEFAULT_SVG_OPTIONS, toSvg, type SvgOptions } from './emit/graph-svg.js';
export { GRAPH_FORMATS, renderGraph, type GraphFormat } from './emit/graph-render.js';
export type { InputType, ScenarioAst } from './scenario/ast.js';
export { diagnosticsMarkdown } from './diagnostics/reference.js';
export {
  CONTACT_FIELDS,
  FILE_FIELDS,
  FILE_KINDS,
  LOCATION_FIELDS,
  MEDIA_INPUT_KINDS,
  OUT_FILE_KINDS,
  isFileKind,
  isMediaInputKind,
  type ContactValue,
  type FileKind,
  type FileValue,
  type LocationValue,
  type MediaFieldType,
  type MediaInputKind,
  type MediaValue,
  type OutFileKind,
  type StoredFile,
} from './semantics/media.js';
export { parseAnswer, type AnswerSpec, type ParsedAnswer } from './semantics/answers.js';
export { formatOf, readScenario, type ReadResult, type ScenarioFormat } from './read.js';
export { convertScenario, formatScn, withoutPlaces, type TextResult } from './convert.js';
export { printScn } from './print/scn.js';
export { printJson } from './print/json.js';
export { ScnComments } from './print/comments.js';
