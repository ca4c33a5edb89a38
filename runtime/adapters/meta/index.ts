export { checkSignature, signBody, answerVerification, type SignatureCheck, type VerificationAnswer } from './webhook.js';
export { readGraphError, redact, graphErrorName, type GraphError } from './graph-error.js';
export { GraphClient, GraphNetworkError, DEFAULT_GRAPH_ROOT, DEFAULT_GRAPH_VERSION, type GraphAnswer, type UploadFile } from './graph-client.js';
export { bounded, discard } from './download.js';
