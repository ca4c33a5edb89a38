import { GraphClient as MetaGraphClient, type GraphAnswer, type UploadFile } from '../meta/index.js';

export { DEFAULT_GRAPH_ROOT, DEFAULT_GRAPH_VERSION, GraphNetworkError, type GraphAnswer } from '../meta/index.js';

/** Meta's Graph client with the Cloud API's media upload. */
export class GraphClient extends MetaGraphClient {
  /** POST /{phone-number-id}/media: multipart with `messaging_product`, `type` and the file, streamed. */
  upload(token: string, phoneNumberId: string, file: UploadFile): Promise<GraphAnswer> {
    return this.uploadMultipart(token, `${encodeURIComponent(phoneNumberId)}/media`, { messaging_product: 'whatsapp', type: file.mime }, { field: 'file', ...file });
  }
}
