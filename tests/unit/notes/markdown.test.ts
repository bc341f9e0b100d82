import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/renderer/src/notes/markdown';

describe('renderMarkdown (note bodies)', () => {
  it('renders emphasis, lists and code', () => {
    const html = renderMarkdown('**OOM** of `stream_convert`\n\n- no swap\n- flood');
    expect(html).toContain('<strong>OOM</strong>');
    expect(html).toContain('<code>stream_convert</code>');
    expect(html).toContain('<li>no swap</li>');
  });

  it('never interprets log text as HTML', () => {
    const html = renderMarkdown('kernel: <script>alert(1)</script> <img src=x onerror=alert(2)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('makes no image request and no link', () => {
    const html = renderMarkdown(
      '![x](http://example.com/a.png) [here](javascript:alert(1)) <http://example.com>',
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<a ');
  });
});
