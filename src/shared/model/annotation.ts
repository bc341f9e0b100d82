/** An engineer's note, anchored so it survives re-ingest (source sha256 + line number + text hash). */
export interface Annotation {
  annotationId: number;
  /** Anchor: a line (or a range starting there) of one source. */
  anchor: AnnotationAnchor | null;
  /** The finding the note is about (`Finding.findingKey`), when made from a finding. */
  findingKey: string | null;
  /** Optional time span (UTC ms) when the note is about a span rather than lines. */
  spanStart: number | null;
  spanEnd: number | null;
  /** Markdown. */
  body: string;
  tags: string[];
  starred: boolean;
  createdAt: number;
  updatedAt: number;
  /** True when the anchored line can no longer be found (never dropped). */
  orphaned: boolean;
  /** Current global line id of the anchor, when attached. */
  lineId: number | null;
}

export interface AnnotationAnchor {
  sourceSha256: string;
  sourcePath: string;
  lineNo: number;
  lineCount: number;
  /** sha1 of the anchored line's text, hex. */
  textHash: string;
}
