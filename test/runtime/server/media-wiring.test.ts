import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PNG } from '../media/contract.js';
import { serverFixture, type ServerFixture } from '../../support/server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('the server and its media store', () => {
  it('keeps files on the disk under DATA_DIR/media by default and serves them to the admin', async () => {
    f = await serverFixture();
    expect(f.server.media.kind).toBe('disk');
    const put = await f.server.media.put([PNG], { maxBytes: 1000, name: 'logo.png' });
    const id = put.ok ? put.file.id : '';
    expect(existsSync(join(f.dir, 'data', 'media', id.slice(0, 2), id.slice(2, 4), id))).toBe(true);
    const res = await fetch(`${f.server.url}/api/media/${id}`, { headers: { authorization: `Bearer ${f.server.adminToken}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('puts MEDIA_DIR where it says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-dir-'));
    f = await serverFixture({ MEDIA_DIR: dir });
    const put = await f.server.media.put([PNG], { maxBytes: 1000 });
    expect(existsSync(join(dir, put.ok ? `${put.file.id.slice(0, 2)}/${put.file.id.slice(2, 4)}/${put.file.id}` : 'none'))).toBe(true);
  });
});
