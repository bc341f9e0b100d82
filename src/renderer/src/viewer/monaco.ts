/**
 * Monaco with only what a read-only log viewer needs (0.56+ entry points: features are opt-in).
 * The editor worker runs off the main thread; Monaco would otherwise silently fall back to
 * running worker code on the UI thread, which the e2e test guards against.
 */
import * as monaco from 'monaco-editor/editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/links/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/wordOperations/register';
// Also instantiates the editor worker service, whose default link provider runs in the worker.
import 'monaco-editor/features/unicodeHighlighter/register';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

// Offline app (ARCHITECTURE decision 6): a URL printed in a log is evidence, not a destination.
// Links are still detected (in the worker) and shown, but following one opens nothing.
monaco.editor.registerLinkOpener({ open: () => true });

export { monaco };
