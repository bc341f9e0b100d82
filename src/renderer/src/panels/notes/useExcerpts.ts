/** The Notes panel reads its notes' lines through the shared cache in notes/lines.ts. */
export { sourceOfLine, useNoteExcerpts as useExcerpts, type Excerpt } from '../../notes/lines';
