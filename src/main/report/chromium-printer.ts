/**
 * PdfPrinter for the CLI, the browser host and the tests: the system Chromium driven by
 * playwright-core (`npx playwright install` cannot download browsers on these machines).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { PdfOptions, PdfPrinter } from '../services/ports';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium to drive: $POSTMORTEM_CHROMIUM, else the usual system locations. */
export function findChromium(): string | null {
  const candidates = [
    process.env.POSTMORTEM_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** Where the last print spent its time (ms), for the benchmark. */
export interface PrintTimings {
  launchMs: number;
  setContentMs: number;
  pdfMs: number;
}

export class ChromiumPdfPrinter implements PdfPrinter {
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  lastTimings: PrintTimings | null = null;

  /**
   * Starts Chromium now, so its launch (≈ 1–2 s idle, far more on a loaded machine) overlaps
   * reading the case and drafting instead of following them. Safe to call more than once.
   */
  warmUp(): Promise<void> {
    return this.launch().then(
      () => undefined,
      () => undefined,
    );
  }

  private launch(): Promise<Browser> {
    if (this.browser) return Promise.resolve(this.browser);
    this.launching ??= this.start().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async start(): Promise<Browser> {
    const executablePath = findChromium();
    if (!executablePath) {
      throw new Error(
        'no Chromium found to print the PDF: install Chromium (Debian: apt-get install chromium) or set POSTMORTEM_CHROMIUM',
      );
    }
    const { chromium } = await import('playwright-core');
    // playwright gives the browser a fresh temporary profile of its own.
    this.browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    return this.browser;
  }

  async printToPdf(html: string, options: PdfOptions): Promise<Buffer> {
    const t0 = performance.now();
    const browser = await this.launch();
    const t1 = performance.now();
    const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      const t2 = performance.now();
      const pdf = await page.pdf({
        format: options.format,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: options.headerTemplate,
        footerTemplate: options.footerTemplate,
        margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
        tagged: options.tagged ?? true,
        outline: options.outline ?? true,
      });
      this.lastTimings = { launchMs: t1 - t0, setContentMs: t2 - t1, pdfMs: performance.now() - t2 };
      return pdf;
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    await this.browser?.close();
    this.browser = null;
  }
}
