import { describe, expect, it } from 'vitest';
import { addSecretValues } from '../../../runtime/log/index.js';
import { captureLogger } from '../../support/capture-logger.js';

describe('secret values of the calls', () => {
  it('are masked in every later line: messages, fields, identifiers and errors', () => {
    const { logger, lines } = captureLogger('debug');
    logger.info({ header: 'Bearer value-of-a-secret-91' }, 'before');
    expect(JSON.stringify(lines.at(-1))).toContain('value-of-a-secret-91');
    addSecretValues(['value-of-a-secret-91', 'ab']);
    logger.info({ header: 'Bearer value-of-a-secret-91', step: 'x value-of-a-secret-91', err: new Error('sent value-of-a-secret-91') }, 'auth value-of-a-secret-91');
    const line = JSON.stringify(lines.at(-1));
    expect(line).not.toContain('value-of-a-secret-91');
    expect(lines.at(-1)!['header']).toBe('Bearer ***');
    // Too short to mask without masking ordinary words.
    logger.info('a tab');
    expect(lines.at(-1)!['msg']).toBe('a tab');
  });
});
