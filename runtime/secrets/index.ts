export { CredentialError, decryptSecret, deriveWebhookSecret, encryptSecret, type EncryptedSecret } from './credentials.js';
export { KeyError, keyIdOf, loadKeyring, parseKeyring, type Keyring } from './keyring.js';
