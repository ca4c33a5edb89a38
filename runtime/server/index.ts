export { ConfigError, loadBotsConfig, parseBotsConfig, type BotConfig, type BotsConfig } from './bots-config.js';
export { listenAddress, type ListenAddress } from './listen-address.js';
export { loadBots, ScenarioLoadError, type LoadedBot } from './load-bots.js';
export { startServer, type RunningServer, type ServeOptions } from './server.js';
export { readCallSettings, readSettings, SettingsError, tokenEnvName, webhookSecretEnvName, type Env, type Settings } from './settings.js';
