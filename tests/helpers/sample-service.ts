/**
 * A WorkbenchService over a real engine worker with the sample case open, as the browser host
 * runs it, for the integration tests of service calls: opened before the tests of the calling
 * describe block, disposed after them.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { EngineClient } from '../../src/main/engine/client';
import { dispatchCall } from '../../src/main/services/dispatch';
import type { PdfPrinter } from '../../src/main/services/ports';
import { WorkbenchService } from '../../src/main/services/workbench-service';
import { DownloadSink } from '../../src/main/transports/browser-host';
import { tmpDir } from './tmp';

export interface SampleService {
  dir: string;
  engine: EngineClient;
  sink: DownloadSink;
  service: WorkbenchService;
  /** Set once the sample case is open (in beforeAll). */
  caseId: string;
  /** A contract call through the validated dispatch. */
  call: (name: string, input: unknown) => Promise<unknown>;
}

export function sampleService(prefix: string, printer: () => PdfPrinter): SampleService {
  const dir = tmpDir(prefix);
  const engine = new EngineClient();
  const sink = new DownloadSink();
  const service = new WorkbenchService({
    engine,
    casesDir: path.join(dir, 'cases'),
    transport: 'browser-host',
    version: 'test',
    printer,
    sink,
  });
  const s: SampleService = {
    dir,
    engine,
    sink,
    service,
    caseId: '',
    call: (name, input) => dispatchCall(service, name, input),
  };
  beforeAll(async () => {
    const r = await service.openSample();
    if (r.jobId) await service.waitForJob(r.jobId);
    s.caseId = r.caseId;
  });
  afterAll(async () => {
    sink.dispose();
    await service.dispose();
    await engine.close();
  });
  return s;
}
