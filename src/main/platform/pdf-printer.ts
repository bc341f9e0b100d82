/**
 * The app's `PdfPrinter`: Chromium's print engine through a hidden window's `printToPDF`, the
 * same engine the CLI drives through playwright-core, so both print the same report the same way.
 * The report is loaded from a private temp folder into an in-memory session with JavaScript off
 * and no network: it quotes customer log lines and must stay inert.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrowserWindow, session as electronSession, type Session } from 'electron';
import type { PdfOptions, PdfPrinter } from '../services/ports';

const PRINT_PARTITION = 'pm-print';
/** Room for Chromium's header and footer templates (inches). */
const MARGINS = { top: 0.63, bottom: 0.63, left: 0.55, right: 0.55 } as const; // 16 mm / 14 mm, as the CLI's printer

function lockPrintSession(session: Session): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    callback({ cancel: !(url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export class ElectronPdfPrinter implements PdfPrinter {
  private session: Session | null = null;

  /** `tempDir`: where the report page is staged while it prints (app.getPath('temp')). */
  constructor(private readonly tempDir: string) {}

  private printSession(): Session {
    if (!this.session) {
      this.session = electronSession.fromPartition(PRINT_PARTITION);
      lockPrintSession(this.session);
    }
    return this.session;
  }

  async printToPdf(html: string, options: PdfOptions): Promise<Buffer> {
    const dir = await mkdtemp(join(this.tempDir, 'postmortem-print-'));
    const page = join(dir, 'report.html');
    const window = new BrowserWindow({
      show: false,
      title: options.title,
      webPreferences: {
        session: this.printSession(),
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
        javascript: false,
        spellcheck: false,
      },
    });
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    window.webContents.on('will-navigate', (event) => event.preventDefault());
    try {
      await writeFile(page, html, 'utf8');
      await window.loadFile(page);
      const pdf = await window.webContents.printToPDF({
        pageSize: options.format,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: options.headerTemplate,
        footerTemplate: options.footerTemplate,
        margins: MARGINS,
        generateTaggedPDF: options.tagged ?? true,
        generateDocumentOutline: options.outline ?? true,
      });
      return Buffer.from(pdf);
    } finally {
      window.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }
}
