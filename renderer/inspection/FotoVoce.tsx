import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import type { PhotoMeta } from '../../shared/api/contract.ts';
import { withoutControls } from '../../shared/text.ts';
import { useQuery } from '@tanstack/react-query';
import { apiQuery, useApiMutation } from '../api/queries.ts';
import { useInspection, usePhotos } from './context.tsx';

const MAX_BYTES = 14_000_000; // base64 of this stays under the contract's 20 MB string
const ACCEPTED = ['image/jpeg', 'image/png'] as const;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Photos of one item: add (jpeg/png), see thumbnails, remove while the visit is a draft. */
export function FotoVoce({ itemId, itemText }: { itemId: string; itemText: string }) {
  const { detail, setPhotos, readOnly } = useInspection();
  const photos = usePhotos();
  const mine = photos.filter((p) => p.itemId === itemId);
  const inputId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const addPhoto = useApiMutation('photos.add');
  const removePhoto = useApiMutation('photos.remove');

  async function add(e: ChangeEvent<HTMLInputElement>) {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    setError(null);
    setBusy(true);
    try {
      for (const file of files) {
        const mime = ACCEPTED.find((m) => m === file.type);
        if (!mime) {
          setError(`${file.name}: sono ammesse solo foto JPEG o PNG`);
          continue;
        }
        if (file.size > MAX_BYTES) {
          setError(`${file.name}: foto troppo grande (massimo 14 MB)`);
          continue;
        }
        const dataBase64 = toBase64(new Uint8Array(await file.arrayBuffer()));
        // A file name may hold characters no field accepts (a line feed, on Linux): not worth a refusal.
        const name = withoutControls(file.name).trim();
        const r = await addPhoto.mutateAsync({
          inspectionId: detail.id,
          itemId,
          mime,
          dataBase64,
          caption: name.slice(0, 500),
          fileName: name.slice(0, 255),
        });
        if (!r.ok) setError(r.error.message.includes(`«${name.slice(0, 255)}»`) ? r.error.message : `${file.name}: ${r.error.message}`);
        else setPhotos((all) => [...all, r.value]);
      }
    } finally {
      setBusy(false);
    }
  }

  async function remove(photo: PhotoMeta) {
    const r = await removePhoto.mutateAsync({ id: photo.id });
    if (!r.ok) setError(r.error.message);
    else setPhotos((all) => all.filter((p) => p.id !== photo.id));
  }

  if (readOnly && !mine.length) return null;
  return (
    <div className="foto">
      {mine.length > 0 && (
        <ul className="thumbs" aria-label={`Foto della voce (${mine.length})`}>
          {mine.map((p, i) => (
            <li key={p.id}>
              <Miniatura photo={p} label={`Foto ${i + 1} della voce: ${p.caption || 'senza didascalia'}`} />
              {!readOnly && (
                <button
                  type="button"
                  className="button-quiet button-small"
                  onClick={() => void remove(p)}
                  aria-label={`Rimuovi foto ${i + 1}`}
                >
                  Rimuovi
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <div className="file-field">
          <input
            id={inputId}
            type="file"
            accept="image/jpeg,image/png"
            multiple
            onChange={(e) => void add(e)}
            className="visually-hidden-file"
            aria-label={`Aggiungi foto alla voce: ${itemText}`}
          />
          <label htmlFor={inputId} className="button button-small">
            {busy ? 'Caricamento…' : 'Aggiungi foto'}
          </label>
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A photo's bytes never change (a new photo is a new id): read once, kept while thumbnails show it. */
const PHOTO_OPTIONS = { staleTime: Infinity, gcTime: 10 * 60_000 } as const;

/**
 * A thumbnail drawn on a canvas from the decoded bytes: no data: or blob: URL, so it shows under a
 * CSP that allows images only from 'self'.
 */
function Miniatura({ photo, label }: { photo: PhotoMeta; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [undecodable, setUndecodable] = useState(false);
  const bytes = useQuery({ ...apiQuery('photos.get', { id: photo.id }), ...PHOTO_OPTIONS });
  const data = bytes.data;
  useEffect(() => {
    if (!data) return;
    let live = true;
    createImageBitmap(new Blob([fromBase64(data.dataBase64)], { type: data.mime }), { resizeHeight: 160, resizeQuality: 'medium' }).then(
      (bitmap) => {
        const c = canvas.current;
        if (!live || !c) return;
        c.width = Math.round((bitmap.width / bitmap.height) * 160);
        c.height = 160;
        c.getContext('2d')?.drawImage(bitmap, 0, 0);
      },
      () => live && setUndecodable(true),
    );
    return () => {
      live = false;
    };
  }, [data]);
  if (bytes.isError || undecodable) return <span className="thumb-missing">Foto non disponibile</span>;
  return <canvas ref={canvas} className="thumb" role="img" aria-label={label} width={120} height={160} />;
}
