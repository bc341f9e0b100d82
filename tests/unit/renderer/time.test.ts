import { describe, expect, it } from 'vitest';
import { formatTime, parseGoto, zoneFromLine, zoneLabel } from '../../../src/renderer/src/time';

// The sample case: `Jun  6 21:33:13` printed by a machine at UTC+8, stored as 13:33:13 UTC.
const SAMPLE_TS = Date.UTC(2022, 5, 6, 13, 33, 13);
const CTX = { firstTs: SAMPLE_TS, lastTs: SAMPLE_TS + 39_000, offsetMin: 480 };

describe('zoneFromLine', () => {
  it('reads the offset back from a syslog line whose zone was assumed', () => {
    const text = 'Jun  6 21:33:13 video-stream kernel: stream_convert invoked oom-killer';
    expect(zoneFromLine(text, SAMPLE_TS, 'year-inferred')).toBe(480);
    expect(zoneFromLine(text, Date.UTC(2022, 5, 6, 21, 33, 13), 'zone-assumed')).toBe(0);
  });

  it('takes an ISO line’s printed offset', () => {
    expect(zoneFromLine('2024-03-01T10:00:00.123-05:30 h app: x', 0, 'exact')).toBe(-330);
  });

  it('says nothing for times converted from seconds since boot, or lines without a header', () => {
    expect(zoneFromLine('Jun  6 21:33:13 h k: x', SAMPLE_TS, 'boot-relative-converted')).toBeNull();
    expect(zoneFromLine('[  12.345] usb 1-1: new device', SAMPLE_TS, 'year-inferred')).toBeNull();
    expect(zoneFromLine('Jun  6 21:33:13 h k: x', null, 'none')).toBeNull();
  });

  it('handles New Year: a Dec 31 line stored in the next UTC year', () => {
    const ts = Date.UTC(2023, 0, 1, 1, 0, 0);
    expect(zoneFromLine('Dec 31 20:00:00 h app: x', ts, 'zone-assumed')).toBe(-300);
  });
});

describe('zoneLabel and formatTime', () => {
  it('labels UTC and offsets', () => {
    expect(zoneLabel(null)).toBe('UTC');
    expect(zoneLabel(0)).toBe('UTC');
    expect(zoneLabel(480)).toBe('UTC+08:00');
    expect(zoneLabel(-330)).toBe('UTC-05:30');
  });

  it('shows the time as the machine printed it, per locale', () => {
    expect(formatTime(SAMPLE_TS, 'en-US', 480)).toBe('06/06/2022, 21:33:13 UTC+08:00');
    expect(formatTime(SAMPLE_TS, 'zh-CN', 480)).toBe('2022/06/06 21:33:13 UTC+08:00');
    expect(formatTime(SAMPLE_TS, 'en-US', null)).toBe('06/06/2022, 13:33:13 UTC');
  });
});

describe('parseGoto', () => {
  it('reads line numbers', () => {
    expect(parseGoto('12345', CTX)).toEqual({ kind: 'line', lineId: 12345 });
    expect(parseGoto(' #7 ', CTX)).toEqual({ kind: 'line', lineId: 7 });
  });

  it('reads a syslog time without a year in the case’s zone and year', () => {
    expect(parseGoto('Jun 6 21:33', CTX)).toEqual({
      kind: 'time',
      ts: Date.UTC(2022, 5, 6, 13, 33),
      yearFrom: 'case',
    });
    expect(parseGoto('jun 6 21:33:21', CTX)).toMatchObject({ ts: Date.UTC(2022, 5, 6, 13, 33, 21) });
    expect(parseGoto('June 6, 2021 21:33', CTX)).toMatchObject({
      ts: Date.UTC(2021, 5, 6, 13, 33),
      yearFrom: 'typed',
    });
  });

  it('reads ISO times, with or without a zone', () => {
    expect(parseGoto('2022-06-06 21:33:21', CTX)).toMatchObject({ ts: Date.UTC(2022, 5, 6, 13, 33, 21) });
    expect(parseGoto('2022-06-06T13:33:21Z', CTX)).toMatchObject({ ts: Date.UTC(2022, 5, 6, 13, 33, 21) });
    expect(parseGoto('2022-06-06T21:33:21+08:00', { ...CTX, offsetMin: null })).toMatchObject({
      ts: Date.UTC(2022, 5, 6, 13, 33, 21),
    });
    expect(parseGoto('2022-06-06', CTX)).toMatchObject({ ts: Date.UTC(2022, 5, 5, 16, 0) });
  });

  it('reads a Chinese date', () => {
    expect(parseGoto('6月6日 21:33', CTX)).toMatchObject({ ts: Date.UTC(2022, 5, 6, 13, 33) });
    expect(parseGoto('2021年6月6日 21:33：05', CTX)).toMatchObject({ ts: Date.UTC(2021, 5, 6, 13, 33, 5) });
  });

  it('takes the later year when a case spans New Year and the first does not fit', () => {
    const ctx = { firstTs: Date.UTC(2022, 11, 30), lastTs: Date.UTC(2023, 0, 2), offsetMin: 0 };
    expect(parseGoto('Jan 1 10:00', ctx)).toMatchObject({ ts: Date.UTC(2023, 0, 1, 10) });
    expect(parseGoto('Dec 31 10:00', ctx)).toMatchObject({ ts: Date.UTC(2022, 11, 31, 10) });
  });

  it('refuses what is not a line or a time', () => {
    expect(parseGoto('not a time', CTX)).toEqual({ kind: 'invalid' });
    expect(parseGoto('Feb 30 10:00', CTX)).toEqual({ kind: 'invalid' });
    expect(parseGoto('2022-13-01', CTX)).toEqual({ kind: 'invalid' });
    expect(parseGoto('Jun 6 25:00', CTX)).toEqual({ kind: 'invalid' });
  });
});
