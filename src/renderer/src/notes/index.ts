/**
 * Notes (issue 8): the annotations store and its action API. Other parts of the workbench call
 * `startNote` (viewer context menu and shortcut, finding cards, timeline spans).
 */
export { startNote, useNotes, type NoteTarget } from './store';
export { NoteEditor, SaveBadge, UndoToast } from './NoteEditor';
export { renderMarkdown } from './markdown';
