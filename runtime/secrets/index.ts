export { CredentialError, decryptSecret, deriveWebhookSecret, encryptSecret, isStale, openSecret, type EncryptedSecret, type OpenedSecret } from './credentials.js';
export { KeyError, keyIdOf, loadKeyring, parseKeyring, type Keyring } from './keyring.js';
