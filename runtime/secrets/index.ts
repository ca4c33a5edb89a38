export { CredentialError, decryptSecret, deriveWebhookSecret, encryptSecret, isStale, openSecret, type EncryptedSecret, type OpenedSecret } from './credentials.js';
export { KeyError, keyIdOf, loadKeyring, parseKeyring, type Keyring } from './keyring.js';
export {
  BotSecrets,
  deleteBotSecret,
  listBotSecrets,
  MAX_SECRET_LENGTH,
  putBotSecret,
  readBotSecret,
  SECRET_NAME,
  secretNameProblem,
  secretPlatform,
  secretValueProblem,
  type BotSecretsOptions,
  type SecretLookup,
  type SecretSummary,
} from './bot-secrets.js';
