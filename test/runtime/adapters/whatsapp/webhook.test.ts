import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerVerification, checkSignature, signBody } from '../../../../runtime/adapters/whatsapp/index.js';

const SECRET = 'app-secret-123';
const raw = Buffer.from('{"object":"whatsapp_business_account", "entry":[ ]}');
const header = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;

describe('X-Hub-Signature-256', () => {
  it('accepts the HMAC-SHA256 of the raw body with the app secret', () => {
    expect(checkSignature(raw, header, SECRET)).toEqual({ ok: true });
    expect(signBody(raw, SECRET)).toBe(header);
    expect(checkSignature(raw, header.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toEqual({ ok: true });
  });

  it('refuses a wrong signature, a wrong secret and a missing or malformed header', () => {
    expect(checkSignature(raw, signBody(raw, 'other'), SECRET)).toEqual({ ok: false, reason: 'mismatch' });
    expect(checkSignature(raw, `sha256=${'0'.repeat(64)}`, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
    expect(checkSignature(raw, undefined, SECRET)).toEqual({ ok: false, reason: 'missing' });
    expect(checkSignature(raw, '', SECRET)).toEqual({ ok: false, reason: 'missing' });
    expect(checkSignature(raw, 'sha1=abc', SECRET)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkSignature(raw, 'sha256=zz', SECRET)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses the signature of the raw body over the same JSON serialised again', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(reserialised.equals(raw)).toBe(false);
    expect(checkSignature(reserialised, header, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('takes the first of repeated headers', () => {
    expect(checkSignature(raw, [header, 'sha256=00'], SECRET)).toEqual({ ok: true });
  });
});

describe('webhook verification GET', () => {
  const q = (mode: string, token: string, challenge = '1158201444') => ({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge });

  it('echoes the challenge for subscribe with the right token', () => {
    expect(answerVerification(q('subscribe', 'verify-me'), 'verify-me')).toEqual({ ok: true, challenge: '1158201444' });
  });

  it('answers 403 for a wrong token or mode, 400 for missing parameters', () => {
    expect(answerVerification(q('subscribe', 'verify-mf'), 'verify-me')).toMatchObject({ ok: false, status: 403 });
    expect(answerVerification(q('subscribe', 'verify-me-longer'), 'verify-me')).toMatchObject({ ok: false, status: 403 });
    expect(answerVerification(q('unsubscribe', 'verify-me'), 'verify-me')).toMatchObject({ ok: false, status: 403 });
    expect(answerVerification({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me' }, 'verify-me')).toMatchObject({ ok: false, status: 400 });
    expect(answerVerification({}, 'verify-me')).toMatchObject({ ok: false, status: 400 });
  });
});
