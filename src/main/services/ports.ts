/**
 * What the services need from their host and get injected: native dialogs, PDF printing,
 * delivering an exported file. Electron implements them in window/ and platform/; the
 * CLI and the browser host implement them without Electron.
 */
import type { ExportResult } from '../../shared/api';

export interface PathPicker {
  /** Native open dialog for inputs; null when the user cancelled. */
  pickInputs(kind: 'archive' | 'folder' | 'files'): Promise<string[] | null>;
  /** Native open dialog for an existing `.pmcase`; null when cancelled. */
  pickCaseFile(): Promise<string | null>;
}

export interface PdfOptions {
  format: 'A4' | 'Letter';
  title: string;
  /** HTML for the page header and footer (Chromium's `pageNumber` / `totalPages` / `title` classes). */
  headerTemplate: string;
  footerTemplate: string;
  /** A PDF outline (bookmarks) from the headings: Playwright `outline`, Electron `generateDocumentOutline`. Default true. */
  outline?: boolean;
  /** A tagged (accessible) PDF: Playwright `tagged`, Electron `generateTaggedPDF`. Default true. */
  tagged?: boolean;
}

/** Chromium's print engine: Electron printToPDF in the app, playwright-core + system Chromium elsewhere. */
export interface PdfPrinter {
  printToPdf(html: string, options: PdfOptions): Promise<Buffer>;
  /** Starts the printer ahead of the first print (e.g. launches Chromium while the case is read). */
  warmUp?(): Promise<void>;
  close?(): Promise<void>;
}

/** Hands an exported file to the user: a save dialog in Electron, a download URL in the browser host. */
export interface ArtifactSink {
  deliver(fileName: string, bytes: Buffer, mime: string): Promise<ExportResult>;
  /**
   * Hands over a file already written on this host's disk (a timeline export too big for
   * memory). The sink takes ownership: it moves, serves or deletes it.
   */
  deliverFile(fileName: string, file: string, mime: string): Promise<ExportResult>;
}
