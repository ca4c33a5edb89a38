// The webhook signature and verification are Meta's, shared with Messenger.
export { checkSignature, signBody, answerVerification, type SignatureCheck, type VerificationAnswer } from '../meta/index.js';
