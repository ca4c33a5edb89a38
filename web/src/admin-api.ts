/** The admin token of this browser and authenticated requests to the admin API. */
const TOKEN_KEY = 'scenarist.admin.token';

let token = '';
let unauthorized: () => void = () => undefined;

export class UnauthorizedError extends Error {}

export const adminToken = (): string => token;

export function setToken(value: string): void {
  token = value;
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Keeps the token of a link the server printed (#token=...) and takes it out of the address bar; false without one. */
export function takeLinkToken(): boolean {
  const given = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!given) return false;
  localStorage.setItem(TOKEN_KEY, given);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

/** The token from the link (once; then it lives in this browser only), else the one this browser kept. */
export function readToken(): string {
  takeLinkToken();
  token = localStorage.getItem(TOKEN_KEY) ?? '';
  return token;
}

export function onUnauthorized(fn: () => void): void {
  unauthorized = fn;
}

export async function api<T>(path: string, accept = 'application/json'): Promise<T> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}`, Accept: accept } });
  if (response.status === 401) {
    unauthorized();
    throw new UnauthorizedError('unauthorized');
  }
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${path}`);
  return (accept === 'application/json' ? response.json() : response.text()) as Promise<T>;
}

/** Blob URLs of stored files fetched with the token, by file id (a file's bytes never change): refreshes reuse them. */
const fileUrls = new Map<string, Promise<string>>();
const MAX_FILE_URLS = 200;

/** A stored file (GET /api/media/:id with the token) as a blob: URL the page can show or download. */
export function mediaUrl(id: string): Promise<string> {
  let hit = fileUrls.get(id);
  if (!hit) {
    if (fileUrls.size >= MAX_FILE_URLS) {
      const [oldest, url] = fileUrls.entries().next().value!;
      fileUrls.delete(oldest);
      void url.then(URL.revokeObjectURL, () => undefined);
    }
    hit = fetch(`/api/media/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${token}` } }).then(async (response) => {
      if (response.status === 401) unauthorized();
      if (!response.ok) throw new Error(`HTTP ${response.status} for file ${id}`);
      return URL.createObjectURL(await response.blob());
    });
    // A failure is not kept: the next view tries again.
    hit.catch(() => fileUrls.get(id) === hit && fileUrls.delete(id));
    fileUrls.set(id, hit);
  }
  return hit;
}
