import MarkdownIt from 'markdown-it';

/**
 * Note and report bodies are markdown the engineer wrote, often with pasted log text. Raw HTML
 * is off (`html: false`: a `<script>` or `<img onerror>` pasted from a log shows as text), and
 * images, links and autolinks are off too: an image would be a network request from an
 * offline tool, and a link would navigate the workbench away.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true }).disable([
  'image',
  'link',
  'autolink',
]);

/** Safe HTML for a markdown body (markdown-it escapes every `<`, `>` and `&` of the text). */
export function renderMarkdown(body: string): string {
  return md.render(body);
}
