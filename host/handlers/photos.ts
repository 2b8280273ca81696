/** Photos of a draft: checked to be the image they claim before they are stored, and named to the inspector when one no longer reads. */
import type { PhotoMeta } from '../../shared/api/contract.ts';
import type { Store } from '../../db/store.ts';
import { strictBase64 } from '../base64.ts';
import { decodePhoto, PhotoProblem } from '../photos.ts';
import { photoUnreadable } from '../reports.ts';
import { fail, InvalidInput, type AsyncHandlers, type HandlerContext, type Handlers, type Input } from './context.ts';

const MIME_MAGIC: Record<'image/jpeg' | 'image/png', number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};
type PhotoInput = Input<'photos.add'>;

/** "foto n. 2 «ingresso» (voce A.x)": how a stored photo is named to the inspector. */
export const photoName = (p: PhotoMeta, index: number) =>
  `foto n. ${index + 1}${p.caption ? ` «${p.caption}»` : ''}${p.itemId ? ` (voce ${p.itemId})` : ''}`;

/** The photos of an inspection that do not decode (stored before photos were decoded at entry, or damaged on disk). */
export async function unreadablePhotos(
  store: Store,
  inspectionId: string,
): Promise<Array<{ photo: PhotoMeta; index: number; reason: string }>> {
  const out: Array<{ photo: PhotoMeta; index: number; reason: string }> = [];
  for (const [index, photo] of store.photos.listByInspection(inspectionId).entries()) {
    const reason = await photoUnreadable(store, photo);
    if (reason) out.push({ photo, index, reason });
  }
  return out;
}

/** The bytes, once they are base64 of something that starts like the declared format. */
function photoBytes({ mime, dataBase64 }: PhotoInput): Buffer {
  const bytes = strictBase64(dataBase64) ?? fail('dataBase64', 'il contenuto non è in base64 valido');
  const magic = MIME_MAGIC[mime];
  if (bytes.length < magic.length || !magic.every((b, i) => bytes[i] === b))
    fail('dataBase64', `il contenuto non è un'immagine ${mime === 'image/png' ? 'PNG' : 'JPEG'}`);
  return bytes;
}

function photoStore(ctx: HandlerContext) {
  const { store } = ctx;
  return {
    checkTarget({ inspectionId, itemId }: PhotoInput): void {
      const r = store.inspections.draft(inspectionId, 'inspectionId');
      if (itemId !== null) ctx.checkItem(r.ruleSet, itemId);
    },
    save: ({ inspectionId, itemId, mime, caption }: PhotoInput, bytes: Buffer) =>
      store.photos.add({ inspectionId, itemId, mime, caption, bytes }),
  };
}

export function photoHandlers(ctx: HandlerContext): Pick<Handlers, 'photos.add' | 'photos.get' | 'photos.remove'> {
  const { store } = ctx;
  const photos = photoStore(ctx);
  return {
    'photos.add': (input) => {
      photos.checkTarget(input);
      return photos.save(input, photoBytes(input));
    },
    'photos.get': ({ id }) => {
      const { meta, bytes } = store.photos.bytes(id);
      return { mime: meta.mime, dataBase64: bytes.toString('base64') };
    },
    'photos.remove': ({ id }) => ({ removed: store.photos.remove(id) }),
  };
}

export function asyncPhotoHandlers(ctx: HandlerContext): Pick<AsyncHandlers, 'photos.add'> {
  const photos = photoStore(ctx);
  return {
    // Decoded in full before anything is stored: the refusal names the file the inspector chose.
    'photos.add': async (input) => {
      photos.checkTarget(input);
      const bytes = photoBytes(input);
      try {
        await decodePhoto(bytes, input.mime);
      } catch (e) {
        if (!(e instanceof PhotoProblem)) throw e;
        const name = input.fileName ?? input.caption;
        throw new InvalidInput({
          code: 'invalid',
          field: 'dataBase64',
          message: `foto${name ? ` «${name}»` : ''}: l'immagine ${e.message}`,
        });
      }
      return photos.save(input, bytes);
    },
  };
}
