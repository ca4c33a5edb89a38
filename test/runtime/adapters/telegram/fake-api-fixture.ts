import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { TelegramApiError } from '../../../../runtime/adapters/telegram/index.js';
import { FakeBotApi } from '../../../../runtime/testing/fake-bot-api.js';

/** A fake Bot API for the file's tests, reset before each; `api()` reads it once started. */
export function useFakeBotApi(): () => FakeBotApi {
  let api: FakeBotApi | undefined;
  beforeAll(async () => {
    api = await FakeBotApi.start();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(() => api?.reset());
  return () => api!;
}

/** The TelegramApiError a promise rejects with; fails the test when it resolves or leaks `secret`. */
export async function apiRejection(promise: Promise<unknown>, secret: string): Promise<TelegramApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TelegramApiError);
  expect((err as Error).message).not.toContain(secret);
  return err as TelegramApiError;
}
