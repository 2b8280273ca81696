/**
 * pdfmake 0.3 on the server, locked down: the fonts are read once from `resources/fonts/` into
 * pdfmake's virtual file system, and every other file or URL a document might name is refused,
 * so a report can never fetch anything (the laptop is offline, and a report must not leak).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { resourceDirs } from './resources.ts';

interface PdfMakeServer {
  virtualfs: { writeFileSync(name: string, content: Buffer): void; existsSync(name: string): boolean };
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(doc: unknown, options?: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

export const FONT_FILES = {
  normal: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italics: 'DejaVuSans-Oblique.ttf',
  bolditalics: 'DejaVuSans-BoldOblique.ttf',
} as const;

export const FONT_FAMILY = 'DejaVuSans';

/**
 * Where the fonts are: `VIGILANZA_FONTS_DIR`, else `resources/fonts` found walking up from this
 * module (sources: report/ → ../resources; bundled CLI: dist/cli/ → ../../resources).
 */
export function findFontsDir(): string {
  const candidates = resourceDirs('fonts', 'VIGILANZA_FONTS_DIR');
  for (const c of candidates) if (existsSync(join(c, FONT_FILES.normal))) return c;
  throw new Error(`caratteri del referto non trovati (${FONT_FILES.normal}); cercati in: ${candidates.join(', ')}`);
}

let engine: PdfMakeServer | null = null;

function pdfmake(): PdfMakeServer {
  if (engine) return engine;
  const require = createRequire(import.meta.url);
  const pm = require('pdfmake') as PdfMakeServer;
  const dir = findFontsDir();
  const names = {} as Record<keyof typeof FONT_FILES, string>;
  for (const [style, file] of Object.entries(FONT_FILES) as Array<[keyof typeof FONT_FILES, string]>) {
    const name = `vigilanza-fonts/${file}`;
    if (!pm.virtualfs.existsSync(name)) pm.virtualfs.writeFileSync(name, readFileSync(join(dir, file)));
    names[style] = name;
  }
  pm.setFonts({ [FONT_FAMILY]: names });
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy(() => false);
  engine = pm;
  return pm;
}

/** Renders a document definition to PDF bytes. */
export async function renderPdf(doc: TDocumentDefinitions): Promise<Buffer> {
  return pdfmake().createPdf(doc).getBuffer();
}
