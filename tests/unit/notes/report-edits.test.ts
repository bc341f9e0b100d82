import { describe, expect, it } from 'vitest';
import type { ReportDraft } from '../../../src/shared/model/report';
import { editsOf, mergeGenerated, moveTo } from '../../../src/renderer/src/report/edits';

function draft(): ReportDraft {
  return {
    lang: 'zh-CN',
    title: 'video-stream 故障',
    customer: '',
    host: 'video-stream',
    windowFrom: Date.UTC(2022, 5, 6, 13, 33, 13),
    windowTo: Date.UTC(2022, 5, 8, 2, 10),
    sections: [
      { id: 'summary', title: '概述', generated: 'OOM → flood', body: null, enabled: true },
      { id: 'timeline', title: '关键事件时间线', generated: '- 21:33:14', body: 'mine', enabled: true },
      { id: 'appendix', title: '附录', generated: 'sha256', body: null, enabled: false },
    ],
    excerptAnnotationIds: null,
    updatedAt: 1,
  };
}

describe('report editor edits', () => {
  it('keeps what the engineer can change, never the generated text', () => {
    const edits = editsOf(draft());
    expect(edits.sections).toEqual([
      { id: 'summary', title: '概述', body: null, enabled: true },
      { id: 'timeline', title: '关键事件时间线', body: 'mine', enabled: true },
      { id: 'appendix', title: '附录', body: null, enabled: false },
    ]);
    expect(edits).not.toHaveProperty('updatedAt');
    expect(edits.lang).toBe('zh-CN');
  });

  it('moves a section to an index, clamped, others in order', () => {
    const ids = ['summary', 'timeline', 'oom', 'appendix'];
    expect(moveTo(ids, 3, 1)).toEqual(['summary', 'appendix', 'timeline', 'oom']);
    expect(moveTo(ids, 0, 9)).toEqual(['timeline', 'oom', 'appendix', 'summary']);
    expect(moveTo(ids, 1, -1)).toEqual(['timeline', 'summary', 'oom', 'appendix']);
    expect(moveTo(ids, 2, 2)).toBe(ids);
    expect(moveTo(ids, 7, 0)).toBe(ids);
  });

  it('takes the host’s regenerated texts under the local edits', () => {
    const local = draft();
    const saved = draft();
    saved.sections[0]!.generated = 'OOM → flood → reset';
    saved.sections[1]!.body = 'stale';
    const merged = mergeGenerated(local, saved);
    expect(merged[0]!.generated).toBe('OOM → flood → reset');
    expect(merged[1]!.body).toBe('mine');
  });
});
