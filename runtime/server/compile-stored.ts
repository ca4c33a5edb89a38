/**
 * Compiling a stored scenario version. It imports nothing of the server, so the admin API (runtime/http) uses it
 * too without a cycle through runtime/server/index.
 */
import { compileScenario, emitMachineConfig, hasErrors, type Diagnostic, type IrScenario, type MachineConfig } from '../../compiler/index.js';
import type { BotScenario } from '../store/index.js';

/**
 * Compiles a stored version with this compiler (the stored machine may come from an older one): the config, or
 * none when the source no longer compiles, and every diagnostic.
 */
export function compileStored(scenario: Pick<BotScenario, 'botId' | 'format' | 'source'>): { config?: MachineConfig; ir?: IrScenario; diagnostics: readonly Diagnostic[] } {
  const result = compileScenario(scenario.source, { file: `${scenario.botId}.${scenario.format}` });
  if (!result.ir || hasErrors(result.diagnostics)) return { diagnostics: result.diagnostics };
  return { config: emitMachineConfig(result.ir), ir: result.ir, diagnostics: result.diagnostics };
}
