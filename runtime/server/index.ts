export { ConfigError, loadBotsConfig, parseBotsConfig, type BotConfig, type BotsConfig } from './bots-config.js';
export { listenAddress, type ListenAddress } from './listen-address.js';
export { loadBots, ScenarioLoadError, type LoadedBot } from './load-bots.js';
export { startServer, type RunningServer, type ServeOptions } from './server.js';
export { readCallSettings, readMediaSettings, readSettings, SettingsError, tokenEnvName, webhookSecretEnvName, type Env, type MediaSettings, type S3Settings, type Settings } from './settings.js';
