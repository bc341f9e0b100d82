import { describe, expect, it } from 'vitest';
import { fromUtcInput, parseTags, toUtcInput, utc } from '../../../src/renderer/src/notes/format';

describe('note formatting', () => {
  // The seed's OOM kill: Jun 6 21:33:13 (the syslog prints no year; 2022 in the sample).
  const oom = Date.UTC(2022, 5, 6, 21, 33, 13);

  it('prints UTC like the viewer', () => {
    expect(utc(oom)).toBe('2022-06-06 21:33:13');
  });

  it('round-trips a datetime-local value as UTC, whatever the machine zone', () => {
    expect(toUtcInput(oom)).toBe('2022-06-06T21:33');
    expect(fromUtcInput('2022-06-06T21:33')).toBe(Date.UTC(2022, 5, 6, 21, 33));
    expect(fromUtcInput('')).toBeNull();
    expect(fromUtcInput('not a date')).toBeNull();
  });

  it('reads tags separated by ASCII or full-width commas', () => {
    expect(parseTags(' oom, 根因 ，flood,,oom ')).toEqual(['oom', '根因', 'flood']);
  });
});
