/**
 * Native open and save dialogs, shown by main only: the page never sees a path, it asks the
 * service to open something and the service asks the `PathPicker`.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { copyFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportResult } from '../../shared/api';
import type { ArtifactSink, PathPicker } from '../services/ports';

/** Archive kinds the ingest reads; the dialog also offers "All files" for logs with odd names. */
export const ARCHIVE_EXTENSIONS = [
  'tar',
  'gz',
  'tgz',
  'xz',
  'txz',
  'bz2',
  'tbz2',
  'zst',
  'tzst',
  'zip',
] as const;
export const CASE_EXTENSION = 'pmcase';

const ALL_FILES = { name: 'All files', extensions: ['*'] };

function openOptions(kind: 'archive' | 'folder' | 'files'): OpenDialogOptions {
  switch (kind) {
    case 'archive':
      return {
        title: 'Open Archive',
        properties: ['openFile', 'treatPackageAsDirectory'],
        filters: [
          { name: 'Archives (sosreport, tarballs, zip)', extensions: [...ARCHIVE_EXTENSIONS] },
          ALL_FILES,
        ],
      };
    case 'folder':
      return { title: 'Open Folder', properties: ['openDirectory'] };
    case 'files':
      return { title: 'Open Files', properties: ['openFile', 'multiSelections'], filters: [ALL_FILES] };
  }
}

/** `window()` is read at each call: dialogs are modal to whichever window is current. */
export class ElectronPathPicker implements PathPicker {
  constructor(private readonly window: () => BrowserWindow | null) {}

  async pickInputs(kind: 'archive' | 'folder' | 'files'): Promise<string[] | null> {
    const parent = this.window();
    const options = openOptions(kind);
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
  }

  async pickCaseFile(): Promise<string | null> {
    const parent = this.window();
    const options: OpenDialogOptions = {
      title: 'Open Case',
      properties: ['openFile'],
      filters: [{ name: 'Postmortem case', extensions: [CASE_EXTENSION] }],
    };
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  }
}

const MIME_EXTENSIONS: Readonly<Record<string, { name: string; extensions: string[] }>> = {
  'application/pdf': { name: 'PDF document', extensions: ['pdf'] },
  'text/html': { name: 'HTML document', extensions: ['html'] },
  'text/markdown': { name: 'Markdown document', extensions: ['md'] },
  'application/x-ndjson': { name: 'Timeline (JSON lines)', extensions: ['jsonl'] },
  'text/csv': { name: 'Timeline for Timesketch (CSV)', extensions: ['csv'] },
};

/** Delivers an exported report through a save dialog; the file is written whole or not at all. */
export class ElectronArtifactSink implements ArtifactSink {
  constructor(
    private readonly window: () => BrowserWindow | null,
    private readonly defaultDir: () => string,
  ) {}

  async deliver(fileName: string, bytes: Buffer, mime: string): Promise<ExportResult> {
    const parent = this.window();
    const filter = MIME_EXTENSIONS[mime.split(';')[0]?.trim() ?? ''];
    const options = {
      title: 'Export Report',
      defaultPath: join(this.defaultDir(), basename(fileName)),
      filters: filter ? [filter] : [],
    };
    const result = parent
      ? await dialog.showSaveDialog(parent, options)
      : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return { status: 'cancelled' };
    const target = result.filePath;
    const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.part`);
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, target);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
    return { status: 'saved', fileName: basename(target), bytes: bytes.byteLength };
  }

  /** A file already on disk (timeline exports): moved to where the user saves it, removed when cancelled. */
  async deliverFile(fileName: string, file: string, mime: string): Promise<ExportResult> {
    try {
      const target = await this.askTarget(fileName, mime);
      if (!target) return { status: 'cancelled' };
      const size = statSync(file).size;
      try {
        renameSync(file, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        // Another file system: copy beside the target, then rename into place.
        const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.part`);
        try {
          copyFileSync(file, tmp);
          renameSync(tmp, target);
        } catch (copyError) {
          rmSync(tmp, { force: true });
          throw copyError;
        }
      }
      return { status: 'saved', fileName: basename(target), bytes: size };
    } finally {
      rmSync(file, { force: true });
    }
  }

  private async askTarget(fileName: string, mime: string): Promise<string | null> {
    const parent = this.window();
    const filter = MIME_EXTENSIONS[mime.split(';')[0]?.trim() ?? ''];
    const options = {
      title: 'Export',
      defaultPath: join(this.defaultDir(), basename(fileName)),
      filters: filter ? [filter] : [],
    };
    const result = parent
      ? await dialog.showSaveDialog(parent, options)
      : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  }
}
